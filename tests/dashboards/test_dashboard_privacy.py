"""Managers see aggregates of their reporting subtree only, never a group under the threshold."""

from collections.abc import Callable
from typing import Any

import pytest
from django.test import override_settings

from mentorship.dashboards import privacy
from mentorship.participants.models import OrgUnit, Participant
from tests.dashboards.conftest import enroll, login, make_program, pair, rate, session

pytestmark = pytest.mark.django_db


def test_a_group_of_four_is_hidden_and_a_group_of_five_is_shown() -> None:
    assert privacy.suppress_rows([4]) == [True]
    assert privacy.suppress_rows([5]) == [False]


def test_hiding_one_small_group_also_hides_the_next_smallest_so_subtraction_reveals_nothing() -> None:
    assert privacy.suppress_rows([10, 6, 2]) == [False, True, True]
    assert privacy.suppress_rows([10, 6, 0]) == [False, False, False]
    # Two small groups that together reach the threshold protect each other.
    assert privacy.suppress_rows([10, 3, 2]) == [False, True, True]


def test_a_filtered_figure_is_hidden_when_the_people_it_leaves_out_are_few() -> None:
    assert privacy.visible(5, complement=2) is False
    assert privacy.visible(5, complement=0) is True
    assert privacy.visible(5, complement=5) is True


@override_settings(PRIVACY_THRESHOLD=2)
def test_the_threshold_never_drops_below_three() -> None:
    assert privacy.threshold() == 3
    assert privacy.themes_threshold() == 6


@override_settings(PRIVACY_THRESHOLD=8)
def test_the_threshold_follows_the_setting() -> None:
    assert privacy.suppress_rows([7]) == [True]


def _team_that_rated(
    make_person: Callable[..., Participant], manager: Participant, units: list[OrgUnit]
) -> list[Participant]:
    """One report per unit given, each a mentee in a pair with an outside mentor, and each rating
    their one session 4 (or 2 for people in the second unit)."""
    program = make_program()
    mentor = make_person(first_name="Outside", last_name="Mentor", career_level=6)
    team = []
    for index, unit in enumerate(units):
        person = make_person(first_name=f"Report{index}", org_unit=unit, manager=manager)
        enroll(program, person, "mentee")
        mentorship = pair(program, make_person(career_level=6) if index else mentor, person, "2026-02-01")
        rate(session(mentorship, "2026-02-10"), person, 4 if unit == units[0] else 2, "2026-02-11")
        team.append(person)
    return team


def _figure(response: Any, label: str) -> Any:
    return next(figure for name, figure, _ in response.context["dashboard"].headline if name == label)


def test_a_manager_sees_no_rating_average_from_four_people(
    client: Any, make_person: Callable[..., Participant], manager: Participant, org: dict[str, OrgUnit]
) -> None:
    _team_that_rated(make_person, manager, [org["data"]] * 4)
    response = login(client, manager).get("/dashboards/team/")
    assert response.status_code == 200
    assert _figure(response, "Average session rating").hidden
    assert "Hidden" in response.content.decode()


def test_a_manager_sees_the_rating_average_from_five_people(
    client: Any, make_person: Callable[..., Participant], manager: Participant, org: dict[str, OrgUnit]
) -> None:
    _team_that_rated(make_person, manager, [org["data"]] * 5)
    response = login(client, manager).get("/dashboards/team/")
    figure = _figure(response, "Average session rating")
    assert not figure.hidden
    assert figure.value == pytest.approx(4.0)


