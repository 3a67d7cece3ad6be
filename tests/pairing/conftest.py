"""A small reverse-mentoring program ready to match: three digital-native juniors in Engineering
who can teach, three seniors in People who want to learn, and an HR owner.

Inventories and enrollments are written straight through the ORM: the programs app's enrollment
service checks dates and eligibility that these tests are not about.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from mentorship.participants.models import OrgUnit, Participant
from mentorship.programs import services as program_services
from mentorship.programs.models import Enrollment, Program, ProgramStatus
from pairing.models import MatchRun
from pairing.services import runs
from skills.models import Skill, SkillCategory, SkillEntry


@dataclass
class Seeded:
    program: Program
    hr: Participant
    mentors: list[Participant]
    mentees: list[Participant]
    skills: dict[str, Skill]


def skill_named(name: str, category: str = SkillCategory.DIGITAL) -> Skill:
    skill = Skill.objects.filter(name__iexact=name).first() or Skill(name=name)
    skill.category, skill.retired_at = category, None
    skill.save()
    return skill


def enroll(program: Program, person: Participant, role: str, *, goals=(), offers=(), capacity: int = 1) -> Enrollment:
    enrollment = Enrollment.objects.create(program=program, participant=person, role=role, capacity=capacity)
    enrollment.goals.set(goals)
    enrollment.offers.set(offers)
    return enrollment


def set_entry(person: Participant, skill: Skill, *, level: int = 0, want: int = 0, can_teach: bool = False) -> None:
    SkillEntry.objects.update_or_create(
        participant=person, skill=skill, defaults={"level": level, "want_priority": want, "can_teach": can_teach}
    )


def make_program(hr: Participant, *, kind: str = "reverse", **overrides: Any) -> Program:
    today = timezone.localdate()
    data: dict[str, Any] = {
        "name": f"Digital fluency ({kind})",
        "kind": kind,
        "objectives": "Every senior uses one generative AI tool weekly.\nEvery junior practises giving feedback.",
        "enrollment_opens": today - timedelta(days=10),
        "enrollment_closes": today - timedelta(days=1),
        "starts_on": today + timedelta(days=7),
        "ends_on": today + timedelta(days=100),
        **overrides,
    }
    program = program_services.program_create(data=data, by=hr.user)
    for step in (ProgramStatus.ENROLLING, ProgramStatus.MATCHING):
        program = program_services.program_transition(program=program, to=step, by=hr.user)
    return program


@pytest.fixture
def seeded(make_person: Callable[..., Participant], org: dict[str, OrgUnit], hr_admin: Participant) -> Seeded:
    return seed_reverse_program(make_person, org, hr_admin)


def seed_reverse_program(
    make_person: Callable[..., Participant], org: dict[str, OrgUnit], hr_admin: Participant
) -> Seeded:
    skills = {
        "genai": skill_named("Generative AI tools"),
        "cloud": skill_named("Cloud collaboration"),
        "social": skill_named("Social media"),
    }
    program = make_program(hr_admin)
    mentors = []
    for i, (first, teach) in enumerate(
        [("Ada", {"genai": 5, "cloud": 4}), ("Bo", {"cloud": 5, "social": 4}), ("Cy", {"social": 5, "genai": 4})]
    ):
        person = make_person(
            f"{first.lower()}.junior@example.com",
            first_name=first,
            last_name="Junior",
            job_title="Junior Analyst",
            career_level=1 + i % 2,
            org_unit=org["data"],
        )
        for key, level in teach.items():
            set_entry(person, skills[key], level=level, can_teach=True)
        enroll(program, person, "mentor", offers=[skills[k] for k in teach])
        mentors.append(person)
    mentees = []
    for first, wants in [("Dee", ["genai"]), ("Eli", ["cloud"]), ("Fay", ["social", "genai"])]:
        person = make_person(
            f"{first.lower()}.senior@example.com",
            first_name=first,
            last_name="Senior",
            job_title="Director",
            career_level=6,
            org_unit=org["people"],
        )
        for key in wants:
            set_entry(person, skills[key], level=1, want=3)
        enroll(program, person, "mentee", goals=[skills[k] for k in wants])
        mentees.append(person)
    return Seeded(program=program, hr=hr_admin, mentors=mentors, mentees=mentees, skills=skills)


@pytest.fixture
def solved(seeded: Seeded) -> MatchRun:
    """A finished run of the seeded program, solved in-process (the worker test covers the queue)."""
    run = runs.match_run_start(program=seeded.program, by=seeded.hr.user)
    runs.match_run_execute(run_id=run.pk)
    run.refresh_from_db()
    return run


def client_for(person: Any) -> Client:
    client = Client()
    client.force_login(person.user)
    return client


@pytest.fixture
def hr(seeded: Seeded) -> Client:
    """The program's owner, logged in."""
    return client_for(seeded.hr)
