"""N+1 guards for the pages an employee opens every day: each runs a pinned number of queries, and
the same number when their pair has many sessions, goals, ratings and notes, their inbox many
notifications and their inventory many skills.

The pins count every query of the request (session, user, profile, navigation). A change that adds
a query to one of these pages must change its pin here, on purpose.
"""

from collections.abc import Callable
from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from mentorship.notifications import kinds
from mentorship.notifications.models import EmailStatus, Notification
from mentorship.workspace import services
from mentorship.workspace.models import Goal, MentoringSession
from skills.models import Skill, SkillEntry
from tests.workspace.conftest import Pair, client_for, skill_named

# Page name -> (queries, URL for the pair and one of its sessions).
PAGES: dict[str, tuple[int, Callable[[Pair, MentoringSession], str]]] = {
    "home": (11, lambda pair, session: reverse("core:home")),  # 11: with matches awaiting an answer
    "workspace": (21, lambda pair, session: reverse("mentorships:detail", args=[pair.mentorship.pk])),
    "session log": (10, lambda pair, session: reverse("workspace:session_log", args=[pair.mentorship.pk])),
    "session": (12, lambda pair, session: reverse("workspace:session_detail", args=[session.pk])),
    "rate": (10, lambda pair, session: reverse("workspace:session_rate", args=[session.pk])),
    "inbox": (9, lambda pair, session: reverse("notifications:list")),
    "skills": (7, lambda pair, session: reverse("skills:inventory")),
    "my programs": (8, lambda pair, session: reverse("programs:list")),
    "my mentorships": (7, lambda pair, session: reverse("mentorships:list")),
}


def _queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(captured.captured_queries)


def _notify(pair: Pair, count: int, start: int = 0) -> None:
    Notification.objects.bulk_create(
        Notification(
            recipient=pair.mentee.user,
            kind=kinds.SESSION_RATING,
            title=f"Reminder {n}",
            dedupe_key=f"grown:{n}",
            email_status=EmailStatus.SKIPPED,
        )
        for n in range(start, start + count)
    )


def _grow(pair: Pair, *, sessions: int = 12, notifications: int = 30, skills: int = 20) -> None:
    """Much more of everything the employee's pages list, written as the app writes it."""
    mentee, mentor = pair.mentee, pair.mentor
    today = timezone.localdate()
    grown = []
    for n in range(4):
        grown.append(skill_named(f"Grown skill {n}"))
        services.goal_create(
            mentorship=pair.mentorship,
            by=mentee,
            learner=mentee,
            title=f"Goal {n}",
            skill=grown[n],
            target_level=3,
            due_on=today + timedelta(days=30 + n),
        )
    for n in range(sessions):
        session = services.session_log(
            mentorship=pair.mentorship,
            by=mentee if n % 2 else mentor,
            held_on=today - timedelta(days=1 + n),
            duration_minutes=30,
            format="meeting",
            skills=[pair.skill, grown[n % 4]],
            shared_notes=f"Session {n}",
            private_note=f"Note {n}",
        )
        services.session_rate(session=session, rater=mentee, score=4, learned="A lot")
        services.session_rate(session=session, rater=mentor, score=5, learned="Also")
    _notify(pair, notifications, start=1)  # more than a page of the inbox
    known = set(SkillEntry.objects.filter(participant=mentee).values_list("skill_id", flat=True))
    for skill in Skill.objects.exclude(pk__in=known)[:skills]:
        SkillEntry.objects.create(participant=mentee, skill=skill, level=2, want_priority=1)


@pytest.mark.django_db
def test_each_employee_page_runs_its_pinned_queries_however_much_the_person_has(pair: Pair, goal: Goal) -> None:
    unrated = services.session_log(
        mentorship=pair.mentorship,
        by=pair.mentee,
        held_on=timezone.localdate(),
        duration_minutes=45,
        format="meeting",
        skills=[pair.skill],
    )
    _notify(pair, 1)
    client = client_for(pair.mentee)
    client.get(reverse("core:home"))  # the first request of a session may set things up once
    few = {name: _queries(client, url(pair, unrated)) for name, (_, url) in PAGES.items()}
    _grow(pair)
    many = {name: _queries(client, url(pair, unrated)) for name, (_, url) in PAGES.items()}

    assert many == few  # no query per session, goal, rating, note, notification or skill
    assert few == {name: pinned for name, (pinned, _) in PAGES.items()}
