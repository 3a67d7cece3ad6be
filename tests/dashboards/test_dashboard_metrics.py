"""Each figure against the hand-computed world in conftest.py (see its docstring for the sums)."""

from typing import Any

import pytest

from mentorship.dashboards import evidence, queries, reports
from mentorship.dashboards.privacy import Figure
from mentorship.dashboards.scope import Scope
from mentorship.participants.models import OrgUnit
from mentorship.participants.orgtree import OrgTree

pytestmark = pytest.mark.django_db


def _engagement(scope: Scope | None = None) -> reports.Dashboard:
    tree = OrgTree(OrgUnit.objects.values_list("id", "name", "parent_id"))
    return reports.engagement(scope or Scope(), tree, at_risk_list=True)


def _headline(dashboard: reports.Dashboard) -> dict[str, Figure]:
    return {label: figure for label, figure, _ in dashboard.headline}


def _rows(dashboard: reports.Dashboard, table: str) -> dict[str, list[Any]]:
    return {row[0]: row[1:] for row in dashboard.tables[table].rows}


def test_it_counts_enrollments_match_rate_and_time_to_match(world: Any) -> None:
    figures = _headline(_engagement())
    assert figures["Enrollments"].value == 6
    assert figures["Match rate"].value == pytest.approx(3 / 4)
    assert figures["Time to match"].value == pytest.approx(40 / 3)
    rows = _rows(_engagement(), "enrollment_by_role")
    assert [cell.value for cell in rows["Mentee"]] == [4, 4, 3, pytest.approx(0.75)]
    assert rows["Mentor"][0].value == 2


def test_it_breaks_enrollment_down_by_unit_and_level(world: Any) -> None:
    dashboard = _engagement()
    assert {label: cells[0].value for label, cells in _rows(dashboard, "enrollment_by_unit").items()} == {
        "Engineering": 6
    }
    assert {label: cells[0].value for label, cells in _rows(dashboard, "enrollment_by_level").items()} == {
        "2 · Associate": 4,
        "5 · Lead / Principal": 2,
    }


def test_it_rolls_units_up_to_the_children_of_the_chosen_unit(world: Any, org: dict[str, OrgUnit]) -> None:
    tree = OrgTree(OrgUnit.objects.values_list("id", "name", "parent_id"))
    scope = Scope(units=tree.descendants(org["engineering"].pk), units_focus=org["engineering"].pk)
    rows = _rows(reports.engagement(scope, tree), "enrollment_by_unit")
    assert {label: cells[0].value for label, cells in rows.items()} == {
        "Engineering (direct)": 2,
        "Engineering / Data": 4,
    }


def test_it_counts_pairs_by_state_and_completion(world: Any) -> None:
    dashboard = _engagement()
    states = {label: cells[0].value for label, cells in _rows(dashboard, "pairs_by_state").items()}
    assert states == {"Active, on track": 0, "Active, at risk": 1, "Completed": 1, "Ended early": 1}
    figures = _headline(dashboard)
    assert figures["Active pairs"].value == 1
    assert figures["At risk"].value == 1
    assert figures["Completion rate"].value == pytest.approx(0.5)
    assert {label: cells[0].value for label, cells in _rows(dashboard, "end_reasons").items()} == {
        "We could not find time to meet": 1
    }


def test_it_measures_sessions_per_pair_month_and_cadence(world: Any) -> None:
    figures = _headline(_engagement())
    assert figures["Sessions per pair per month"].value == pytest.approx(6 / (142 / 30.44))
    assert figures["Pairs meeting their cadence"].value == pytest.approx(1 / 3)


def test_it_trends_sessions_and_active_pairs_by_month(world: Any) -> None:
    rows = _rows(_engagement(), "sessions_by_month")
    assert [rows["Jan 2026"][0].value, rows["Feb 2026"][0].value, rows["Mar 2026"][0].value] == [2, 3, 1]
    assert [rows["Jan 2026"][1].value, rows["Feb 2026"][1].value, rows["Mar 2026"][1].value] == [3, 3, 2]
    assert rows["Dec 2025"][0].value == 0


def test_it_averages_ratings_and_their_response_rate(world: Any) -> None:
    dashboard = _engagement()
    figures = _headline(dashboard)
    assert figures["Average session rating"].value == pytest.approx(4.0)
    assert figures["Rating response rate"].value == pytest.approx(4 / 12)
    scores = {label: cells[0].value for label, cells in _rows(dashboard, "rating_distribution").items()}
    assert scores == {"1 of 5": 0, "2 of 5": 0, "3 of 5": 1, "4 of 5": 2, "5 of 5": 1}


