"""solve(): people and rules in, pairs with explanations, reasons and figures out."""

from __future__ import annotations

import time
from collections.abc import Sequence

from pairing.engine import assign, candidates, features, quality, reasons
from pairing.engine.explain import make_pair
from pairing.engine.features import IntArray
from pairing.engine.model import SCORE_SCALE, Person, Rules, Solution


def pool_people(mentors: Sequence[Person], mentees: Sequence[Person]) -> list[Person]:
    """Everyone once, for reciprocal and peer pools (a person may be listed on both sides)."""
    by_id: dict[int, Person] = {}
    for person in (*mentors, *mentees):
        known = by_id.setdefault(person.id, person)
        if known != person:
            raise ValueError(f"two different people share id {person.id}")
    return sorted(by_id.values(), key=lambda p: p.id)


def _unique_ids(people: Sequence[Person], side: str) -> None:
    ids = [p.id for p in people]
    if len(ids) != len(set(ids)):
        raise ValueError(f"duplicate ids among {side}")


def prepare(
    mentors: Sequence[Person], mentees: Sequence[Person], rules: Rules
) -> tuple[features.Features, candidates.Candidates]:
    """Feature matrices and the scored candidate list (the benchmark reuses them)."""
    if rules.is_general:
        people = pool_people(mentors, mentees)
        feats = features.build(people, people, rules)
    else:
        _unique_ids(mentors, "mentors")
        _unique_ids(mentees, "mentees")
        feats = features.build(mentees, mentors, rules)
    return feats, candidates.find(feats, rules.candidates_per_person)


def choose(feats: features.Features, cands: candidates.Candidates) -> tuple[IntArray, int, dict[str, object] | None]:
    """(chosen candidate indices, optimal scaled total, raise-the-floor figures or None)."""
    chosen = assign.assign(feats, cands)
    optimum = int(cands.scores[chosen].sum())
    if not feats.rules.raise_floor:
        return chosen, optimum, None
    chosen, floor = assign.raise_floor(feats, cands, chosen)
    total = int(cands.scores[chosen].sum())
    return (
        chosen,
        optimum,
        {
            "floor_score": round(floor / SCORE_SCALE, 3),
            "total_before": round(optimum / SCORE_SCALE, 3),
            "total_after": round(total / SCORE_SCALE, 3),
            "cost": round((optimum - total) / SCORE_SCALE, 3),
        },
    )


def finish(
    feats: features.Features,
    cands: candidates.Candidates,
    chosen: IntArray,
    optimum: int,
    floor_info: dict[str, object] | None = None,
) -> Solution:
    """Explanations, reasons and quality figures around the chosen pairs."""
    rules = feats.rules
    rows, cols = cands.rows[chosen], cands.cols[chosen]
    pairs = sorted(
        (
            make_pair(feats.cols.people[c], feats.rows.people[r], rules)
            for r, c in zip(rows.tolist(), cols.tolist(), strict=True)
        ),
        key=lambda p: (p.mentor_id, p.mentee_id),
    )
    left_out = reasons.unmatched(feats, cands, rows, cols)
    figures = quality.figures(feats, cands, chosen, pairs, left_out, optimum)
    if floor_info is not None:
        figures["raise_floor"] = floor_info
    return Solution(kind=rules.kind, pairs=tuple(pairs), unmatched=tuple(left_out), quality=figures)


def solve(
    mentors: Sequence[Person],
    mentees: Sequence[Person],
    rules: Rules,
    timings: dict[str, float] | None = None,
) -> Solution:
    """The best total score under the hard rules and capacities.

    Traditional and reverse pools pair `mentees` with `mentors` (someone may be in both).
    Reciprocal and peer pools pair everyone in either list with anyone. `timings`, when
    given, receives seconds per stage (kept out of the Solution so it stays deterministic).
    """
    started = time.perf_counter()
    feats, cands = prepare(mentors, mentees, rules)
    scored = time.perf_counter()
    chosen, optimum, floor_info = choose(feats, cands)
    solved = time.perf_counter()
    solution = finish(feats, cands, chosen, optimum, floor_info)
    if timings is not None:
        timings.update(
            scoring=scored - started,
            solve=solved - scored,
            explain=time.perf_counter() - solved,
        )
    return solution
