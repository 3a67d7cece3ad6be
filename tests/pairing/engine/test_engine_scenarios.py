"""Hand-written scenarios, one story per test, for every program kind."""

from __future__ import annotations

from typing import Any

from pairing.engine import Person, Rules, SkillEntry, Solution, solve

DATA, LEADERSHIP, KUBERNETES, DESIGN, PYTHON = 1, 2, 3, 4, 5
NAMES = {
    DATA: "Data literacy",
    LEADERSHIP: "Leadership",
    KUBERNETES: "Kubernetes",
    DESIGN: "Design",
    PYTHON: "Python",
}


def person(pid: int, level: int, skills: dict[int, tuple[int, int, bool]], **extra: Any) -> Person:
    """skills: skill -> (level, wants priority, can teach)."""
    return Person(
        id=pid,
        level=level,
        name=extra.pop("name", f"P{pid}"),
        skills={s: SkillEntry(level=lv, wants=w, can_teach=t) for s, (lv, w, t) in skills.items()},
        **extra,
    )


def rules(kind: str = "traditional", **extra: Any) -> Rules:
    return Rules(kind=kind, skill_names=NAMES, **extra)  # type: ignore[arg-type]


def pairs_of(solution: Solution) -> set[tuple[int, int]]:
    return {(p.mentor_id, p.mentee_id) for p in solution.pairs}


def reason_of(solution: Solution, pid: int) -> tuple[str, str]:
    found = [u for u in solution.unmatched if u.person_id == pid]
    assert found, f"{pid} is matched"
    return found[0].reason, found[0].text


analyst = person(1, level=2, skills={DATA: (5, 0, True), LEADERSHIP: (1, 3, False)}, name="Junior analyst")
director = person(2, level=8, skills={DATA: (1, 3, False), LEADERSHIP: (5, 0, True)}, name="Senior director")


def test_reverse_program_pairs_the_junior_analyst_with_the_director_who_wants_data() -> None:
    both = [analyst, director]  # enrolled on both sides: the direction must come from the rules
    solution = solve(both, both, rules("reverse"))
    assert pairs_of(solution) == {(analyst.id, director.id)}
    pair = solution.pairs[0]
    assert pair.explanation[1] == (
        "Reverse mentoring: the more junior colleague teaches. "
        "Junior analyst (career level 2) teaches Senior director (career level 8)."
    )
    assert "Junior analyst can teach Senior director: Data literacy (teacher 5, learner 1" in pair.explanation[2]
    assert pair.facts["junior_teaches"] == analyst.id


def test_traditional_program_pairs_them_the_other_way_round() -> None:
    both = [analyst, director]
    solution = solve(both, both, rules("traditional"))
    assert pairs_of(solution) == {(director.id, analyst.id)}
    assert "Leadership" in solution.pairs[0].explanation[1]


def test_reverse_program_never_lets_a_senior_mentor_a_junior() -> None:
    solution = solve([director], [analyst], rules("reverse"))
    assert solution.pairs == ()
    assert reason_of(solution, analyst.id)[0] == "seniority"


def test_reciprocal_swap_needs_gain_both_ways() -> None:
    coder = person(1, 4, {PYTHON: (5, 0, True), DESIGN: (1, 3, False)})
    designer = person(2, 4, {DESIGN: (4, 0, True), PYTHON: (1, 2, False)})
    # The expert teaches Python even better but wants nothing the coder or designer offers.
    expert = person(3, 4, {PYTHON: (5, 0, True), DESIGN: (5, 0, True), KUBERNETES: (0, 3, False)})
    solution = solve([], [coder, designer, expert], rules("reciprocal"))
    assert {frozenset(p) for p in pairs_of(solution)} == {frozenset({coder.id, designer.id})}
    lines = "\n".join(solution.pairs[0].explanation)
    assert "P1 can teach P2: Python" in lines and "P2 can teach P1: Design" in lines
    assert "harmonic mean" in lines
    assert reason_of(solution, expert.id)[0] == "no_teacher"


