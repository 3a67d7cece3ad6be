"""HR program pages: who may see and change what, and what the pages show."""

import pytest
from django.urls import reverse

from mentorship.participants import services as people
from mentorship.programs.models import Enrollment, EnrollmentRole, Program, ProgramStatus
from tests.conftest import PASSWORD  # noqa: F401  (personas sign in with force_login)

HR_PAGES = ["programs:detail", "programs:edit", "programs:pool", "programs:supply_demand", "programs:history"]


@pytest.fixture
def other_hr_admin(make_person):
    person = make_person("hugo.hr@example.com", first_name="Hugo", last_name="HR", career_level=5)
    people.hr_admin_grant(user=person.user)
    return person


@pytest.mark.parametrize("name", HR_PAGES)
def test_employees_get_404_on_hr_program_pages(client, make_program, outsider, name) -> None:
    program = make_program()
    client.force_login(outsider.user)

    assert client.get(reverse(name, args=[program.pk])).status_code == 404


@pytest.mark.parametrize("name", ["programs:hr_list", "programs:create"])
def test_employees_get_404_on_the_hr_program_list_and_form(client, outsider, name) -> None:
    client.force_login(outsider.user)

    assert client.get(reverse(name)).status_code == 404


def test_employees_cannot_move_a_program(client, make_program, outsider) -> None:
    program = make_program()
    client.force_login(outsider.user)

    response = client.post(reverse("programs:transition", args=[program.pk]), {"to": "enrolling"})

    assert response.status_code == 404
    program.refresh_from_db()
    assert program.status == ProgramStatus.DRAFT


@pytest.mark.parametrize("name", HR_PAGES[:1] + HR_PAGES[2:])
def test_an_hr_admin_who_does_not_own_a_program_may_look_at_it(client, make_program, other_hr_admin, name) -> None:
    program = make_program()
    client.force_login(other_hr_admin.user)

    assert client.get(reverse(name, args=[program.pk])).status_code == 200


def test_an_hr_admin_cannot_edit_a_program_owned_by_others(client, make_program, other_hr_admin) -> None:
    program = make_program()
    client.force_login(other_hr_admin.user)

    edit = client.get(reverse("programs:edit", args=[program.pk]))
    move = client.post(reverse("programs:transition", args=[program.pk]), {"to": "enrolling"})

    assert edit.status_code == 403
    assert "Not allowed" in edit.text
    assert move.status_code == 403
    program.refresh_from_db()
    assert program.status == ProgramStatus.DRAFT
    detail = client.get(reverse("programs:detail", args=[program.pk]))
    assert "Only the program's owners can change it." in detail.text
    assert "Open enrollment" not in detail.text


def test_any_hr_admin_may_edit_when_the_setting_allows_it(client, make_program, other_hr_admin, settings) -> None:
    settings.PROGRAMS_ANY_HR_ADMIN_MAY_EDIT = True
    program = make_program()
    client.force_login(other_hr_admin.user)

    assert client.get(reverse("programs:edit", args=[program.pk])).status_code == 200
    response = client.post(reverse("programs:transition", args=[program.pk]), {"to": "enrolling"})

    assert response.status_code == 302
    program.refresh_from_db()
    assert program.status == ProgramStatus.ENROLLING
    assert program.events.first().actor == other_hr_admin.user


def test_hr_creates_a_program_in_the_browser_form(client, hr_admin) -> None:
    client.force_login(hr_admin.user)
    assert client.get(reverse("programs:create")).status_code == 200

    response = client.post(
        reverse("programs:create"),
        {
            "name": "Peer reskilling in data",
            "kind": "peer",
            "objectives": "Everyone writes their own SQL queries.",
            "level_min": "2",
            "level_max": "4",
            "starts_on": "2026-05-01",
            "guide": "",
        },
    )

    program = Program.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("programs:detail", args=[program.pk])
    assert program.matching["max_level_gap"] == 1
    assert str(program.ends_on) == "2026-08-01"
    assert list(program.owners.all()) == [hr_admin.user]


