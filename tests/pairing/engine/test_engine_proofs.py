"""What the engine claims, checked independently: the certificate of optimality, the unmatched
reasons, and explanations that state only what the data holds."""

from __future__ import annotations

import dataclasses

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pairing.engine import Person, Rules, SkillEntry, Solution, certify, solve
from pairing.engine.assign import assign
from pairing.engine.candidates import Candidates, find
from pairing.engine.certify import bipartite, duals, general_bound
from pairing.engine.explain_for_pair import why_you_two
from pairing.engine.features import Features, IntArray, build
from pairing.engine.model import NEUTRAL_FACTOR, SCORE_SCALE
from pairing.engine.rules import RULE_TEXT, broken_rules
from pairing.engine.score import breakdown
from pairing.engine.solve import choose, pool_people, prepare

SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow], derandomize=True)
SKILLS = (1, 2, 3, 4, 5)
# Two scores within this many units (0.001 point each) may round either way between the plain
# definition and the vectorised scorer.
ROUNDING = 2


@st.composite
def crowd(draw: st.DrawFn, ids: range, low: int, high: int, teach: bool, learn: bool) -> list[Person]:
    out = []
    for pid in ids:
        skills = {}
        for s in draw(st.lists(st.sampled_from(SKILLS), min_size=1, max_size=4, unique=True)):
            skills[s] = SkillEntry(
                level=draw(st.integers(0, 5)),
                wants=draw(st.integers(0, 3)) if learn else 0,
                can_teach=draw(st.booleans()) if teach else False,
            )
        out.append(
            Person(
                id=pid,
                level=draw(st.integers(low, high)),
                skills=skills,
                capacity=draw(st.integers(0, 3)),
                org_unit_id=draw(st.integers(1, 3)),
                line_ids=frozenset(draw(st.lists(st.integers(1, 60), max_size=2))) - {pid},
                languages=frozenset(draw(st.sets(st.sampled_from(["en", "de"]), max_size=2))),
                utc_offset=draw(st.sampled_from([0.0, 1.0, 9.0])),
                availability=draw(st.sampled_from([None, 2.0, 4.0])),
                work_style=tuple(draw(st.lists(st.integers(1, 5), max_size=5))),
            )
        )
    return out


@st.composite
def bipartite_pools(draw: st.DrawFn) -> tuple[list[Person], list[Person], Rules]:
    kind = draw(st.sampled_from(["traditional", "reverse"]))
    senior = kind == "traditional"
    mentors = draw(crowd(range(1, 1 + draw(st.integers(2, 9))), *((4, 8) if senior else (0, 4)), True, False))
    mentees = draw(crowd(range(20, 20 + draw(st.integers(4, 25))), *((0, 4) if senior else (4, 8)), False, True))
    rules = Rules(
        kind=kind,  # type: ignore[arg-type]
        level_gap=draw(st.sampled_from([None, 1])),
        shared_language=draw(st.booleans()),
        min_overlap_hours=draw(st.sampled_from([0.0, 4.0])),
        other_unit_only=draw(st.booleans()),
        blocks=frozenset(draw(st.lists(st.tuples(st.integers(1, 9), st.integers(20, 45)), max_size=4))),
        learning_floor=draw(st.sampled_from([0, 2, 3])),
        candidates_per_person=2,
    )
    return mentors, mentees, rules


@st.composite
def general_pools(draw: st.DrawFn) -> tuple[list[Person], Rules]:
    kind = draw(st.sampled_from(["reciprocal", "peer"]))
    people = draw(crowd(range(1, 1 + draw(st.integers(3, 14))), 0, 6, True, True))
    rules = Rules(
        kind=kind,  # type: ignore[arg-type]
        shared_language=draw(st.booleans()),
        learning_floor=draw(st.sampled_from([0, 2])),
        candidates_per_person=1,
    )
    return people, rules


def allowed(mentor: Person, mentee: Person, rules: Rules) -> bool:
    return not broken_rules(mentor, mentee, rules) and breakdown(mentor, mentee, rules).raw["expertise"] > 0


def scaled(mentor: Person, mentee: Person, rules: Rules) -> int:
    return round(breakdown(mentor, mentee, rules).score * SCORE_SCALE)


# --- The certificate ------------------------------------------------------------------------------


