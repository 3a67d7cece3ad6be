"""Property-based tests: random small pools against plain-Python oracles and brute force."""

from __future__ import annotations

import dataclasses
import itertools
import random
from collections import Counter

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pairing.engine import Person, Rules, SkillEntry, Solution, Weights, solve
from pairing.engine.io import dumps
from pairing.engine.rules import broken_rules
from pairing.engine.score import breakdown
from pairing.engine.solve import pool_people, prepare

SETTINGS = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow], derandomize=True)
SKILLS = (1, 2, 3, 4)
PoolT = tuple[list[Person], list[Person], Rules]


@st.composite
def people(draw: st.DrawFn, ids: list[int], senior: bool | None) -> list[Person]:
    out = []
    all_ids = list(range(1, 13))
    for pid in ids:
        skills = {}
        for s in draw(st.lists(st.sampled_from(SKILLS), max_size=4, unique=True)):
            skills[s] = SkillEntry(
                level=draw(st.integers(0, 5)),
                wants=draw(st.integers(0, 3)),
                can_teach=draw(st.booleans()),
            )
        low, high = (4, 8) if senior else (0, 4) if senior is False else (0, 8)
        unit = draw(st.integers(1, 3))
        out.append(
            Person(
                id=pid,
                level=draw(st.integers(low, high)),
                skills=skills,
                capacity=draw(st.integers(0, 2)),
                org_unit_id=unit,
                org_path=(100, 10 + (unit > 1), unit),
                line_ids=frozenset(draw(st.lists(st.sampled_from(all_ids), max_size=2, unique=True))) - {pid},
                languages=frozenset(draw(st.sets(st.sampled_from(["en", "de"]), max_size=2))),
                utc_offset=draw(st.sampled_from([-5.0, 0.0, 1.0, 9.0])),
                availability=draw(st.sampled_from([0.0, 2.0, 4.0, 8.0])),
                work_style=tuple(draw(st.lists(st.integers(1, 5), max_size=5))),
            )
        )
    return out


def pair_ids(draw: st.DrawFn, n: int) -> frozenset[tuple[int, int]]:
    ids = list(range(1, 13))
    return frozenset(draw(st.lists(st.tuples(st.sampled_from(ids), st.sampled_from(ids)), max_size=n)))


@st.composite
def rules(draw: st.DrawFn, kind: str) -> Rules:
    return Rules(
        kind=kind,  # type: ignore[arg-type]
        level_gap=draw(st.sampled_from([None, 0, 1, 2])),
        skill_focus=frozenset(draw(st.sets(st.sampled_from(SKILLS), max_size=3))),
        other_unit_only=draw(st.booleans()),
        shared_language=draw(st.booleans()),
        min_overlap_hours=draw(st.sampled_from([0.0, 2.0, 6.0])),
        previous_pairs=pair_ids(draw, 2),
        blocks=pair_ids(draw, 3),
        requests=pair_ids(draw, 3),
        weights=draw(st.sampled_from([Weights(), Weights(expertise=50, work_style=20, request=30)])),
        candidates_per_person=draw(st.sampled_from([None, None, 1, 2])),
    )


@st.composite
def bipartite_pools(draw: st.DrawFn) -> tuple[list[Person], list[Person], Rules]:
    kind = draw(st.sampled_from(["traditional", "reverse"]))
    n_mentors = draw(st.integers(1, 4))
    n_mentees = draw(st.integers(1, 5))
    mentors = draw(people(list(range(1, n_mentors + 1)), senior=kind == "traditional"))
    mentees = draw(people(list(range(6, 6 + n_mentees)), senior=kind == "reverse"))
    return mentors, mentees, draw(rules(kind))


@st.composite
def general_pools(draw: st.DrawFn) -> tuple[list[Person], list[Person], Rules]:
    kind = draw(st.sampled_from(["reciprocal", "peer"]))
    n = draw(st.integers(2, 7))
    return [], draw(people(list(range(1, n + 1)), senior=None)), draw(rules(kind))


any_pool = st.one_of(bipartite_pools(), general_pools())


def allowed(mentor: Person, mentee: Person, rules_: Rules) -> bool:
    return not broken_rules(mentor, mentee, rules_) and breakdown(mentor, mentee, rules_).raw["expertise"] > 0


def brute_force_bipartite(mentors: list[Person], mentees: list[Person], rules_: Rules) -> float:
    options = []
    for e in mentees:
        choices: list[tuple[Person | None, float]] = [(None, 0.0)]
        choices += [(m, breakdown(m, e, rules_).score) for m in mentors if allowed(m, e, rules_)]
        options.append(choices)
    best = 0.0
    for combo in itertools.product(*options):
        load = Counter(m.id for m, _ in combo if m is not None)
        if all(load[m.id] <= m.capacity for m in mentors):
            best = max(best, sum(score for _, score in combo))
    return best


def brute_force_general(everyone: list[Person], rules_: Rules) -> float:
    def best(rest: list[Person]) -> float:
        if len(rest) < 2:
            return 0.0
        first, others = rest[0], rest[1:]
        value = best(others)  # first stays single
        for i, other in enumerate(others):
            if allowed(first, other, rules_):
                gain = breakdown(first, other, rules_).score
                value = max(value, gain + best(others[:i] + others[i + 1 :]))
        return value

    return best(sorted(everyone, key=lambda p: p.id))