def test_a_filter_cannot_reveal_a_small_group_by_subtraction(
    client: Any, make_person: Callable[..., Participant], manager: Participant, org: dict[str, OrgUnit]
) -> None:
    # Five in Data rate 4, two in People rate 2. Unfiltered (7 people) the average shows; filtered
    # to Data (5 people) it would, but then "all minus Data" would give away the two in People.
    # So neither unit is offered as a filter: asked for anyway, the page says so and shows the
    # unfiltered figure, the only one there is to compare.
    _team_that_rated(make_person, manager, [org["data"]] * 5 + [org["people"]] * 2)
    login(client, manager)
    assert _figure(client.get("/dashboards/team/"), "Average session rating").value == pytest.approx(24 / 7)
    for unit in (org["data"], org["people"]):
        response = client.get(f"/dashboards/team/?unit={unit.pk}")
        assert unit.pk not in [value for value, _ in response.context["form"].fields["unit"].choices]
        assert "Select a valid choice" in response.content.decode()
        assert _figure(response, "Average session rating").value == pytest.approx(24 / 7)


def test_a_breakdown_hides_the_next_smallest_group_beside_a_small_one(
    client: Any, make_person: Callable[..., Participant], manager: Participant, org: dict[str, OrgUnit]
) -> None:
    org["sales"] = OrgUnit.objects.create(name="Sales", parent=org["company"])
    _team_that_rated(make_person, manager, [org["data"]] * 6 + [org["people"]] * 5 + [org["sales"]] * 2)
    response = login(client, manager).get("/dashboards/team/")
    rows = {row[0]: row[1] for row in response.context["dashboard"].tables["enrollment_by_unit"].rows}
    assert rows["Sales"].hidden
    assert rows["People"].hidden  # the next smallest, or 13 - 6 would give Sales away
    assert not rows["Engineering"].hidden
    csv = client.get("/dashboards/team/?format=csv&table=enrollment_by_unit").content.decode()
    assert "Sales,hidden,hidden" in csv


def test_a_manager_never_sees_people_outside_their_subtree(
    client: Any, make_person: Callable[..., Participant], manager: Participant, org: dict[str, OrgUnit]
) -> None:
    team = _team_that_rated(make_person, manager, [org["data"]] * 5)
    stranger = make_person(first_name="Stranger", last_name="Danger")
    for _ in range(3):
        make_person(manager=stranger)
    login(client, manager)
    assert client.get(f"/dashboards/team/{stranger.pk}/").status_code == 404
    assert client.get(f"/dashboards/team/{team[0].pk}/").status_code == 404  # leads nobody
    enrollments = _figure(client.get("/dashboards/team/"), "Enrollments")
    assert enrollments.value == 5  # the outside mentors enrolled nowhere; strangers are not counted
    for table in ("enrollment_by_role", "pairs_by_state", "rating_distribution", "growth_by_skill"):
        body = client.get(f"/dashboards/team/?format=csv&table={table}").content.decode()
        assert "Stranger" not in body
        assert "Outside" not in body
    assert client.get("/dashboards/team/?format=csv&table=at_risk").status_code == 404


def test_a_senior_manager_drills_into_a_team_inside_their_subtree(
    client: Any, make_person: Callable[..., Participant], senior_mentor: Participant, manager: Participant
) -> None:
    # Offered: the team has five people enrolled, and the rest of the subtree (the manager) none.
    program = make_program()
    for _ in range(5):
        enroll(program, make_person(manager=manager), "mentee")
    login(client, senior_mentor)
    response = client.get(f"/dashboards/team/{manager.pk}/")
    assert response.status_code == 200
    assert response.context["team_size"] == 5
    assert f"/dashboards/team/{manager.pk}/" in client.get("/dashboards/team/").content.decode()


def test_employees_cannot_reach_hr_or_manager_dashboards(client: Any, outsider: Participant, world: Any) -> None:
    login(client, outsider)
    for url in (
        "/dashboards/",
        "/dashboards/approaches/",
        f"/dashboards/programs/{world.program.pk}/",
        "/dashboards/team/",
        "/dashboards/?format=csv&table=at_risk",
    ):
        assert client.get(url).status_code == 404, url
    assert client.get("/dashboards/mine/").status_code == 200


