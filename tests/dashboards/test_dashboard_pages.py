"""The pages render, export CSV, keep filters in the URL, and run a fixed number of queries."""

from collections.abc import Callable
from typing import Any

import pytest

from mentorship.mentorships.models import MentorshipStatus
from mentorship.participants.models import OrgUnit, Participant
from tests.dashboards.conftest import World, check_in, enroll, login, make_program, pair, rate, session

pytestmark = pytest.mark.django_db

# Session, user, participant (onboarding), the HR check and the unread count come with every page.
# The filters' org units and programs are one query; the at-risk list reads its people's names in
# one more, and which programs the viewer may change (its End and Re-match) in another (HR and
# program pages).
HR_PAGE_QUERIES = 16  # the navigation asks once whether the viewer manages anyone
PROGRAM_PAGE_QUERIES = 18  # and the goals and the colleagues outside programs for the reading
COMPARE_PAGE_QUERIES = 12  # growth: the measured goals, and colleagues outside programs (evidence)
# Without a program filter; with one, reminders (not tied to programs) are skipped. 15 for the view
# (the reporting lines and the team's names are two reads; the lines come from the dashboard cache
# when it is on), 3 to choose the filter values the manager is offered, 7 for the atoms the view
# is made of (privacy.Disclosure), read together however many they are (see test_disclosure_adversary).
TEAM_PAGE_QUERIES = 15 + 3 + 7
TEAM_CSV_QUERIES = 14  # one table: only its query runs, for the view and for its one atom; and the audit entry
MINE_PAGE_QUERIES = 9


def test_hr_sees_every_figure_chart_and_the_pair_at_risk(hr_client: Any, world: World, hr_admin: Participant) -> None:
    world.program.owners.add(hr_admin.user)  # HR of the program: End and Re-match are theirs
    response = hr_client.get("/dashboards/")
    body = response.content.decode()
    assert response.status_code == 200
    assert body.count('<svg class="chart" role="img"') >= 6
    assert "<title id=" in body and "<desc id=" in body
    assert "Two missed cycles" in body
    assert "/rematch/" in body and "/end-by-hr/" in body  # HR of the program: re-match or end the pair


def test_filters_stay_in_the_url_and_in_the_csv_links(hr_client: Any, world: World, org: dict[str, OrgUnit]) -> None:
    response = hr_client.get(f"/dashboards/?program={world.program.pk}&unit={org['data'].pk}&start=2026-01-01")
    body = response.content.decode()
    assert f"program={world.program.pk}&amp;unit={org['data'].pk}&amp;start=2026-01-01&amp;format=csv" in body
    assert response.context["form"].is_valid()


def test_an_invalid_date_range_says_what_is_wrong(hr_client: Any, world: World) -> None:
    response = hr_client.get("/dashboards/?start=2026-03-01&end=2026-02-01")
    assert "The end date must be on or after the start date." in response.content.decode()


def test_every_table_downloads_as_csv(hr_client: Any, world: World) -> None:
    dashboard = hr_client.get("/dashboards/").context["dashboard"]
    for name in dashboard.tables:
        response = hr_client.get(f"/dashboards/?format=csv&table={name}")
        assert response.status_code == 200, name
        assert response["Content-Type"].startswith("text/csv")
        assert f'filename="engagement-{name}.csv"' in response["Content-Disposition"]
    rows = hr_client.get("/dashboards/?format=csv&table=rating_distribution").content.decode().splitlines()
    assert rows[0] == "Score,Ratings,Share"
    assert rows[4] == "4 of 5,2,50.0"
    assert hr_client.get("/dashboards/?format=csv&table=nope").status_code == 404


def test_the_program_report_prints(hr_client: Any, world: World) -> None:
    response = hr_client.get(f"/dashboards/programs/{world.program.pk}/")
    body = response.content.decode()
    assert response.status_code == 200
    assert "Program report: Leadership pathways" in body
    assert "data-print" in body and "js/dashboards.js" in body
    assert hr_client.get("/dashboards/programs/999999/").status_code == 404


def test_the_comparison_downloads_as_csv(hr_client: Any, world: World) -> None:
    body = hr_client.get("/dashboards/approaches/?format=csv&table=approaches").content.decode()
    assert body.splitlines()[0] == (
        "Measure,Traditional mentoring,Reverse mentoring,Reciprocal skill swap,Peer reskilling"
    )
    assert body.splitlines()[1] == "Pairs,3,0,0,0"


def test_an_employee_sees_their_own_progress(client: Any, world: World) -> None:
    e1 = world.mentees[0]
    body = login(client, e1).get("/dashboards/mine/").content.decode()
    assert "Prompt well" in body and "+2" in body
    assert "Leadership pathways" in body
    assert "Lead 1:1s" not in body  # someone else's goal


