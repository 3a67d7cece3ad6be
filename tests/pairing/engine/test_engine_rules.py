"""Building blocks: hard rules, score pieces, tie-breakers, greedy baselines, pruning."""

from __future__ import annotations

import dataclasses

import numpy as np

from pairing.engine import Kind, Person, Rules, SkillEntry
from pairing.engine.assign import TIE_RANGE, assign, tie_breakers
from pairing.engine.benchmark import case_dense, case_engine, case_shuffle, table
from pairing.engine.candidates import column_list_size
from pairing.engine.greedy import best_first, in_turn
from pairing.engine.rules import broken_rules, hours_overlap, qualifying_level, shares_language
from pairing.engine.score import cross_department, mutual_gain, skill_credit, work_style_similarity
from pairing.engine.solve import prepare
from pairing.engine.synthetic import generate


def test_a_teacher_must_be_two_levels_ahead_or_at_three_and_ahead() -> None:
    assert [qualifying_level(v) for v in range(6)] == [2, 3, 3, 4, 5, 6]
    assert skill_credit(2, 1) == 0 and skill_credit(3, 2) > 0 and skill_credit(2, 0) > 0
    assert skill_credit(5, 0) == 1.0 and skill_credit(5, 5) == 0


def test_a_swap_where_only_one_side_learns_scores_zero() -> None:
    assert mutual_gain(0.9, 0.0) == 0.0
    assert mutual_gain(0.5, 0.5) == 0.5


def test_working_hours_overlap_across_timezones_and_midnight() -> None:
    london = Person(id=1, utc_offset=0)
    new_york = Person(id=2, utc_offset=-5)
    tokyo = Person(id=3, utc_offset=9)
    night = Person(id=4, utc_offset=0, work_hours=(22, 6))
    assert hours_overlap(london, new_york) == 3
    assert hours_overlap(london, tokyo) == 0
    assert hours_overlap(night, tokyo) == 6  # Tokyo 9-17 is 0-8 UTC
    rules = Rules(min_overlap_hours=4)
    assert "working_hours" in broken_rules(Person(id=5, level=9), new_york, rules)


def test_unstated_languages_pass_the_language_rule() -> None:
    assert shares_language(Person(id=1), Person(id=2, languages=frozenset({"de"})))
    assert not shares_language(Person(id=1, languages=frozenset({"en"})), Person(id=2, languages=frozenset({"de"})))


def test_secondary_factors_stay_between_zero_and_one() -> None:
    a = Person(id=1, work_style=(1, 1, 1, 1, 1), org_path=(1, 2, 3))
    b = Person(id=2, work_style=(5, 5, 5, 5, 5), org_path=(1, 4))
    assert work_style_similarity(a, b) == 0.0 and work_style_similarity(a, a) == 1.0
    assert cross_department(a, b) == 1 - 1 / 3 and cross_department(a, a) == 0.0


def test_rules_list_every_break() -> None:
    mentor = Person(id=1, level=3, org_unit_id=5)
    mentee = Person(id=2, level=2, org_unit_id=5, line_ids=frozenset({1}))
    rules = Rules(other_unit_only=True, blocks=frozenset({(2, 1)}), previous_pairs=frozenset({(1, 2)}))
    assert broken_rules(mentor, mentee, rules) == [
        "seniority",
        "reporting_line",
        "same_unit",
        "previously_paired",
        "blocked",
    ]


def test_tie_breakers_depend_only_on_the_ids_and_stay_in_range() -> None:
    a = np.arange(1000, dtype=np.int64)
    b = a[::-1].copy()
    first = tie_breakers(a, b)
    assert np.array_equal(first, tie_breakers(a, b))
    assert first.min() >= 0 and first.max() < TIE_RANGE
    assert len(np.unique(first)) > 500


def test_greedy_baselines_never_beat_the_optimum() -> None:
    kinds: tuple[Kind, ...] = ("traditional", "reciprocal")
    for kind in kinds:
        pool = generate(400, kind=kind, seed=5)
        feats, cands = prepare(pool.mentors, pool.mentees, pool.rules)
        best = cands.scores[assign(feats, cands)].sum()
        assert cands.scores[in_turn(feats, cands)].sum() <= best
        assert cands.scores[best_first(feats, cands)].sum() <= best


def test_pruning_keeps_each_persons_best_and_bounds_everything_left_out() -> None:
    pool = generate(300, seed=2, candidates_per_person=2)
    feats, cands = prepare(pool.mentors, pool.mentees, pool.rules)
    _, dense = prepare(pool.mentors, pool.mentees, dataclasses.replace(pool.rules, candidates_per_person=None))
    assert not cands.complete and dense.complete
    kept = set(zip(cands.rows.tolist(), cands.cols.tolist(), strict=True))
    for r, c, s in zip(dense.rows.tolist(), dense.cols.tolist(), dense.scores.tolist(), strict=True):
        if (r, c) not in kept:
            assert s <= cands.row_bound[r] and s <= cands.col_bound[c]
    for r in range(len(feats.rows)):  # each mentee keeps their best partner
        best = dense.scores[dense.rows == r].max(initial=-1)
        assert cands.scores[cands.rows == r].max(initial=-1) == best
    per_mentor = column_list_size(2, len(feats.rows))  # each mentor keeps at least their best ones
    for c in range(len(feats.cols)):
        wanted = sorted(dense.scores[dense.cols == c].tolist(), reverse=True)[:per_mentor]
        assert sorted(cands.scores[cands.cols == c].tolist(), reverse=True)[: len(wanted)] == wanted


def test_the_benchmark_cases_run_on_small_pools() -> None:
    figures = case_engine(300, "traditional", 5, 1, True)
    assert figures["status"] == "certified"
    assert figures["greedy in turn"]["total score"] <= figures["total score"]
    assert case_dense(300, "traditional", 1)["total score"] == figures["total score"]
    assert case_engine(200, "peer", 5, 1)["status"] in {"exact", "bounded"}
    assert case_shuffle(200, "reciprocal", 5, 1)["identical output"] is True
    assert "| traditional 300 |" in table([("traditional", 300, figures, {}, "1.00")])


def test_skill_entries_default_to_knowing_nothing() -> None:
    assert SkillEntry() == SkillEntry(level=0, wants=0, can_teach=False)
