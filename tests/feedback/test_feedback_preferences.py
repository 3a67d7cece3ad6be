"""Email preferences per kind of reminder, weekly digests, the pages, and the sweep's query count."""

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from django.db import IntegrityError, connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from mentorship.feedback import services
from mentorship.feedback.models import EmailChoice, EmailPreference
from mentorship.mentorships.models import Mentorship
from mentorship.notifications.models import EmailStatus, Notification

from .conftest import Pair, at, rate


def test_a_person_who_chose_the_digest_or_no_email_gets_the_reminder_in_the_inbox_only(
    clock: Any, pair: Pair, log_session: Any
) -> None:
    services.email_preferences_set(user=pair.mentor.user, choices={"session_rating": EmailChoice.DIGEST})
    services.email_preferences_set(user=pair.mentee.user, choices={"session_rating": EmailChoice.OFF})
    log_session(date(2026, 3, 2))
    clock.move_to(at(date(2026, 3, 4)))
    services.sweep()
    statuses = dict(Notification.objects.values_list("recipient_id", "email_status"))
    assert statuses == {pair.mentor.user_id: EmailStatus.DIGEST, pair.mentee.user_id: EmailStatus.SKIPPED}


def test_hr_alerts_cannot_be_switched_off(clock: Any, pair: Pair) -> None:
    with pytest.raises(ValueError, match="cannot be configured"):
        services.email_preferences_set(user=pair.hr.user, choices={"hr_alert": EmailChoice.OFF})
    with pytest.raises(IntegrityError):
        EmailPreference.objects.create(user=pair.hr.user, kind="hr_alert", choice=EmailChoice.OFF)


def test_the_weekly_digest_collects_each_persons_reminders_into_one_email_once(
    clock: Any, pair: Pair, log_session: Any, mailoutbox: list[Any], django_capture_on_commit_callbacks: Any
) -> None:
    services.email_preferences_set(
        user=pair.mentor.user, choices={"session_rating": "digest", "cadence_nudge": "digest"}
    )
    first, second = log_session(date(2026, 2, 23)), log_session(date(2026, 3, 2))
    clock.move_to(at(date(2026, 3, 4)))
    services.sweep()
    waiting = Notification.objects.filter(recipient=pair.mentor.user, email_status=EmailStatus.DIGEST)
    assert waiting.count() == 2
    clock.move_to(datetime(2026, 3, 9, 7, tzinfo=UTC))
    with django_capture_on_commit_callbacks(execute=True):
        assert services.weekly_digest_send()["participants"] == 1
    assert not waiting.exists()
    digest = Notification.objects.get(kind="digest")
    assert digest.recipient == pair.mentor.user
    assert digest.is_read  # its reminders are in the inbox already
    assert f"/mentorships/sessions/{first.pk}/rate/" in digest.body
    assert f"/mentorships/sessions/{second.pk}/rate/" in digest.body
    notification_ids = set(Notification.objects.filter(email_status=EmailStatus.DIGESTED).values_list("id", flat=True))
    assert len(notification_ids) == 2
    # Running it again in the same week sends nothing more.
    assert services.weekly_digest_send()["participants"] == 0
    assert Notification.objects.filter(kind="digest").count() == 1


def test_hr_owners_get_a_weekly_digest_of_their_running_programs(clock: Any, pair: Pair, log_session: Any) -> None:
    sessions = [log_session(date(2026, 3, 3)), log_session(date(2026, 3, 5))]
    rate(sessions[0], pair.mentor, 5)
    rate(sessions[0], pair.mentee, 4)
    rate(sessions[1], pair.mentee, 2)
    Mentorship.objects.filter(pk=pair.mentorship.pk).update(at_risk_since=datetime(2026, 3, 6, tzinfo=UTC))
    clock.move_to(datetime(2026, 3, 9, 7, tzinfo=UTC))
    assert services.weekly_digest_send()["hr"] == 1
    digest = Notification.objects.get(kind="hr_digest")
    assert digest.recipient == pair.hr.user
    assert digest.email_status == EmailStatus.PENDING
    assert digest.body == "Lead well: 2 sessions this week, 75% of sessions rated, 1 new pair at risk."
    assert services.weekly_digest_send()["hr"] == 0


def test_the_preferences_page_shows_and_saves_each_choice(client: Any, junior_mentor: Any) -> None:
    client.force_login(junior_mentor.user)
    page = client.get(reverse("feedback:preferences")).content.decode()
    assert "Asking you to rate a session" in page
    assert "hr_alert" not in page
    data = {
        "session_rating": "digest",
        "cadence_nudge": "off",
        "check_in": "immediate",
        "proposal_answer": "immediate",
        "enrollment_closing": "off",
    }
    response = client.post(reverse("feedback:preferences"), data)
    assert response.status_code == 302
    assert services.email_preferences_for(junior_mentor.user) == data
    bad = client.post(reverse("feedback:preferences"), {**data, "session_rating": "sometimes"})
    assert bad.status_code == 400
    assert "Select a valid choice" in bad.content.decode()


def test_the_preferences_page_needs_a_login(client: Any, db: Any) -> None:
    assert client.get(reverse("feedback:preferences")).status_code == 302


def test_the_sweep_costs_the_same_number_of_queries_for_one_pair_and_for_many(
    clock: Any, pair: Pair, make_person: Any, log_session: Any
) -> None:
    def count(now: datetime) -> tuple[int, int]:
        clock.move_to(now)
        with CaptureQueriesContext(connection) as queries:
            written = services.sweep().total
        return len(queries), written

    log_session(date(2026, 2, 27))
    small = count(at(date(2026, 3, 2)))
    for number in range(6):
        mentor, mentee = make_person(career_level=6), make_person(career_level=2)
        mentorship = Mentorship.objects.create(
            program=pair.program,
            mentor=mentor,
            mentee=mentee,
            started_at=at(date(2026, 2, 2)) + timedelta(hours=number),
        )
        log_session(date(2026, 3, 1), mentorship=mentorship)
    large = count(at(date(2026, 3, 3)))
    assert large[1] > small[1]  # more written...
    assert large[0] == small[0]  # ...in the same number of queries