@SETTINGS
@given(bipartite_pools())
def test_the_certificate_covers_every_allowed_pair_even_with_two_candidates_each(pool: tuple) -> None:
    mentors, mentees, rules = pool
    feats = build(mentees, mentors, rules)
    first = find(feats, 2, per_col=2)
    cands, chosen, certificate = bipartite(feats, first)
    assert certificate.status == "certified"
    u, v = duals(feats, cands, chosen)
    dense = find(feats, None)
    # No allowed pair, pruned or not, has a positive reduced cost after the last round ...
    assert (dense.scores <= u[dense.rows] + v[dense.cols]).all()
    assert (u >= 0).all() and (v >= 0).all()
    # ... so the dual total bounds every assignment, and the solution reaches it ...
    total = int(cands.scores[chosen].sum())
    assert int(u.sum() + (feats.cols.capacity * v).sum()) == total == certificate.dual_total
    # ... which is the total of an exact solve over every allowed pair.
    assert total == int(dense.scores[assign(feats, dense)].sum())


@SETTINGS
@given(bipartite_pools())
def test_solving_again_on_the_pairs_that_can_change_finds_the_same_assignment_as_a_whole_solve(pool: tuple) -> None:
    feats, cands, chosen = _solved_on_one_candidate_each(pool)
    u, v = duals(feats, cands, chosen)
    rows, cols, scores, _ = certify._price(feats, cands, certify._suspects(cands, u, v), u, v, 1)
    cands, chosen = certify._merge(cands, chosen, rows, cols, scores)
    again = certify._solve_again(feats, cands, chosen, u, v)
    whole = assign(feats, cands)
    assert again.tolist() == whole.tolist()


@SETTINGS
@given(bipartite_pools())
def test_priced_in_pairs_are_merged_in_row_and_column_order_and_the_chosen_follow(pool: tuple) -> None:
    feats, short, chosen = _solved_on_one_candidate_each(pool)
    every = find(feats, len(feats.cols), per_col=len(feats.rows))  # every allowed pair
    left_out = ~np.isin(every.rows * len(feats.cols) + every.cols, short.rows * len(feats.cols) + short.cols)
    rows, cols, scores = every.rows[left_out][::-1], every.cols[left_out][::-1], every.scores[left_out][::-1]
    merged, moved = certify._merge(short, chosen, rows, cols, scores)
    pairs = list(zip(merged.rows.tolist(), merged.cols.tolist(), strict=True))
    assert pairs == sorted(pairs) and len(pairs) == len(short) + len(rows)
    every_pair = zip(every.rows.tolist(), every.cols.tolist(), strict=True)
    assert sorted(zip(pairs, merged.scores.tolist(), strict=True)) == sorted(
        zip(every_pair, every.scores.tolist(), strict=True)
    )
    old = set(zip(short.rows[chosen].tolist(), short.cols[chosen].tolist(), strict=True))
    assert set(zip(merged.rows[moved].tolist(), merged.cols[moved].tolist(), strict=True)) == old


def _solved_on_one_candidate_each(pool: tuple) -> tuple[Features, Candidates, IntArray]:
    """A bipartite pool's features, its candidates pruned to one per person, and their optimum."""
    mentors, mentees, rules = pool
    feats = build(mentees, mentors, rules)
    cands = find(feats, 1, per_col=1)
    return feats, cands, assign(feats, cands)


@SETTINGS
@given(general_pools())
def test_a_general_pool_is_exact_or_within_its_certified_bound(pool: tuple) -> None:
    people, rules = pool
    feats, cands = prepare([], people, rules)
    choice = choose(feats, cands)
    dense = find(feats, None)
    best = int(dense.scores[assign(feats, dense)].sum())
    assert choice.optimum <= best <= int(choice.optimality["upper_bound"])  # type: ignore[call-overload]
    if choice.optimality["status"] == "exact":
        assert choice.optimum == best
    from pairing.engine.certify import double_cover

    _, certificate = double_cover(feats, find(feats, 1))
    assert certificate.status == "certified" and general_bound(feats, certificate) >= best


