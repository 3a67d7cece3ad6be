from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from mentorship.mentorships.models import Mentorship
from mentorship.programs import defaults, services
from mentorship.programs.models import Enrollment, EnrollmentRole, ProgramEvent, ProgramStatus
from tests.programs.conftest import program_data


def test_a_new_program_takes_the_defaults_of_its_kind(hr_admin) -> None:
    data = program_data(kind="reverse", ends_on=None)
    program = services.program_create(data=data, by=hr_admin.user)

    assert program.status == ProgramStatus.DRAFT
    assert program.matching["min_level_gap"] == 1
    assert program.matching["different_department"] is True
    assert program.matching["weights"] == defaults.DEFAULT_WEIGHTS
    assert program.reminders == defaults.default_reminders()
    assert (program.cadence_days, program.default_capacity) == (14, 1)
    assert program.focus_categories == ["digital"]
    assert program.ends_on == services.add_months(data["starts_on"], 3)
    assert program.guide == defaults.DEFAULT_GUIDE


def test_the_creator_becomes_an_owner_and_the_creation_is_recorded(hr_admin) -> None:
    program = services.program_create(data=program_data(), by=hr_admin.user)

    assert list(program.owners.all()) == [hr_admin.user]
    event = program.events.get()
    assert (event.kind, event.actor) == (ProgramEvent.Kind.CREATED, hr_admin.user)


def test_it_keeps_rules_hr_set_and_fills_the_rest(hr_admin) -> None:
    weights = {"expertise": 50, "work_style": 20}
    program = services.program_create(
        data=program_data(kind="peer", matching={"max_level_gap": 0, "weights": weights}), by=hr_admin.user
    )

    assert program.matching["max_level_gap"] == 0
    assert program.matching["shared_language"] is True
    assert program.matching["weights"]["work_style"] == 20
    assert program.matching["weights"]["timezone"] == 10


def test_it_refuses_weights_that_do_not_add_up_to_100(hr_admin) -> None:
    with pytest.raises(ValidationError, match="add up to 110"):
        services.program_create(data=program_data(matching={"weights": {"expertise": 70}}), by=hr_admin.user)


def test_it_refuses_an_end_before_the_start(hr_admin) -> None:
    data = program_data()
    data["ends_on"] = data["starts_on"] - timedelta(days=1)
    with pytest.raises(ValidationError, match="must end after it starts"):
        services.program_create(data=data, by=hr_admin.user)


def test_an_edit_records_each_changed_field_from_old_to_new(make_program, hr_admin) -> None:
    program = make_program()

    services.program_update(
        program=program,
        data={"cadence_days": 28, "name": program.name, "matching": {"min_level_gap": 3}},
        by=hr_admin.user,
    )

    event = program.events.filter(kind=ProgramEvent.Kind.EDITED).get()
    assert event.actor == hr_admin.user
    assert event.changes == {"Cadence days": ["21", "28"], "Minimum level gap": ["2", "3"]}
    assert "cadence days" in event.summary


def test_an_edit_that_changes_nothing_records_nothing(make_program, hr_admin) -> None:
    program = make_program()

    services.program_update(program=program, data={"name": program.name}, by=hr_admin.user)

    assert not program.events.filter(kind=ProgramEvent.Kind.EDITED).exists()


def test_the_kind_is_fixed_once_enrollment_has_opened(make_program, hr_admin) -> None:
    program = make_program(status=ProgramStatus.ENROLLING)

    with pytest.raises(ValidationError, match="only change while the program is a draft"):
        services.program_update(program=program, data={"kind": "reverse"}, by=hr_admin.user)


def test_a_program_always_keeps_an_owner(make_program, hr_admin) -> None:
    with pytest.raises(ValidationError, match="at least one owner"):
        services.program_update(program=make_program(), data={"owners": []}, by=hr_admin.user)


def test_enrollment_cannot_open_without_objectives(make_program, hr_admin) -> None:
    program = make_program(objectives="")

    with pytest.raises(ValidationError, match="Add objectives before opening enrollment"):
        services.program_transition(program=program, to=ProgramStatus.ENROLLING, by=hr_admin.user)


def test_enrollment_cannot_open_without_its_dates(make_program, hr_admin) -> None:
    program = make_program(enrollment_opens=None, starts_on=None, ends_on=None)

    with pytest.raises(ValidationError) as refused:
        services.program_transition(program=program, to=ProgramStatus.ENROLLING, by=hr_admin.user)

    assert refused.value.messages == [
        "Add the date enrollment opens, the start date, the end date before opening enrollment."
    ]
    program.refresh_from_db()
    assert program.status == ProgramStatus.DRAFT


