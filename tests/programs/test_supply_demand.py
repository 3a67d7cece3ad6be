"""The pool's skill supply and demand: right figures, gaps flagged, cost independent of pool size."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from mentorship.programs import queries
from mentorship.programs.models import Enrollment, EnrollmentRole, ProgramStatus


def _enroll(program, person, role, goals=(), offers=()):
    enrollment = Enrollment.objects.create(program=program, participant=person, role=role)
    enrollment.goals.set(goals)
    enrollment.offers.set(offers)
    return enrollment


def test_it_counts_learners_and_useful_teachers_per_wanted_skill(
    make_program, make_person, skills, set_skill, django_assert_num_queries
) -> None:
    program = make_program(kind="peer", focus_categories=[], status=ProgramStatus.ENROLLING)
    mentees = [make_person() for _ in range(3)]
    _enroll(program, mentees[0], EnrollmentRole.MENTEE, goals=[skills["genai"], skills["sql"]])
    _enroll(program, mentees[1], EnrollmentRole.MENTEE, goals=[skills["genai"]])
    _enroll(program, mentees[2], EnrollmentRole.BOTH, goals=[skills["negotiation"]])
    gone = _enroll(program, make_person(), EnrollmentRole.MENTEE, goals=[skills["feedback"]])
    gone.withdrawn_at = gone.created_at
    gone.save()
    expert, flagged, weak, withdrawn_mentor = (make_person() for _ in range(4))
    set_skill(expert, skills["genai"], level=4)
    set_skill(flagged, skills["genai"], level=1, can_teach=True)
    set_skill(weak, skills["sql"], level=2)  # below a useful level and not marked as teachable
    set_skill(withdrawn_mentor, skills["sql"], level=5)
    set_skill(mentees[2], skills["sql"], level=3)  # "both" teaches too
    set_skill(mentees[0], skills["genai"], level=5)  # but a mentee does not count as a teacher
    for person in (expert, flagged, weak):
        _enroll(program, person, EnrollmentRole.MENTOR)
    _enroll(program, withdrawn_mentor, EnrollmentRole.MENTOR).delete()

    with django_assert_num_queries(2):  # demand, then supply: both aggregated in the database
        balances = {b.name: (b.wanted_by, b.teachers, b.nobody_can_teach) for b in queries.supply_and_demand(program)}

    assert balances == {
        "Generative AI tools": (2, 2, False),
        "SQL": (1, 1, False),
        "Negotiation": (1, 0, True),
    }
    assert queries.supply_and_demand(program)[0].name == "Negotiation"  # gaps first


def test_the_page_flags_skills_nobody_can_teach(client, make_program, hr_admin, outsider, skills) -> None:
    program = make_program(status=ProgramStatus.ENROLLING)
    _enroll(program, outsider, EnrollmentRole.MENTEE, goals=[skills["negotiation"]])
    client.force_login(hr_admin.user)

    response = client.get(reverse("programs:supply_demand", args=[program.pk]))

    assert "Nobody can teach this" in response.text
    assert "1 wanted skill has nobody in the pool" in response.text


def _pool_of(size, program, make_person, skills, set_skill):
    keys = list(skills)
    for number in range(size):
        person = make_person()
        if number % 2:
            _enroll(
                program, person, EnrollmentRole.MENTEE, goals=[skills[keys[number % 6]], skills[keys[(number + 1) % 6]]]
            )
        else:
            set_skill(person, skills[keys[number % 6]], level=4)
            _enroll(program, person, EnrollmentRole.MENTOR, offers=[skills[keys[number % 6]]])


@pytest.mark.parametrize("view", ["programs:supply_demand", "programs:pool"])
def test_the_pool_pages_cost_the_same_queries_for_5_and_50_people(
    client, make_program, make_person, hr_admin, skills, set_skill, view
) -> None:
    small = make_program(name="Small", kind="peer", focus_categories=[], status=ProgramStatus.ENROLLING)
    large = make_program(name="Large", kind="peer", focus_categories=[], status=ProgramStatus.ENROLLING)
    _pool_of(5, small, make_person, skills, set_skill)
    _pool_of(50, large, make_person, skills, set_skill)
    client.force_login(hr_admin.user)
    client.get(reverse(view, args=[small.pk]))  # warm the session

    counts = []
    for program in (small, large):
        with CaptureQueriesContext(connection) as captured:
            response = client.get(reverse(view, args=[program.pk]))
        assert response.status_code == 200
        counts.append(len(captured))

    assert counts[0] == counts[1]
    if view == "programs:supply_demand":
        assert sum(b.wanted_by for b in response.context["balances"]) == 50  # 25 mentees, two goals each
