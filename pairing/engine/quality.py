"""Quality figures of a solution: how good, how fair, who is left out and why."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from pairing.engine.candidates import Candidates
from pairing.engine.features import Features, IntArray
from pairing.engine.model import SCORE_SCALE, Pair, Person, Unmatched
from pairing.engine.reasons import reasons_by_code

EXAMPLES = 5


def figures(
    features: Features,
    cands: Candidates,
    chosen: IntArray,
    pairs: Sequence[Pair],
    unmatched: Sequence[Unmatched],
    optimum: int,
    optimality: dict[str, object],
) -> dict[str, object]:
    """`chosen` indexes `cands`; `optimum` is the scaled total of the optimum over the final
    candidates (equal to this solution's unless a floor was raised) and `optimality` what
    is proven about it (certify.py)."""
    scores = np.array([p.score for p in pairs], dtype=np.float64)
    total = float(scores.sum())
    objective = int(cands.scores[chosen].sum())
    people = len(features.rows) if features.general else len(features.rows) + len(features.cols)
    out: dict[str, object] = {
        "total_score": round(total, 3),
        "pairs": len(pairs),
        "people": people,
        "matched_people": len({p.mentor_id for p in pairs} | {p.mentee_id for p in pairs}),
        "mean_score": round(float(scores.mean()), 3) if len(scores) else 0.0,
        "optimum": _optimum(cands, objective, optimum, optimality),
        "weakest_pair": _weakest(pairs),
        "score_percentiles": _percentiles(scores),
        "unmatched": {
            "total": len(unmatched),
            "by_role": reasons_by_role(unmatched),
            "by_reason": reasons_by_code(unmatched),
        },
        "blocking_pairs": _blocking(features, cands, chosen),
        "by_org_unit": _by_group(features, pairs, lambda p: p.org_unit_id),
        "by_level": _by_group(features, pairs, lambda p: p.level),
        "candidates": {
            "pairs": len(cands),
            "per_person": features.rules.candidates_per_person,
            "complete": cands.complete,
            "allowed_pairs": cands.allowed,
        },
    }
    if not features.general:
        out["mentor_load"] = _mentor_load(features, pairs)
    return out


def _optimum(cands: Candidates, objective: int, optimum: int, optimality: dict[str, object]) -> dict[str, object]:
    """What is proven. `status`: "certified" (mentor/mentee pools: pricing proved that no
    allowed pair, pruned or not, improves the total), "exact" (general pools solved over
    every allowed pair), "bounded" (general pools: within `gap` of a certified upper bound),
    "not certified" (pricing stopped early; `upper_bound` is still a valid bound).
    `optimal` is true only with a proof; `share_of_optimum` is below 1 only when a floor
    was raised."""
    upper = optimality.get("upper_bound", optimum)
    bound = max(int(upper), optimum) if isinstance(upper, int | float) else optimum
    out: dict[str, object] = {
        "status": optimality["status"],
        "optimal": bool(optimality.get("proven")),
        "exact": bool(optimality.get("proven")),  # kept for readers of older runs
        "optimum_total": round(optimum / SCORE_SCALE, 3),
        "share_of_optimum": round(objective / optimum, 6) if optimum else 1.0,
        "upper_bound": round(bound / SCORE_SCALE, 3),
        "gap": round((bound - objective) / bound, 6) if bound else 0.0,
    }
    for key in ("rounds", "priced_in", "pairs_rescored"):
        if key in optimality:
            out[key] = optimality[key]
    return out


def _weakest(pairs: Sequence[Pair]) -> dict[str, object] | None:
    if not pairs:
        return None
    weakest = min(pairs, key=lambda p: (p.score, p.mentor_id, p.mentee_id))
    return {"mentor_id": weakest.mentor_id, "mentee_id": weakest.mentee_id, "score": weakest.score}


def _percentiles(scores: np.ndarray) -> dict[str, float]:
    if not len(scores):
        return {}
    return {f"p{q}": round(float(np.percentile(scores, q)), 3) for q in (5, 10, 25, 50)}


def reasons_by_role(unmatched: Sequence[Unmatched]) -> dict[str, int]:
    tally: dict[str, int] = {}
    for u in unmatched:
        tally[u.role] = tally.get(u.role, 0) + 1
    return dict(sorted(tally.items()))


def _mentor_load(features: Features, pairs: Sequence[Pair]) -> dict[str, object]:
    load: dict[int, int] = {}
    for p in pairs:
        load[p.mentor_id] = load.get(p.mentor_id, 0) + 1
    mentors = [m for m in features.cols.people if m.capacity > 0]
    used = [load.get(m.id, 0) for m in mentors]
    slots = sum(m.capacity for m in mentors)
    histogram: dict[str, int] = {}
    for n in used:
        histogram[str(n)] = histogram.get(str(n), 0) + 1
    return {
        "mentors": len(mentors),
        "slots": slots,
        "slots_used": sum(used),
        "utilisation": round(sum(used) / slots, 4) if slots else 0.0,
        "at_capacity": sum(1 for m, n in zip(mentors, used, strict=True) if n >= m.capacity),
        "without_mentee": sum(1 for n in used if n == 0),
        "mentees_per_mentor": dict(sorted(histogram.items(), key=lambda kv: int(kv[0]))),
    }


def _blocking(features: Features, cands: Candidates, chosen: IntArray) -> dict[str, object]:
    """Pairs who would both score higher with each other than with their assigned partners
    (an unmatched person or a mentor with a free slot gains from any allowed pair)."""
    n_rows, n_cols = len(features.rows), len(features.cols)
    row_now = np.full(n_rows, -1, dtype=np.int64)
    rows, cols, scores = cands.rows[chosen], cands.cols[chosen], cands.scores[chosen]
    row_now[rows] = scores
    if features.general:
        row_now[cols] = scores
        col_now = row_now
    else:
        # A full mentor would drop their weakest mentee; one with a free slot gains anyone.
        col_now = np.full(n_cols, np.iinfo(np.int64).max, dtype=np.int64)
        np.minimum.at(col_now, cols, scores)
        load = np.bincount(cols, minlength=n_cols)
        col_now[load < features.cols.capacity] = -1
    in_solution = np.zeros(len(cands), dtype=bool)
    in_solution[chosen] = True
    blocking = ~in_solution & (cands.scores > row_now[cands.rows]) & (cands.scores > col_now[cands.cols])
    found = np.nonzero(blocking)[0]
    examples = [
        {
            "a": int(features.rows.ids[cands.rows[i]]),
            "b": int(features.cols.ids[cands.cols[i]]),
            "score": round(int(cands.scores[i]) / SCORE_SCALE, 3),
        }
        for i in found[:EXAMPLES].tolist()
    ]
    return {
        "count": len(found),
        "checked": "every allowed pair" if cands.complete else "candidate pairs",
        "examples": examples,
    }


def _by_group(features: Features, pairs: Sequence[Pair], key: Callable[[Person], object]) -> dict[str, object]:
    """Match rate and mean score of the learning side (everyone in a general pool)."""
    score_of: dict[int, float] = {}
    for p in pairs:
        score_of[p.mentee_id] = p.score
        if features.general:
            score_of[p.mentor_id] = p.score
    groups: dict[str, list[Person]] = {}
    for person in features.rows.people:
        groups.setdefault(str(key(person)), []).append(person)
    out: dict[str, object] = {}
    for name in sorted(groups, key=_natural):
        members = groups[name]
        got = [score_of[p.id] for p in members if p.id in score_of]
        out[name] = {
            "people": len(members),
            "matched": len(got),
            "match_rate": round(len(got) / len(members), 4),
            "mean_score": round(sum(got) / len(got), 3) if got else None,
        }
    return out


def _natural(name: str) -> tuple[int, int | str]:
    return (0, int(name)) if name.lstrip("-").isdigit() else (1, name)
