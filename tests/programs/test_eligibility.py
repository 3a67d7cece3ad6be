from datetime import timedelta

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from mentorship.participants.orgtree import OrgTree
from mentorship.programs.eligibility import (
    ineligibility_reason,
    programs_open_to,
    units_with_descendants,
)
from mentorship.programs.models import ProgramStatus


def test_sub_units_are_found_from_one_query(org, django_assert_num_queries) -> None:
    with django_assert_num_queries(1):
        tree = OrgTree.load()

    found = units_with_descendants([org["engineering"].pk], tree)

    assert found == {org["engineering"].pk, org["data"].pk}
    assert units_with_descendants([org["company"].pk], tree) == {unit.pk for unit in org.values()}


def test_a_unit_includes_its_sub_units(make_program, org, junior_mentor, hr_admin) -> None:
    program = make_program(eligible_units=[org["engineering"]])

    assert ineligibility_reason(junior_mentor, program) is None  # Data sits under Engineering
    assert ineligibility_reason(hr_admin, program) == "This program is for other departments."


def test_no_units_means_everyone(make_program, outsider) -> None:
    assert ineligibility_reason(outsider, make_program()) is None


def test_the_level_range_is_inclusive(make_program, junior_mentor, senior_mentor, manager) -> None:
    program = make_program(level_min=2, level_max=5)

    assert ineligibility_reason(manager, program) is None  # level 5
    assert ineligibility_reason(junior_mentor, program) == "This program is for career levels 2 to 5."
    assert ineligibility_reason(senior_mentor, program) == "This program is for career levels 2 to 5."


def test_people_who_have_not_finished_onboarding_are_not_eligible(make_program, make_person) -> None:
    newcomer = make_person(onboarded_at=None)

    assert ineligibility_reason(newcomer, make_program()) == "Complete your profile first."


def test_deactivated_people_are_not_eligible(make_program, outsider) -> None:
    outsider.user.is_active = False

    assert ineligibility_reason(outsider, make_program()) == "Your account is not active."


def test_only_programs_enrolling_today_are_open(make_program, outsider) -> None:
    today = timezone.localdate()
    open_now = make_program(name="Open now", status=ProgramStatus.ENROLLING)
    make_program(name="Still a draft")
    make_program(name="Matching", status=ProgramStatus.MATCHING)
    make_program(
        name="Opens next week",
        status=ProgramStatus.ENROLLING,
        enrollment_opens=today + timedelta(days=7),
    )

    assert programs_open_to(outsider, today=today) == [open_now]


def test_the_open_programs_cost_the_same_queries_however_many_there_are(
    make_program, org, junior_mentor, django_assert_num_queries
) -> None:
    today = timezone.localdate()

    def count_queries_for(total: int) -> list:
        for number in range(total):
            units = [org["engineering"]] if number % 2 else [org["people"]]
            make_program(name=f"Program {number}", status=ProgramStatus.ENROLLING, eligible_units=units)
        with django_assert_num_queries(3):  # programs, their units, the unit tree
            return programs_open_to(junior_mentor, today=today)

    assert len(count_queries_for(2)) == 1
    assert len(count_queries_for(10)) == 6


def test_the_employee_programs_page_does_not_query_per_program(client, make_program, outsider) -> None:
    client.force_login(outsider.user)
    make_program(name="First", status=ProgramStatus.ENROLLING)
    client.get("/programs/")  # warm up the session and the user's caches

    with CaptureQueriesContext(connection) as one_program:
        client.get("/programs/")
    for number in range(8):
        make_program(name=f"More {number}", status=ProgramStatus.ENROLLING)
    with CaptureQueriesContext(connection) as nine_programs:
        response = client.get("/programs/")

    assert len(response.context["open_programs"]) == 9
    assert len(nine_programs) == len(one_program)