def test_a_program_cannot_skip_steps(make_program, hr_admin) -> None:
    with pytest.raises(ValidationError, match="A draft program cannot move to running"):
        services.program_transition(program=make_program(), to=ProgramStatus.RUNNING, by=hr_admin.user)


def test_every_transition_is_recorded_with_who_and_from_where(make_program, hr_admin) -> None:
    program = make_program(status=ProgramStatus.RUNNING)

    events = program.events.filter(kind=ProgramEvent.Kind.TRANSITION).order_by("at", "id")
    assert [event.summary for event in events] == [
        "Draft → Enrolling",
        "Enrolling → Matching",
        "Matching → Running",
    ]
    assert [event.changes["status"] for event in events] == [
        ["draft", "enrolling"],
        ["enrolling", "matching"],
        ["matching", "running"],
    ]
    assert {event.actor for event in events} == {hr_admin.user}


def _enroll_directly(program, participant, role=EnrollmentRole.MENTEE) -> Enrollment:
    return Enrollment.objects.create(program=program, participant=participant, role=role)


def test_enrollment_goes_back_to_draft_only_while_nobody_is_enrolled(make_program, hr_admin, outsider) -> None:
    program = make_program(status=ProgramStatus.ENROLLING)
    _enroll_directly(program, outsider)

    with pytest.raises(ValidationError, match="1 person has enrolled"):
        services.program_transition(program=program, to=ProgramStatus.DRAFT, by=hr_admin.user)

    Enrollment.objects.update(withdrawn_at="2026-01-01T00:00:00Z")
    program = services.program_transition(program=program, to=ProgramStatus.DRAFT, by=hr_admin.user)
    assert program.status == ProgramStatus.DRAFT


def test_matching_can_step_back_to_enrolling(make_program, hr_admin) -> None:
    program = make_program(status=ProgramStatus.MATCHING)

    program = services.program_transition(program=program, to=ProgramStatus.ENROLLING, by=hr_admin.user)

    assert program.status == ProgramStatus.ENROLLING


def test_closing_with_unmatched_mentees_needs_confirmation(
    make_program, hr_admin, outsider, junior_mentor, senior_mentor
) -> None:
    program = make_program(status=ProgramStatus.RUNNING)
    _enroll_directly(program, outsider)
    _enroll_directly(program, junior_mentor)
    _enroll_directly(program, senior_mentor, role=EnrollmentRole.MENTOR)

    with pytest.raises(services.ConfirmationRequired, match="2 mentees are still unmatched"):
        services.program_transition(program=program, to=ProgramStatus.CLOSED, by=hr_admin.user)
    program.refresh_from_db()
    assert program.status == ProgramStatus.RUNNING

    program = services.program_transition(program=program, to=ProgramStatus.CLOSED, by=hr_admin.user, confirm=True)
    assert program.status == ProgramStatus.CLOSED
    assert "confirmed with unmatched mentees" in program.events.first().summary


def test_closing_counts_only_mentees_without_a_mentorship_as_unmatched(
    make_program, hr_admin, outsider, junior_mentor, senior_mentor
) -> None:
    program = make_program(status=ProgramStatus.RUNNING)
    _enroll_directly(program, outsider)
    _enroll_directly(program, junior_mentor)
    _enroll_directly(program, senior_mentor, role=EnrollmentRole.MENTOR)
    Mentorship.objects.create(program=program, mentor=senior_mentor, mentee=junior_mentor, started_at=timezone.now())

    with pytest.raises(services.ConfirmationRequired, match="1 mentee is still unmatched"):
        services.program_transition(program=program, to=ProgramStatus.CLOSED, by=hr_admin.user)


def test_closing_without_mentees_needs_no_confirmation(make_program, hr_admin) -> None:
    program = make_program(status=ProgramStatus.RUNNING)

    program = services.program_transition(program=program, to=ProgramStatus.CLOSED, by=hr_admin.user)

    assert program.status == ProgramStatus.CLOSED


def test_a_closed_program_cannot_be_edited(make_program, hr_admin) -> None:
    program = make_program(status=ProgramStatus.CLOSED)

    with pytest.raises(ValidationError, match="closed program"):
        services.program_update(program=program, data={"name": "New name"}, by=hr_admin.user)
