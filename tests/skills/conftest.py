"""Skill fixtures. The test database already holds the seeded catalogue (migration 0002), so skills
made here get names the catalogue does not use."""

from collections.abc import Callable
from itertools import count
from typing import Any

import pytest
from django.test import Client

from mentorship.participants.models import Participant
from skills import services
from skills.models import Skill, SkillCategory

_names = count(1)


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings: Any) -> None:
    """The production hasher takes half a second a password; personas would dominate the run."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def make_skill(db: Any) -> Callable[..., Skill]:
    def make(name: str | None = None, **fields: Any) -> Skill:
        fields.setdefault("category", SkillCategory.TECHNICAL)
        return services.skill_create(name=name or f"Test skill {next(_names)}", **fields)

    return make


@pytest.fixture
def client_for(db: Any) -> Callable[[Participant], Client]:
    def login(person: Participant) -> Client:
        client = Client()
        client.force_login(person.user)
        return client

    return login