def check_hard_rules_and_capacity(
    mentors: list[Person], mentees: list[Person], rules_: Rules, solution: Solution
) -> None:
    by_id = {p.id: p for p in (*mentors, *mentees)}
    for pair in solution.pairs:
        mentor, mentee = by_id[pair.mentor_id], by_id[pair.mentee_id]
        assert allowed(mentor, mentee, rules_), (pair, broken_rules(mentor, mentee, rules_))
    if rules_.is_general:
        seen = Counter(i for p in solution.pairs for i in (p.mentor_id, p.mentee_id))
        assert max(seen.values(), default=0) <= 1
    else:
        assert max(Counter(p.mentee_id for p in solution.pairs).values(), default=0) <= 1
        load = Counter(p.mentor_id for p in solution.pairs)
        assert all(load[m.id] <= m.capacity for m in mentors)
        assert all(p.mentor_id in {m.id for m in mentors} for p in solution.pairs)


@SETTINGS
@given(any_pool)
def test_no_pair_breaks_a_hard_rule_and_capacities_hold(pool: PoolT) -> None:
    mentors, mentees, rules_ = pool
    check_hard_rules_and_capacity(mentors, mentees, rules_, solve(mentors, mentees, rules_))


@SETTINGS
@given(bipartite_pools())
def test_bipartite_total_equals_brute_force_optimum(pool: PoolT) -> None:
    mentors, mentees, rules_ = pool
    rules_ = dataclasses.replace(rules_, candidates_per_person=None)
    solution = solve(mentors, mentees, rules_)
    best = brute_force_bipartite(mentors, mentees, rules_)
    # The solver sees scores rounded to 0.001; reported scores are rounded to 0.001 too.
    assert best - 0.001 * len(mentees) <= solution.total <= best + 0.0005 * len(solution.pairs) + 1e-6


@SETTINGS
@given(general_pools())
def test_general_total_equals_brute_force_optimum(pool: PoolT) -> None:
    _, everyone, rules_ = pool
    rules_ = dataclasses.replace(rules_, candidates_per_person=None)
    solution = solve([], everyone, rules_)
    best = brute_force_general(everyone, rules_)
    assert best - 0.001 * len(everyone) <= solution.total <= best + 0.0005 * len(solution.pairs) + 1e-6


@SETTINGS
@given(any_pool)
def test_vectorised_scores_and_masks_match_the_plain_definition(pool: PoolT) -> None:
    mentors, mentees, rules_ = pool
    rules_ = dataclasses.replace(rules_, candidates_per_person=None)
    feats, cands = prepare(mentors, mentees, rules_)
    found = {
        (int(feats.cols.ids[c]), int(feats.rows.ids[r])): int(s)
        for r, c, s in zip(cands.rows, cands.cols, cands.scores, strict=True)
    }
    if rules_.is_general:
        everyone = pool_people(mentors, mentees)
        expected = {
            (b.id, a.id): breakdown(b, a, rules_).score
            for a, b in itertools.combinations(everyone, 2)
            if allowed(b, a, rules_)
        }
    else:
        expected = {
            (m.id, e.id): breakdown(m, e, rules_).score for m in mentors for e in mentees if allowed(m, e, rules_)
        }
    assert set(found) == set(expected)
    for key, score in expected.items():
        assert abs(found[key] / 1000 - score) <= 0.002


@SETTINGS
@given(any_pool)
def test_it_is_deterministic_and_ignores_input_order(pool: PoolT) -> None:
    mentors, mentees, rules_ = pool
    first = dumps(solve(mentors, mentees, rules_))
    assert dumps(solve(mentors, mentees, rules_)) == first
    rng = random.Random(len(first))
    shuffle = [dataclasses.replace(p, skills=dict(rng.sample(list(p.skills.items()), len(p.skills)))) for p in mentors]
    rng.shuffle(shuffle)
    shuffled_mentees = list(reversed(mentees))
    assert dumps(solve(shuffle, shuffled_mentees, rules_)) == first


@SETTINGS
@given(any_pool, st.data())
def test_adding_a_block_never_raises_the_total(pool: PoolT, data: st.DataObject) -> None:
    mentors, mentees, rules_ = pool
    rules_ = dataclasses.replace(rules_, candidates_per_person=None)
    everyone = pool_people(mentors, mentees)
    a = data.draw(st.sampled_from(everyone))
    b = data.draw(st.sampled_from(everyone))
    before = solve(mentors, mentees, rules_).total
    blocked = dataclasses.replace(rules_, blocks=rules_.blocks | {(a.id, b.id)})
    after = solve(mentors, mentees, blocked)
    assert after.total <= before + 0.001 * len(everyone)
    assert all({p.mentor_id, p.mentee_id} != {a.id, b.id} for p in after.pairs)


@SETTINGS
@given(any_pool)
def test_raising_the_floor_keeps_the_pair_count_and_reports_its_cost(pool: PoolT) -> None:
    mentors, mentees, rules_ = pool
    plain = solve(mentors, mentees, rules_)
    floored = solve(mentors, mentees, dataclasses.replace(rules_, raise_floor=True))
    check_hard_rules_and_capacity(mentors, mentees, rules_, floored)
    assert len(floored.pairs) >= len(plain.pairs)
    if plain.pairs:
        assert min(p.score for p in floored.pairs) >= min(p.score for p in plain.pairs) - 0.002
    figures = floored.quality["raise_floor"]
    assert isinstance(figures, dict)
    assert (
        figures["cost"] == round(figures["total_before"] - figures["total_after"], 3)
        or abs(figures["cost"] - (figures["total_before"] - figures["total_after"])) < 0.002
    )
