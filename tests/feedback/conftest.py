"""A running program owned by Harriet (HR) with one pair: Dana (senior) mentors Jo (junior).

Time is frozen on Monday 2 March 2026, 09:00 UTC; tests move it with `clock.move_to`. The pair
started on 2 February; the program runs from 1 February to 31 July. Rows are written through the
ORM: these tests are about what the sweep finds, not about the services that write sessions.
"""

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
import time_machine
from django.utils import timezone

from mentorship.mentorships.models import Mentorship
from mentorship.participants.models import Participant
from mentorship.programs.defaults import default_reminders
from mentorship.programs.models import Program, ProgramStatus
from mentorship.workspace.models import MentoringSession, SessionRating

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


@dataclass
class Pair:
    program: Program
    mentorship: Mentorship
    mentor: Participant
    mentee: Participant
    hr: Participant


@pytest.fixture
def clock() -> Iterator[Any]:
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def at(day: date, hour: int = 9, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=UTC)


@pytest.fixture
def pair(clock: Any, hr_admin: Participant, senior_mentor: Participant, junior_mentor: Participant) -> Pair:
    program = Program.objects.create(
        name="Lead well",
        kind="traditional",
        status=ProgramStatus.RUNNING,
        starts_on=date(2026, 2, 1),
        ends_on=date(2026, 7, 31),
        cadence_days=14,
        reminders=default_reminders(),
    )
    program.owners.add(hr_admin.user)
    mentorship = Mentorship.objects.create(
        program=program, mentor=senior_mentor, mentee=junior_mentor, started_at=datetime(2026, 2, 2, 10, tzinfo=UTC)
    )
    return Pair(program, mentorship, senior_mentor, junior_mentor, hr_admin)


@pytest.fixture
def log_session(pair: Pair) -> Callable[..., MentoringSession]:
    def log(held_on: date, *, mentorship: Mentorship | None = None) -> MentoringSession:
        mentorship = mentorship or pair.mentorship
        return MentoringSession.objects.create(mentorship=mentorship, held_on=held_on, logged_by=mentorship.mentee)

    return log


def rate(session: MentoringSession, rater: Participant, score: int = 4) -> SessionRating:
    return SessionRating.objects.create(session=session, rater=rater, score=score)


@pytest.fixture
def due_pair(transactional_db: None, hr_admin: Any, senior_mentor: Any, junior_mentor: Any) -> Mentorship:
    """A pair whose session three days ago nobody has rated: two rating reminders are due (and
    nothing else: the pair is within its cadence)."""
    today = timezone.now().date()
    program = Program.objects.create(
        name="Lead well",
        kind="traditional",
        status=ProgramStatus.RUNNING,
        starts_on=today - timedelta(days=30),
        ends_on=today + timedelta(days=150),
        reminders=default_reminders(),
    )
    program.owners.add(hr_admin.user)
    mentorship = Mentorship.objects.create(
        program=program, mentor=senior_mentor, mentee=junior_mentor, started_at=timezone.now() - timedelta(days=10)
    )
    MentoringSession.objects.create(mentorship=mentorship, held_on=today - timedelta(days=2), logged_by=junior_mentor)
    return mentorship