def test_it_counts_reminders_answered_within_seven_days(world: Any) -> None:
    dashboard = _engagement()
    assert _headline(dashboard)["Reminder response rate"].value == pytest.approx(1 / 3)
    rows = _rows(dashboard, "reminders")
    rating = rows[queries.REMINDER_LABELS["rating"]]
    assert [rating[0].value, rating[1].value] == [2, 1]
    assert [cell.value for cell in rows[queries.REMINDER_LABELS["session"]][:2]] == [1, 0]


def test_a_reminder_younger_than_seven_days_is_not_counted_yet(world: Any) -> None:
    from tests.dashboards.conftest import remind

    remind(world.mentees[3], "session_rating", "2026-03-29", "fresh")
    assert _headline(_engagement())["Reminder response rate"].value == pytest.approx(1 / 3)


def test_it_reads_check_in_results(world: Any) -> None:
    figures = _headline(_engagement())
    assert figures["Relationship rating"].value == pytest.approx(4.0)
    assert figures["Would recommend"].value == pytest.approx(2 / 3)


def test_it_measures_skill_growth_per_skill_and_category(world: Any) -> None:
    dashboard = _engagement()
    categories = _rows(dashboard, "growth_by_category")
    assert categories["Digital & emerging technology"][2].value == pytest.approx(2)
    assert categories["Leadership"][2].value == pytest.approx(1)
    assert categories["Leadership"][0].value == 1  # e2 only: e1 has no re-assessed leadership goal
    skills = _rows(dashboard, "growth_by_skill")
    # Skill, category, learners, goals, growth, reached target.
    assert [cell.value for cell in skills["Dash prompting"][1:]] == [1, 1, pytest.approx(2), pytest.approx(1)]
    assert [cell.value for cell in skills["Dash feedback giving"][1:]] == [1, 1, pytest.approx(1), pytest.approx(0)]
    assert _headline(dashboard)["Average skill growth"].value == pytest.approx(1.5)


def test_growth_starts_from_the_assessment_before_the_mentorship_not_the_goal(world: Any) -> None:
    from tests.dashboards.conftest import assess

    # e1 said 2 just before the pair started: growth on the digital goal is now 3 - 2 = 1.
    assess(world.mentees[0], world.digital, 2, "2026-01-10", "self")
    skills = _rows(_engagement(), "growth_by_skill")
    assert skills["Dash prompting"][3].value == pytest.approx(1)


def test_the_date_range_narrows_sessions_ratings_and_pairs(world: Any) -> None:
    from datetime import date

    dashboard = _engagement(Scope(start=date(2026, 2, 1), end=date(2026, 2, 28)))
    figures = _headline(dashboard)
    # Ratings on sessions held in February: A#2 by e1 (3).
    assert figures["Average session rating"].value == pytest.approx(3.0)
    months = _rows(dashboard, "sessions_by_month")
    assert list(months) == ["Feb 2026"]
    assert months["Feb 2026"][0].value == 3


def test_it_lists_pairs_at_risk_with_their_reason(world: Any) -> None:
    dashboard = _engagement()
    assert dashboard.at_risk_total == 1
    assert dashboard.tables["at_risk"].rows[0][1:] == ["Mia Mentor", "Eve1 Mentee", "2026-03-20", "Two missed cycles"]


def test_the_comparison_puts_each_approach_side_by_side_with_group_sizes(world: Any, make_person: Any) -> None:
    from tests.dashboards.conftest import assess, make_program, pair

    reverse = make_program("Reverse AI", "reverse")
    junior, senior = make_person(career_level=1), make_person(career_level=6)
    mentorship = pair(reverse, junior, senior, "2026-02-01")
    from mentorship.workspace.models import Goal

    Goal.objects.create(mentorship=mentorship, learner=senior, skill=world.digital, title="AI", from_level=0)
    assess(senior, world.digital, 3, "2026-03-01")
    table = reports.comparison(Scope()).tables["approaches"]
    rows = {row[0]: row[1:] for row in table.rows}
    # Columns: traditional, reverse, reciprocal, peer.
    assert [cell.value for cell in rows["Pairs"]] == [3, 1, 0, 0]
    found = evidence.build(Scope())
    raw = found.analysis.raw
    assert raw["traditional"].value == pytest.approx(1.5)
    assert (raw["reverse"].value, raw["reverse"].people, raw["reverse"].goals) == (pytest.approx(3), 1, 1)
    assert raw[("reverse", "digital")].value == pytest.approx(3)
    assert ("reverse", "leadership") not in raw
    # Two learners and one: under the privacy threshold, hidden on the page and in its CSV.
    by_approach = {row[0]: row[1:] for row in found.tables["effects_by_approach"].rows}
    assert all(cell.hidden for cell in by_approach["Reverse mentoring"])
    assert all(cell.hidden for cell in by_approach["Traditional mentoring"])
    assert not any("+3" in sentence for sentence in found.reading)
