"""A running traditional program owned by Harriet (HR), and one pair in it: Mara mentors Jo.

Jo (the junior persona) reports to Mo (the manager persona). The program started 60 days ago and
ends in 120 days; the pair started 30 days ago. Rows are written through the ORM where the
programs and pairing services check things these tests are not about.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from mentorship.mentorships.models import Mentorship
from mentorship.participants.models import Participant
from mentorship.programs import services as program_services
from mentorship.programs.models import Program, ProgramStatus
from mentorship.workspace import services
from mentorship.workspace.models import Goal, MentoringSession
from skills.models import Skill, SkillCategory, SkillEntry


@dataclass
class Pair:
    program: Program
    mentorship: Mentorship
    mentor: Participant
    mentee: Participant
    hr: Participant
    skill: Skill
    other_skill: Skill


def skill_named(name: str, category: str = SkillCategory.LEADERSHIP) -> Skill:
    return Skill.objects.get_or_create(name=name, defaults={"category": category})[0]


def make_running_program(hr: Participant, *, kind: str = "traditional", name: str = "Lead well") -> Program:
    program = program_services.program_create(
        data={"name": name, "kind": kind, "objectives": "Every mentee runs a meeting on their own."}, by=hr.user
    )
    today = timezone.localdate()
    Program.objects.filter(pk=program.pk).update(
        status=ProgramStatus.RUNNING,
        enrollment_opens=today - timedelta(days=80),
        enrollment_closes=today - timedelta(days=61),
        starts_on=today - timedelta(days=60),
        ends_on=today + timedelta(days=120),
        cadence_days=14,
    )
    program.refresh_from_db()
    return program


@pytest.fixture
def pair(hr_admin: Participant, junior_mentor: Participant, make_person: Callable[..., Participant]) -> Pair:
    program = make_running_program(hr_admin)
    mentor = make_person("mara.mentor@example.com", first_name="Mara", last_name="Mentor", career_level=6)
    mentorship = Mentorship.objects.create(
        program=program, mentor=mentor, mentee=junior_mentor, started_at=timezone.now() - timedelta(days=30)
    )
    skill, other = skill_named("Facilitation"), skill_named("Stakeholder management")
    SkillEntry.objects.create(participant=junior_mentor, skill=skill, level=1, want_priority=3)
    return Pair(program, mentorship, mentor, junior_mentor, hr_admin, skill, other)


@pytest.fixture
def goal(pair: Pair) -> Goal:
    return services.goal_create(
        mentorship=pair.mentorship,
        by=pair.mentee,
        learner=pair.mentee,
        title="Run the team retrospective on my own",
        skill=pair.skill,
        target_level=3,
        due_on=timezone.localdate() + timedelta(days=60),
    )


@pytest.fixture
def session(pair: Pair, goal: Goal) -> MentoringSession:
    """A session the mentee logged last week, with a private note."""
    return services.session_log(
        mentorship=pair.mentorship,
        by=pair.mentee,
        held_on=timezone.localdate() - timedelta(days=7),
        duration_minutes=45,
        format="meeting",
        skills=[pair.skill],
        shared_notes="We planned the retro together.",
        private_note="JO-PRIVATE: I felt nervous about asking.",
    )


def client_for(person: Participant) -> Client:
    client = Client()
    client.force_login(person.user)
    return client


@pytest.fixture
def as_person() -> Callable[[Participant], Client]:
    return client_for