def test_a_one_way_swap_is_never_proposed_in_a_reciprocal_program() -> None:
    teacher = person(1, 4, {PYTHON: (5, 0, True)})
    learner = person(2, 4, {PYTHON: (0, 3, False)})
    solution = solve([], [teacher, learner], rules("reciprocal"))
    assert solution.pairs == ()
    assert reason_of(solution, learner.id)[0] == "no_learner"
    assert reason_of(solution, teacher.id)[0] == "nothing_to_learn"


def test_peer_pairs_stay_within_the_level_gap_and_name_the_teacher_as_mentor() -> None:
    a = person(1, 4, {PYTHON: (1, 3, False)})
    b = person(2, 5, {PYTHON: (4, 0, True)})
    far = person(3, 8, {PYTHON: (5, 0, True)})
    solution = solve([], [a, b, far], rules("peer"))
    assert pairs_of(solution) == {(b.id, a.id)}
    assert reason_of(solution, far.id)[0] in {"seniority", "no_learner"}


def test_reporting_line_pairs_are_never_proposed_even_when_they_score_highest() -> None:
    manager = person(10, 7, {KUBERNETES: (5, 0, True)}, availability=8, work_style=(3, 3, 3, 3, 3))
    other = person(11, 6, {KUBERNETES: (3, 0, True)})
    report = person(
        20,
        3,
        {KUBERNETES: (0, 3, False)},
        line_ids=frozenset({manager.id}),
        availability=8,
        work_style=(3, 3, 3, 3, 3),
    )
    solution = solve([manager, other], [report], rules())
    assert pairs_of(solution) == {(other.id, report.id)}
    alone = solve([manager], [report], rules())
    assert alone.pairs == ()
    assert reason_of(alone, report.id) == (
        "reporting_line",
        "all qualified mentors are in your reporting line",
    )


def test_reporting_line_counts_in_both_directions() -> None:
    # In a reverse program the mentee can be the mentor's manager.
    junior = person(1, 2, {DATA: (5, 0, True)}, line_ids=frozenset({2}))
    boss = person(2, 8, {DATA: (0, 3, False)})
    solution = solve([junior], [boss], rules("reverse"))
    assert solution.pairs == ()
    assert reason_of(solution, boss.id)[0] == "reporting_line"


def test_it_says_which_skill_nobody_can_teach_and_at_what_level() -> None:
    mentor = person(1, 7, {KUBERNETES: (2, 0, True)})
    mentee = person(2, 3, {KUBERNETES: (1, 3, False)})
    solution = solve([mentor], [mentee], rules())
    assert reason_of(solution, mentee.id) == (
        "no_teacher",
        "no enrolled mentor can teach Kubernetes at level 3+",
    )


def test_capacity_exhausted_leaves_the_weaker_fit_unmatched() -> None:
    mentor = person(1, 7, {PYTHON: (5, 0, True), DESIGN: (5, 0, True)}, capacity=1)
    strong = person(2, 3, {PYTHON: (0, 3, False), DESIGN: (0, 3, False)})
    weak = person(3, 3, {PYTHON: (2, 1, False), LEADERSHIP: (0, 3, False)})
    solution = solve([mentor], [strong, weak], rules())
    assert pairs_of(solution) == {(mentor.id, strong.id)}
    code, text = reason_of(solution, weak.id)
    assert code == "capacity" and text.startswith("the one mentor you could pair with is full")


def test_a_mentor_is_clearly_ahead_only_by_two_levels_or_from_level_three() -> None:
    mentee = person(9, 1, {PYTHON: (1, 3, False)})
    near = person(1, 5, {PYTHON: (2, 0, True)})  # 2 vs 1: one level, below 3
    assert solve([near], [mentee], rules()).pairs == ()
    ahead = person(2, 5, {PYTHON: (3, 0, True)})  # two levels ahead
    assert pairs_of(solve([ahead], [mentee], rules())) == {(2, 9)}


