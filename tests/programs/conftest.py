"""Program fixtures: a few catalogue skills, a program factory, and inventories written directly."""

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from mentorship.participants.models import Participant
from mentorship.programs import services
from mentorship.programs.models import Program, ProgramStatus
from skills.models import Skill, SkillCategory, SkillEntry
from skills.services import inventory_set_entry


@pytest.fixture
def skills(db: Any) -> dict[str, Skill]:
    rows = {
        "genai": ("Generative AI tools", SkillCategory.DIGITAL),
        "cloud": ("Cloud collaboration", SkillCategory.DIGITAL),
        "social": ("Social media", SkillCategory.DIGITAL),
        "sql": ("SQL", SkillCategory.TECHNICAL),
        "feedback": ("Giving feedback", SkillCategory.LEADERSHIP),
        "negotiation": ("Negotiation", SkillCategory.INTERPERSONAL),
    }
    found = {}
    for key, (name, category) in rows.items():
        # The catalogue migration may already hold these; pin their category for the tests.
        skill = Skill.objects.filter(name__iexact=name).first() or Skill(name=name)
        skill.category, skill.retired_at = category, None
        skill.save()
        found[key] = skill
    return found


def program_data(**overrides: Any) -> dict[str, Any]:
    today = timezone.localdate()
    data: dict[str, Any] = {
        "name": "Digital fluency for leaders",
        "kind": "traditional",
        "objectives": "Every participant uses one generative AI tool weekly by the end.",
        "enrollment_opens": today - timedelta(days=1),
        "enrollment_closes": today + timedelta(days=14),
        "starts_on": today + timedelta(days=21),
        "ends_on": today + timedelta(days=120),
    }
    data.update(overrides)
    return data


@pytest.fixture
def make_program(hr_admin: Participant) -> Callable[..., Program]:
    def make(*, by: Any = None, status: str = ProgramStatus.DRAFT, **overrides: Any) -> Program:
        user = by or hr_admin.user
        program = services.program_create(data=program_data(**overrides), by=user)
        path = [ProgramStatus.ENROLLING, ProgramStatus.MATCHING, ProgramStatus.RUNNING, ProgramStatus.CLOSED]
        for step in path[: path.index(status) + 1] if status != ProgramStatus.DRAFT else []:
            program = services.program_transition(program=program, to=step, by=user, confirm=True)
        return program

    return make


@pytest.fixture
def set_skill() -> Callable[..., SkillEntry]:
    """Write an inventory line through the skills app's own service."""

    def write(
        participant: Participant, skill: Skill, *, level: int = 0, want: int = 0, can_teach: bool = False
    ) -> SkillEntry:
        return inventory_set_entry(
            participant=participant, skill=skill, level=level, want_priority=want, can_teach=can_teach
        )

    return write