def test_a_400_person_pool_pruned_to_one_candidate_is_still_certified_optimal() -> None:
    from pairing.engine.synthetic import generate

    pool = generate(400, seed=3, candidates_per_person=1)
    solution = solve(pool.mentors, pool.mentees, pool.rules)
    dense = solve(pool.mentors, pool.mentees, dataclasses.replace(pool.rules, candidates_per_person=None))
    optimum = solution.quality["optimum"]
    assert isinstance(optimum, dict) and optimum["status"] == "certified" and optimum["optimal"] is True
    assert abs(solution.total - dense.total) <= 0.001 * len(dense.pairs)


# --- Reasons --------------------------------------------------------------------------------------


def expected_reason(
    person: Person, role: str, solution: Solution, everyone: dict[int, Person], rules: Rules
) -> set[str]:
    """The reason codes the facts allow, recomputed in plain Python from the rules, the scores
    and the final solution (a set: near ties may round either way)."""
    pair_score = {}
    load: dict[int, int] = {}
    weakest: dict[int, int] = {}
    for p in solution.pairs:
        s = round(p.score * SCORE_SCALE)
        pair_score[p.mentee_id] = s
        if rules.is_general:
            pair_score[p.mentor_id] = s
        load[p.mentor_id] = load.get(p.mentor_id, 0) + 1
        weakest[p.mentor_id] = min(weakest.get(p.mentor_id, 10**9), s)
    if role == "mentor":
        return _mentor_reason(person, everyone, rules, pair_score)
    if rules.is_general:
        partners = [p for p in everyone.values() if p.id != person.id]
        ok = [p for p in partners if allowed(p, person, rules) or allowed(person, p, rules)]
        score = {p.id: max(scaled(p, person, rules), scaled(person, p, rules)) for p in ok}
        full = {p.id: p.id in pair_score for p in ok}
        worst = {p.id: pair_score.get(p.id, -1) for p in ok}
        qualified = [p for p in partners if breakdown(p, person, rules).raw["expertise"] > 0]
    else:
        mentors = [p for p in everyone.values() if p.id != person.id and _teaches(p)]
        ok = [m for m in mentors if allowed(m, person, rules)]
        score = {m.id: scaled(m, person, rules) for m in ok}
        full = {m.id: load.get(m.id, 0) >= m.capacity for m in ok}
        worst = {m.id: weakest.get(m.id, 10**9) for m in ok}
        qualified = [m for m in mentors if breakdown(m, person, rules).raw["expertise"] > 0]
    if ok:
        open_ = [p for p in ok if not full[p.id]]
        if open_:
            return {"no_gain"} if all(score[p.id] <= ROUNDING for p in open_) else {"lower_total"}
        codes = set()
        if all(worst[p.id] >= score[p.id] - ROUNDING for p in ok):
            codes.add("capacity")
        if any(worst[p.id] <= score[p.id] + ROUNDING for p in ok):
            codes.add("lower_total")
        return codes
    if not qualified:
        return {"nothing_to_learn", "no_teacher", "no_learner", "no_swap"}
    broken = {q.id: set(broken_rules(q, person, rules)) for q in qualified}
    for code in RULE_TEXT:
        if code != "self" and all(code in b for b in broken.values()):
            return {code}
    return {"rules"}


def _teaches(person: Person) -> bool:
    return any(e.can_teach for e in person.skills.values())


def _mentor_reason(mentor: Person, everyone: dict[int, Person], rules: Rules, pair_score: dict[int, int]) -> set[str]:
    focus = [s for s, e in mentor.skills.items() if e.can_teach and (not rules.skill_focus or s in rules.skill_focus)]
    if not focus:
        return {"nothing_to_teach"}
    mentees = [p for p in everyone.values() if p.id != mentor.id and allowed(mentor, p, rules)]
    if not mentees:
        return {"no_learner"}
    free = [p for p in mentees if p.id not in pair_score]
    if free:
        return {"no_gain"} if all(scaled(mentor, p, rules) <= ROUNDING for p in free) else {"lower_total"}
    codes = set()
    if all(pair_score[p.id] >= scaled(mentor, p, rules) - ROUNDING for p in mentees):
        codes.add("mentees_elsewhere")
    if any(pair_score[p.id] <= scaled(mentor, p, rules) + ROUNDING for p in mentees):
        codes.add("lower_total")
    return codes


