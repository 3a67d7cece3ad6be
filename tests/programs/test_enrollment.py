"""Employees enroll, edit and withdraw while a program is enrolling, and only then."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from mentorship.programs import services
from mentorship.programs.models import Enrollment, EnrollmentRole, ProgramStatus


@pytest.fixture
def learner(outsider, skills, set_skill):
    """Olly wants generative AI and SQL, and is a practitioner in negotiation."""
    set_skill(outsider, skills["genai"], level=1, want=3)
    set_skill(outsider, skills["sql"], level=2, want=1)
    set_skill(outsider, skills["negotiation"], level=3)
    return outsider


@pytest.fixture
def teacher(junior_mentor, skills, set_skill):
    """Jo (level 1) teaches generative AI and cloud collaboration, and wants to learn feedback."""
    set_skill(junior_mentor, skills["genai"], level=5)
    set_skill(junior_mentor, skills["cloud"], level=2, can_teach=True)
    set_skill(junior_mentor, skills["social"], level=2)
    set_skill(junior_mentor, skills["feedback"], level=1, want=2)
    return junior_mentor


def _mentee(skills, *keys):
    return {"role": "mentee", "goals": [skills[key] for key in keys], "motivation": "  Curious.  "}


def test_a_mentee_enrolls_with_goals_from_their_inventory(make_program, learner, skills) -> None:
    program = make_program(status=ProgramStatus.ENROLLING)

    enrollment = services.enrollment_create(program=program, participant=learner, data=_mentee(skills, "genai", "sql"))

    assert enrollment.role == EnrollmentRole.MENTEE
    assert set(enrollment.goals.all()) == {skills["genai"], skills["sql"]}
    assert enrollment.capacity == 1
    assert enrollment.motivation == "Curious."


def test_goals_must_be_skills_the_person_wants(make_program, learner, skills) -> None:
    program = make_program(status=ProgramStatus.ENROLLING)

    with pytest.raises(ValidationError) as refused:
        services.enrollment_create(program=program, participant=learner, data=_mentee(skills, "negotiation"))

    assert refused.value.message_dict == {"goals": ["Learning goals must be skills your inventory marks as wanted."]}


def test_offers_must_be_skills_the_person_can_teach(make_program, teacher, skills) -> None:
    program = make_program(status=ProgramStatus.ENROLLING)
    data = {"role": "mentor", "offers": [skills["genai"], skills["social"]], "capacity": 2}

    with pytest.raises(ValidationError, match="level 3 or more, or marked as teachable"):
        services.enrollment_create(program=program, participant=teacher, data=data)

    data["offers"] = [skills["genai"], skills["cloud"]]  # level 5, and level 2 marked teachable
    enrollment = services.enrollment_create(program=program, participant=teacher, data=data)
    assert set(enrollment.offers.all()) == {skills["genai"], skills["cloud"]}
    assert enrollment.capacity == 2


def test_goals_and_offers_stay_within_the_programs_focus(make_program, learner, skills) -> None:
    program = make_program(kind="reverse", status=ProgramStatus.ENROLLING)  # digital focus by default

    with pytest.raises(ValidationError, match="within the program's focus"):
        services.enrollment_create(program=program, participant=learner, data=_mentee(skills, "sql"))
    services.enrollment_create(program=program, participant=learner, data=_mentee(skills, "genai"))


def test_a_mentor_needs_a_capacity_between_1_and_10(make_program, teacher, skills) -> None:
    program = make_program(status=ProgramStatus.ENROLLING)

    with pytest.raises(ValidationError, match="between 1 and 10 people"):
        services.enrollment_create(
            program=program, participant=teacher, data={"role": "mentor", "offers": [skills["genai"]], "capacity": 11}
        )


@pytest.mark.parametrize(
    ("kind", "allowed"), [("traditional", False), ("reverse", False), ("peer", True), ("reciprocal", True)]
)
def test_only_reciprocal_and_peer_programs_take_people_in_both_roles(
    make_program, teacher, skills, kind, allowed
) -> None:
    program = make_program(kind=kind, focus_categories=[], status=ProgramStatus.ENROLLING)
    data = {"role": "both", "goals": [skills["feedback"]], "offers": [skills["genai"]], "capacity": 1}

    if allowed:
        enrollment = services.enrollment_create(program=program, participant=teacher, data=data)
        assert (enrollment.learns, enrollment.teaches) == (True, True)
    else:
        with pytest.raises(ValidationError, match="you can join as mentor or mentee"):
            services.enrollment_create(program=program, participant=teacher, data=data)


def test_people_outside_the_eligible_levels_cannot_enroll(make_program, learner, skills) -> None:
    program = make_program(level_min=4, status=ProgramStatus.ENROLLING)

    with pytest.raises(ValidationError, match="career levels 4 to 7"):
        services.enrollment_create(program=program, participant=learner, data=_mentee(skills, "genai"))


def test_nobody_enrolls_in_a_draft(make_program, learner, skills) -> None:
    with pytest.raises(ValidationError, match="not open for enrollment"):
        services.enrollment_create(program=make_program(), participant=learner, data=_mentee(skills, "genai"))


def test_enrolling_twice_is_refused(make_program, learner, skills) -> None:
    program = make_program(status=ProgramStatus.ENROLLING)
    services.enrollment_create(program=program, participant=learner, data=_mentee(skills, "genai"))

    with pytest.raises(ValidationError, match="already enrolled"):
        services.enrollment_create(program=program, participant=learner, data=_mentee(skills, "sql"))


def test_enrolling_again_after_withdrawing_reuses_the_enrollment(make_program, learner, skills) -> None:
    program = make_program(status=ProgramStatus.ENROLLING)
    first = services.enrollment_create(program=program, participant=learner, data=_mentee(skills, "genai"))
    services.enrollment_withdraw(enrollment=first)

    again = services.enrollment_create(program=program, participant=learner, data=_mentee(skills, "sql"))

    assert again.pk == first.pk
    assert again.is_active
    assert list(again.goals.all()) == [skills["sql"]]


def test_edits_and_withdrawals_stop_once_matching_starts(make_program, learner, skills, hr_admin) -> None:
    program = make_program(status=ProgramStatus.ENROLLING)
    enrollment = services.enrollment_create(program=program, participant=learner, data=_mentee(skills, "genai"))
    services.enrollment_update(enrollment=enrollment, data=_mentee(skills, "genai", "sql"))
    assert enrollment.goals.count() == 2

    services.program_transition(program=program, to=ProgramStatus.MATCHING, by=hr_admin.user)

    with pytest.raises(ValidationError, match="Matching has started"):
        services.enrollment_update(enrollment=enrollment, data=_mentee(skills, "sql"))
    with pytest.raises(ValidationError, match="Matching has started"):
        services.enrollment_withdraw(enrollment=enrollment)
    enrollment.refresh_from_db()
    assert enrollment.is_active


# --- Pages ---------------------------------------------------------------------------------------


def test_an_employee_sees_open_programs_with_the_kind_in_plain_words(client, make_program, learner) -> None:
    make_program(name="AI for leaders", kind="reverse", status=ProgramStatus.ENROLLING)
    make_program(name="Secret draft")
    client.force_login(learner.user)

    response = client.get(reverse("programs:list"))

    assert "AI for leaders" in response.text
    assert "A junior colleague coaches a senior one" in response.text
    assert "Agree two or three clear, specific objectives" in response.text
    assert "Secret draft" not in response.text


def test_an_employee_enrolls_through_the_form(client, make_program, learner, skills) -> None:
    program = make_program(status=ProgramStatus.ENROLLING)
    client.force_login(learner.user)
    url = reverse("programs:enroll", args=[program.pk])
    page = client.get(url)
    assert "Generative AI tools (priority high, level 1 · Aware)" in page.text

    response = client.post(url, {"role": "mentee", "goals": [skills["genai"].pk], "motivation": "Keen."})

    assert response.status_code == 302
    enrollment = Enrollment.objects.get(participant=learner)
    assert list(enrollment.goals.all()) == [skills["genai"]]
    assert "Enrolled: waiting for matching" in client.get(reverse("programs:list")).text


def test_the_form_asks_for_a_goal_when_none_is_chosen(client, make_program, learner) -> None:
    program = make_program(status=ProgramStatus.ENROLLING)
    client.force_login(learner.user)

    response = client.post(reverse("programs:enroll", args=[program.pk]), {"role": "mentee"})

    assert response.status_code == 400
    assert "Choose at least one skill you want to learn." in response.text


def test_an_empty_inventory_gets_a_prompt_to_add_skills(client, make_program, outsider) -> None:
    program = make_program(status=ProgramStatus.ENROLLING)
    client.force_login(outsider.user)

    response = client.get(reverse("programs:enroll", args=[program.pk]))

    assert "Your skill inventory has no skills you want to learn" in response.text
    assert "no skills you can teach" in response.text


def test_ineligible_people_get_404_on_the_enroll_page(client, make_program, learner) -> None:
    program = make_program(level_min=5, status=ProgramStatus.ENROLLING)
    client.force_login(learner.user)

    assert client.get(reverse("programs:enroll", args=[program.pk])).status_code == 404


def test_nobody_edits_someone_elses_enrollment(client, make_program, learner, skills, senior_mentor) -> None:
    program = make_program(status=ProgramStatus.ENROLLING)
    services.enrollment_create(program=program, participant=learner, data=_mentee(skills, "genai"))
    client.force_login(senior_mentor.user)

    assert client.get(reverse("programs:enrollment_edit", args=[program.pk])).status_code == 404
    assert client.post(reverse("programs:withdraw", args=[program.pk])).status_code == 404


def test_withdrawing_after_matching_started_explains_why_not(client, make_program, learner, skills, hr_admin) -> None:
    program = make_program(status=ProgramStatus.ENROLLING)
    services.enrollment_create(program=program, participant=learner, data=_mentee(skills, "genai"))
    services.program_transition(program=program, to=ProgramStatus.MATCHING, by=hr_admin.user)
    client.force_login(learner.user)

    withdraw = client.post(reverse("programs:withdraw", args=[program.pk]), follow=True)
    edit = client.get(reverse("programs:enrollment_edit", args=[program.pk]), follow=True)

    assert "you can no longer withdraw here" in withdraw.text
    assert "your enrollment can no longer change" in edit.text
    assert Enrollment.objects.get().is_active


def test_an_employee_withdraws_while_enrolling(client, make_program, learner, skills) -> None:
    program = make_program(status=ProgramStatus.ENROLLING)
    services.enrollment_create(program=program, participant=learner, data=_mentee(skills, "genai"))
    client.force_login(learner.user)

    response = client.post(reverse("programs:withdraw", args=[program.pk]), follow=True)

    assert "You have withdrawn" in response.text
    assert not Enrollment.objects.get().is_active


# The enrollment page says what it leaves out and who teaches whom ---------------------------------


def test_the_page_says_how_many_teachable_skills_the_programs_focus_leaves_out(
    client, make_program, teacher, skills, set_skill
) -> None:
    set_skill(teacher, skills["sql"], level=4)
    set_skill(teacher, skills["negotiation"], level=2, can_teach=True)
    program = make_program(kind="reverse", status=ProgramStatus.ENROLLING)  # digital skills only
    client.force_login(teacher.user)

    html = client.get(reverse("programs:enroll", args=[program.pk])).text

    assert "Only skills in this program's focus are listed; 2 other skills you teach are not part of it." in html
    assert "Generative AI tools (level 5 · Expert)" in html and "SQL (level" not in html


def test_without_a_focus_nothing_is_said_to_be_left_out(client, make_program, teacher) -> None:
    program = make_program(kind="peer", focus_categories=[], status=ProgramStatus.ENROLLING)
    client.force_login(teacher.user)
    assert "Only skills in this program" not in client.get(reverse("programs:enroll", args=[program.pk])).text


def test_reverse_mentoring_says_the_junior_colleague_is_the_mentor(client, make_program, learner) -> None:
    program = make_program(kind="reverse", status=ProgramStatus.ENROLLING)
    client.force_login(learner.user)
    html = client.get(reverse("programs:enroll", args=[program.pk])).text
    assert "Mentor: I am the junior colleague and coach a senior one in digital skills" in html
    assert "Mentee: I am the senior colleague and learn from a junior one" in html


def test_the_capacity_field_is_for_mentors_only(client, make_program, learner) -> None:
    program = make_program(status=ProgramStatus.ENROLLING)
    client.force_login(learner.user)
    url = reverse("programs:enroll", args=[program.pk])

    blank = client.get(url).text
    # No role chosen yet: shown, and the script hides it as soon as "Mentee" is picked.
    assert '<div data-shown-for-role="mentor both"><label for="id_capacity">' in blank
    as_mentee = client.post(url, {"role": "mentee"}).text  # a mistake: the form comes back
    assert '<div data-shown-for-role="mentor both" hidden><label for="id_capacity">' in as_mentee