def test_skills_outside_the_program_focus_do_not_count() -> None:
    mentor = person(1, 7, {PYTHON: (5, 0, True), LEADERSHIP: (5, 0, True)})
    mentee = person(2, 3, {PYTHON: (0, 3, False), LEADERSHIP: (0, 1, False)})
    solution = solve([mentor], [mentee], rules(skill_focus=frozenset({LEADERSHIP})))
    assert [f.skill for f in solution.pairs[0].flows] == ["Leadership"]
    assert solve(
        [mentor], [person(3, 3, {PYTHON: (0, 3, False)})], rules(skill_focus=frozenset({LEADERSHIP}))
    ).unmatched[0].reason in {"nothing_to_learn", "mentees_elsewhere", "no_learner"}


def test_factor_points_add_up_to_the_score_and_are_explained() -> None:
    mentor = person(1, 7, {PYTHON: (5, 0, True)}, availability=4, org_path=(1, 2), org_unit_id=2)
    mentee = person(2, 3, {PYTHON: (0, 3, False)}, availability=2, org_path=(1, 3), org_unit_id=3, utc_offset=1)
    solution = solve([mentor], [mentee], rules(requests=frozenset({(2, 1)})))
    pair = solution.pairs[0]
    assert abs(sum(pair.factors.values()) - pair.score) < 0.01
    text = "\n".join(pair.explanation)
    for words in ("Complementary expertise", "Similar work style", "Time for mentoring"):
        assert words in text
    assert "Timezone closeness" in text and "1 hour apart" in text
    assert "An explicit request added 5.0 of 5.0 points" in text


def test_the_language_and_working_hour_rules_hold() -> None:
    mentor = person(1, 7, {PYTHON: (5, 0, True)}, languages=frozenset({"ja"}), utc_offset=9)
    mentee = person(2, 3, {PYTHON: (0, 3, False)}, languages=frozenset({"en"}), utc_offset=-5)
    assert reason_of(solve([mentor], [mentee], rules()), 2)[0] == "language"
    polyglot = person(1, 7, {PYTHON: (5, 0, True)}, languages=frozenset({"en"}), utc_offset=9)
    solution = solve([polyglot], [mentee], rules(min_overlap_hours=2))
    assert reason_of(solution, 2) == (
        "working_hours",
        "no qualified mentor has 2+ working hours overlapping yours",
    )


def test_an_idle_mentor_is_told_why() -> None:
    mentor = person(1, 7, {PYTHON: (5, 0, True)})
    idle = person(2, 7, {DESIGN: (5, 0, False)})
    mentee = person(3, 3, {PYTHON: (0, 3, False)})
    solution = solve([mentor, idle], [mentee], rules())
    assert reason_of(solution, idle.id)[0] == "nothing_to_teach"


def test_quality_figures_describe_the_solution() -> None:
    mentor = person(1, 7, {PYTHON: (5, 0, True)}, capacity=2, org_unit_id=5)
    mentees = [person(10 + i, 3, {PYTHON: (i % 3, 2, False)}, org_unit_id=6) for i in range(4)]
    solution = solve([mentor], mentees, rules())
    q = solution.quality
    assert q["pairs"] == 2 and q["unmatched"]["by_reason"] == {"capacity": 2}  # type: ignore[index]
    assert q["mentor_load"]["utilisation"] == 1.0  # type: ignore[index]
    assert q["optimum"]["exact"] is True  # type: ignore[index]
    assert q["by_org_unit"]["6"]["match_rate"] == 0.5  # type: ignore[index]
    assert q["weakest_pair"]["score"] == min(p.score for p in solution.pairs)  # type: ignore[index]
    assert set(q["score_percentiles"]) == {"p5", "p10", "p25", "p50"}  # type: ignore[call-overload]
