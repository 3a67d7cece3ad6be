"""A pair accepted before its program starts says when it starts, not "active since" the day it was paired."""

from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from mentorship.mentorships.services import mentorship_start
from mentorship.programs.models import Program

from .test_mentorship_integrity import people, program  # noqa: F401  (fixtures)

pytestmark = pytest.mark.django_db

PAIRED = datetime(2026, 12, 2, 11, 30, tzinfo=ZoneInfo("UTC"))


def _pages(person: Any, pk: int) -> tuple[str, str]:
    client = Client()
    client.force_login(person.user)
    return client.get(reverse("mentorships:list")).text, client.get(reverse("mentorships:detail", args=[pk])).text


def test_a_pair_made_before_the_program_starts_shows_the_start_date(
    program: Program,  # noqa: F811
    people: dict[str, Any],  # noqa: F811
) -> None:
    Program.objects.filter(pk=program.pk).update(starts_on=PAIRED.date() + timedelta(days=21))
    program.refresh_from_db()
    with time_machine.travel(PAIRED, tick=False):
        mentorship = mentorship_start(program=program, mentor=people["mentor"], mentee=people["first"])
        listing, detail = _pages(people["first"], mentorship.pk)
    assert "Starts on 23 Dec 2026" in listing and "Starts on 23 Dec 2026" in detail
    assert "2 Dec" not in detail

    with time_machine.travel(PAIRED + timedelta(days=30), tick=False):
        listing, detail = _pages(people["first"], mentorship.pk)
    assert "Active since 23 Dec 2026" in detail


def test_a_pair_made_after_the_start_is_active_since_the_day_it_was_paired(
    program: Program,  # noqa: F811
    people: dict[str, Any],  # noqa: F811
) -> None:
    Program.objects.filter(pk=program.pk).update(starts_on=PAIRED.date() - timedelta(days=10))
    program.refresh_from_db()
    with time_machine.travel(PAIRED, tick=False):
        mentorship = mentorship_start(program=program, mentor=people["mentor"], mentee=people["first"])
        _, detail = _pages(people["first"], mentorship.pk)
    assert "Active since 2 Dec 2026" in detail