def test_a_form_with_mistakes_is_shown_again_with_messages(client, hr_admin) -> None:
    client.force_login(hr_admin.user)

    response = client.post(
        reverse("programs:create"),
        {"name": "x", "kind": "peer", "level_min": "1", "level_max": "7", "cadence_days": "3"},
    )

    assert response.status_code == 400
    assert "The cadence must be between 7 and 90." in response.text
    assert not Program.objects.exists()


def test_an_owner_edits_a_program_and_the_history_shows_what_changed(client, make_program, hr_admin) -> None:
    program = make_program()
    client.force_login(hr_admin.user)
    form = client.get(reverse("programs:edit", args=[program.pk])).context["form"]
    data = {name: value for name, value in form.initial.items() if value is not None}
    data.update(cadence_days="28", focus_skills=[], eligible_units=[], focus_categories=[])
    data["owners"] = [hr_admin.user.pk]

    response = client.post(reverse("programs:edit", args=[program.pk]), data)

    assert response.status_code == 302, response.context["form"].errors
    detail = client.get(reverse("programs:detail", args=[program.pk]))
    assert "Edited cadence days" in detail.text
    assert "<td>21</td><td>28</td>" in detail.text.replace("\n", "").replace(" ", "")


def test_closing_with_unmatched_mentees_asks_for_confirmation_first(client, make_program, hr_admin, outsider) -> None:
    program = make_program(status=ProgramStatus.RUNNING)
    Enrollment.objects.create(program=program, participant=outsider, role=EnrollmentRole.MENTEE)
    client.force_login(hr_admin.user)
    url = reverse("programs:transition", args=[program.pk])

    asked = client.post(url, {"to": "closed"})
    program.refresh_from_db()
    assert asked.status_code == 409
    assert "1 mentee is still unmatched" in asked.text
    assert program.status == ProgramStatus.RUNNING

    confirmed = client.post(url, {"to": "closed", "confirm": "on"})
    program.refresh_from_db()
    assert confirmed.status_code == 302
    assert program.status == ProgramStatus.CLOSED


def test_a_refused_transition_explains_why_on_the_detail_page(client, make_program, hr_admin) -> None:
    program = make_program(objectives="")
    client.force_login(hr_admin.user)

    response = client.post(reverse("programs:transition", args=[program.pk]), {"to": "enrolling"}, follow=True)

    assert "Add objectives before opening enrollment." in response.text
    assert "Draft" in response.text


def test_the_hr_list_counts_enrollments_by_role_and_filters_by_status(
    client, make_program, hr_admin, outsider, junior_mentor, django_assert_max_num_queries
) -> None:
    enrolling = make_program(name="Open one", status=ProgramStatus.ENROLLING)
    make_program(name="Draft one")
    Enrollment.objects.create(program=enrolling, participant=outsider, role=EnrollmentRole.MENTEE)
    Enrollment.objects.create(program=enrolling, participant=junior_mentor, role=EnrollmentRole.MENTOR)
    client.force_login(hr_admin.user)

    with django_assert_max_num_queries(9):
        response = client.get(reverse("programs:hr_list"), {"status": "enrolling"})

    rows = list(response.context["page"].object_list)
    assert [program.name for program in rows] == ["Open one"]
    assert (rows[0].mentor_count, rows[0].mentee_count, rows[0].both_count) == (1, 1, 0)


def test_the_pool_filters_by_unit_including_sub_units_and_by_level(
    client, make_program, hr_admin, org, senior_mentor, junior_mentor, outsider
) -> None:
    program = make_program(status=ProgramStatus.ENROLLING)
    for person, role in ((senior_mentor, "mentor"), (junior_mentor, "mentee"), (outsider, "mentee")):
        Enrollment.objects.create(program=program, participant=person, role=role)
    client.force_login(hr_admin.user)
    url = reverse("programs:pool", args=[program.pk])

    engineering = client.get(url, {"unit": org["engineering"].pk})
    juniors = client.get(url, {"level": 1})

    assert {e.participant for e in engineering.context["page"].object_list} == {senior_mentor, junior_mentor}
    assert [e.participant for e in juniors.context["page"].object_list] == [junior_mentor]
    assert engineering.context["counts"] == {"mentor": 1, "mentee": 2, "both": 0}