def test_a_manager_cannot_reach_the_hr_dashboards(client: Any, manager: Participant, junior_mentor: Any) -> None:
    login(client, manager)
    assert client.get("/dashboards/").status_code == 404
    assert client.get("/dashboards/approaches/").status_code == 404
    assert client.get("/dashboards/team/").status_code == 200


def test_a_manager_sees_no_individual_names_reasons_or_ratings(
    client: Any, make_person: Callable[..., Participant], manager: Participant, org: dict[str, OrgUnit]
) -> None:
    team = _team_that_rated(make_person, manager, [org["data"]] * 5)
    from mentorship.mentorships.models import Mentorship

    Mentorship.objects.filter(mentee=team[0]).update(at_risk_since="2026-03-01T00:00Z", at_risk_reason="Secret reason")
    body = login(client, manager).get("/dashboards/team/").content.decode()
    assert "Secret reason" not in body
    assert "Report0" not in body
    assert "Pairs at risk" not in body


def test_a_program_filter_counts_only_that_programs_matches_for_a_manager(
    client: Any, make_person: Callable[..., Participant], manager: Participant, org: dict[str, OrgUnit]
) -> None:
    # Six reports learn in two programs: in One, five were matched after 10 days; in Two, all six
    # after 20. Filtered to One, the figures leave Two's matches out (and the six people outside
    # the filter are enough to show them).
    one, two = make_program("One"), make_program("Two")
    mentor = make_person(first_name="Outside", last_name="Mentor", career_level=6)
    for index in range(6):
        person = make_person(first_name=f"Report{index}", org_unit=org["data"], manager=manager)
        enroll(one, person, "mentee")
        enroll(two, person, "mentee")
        if index < 5:
            pair(one, mentor, person, "2026-01-11")
        pair(two, mentor, person, "2026-01-21")
    login(client, manager)
    filtered = client.get(f"/dashboards/team/?program={one.pk}")
    assert _figure(filtered, "Match rate").value == pytest.approx(5 / 6)
    assert _figure(filtered, "Time to match").value == pytest.approx(10)
    assert _figure(client.get("/dashboards/team/"), "Match rate").value == pytest.approx(11 / 12)


def test_rows_that_share_people_stay_hidden_until_one_hidden_row_alone_reaches_the_threshold() -> None:
    # Roles or states can hold the same person twice: 3 + 2 may be only 3 people.
    assert privacy.suppress_rows([10, 3, 2], disjoint=False) == [True, True, True]
    assert privacy.suppress_rows([10, 6, 2], disjoint=False) == [False, True, True]


def test_a_unit_is_offered_only_when_it_and_its_remainder_are_empty_or_large() -> None:
    everyone = frozenset(range(1, 12))
    measures = {"enrolled": {person: frozenset({1}) for person in everyone}}
    offer = privacy.offer(
        people=everyone,
        teams={},
        units={10: everyone, 11: frozenset({1}), 12: frozenset(range(2, 7)), 13: frozenset(range(2, 12))},
        measures=measures,
        program_kinds={1: "traditional"},
        minimum=5,
    )
    # 10 is everyone; 12 (5 people) leaves 6; then 13 would split 7..11 off 12's rest and leave
    # person 1 alone; 11 is one person.
    assert offer.units == {10, 12}
    assert offer.withheld == 2
    assert sorted(map(len, offer.people_atoms)) == [5, 6]


def test_a_figure_is_hidden_when_any_atom_of_the_view_holds_one_to_k_minus_one_people() -> None:
    atoms = [privacy.AtomFigures(headline={"Average session rating": 5}), privacy.AtomFigures()]
    assert not privacy.Disclosure(atoms).figure_hidden("Average session rating")
    atoms.append(privacy.AtomFigures(headline={"Average session rating": 2}))
    assert privacy.Disclosure(atoms).figure_hidden("Average session rating")
    assert privacy.Disclosure([]).figure_hidden("Average session rating")  # nothing known: hidden
