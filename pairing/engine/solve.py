"""solve(): people and rules in, pairs with explanations, reasons and figures out."""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import cast

from pairing.engine import assign, candidates, certify, features, quality, reasons
from pairing.engine.explain import make_pair
from pairing.engine.features import IntArray
from pairing.engine.model import SCORE_SCALE, Person, Rules, Solution

# General pools solve exactly (blossom over every allowed pair) up to this many allowed
# pairs; above it, on a short candidate list (GENERAL_FACTOR x fewer per person: the blossom
# grows with the edges, 308 s on 337k edges against 13 s on 40k for 5,000 people, measured
# at load 8-12), with a certified bound from the double cover.
EXACT_GENERAL_PAIRS = 150_000
GENERAL_FACTOR = 12
GENERAL_ONE_PASS = 40_000_000  # people squared: up to about 6,300 people, score everything once


@dataclass(frozen=True)
class Choice:
    cands: candidates.Candidates  # the final candidate list (pricing may have added pairs)
    chosen: IntArray  # indices into cands
    optimum: int  # scaled total of the optimum over `cands` (before any raised floor)
    optimality: dict[str, object]  # what is proven about `optimum`, see quality.py
    floor_info: dict[str, object] | None = None


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
    mentors: Sequence[Person], mentees: Sequence[Person], rules: Rules, threads: int | None = None
) -> tuple[features.Features, candidates.Candidates]:
    """Feature matrices and the scored candidate list (the benchmark reuses them)."""
    if rules.is_general:
        people = pool_people(mentors, mentees)
        feats = features.build(people, people, rules)
    else:
        _unique_ids(mentors, "mentors")
        _unique_ids(mentees, "mentees")
        feats = features.build(mentees, mentors, rules)
    if rules.is_general and len(feats.rows) ** 2 <= GENERAL_ONE_PASS:
        # Small enough to keep every allowed pair in one pass: the exact solve needs them
        # all when there are few, and a short list is cut from them otherwise.
        return feats, candidates.find(feats, None, threads)
    return feats, candidates.find(feats, rules.candidates_per_person, threads, per_col=_general_per_col(rules))


def _general_per_col(rules: Rules) -> int | None:
    if not rules.is_general or rules.candidates_per_person is None:
        return None
    return max(1, rules.candidates_per_person * candidates.COLUMN_FACTOR // GENERAL_FACTOR)


def choose(feats: features.Features, cands: candidates.Candidates, threads: int | None = None) -> Choice:
    """The optimum with its proof, then (if asked) the raised floor."""
    threads = candidates.default_threads() if threads is None else threads
    if feats.general:
        choice = _general(feats, cands, threads)
    else:
        cands, chosen, certificate = certify.bipartite(feats, cands, threads)
        optimum = int(cands.scores[chosen].sum())
        choice = Choice(
            cands=cands,
            chosen=chosen,
            optimum=optimum,
            optimality={
                "status": certificate.status,
                "proven": certificate.status == "certified",
                "upper_bound": certificate.dual_total,
                **certificate.as_dict(),
            },
        )
    if not feats.rules.raise_floor:
        return choice
    chosen, floor = assign.raise_floor(feats, choice.cands, choice.chosen)
    total = int(choice.cands.scores[chosen].sum())
    return dataclasses.replace(
        choice,
        chosen=chosen,
        floor_info={
            "floor_score": round(floor / SCORE_SCALE, 3),
            "floor_before": round(int(choice.cands.scores[choice.chosen].min(initial=0)) / SCORE_SCALE, 3),
            "total_before": round(choice.optimum / SCORE_SCALE, 3),
            "total_after": round(total / SCORE_SCALE, 3),
            "cost": round((choice.optimum - total) / SCORE_SCALE, 3),
        },
    )


def _general(feats: features.Features, cands: candidates.Candidates, threads: int) -> Choice:
    per_person = feats.rules.candidates_per_person
    if not cands.complete and cands.allowed <= EXACT_GENERAL_PAIRS:
        cands = candidates.find(feats, None, threads)
    elif cands.complete and per_person is not None and cands.allowed > EXACT_GENERAL_PAIRS:
        cands = candidates.find(feats, per_person, threads, per_col=_general_per_col(feats.rules))
    if cands.complete:
        chosen = assign.matching(feats, cands)
        optimum = int(cands.scores[chosen].sum())
        return Choice(
            cands=cands,
            chosen=chosen,
            optimum=optimum,
            optimality={"status": "exact", "proven": True, "rounds": 1, "upper_bound": optimum},
        )
    directed, certificate = certify.double_cover(feats, cands, threads)
    cands = certify.undirected(directed, len(feats.rows))
    chosen = assign.matching(feats, cands)
    optimum = int(cands.scores[chosen].sum())
    bound = max(certify.general_bound(feats, certificate), optimum)
    return Choice(
        cands=cands,
        chosen=chosen,
        optimum=optimum,
        optimality={
            "status": "bounded" if certificate.status == "certified" else "not certified",
            "proven": bound == optimum and certificate.status == "certified",
            "upper_bound": bound,
            "gap": round((bound - optimum) / bound, 6) if bound else 0.0,
            **{k: v for k, v in certificate.as_dict().items() if k != "status"},
        },
    )


def finish(feats: features.Features, choice: Choice) -> Solution:
    """Explanations, reasons and quality figures around the chosen pairs."""
    rules = feats.rules
    cands, chosen = choice.cands, choice.chosen
    rows, cols = cands.rows[chosen], cands.cols[chosen]
    pairs = sorted(
        (
            make_pair(feats.cols.people[c], feats.rows.people[r], rules)
            for r, c in zip(rows.tolist(), cols.tolist(), strict=True)
        ),
        key=lambda p: (p.mentor_id, p.mentee_id),
    )
    floor = None
    if choice.floor_info is not None:
        floor = round(float(cast(float, choice.floor_info["floor_score"])) * SCORE_SCALE)
    left_out = reasons.unmatched(feats, rows, cols, cands.scores[chosen], floor=floor)
    figures = quality.figures(feats, cands, chosen, pairs, left_out, choice.optimum, choice.optimality)
    if choice.floor_info is not None:
        figures["raise_floor"] = choice.floor_info
    return Solution(kind=rules.kind, pairs=tuple(pairs), unmatched=tuple(left_out), quality=figures)


def solve(
    mentors: Sequence[Person],
    mentees: Sequence[Person],
    rules: Rules,
    timings: dict[str, float] | None = None,
    threads: int | None = None,
) -> Solution:
    """The best total score under the hard rules and capacities, with its proof.

    Traditional and reverse pools pair `mentees` with `mentors` (someone may be in both).
    Reciprocal and peer pools pair everyone in either list with anyone. `timings`, when
    given, receives seconds per stage (kept out of the Solution so it stays deterministic).
    """
    with candidates.one_blas_thread():
        started = time.perf_counter()
        feats, cands = prepare(mentors, mentees, rules, threads)
        scored = time.perf_counter()
        choice = choose(feats, cands, threads)
        solved = time.perf_counter()
        solution = finish(feats, choice)
    if timings is not None:
        timings.update(
            scoring=scored - started,
            solve=solved - scored,
            explain=time.perf_counter() - solved,
        )
    return solution