@SETTINGS
@given(bipartite_pools())
def test_every_unmatched_reason_matches_an_independent_recomputation(pool: tuple) -> None:
    mentors, mentees, rules = pool
    solution = solve(mentors, mentees, rules)
    mentor_ids = {m.id for m in mentors}
    for item in solution.unmatched:
        if item.role == "mentor":
            person = next(m for m in mentors if m.id == item.person_id)
            everyone = {p.id: p for p in mentees}
        else:
            person = next(m for m in mentees if m.id == item.person_id)
            everyone = {p.id: p for p in mentors}
        assert item.reason in expected_reason(person, item.role, solution, everyone, rules), item
        assert item.role != "mentor" or item.person_id in mentor_ids
        assert " 1 mentors" not in item.text and "level(s)" not in item.text


@SETTINGS
@given(general_pools())
def test_every_unmatched_reason_in_a_general_pool_matches_an_independent_recomputation(pool: tuple) -> None:
    people, rules = pool
    rules = dataclasses.replace(rules, candidates_per_person=None)
    solution = solve([], people, rules)
    everyone = {p.id: p for p in pool_people([], people)}
    for item in solution.unmatched:
        person = everyone[item.person_id]
        assert item.reason in expected_reason(person, item.role, solution, everyone, rules), item


def test_the_capacity_reason_is_only_given_when_every_allowed_mentor_is_full_with_better_pairs() -> None:
    python, design = 1, 2
    mentor = Person(id=1, level=7, skills={python: SkillEntry(5, 0, True), design: SkillEntry(5, 0, True)})
    # The mentor would score higher with `late`, but `early` has no other option: taking `late`
    # would lose more than it gains, so `late` is told the total would fall, not that the
    # mentor's pair scores higher.
    other = Person(id=2, level=7, skills={python: SkillEntry(3, 0, True)})
    early = Person(id=10, level=3, skills={design: SkillEntry(0, 3, False)})
    late = Person(id=11, level=3, skills={python: SkillEntry(0, 3, False), design: SkillEntry(1, 1, False)})
    solution = solve([mentor, other], [early, late], Rules(learning_floor=0))
    reasons = {u.person_id: u.reason for u in solution.unmatched}
    assert 10 not in reasons and 11 not in reasons  # both are placed: late with the other mentor
    crowded = solve([mentor], [early, late], Rules(learning_floor=0))
    (left,) = [u for u in crowded.unmatched if u.role == "mentee"]
    assert left.reason == "capacity"
    assert (
        left.text == "the one mentor you could pair with is full with mentees who score at least as high as you would"
    )


def test_the_learning_floor_is_the_reason_when_nobody_is_far_enough_ahead() -> None:
    mentor = Person(id=1, level=7, skills={3: SkillEntry(4, 0, True)})
    mentee = Person(id=2, level=3, skills={3: SkillEntry(3, 3, False)})  # one level behind
    assert solve([mentor], [mentee], Rules(learning_floor=0)).pairs
    floored = solve([mentor], [mentee], Rules(learning_floor=2))
    assert not floored.pairs
    (reason,) = [u for u in floored.unmatched if u.person_id == 2]
    assert reason.reason == "learning_floor" and "2 or more levels ahead" in reason.text


# --- Explanations ---------------------------------------------------------------------------------


def test_missing_availability_and_work_style_are_said_and_score_neutral_points() -> None:
    mentor = Person(id=1, level=7, name="Ada", skills={3: SkillEntry(5, 0, True)})
    mentee = Person(id=2, level=3, name="Bo", skills={3: SkillEntry(0, 3, False)}, availability=4)
    pair = solve([mentor], [mentee], Rules()).pairs[0]
    text = "\n".join(pair.explanation)
    weights = Rules().weights
    for factor in ("work_style", "availability", "cross_department"):
        neutral = 100 * NEUTRAL_FACTOR * getattr(weights, factor) / weights.total()
        assert abs(pair.factors[factor] - neutral) < 0.001
    assert (
        "Similar work style added 4.0 of 8.0 points (neutral: work-style answers not given by either of them)" in text
    )
    assert "Time for mentoring added 3.5 of 7.0 points (neutral: availability not given by Ada)" in text
    assert "hours a month" not in text and "0 and" not in text
    assert pair.facts["missing"] == {"availability": [1], "work_style": [1, 2], "cross_department": [1, 2]}
    lines = why_you_two(
        viewer_id=2,
        partner_name="Ada",
        flows=[vars(f) for f in pair.flows],
        factors=pair.factors,
        weights={"expertise": 70, "work_style": 8, "availability": 7},
        facts=pair.facts,
    )
    said = "\n".join(lines)
    assert "Ada can help you with what you want to learn: skill 3 (their level 5, yours 0)." in said
    assert "similar ways" not in said and "enough time" not in said
    assert "Ada has not given their monthly time for mentoring, so it counted as neutral" in said
    assert "Neither of you has given your work-style answers" in said