def _grow(world: World, make_person: Callable[..., Participant], org: dict[str, OrgUnit], manager: Participant) -> None:
    """Much more of everything: more programs, pairs, sessions, ratings and check-ins."""
    for index in range(3):
        program = make_program(f"More {index}", ["reverse", "reciprocal", "peer"][index])
        for _ in range(4):
            mentor = make_person(org_unit=org["engineering"], manager=manager)
            mentee = make_person(org_unit=org["data"], manager=manager)
            enroll(program, mentor, "mentor")
            enroll(program, mentee, "mentee")
            mentorship = pair(program, mentor, mentee, "2026-01-05", status=MentorshipStatus.ACTIVE)
            for day in ("2026-01-10", "2026-02-10", "2026-03-10"):
                rate(session(mentorship, day), mentee, 4, day)
            check_in(mentorship, mentee, "midpoint", 4, True)


@pytest.mark.parametrize("grow", [False, True], ids=["small", "larger"])
def test_the_query_count_does_not_grow_with_the_data(
    client: Any,
    hr_admin: Participant,
    world: World,
    make_person: Callable[..., Participant],
    org: dict[str, OrgUnit],
    manager: Participant,
    django_assert_num_queries: Any,
    grow: bool,
    settings: Any,
) -> None:
    settings.DASHBOARD_CACHE_SECONDS = 0  # every query of each page runs (dashboards.cache is tested apart)
    for person in world.mentees:
        person.manager = manager
        person.save()
    if grow:
        _grow(world, make_person, org, manager)
    login(client, hr_admin)
    with django_assert_num_queries(HR_PAGE_QUERIES):
        assert client.get(f"/dashboards/?unit={org['data'].pk}").status_code == 200
    with django_assert_num_queries(PROGRAM_PAGE_QUERIES):
        assert client.get(f"/dashboards/programs/{world.program.pk}/").status_code == 200
    with django_assert_num_queries(COMPARE_PAGE_QUERIES):
        assert client.get("/dashboards/approaches/?start=2026-01-01").status_code == 200
    login(client, manager)
    with django_assert_num_queries(TEAM_PAGE_QUERIES):
        assert client.get("/dashboards/team/").status_code == 200
    with django_assert_num_queries(TEAM_CSV_QUERIES):
        assert client.get("/dashboards/team/?format=csv&table=enrollment_by_role").status_code == 200
    login(client, world.mentees[0])
    with django_assert_num_queries(MINE_PAGE_QUERIES):
        assert client.get("/dashboards/mine/").status_code == 200


def test_empty_csv_cells_stay_empty_and_a_formula_like_name_is_quoted(hr_client: Any, world: World) -> None:
    world.digital.name = "=HYPERLINK(1)"
    world.digital.save()
    body = hr_client.get("/dashboards/approaches/?format=csv&table=approaches").content.decode()
    rating = next(line for line in body.splitlines() if line.startswith("Average session rating"))
    assert rating == "Average session rating,4.00,,,"  # no kind but the first has figures
    assert "'" not in body
    skills = hr_client.get("/dashboards/?format=csv&table=growth_by_skill").content.decode()
    assert "'=HYPERLINK(1)," in skills


def test_the_team_unit_filter_lists_only_units_that_split_the_team() -> None:
    """Units above the team's own (holding the same people) or holding the whole team are noise:
    they list units beyond the manager's team."""
    from mentorship.dashboards.views import _team_units
    from mentorship.participants.orgtree import OrgTree

    # 1 Org > 2 Sales > 3 EMEA ; 1 Org > 4 Eng > 5 Data
    tree = OrgTree([(1, "Org", None), (2, "Sales", 1), (3, "EMEA", 2), (4, "Eng", 1), (5, "Data", 4)])
    units_of = {10: 3, 11: 3, 12: 5, 13: 5, 14: 5}
    team = frozenset(units_of)

    assert _team_units({1, 2, 3, 4, 5}, team, tree, units_of) == {3, 5}
    assert _team_units({1, 4, 5}, frozenset({12, 13, 14}), tree, units_of) == set()  # all in Data


def test_a_hidden_headline_figure_hides_the_rows_and_chart_bars_behind_it() -> None:
    from mentorship.dashboards.privacy import Figure
    from mentorship.dashboards.sections.pairs import _pairs_by_state_chart, agree_with_headline
    from mentorship.dashboards.tables import STATE_LABELS, Table

    table = Table("pairs_by_state", "Pairs by state", ["State", "Pairs", "People"])
    for state, pairs in (("on_track", 0), ("at_risk", 0), ("completed", 4), ("ended_early", 3)):
        table.rows.append([STATE_LABELS[state], Figure(pairs, pairs * 2), Figure(pairs * 2, pairs * 2)])
    table.chart = _pairs_by_state_chart(table)
    agree_with_headline({"Active pairs"}, {"pairs_by_state": table})

    shown = {row[0]: row[1] for row in table.rows}
    assert shown["Active, on track"].hidden and shown["Active, at risk"].hidden
    assert not shown["Completed"].hidden and shown["Completed"].value == 4
    assert table.chart is not None and str(table.chart).count('class="chart-hidden"') == 2  # dashed, not 0
    assert "Active, on track,hidden,hidden" in "\n".join(",".join(row) for row in table.csv_rows())


def test_a_month_chart_with_no_sessions_says_so(hr_client: Any, world: World) -> None:
    body = hr_client.get("/dashboards/?start=2020-01-01&end=2020-03-31").content.decode()
    assert "No sessions in this period." in body