@SETTINGS
@given(bipartite_pools())
def test_explanations_never_state_numbers_the_data_does_not_hold(pool: tuple) -> None:
    mentors, mentees, rules = pool
    solution = solve(mentors, mentees, rules)
    by_id = {p.id: p for p in (*mentors, *mentees)}
    for pair in solution.pairs:
        time_line = next(line for line in pair.explanation if line.startswith("Time for mentoring"))
        given_hours = [by_id[i].availability for i in (pair.mentor_id, pair.mentee_id)]
        if None in given_hours:
            assert "neutral" in time_line and "hour" not in time_line.split("(")[1]
        style_line = next(line for line in pair.explanation if line.startswith("Similar work style"))
        if not by_id[pair.mentor_id].work_style or not by_id[pair.mentee_id].work_style:
            assert "neutral" in style_line
        assert " 1 hours" not in "\n".join(pair.explanation)
        assert "->" not in "\n".join(pair.explanation)


def test_a_reverse_pair_says_the_more_junior_colleague_teaches_to_both_readers() -> None:
    junior = Person(id=1, level=2, name="Jo", skills={7: SkillEntry(5, 0, True)})
    senior = Person(id=2, level=8, name="Sam", skills={7: SkillEntry(0, 3, False)})
    pair = solve([junior], [senior], Rules(kind="reverse")).pairs[0]
    assert (
        "Reverse mentoring: the more junior colleague teaches. Jo (career level 2) teaches Sam" in pair.explanation[1]
    )
    flows = [vars(f) for f in pair.flows]
    to_senior = why_you_two(viewer_id=2, partner_name="Jo", flows=flows, factors={}, weights={}, facts=pair.facts)
    to_junior = why_you_two(viewer_id=1, partner_name="Sam", flows=flows, factors={}, weights={}, facts=pair.facts)
    assert to_senior[0] == "This is reverse mentoring: the more junior colleague teaches. Jo teaches you."
    assert to_junior[0] == "This is reverse mentoring: the more junior colleague teaches. You teach Sam."
    assert "skill 7 (your level 5, theirs 0)" in to_junior[1]


def test_reported_figures_never_claim_optimal_without_a_proof() -> None:
    from pairing.engine.synthetic import generate

    pool = generate(300, kind="peer", seed=4, candidates_per_person=2)
    solution = solve(pool.mentors, pool.mentees, pool.rules)
    optimum = solution.quality["optimum"]
    assert isinstance(optimum, dict)
    assert optimum["optimal"] is (optimum["status"] in {"certified", "exact"} or optimum["gap"] == 0)
    assert float(optimum["upper_bound"]) >= solution.total - 0.001 * len(solution.pairs)
    assert np.isfinite(float(optimum["gap"]))


def test_a_general_pool_above_the_exact_limit_is_solved_on_a_short_list_within_its_certified_bound(
    monkeypatch: object,
) -> None:
    import importlib

    from pairing.engine.synthetic import generate

    solve_module = importlib.import_module("pairing.engine.solve")  # the module, not the function

    pool = generate(300, kind="peer", seed=4, candidates_per_person=2)
    exact = solve(pool.mentors, pool.mentees, pool.rules)
    assert exact.quality["optimum"]["status"] == "exact"  # type: ignore[index]
    monkeypatch.setattr(solve_module, "EXACT_GENERAL_PAIRS", 0)  # type: ignore[attr-defined]
    bounded = solve(pool.mentors, pool.mentees, pool.rules)
    optimum = bounded.quality["optimum"]
    assert isinstance(optimum, dict) and optimum["status"] == "bounded"
    slack = 0.001 * len(exact.pairs)  # reported scores are rounded to 0.001
    assert float(optimum["upper_bound"]) >= exact.total - slack
    assert bounded.total <= exact.total + slack
    assert optimum["gap"] <= 0.001
