"""Reliability of reminder delivery, through the real broker (Redis in CI's main run, the file
broker in the embedded run) and a real Celery worker: each email exactly once, retries with
backoff, permanent failures shown to HR, nothing sent on rollback, nothing lost with the broker
down. Only the SMTP edge is replaced (Django's locmem outbox, or a backend that fails)."""

import threading
import time
from collections.abc import Callable, Iterator
from datetime import timedelta
from smtplib import SMTPRecipientsRefused, SMTPServerDisconnected
from typing import Any

import pytest
import time_machine
from django.core.mail.backends.locmem import EmailBackend as LocmemBackend
from django.db import connection, transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from mentorship.celery import app
from mentorship.feedback import services
from mentorship.mentorships.models import Mentorship
from mentorship.notifications import services as notification_services
from mentorship.notifications.models import EmailStatus, Notification
from mentorship.notifications.tasks import notification_email_deliver
from mentorship.workspace import services as workspace_services
from mentorship.workspace.models import SessionRating
from tests.conftest import celery_worker

DEAD_BROKER = "redis://127.0.0.1:1/0"


class FlakyOnceBackend(LocmemBackend):
    """The SMTP edge: the server hangs up on the first message, then works."""

    calls: list[float] = []

    def send_messages(self, messages: Any) -> int:
        FlakyOnceBackend.calls.append(time.monotonic())
        if len(FlakyOnceBackend.calls) == 1:
            raise SMTPServerDisconnected("Connection unexpectedly closed")
        return super().send_messages(messages)


class RefusingBackend(LocmemBackend):
    def send_messages(self, messages: Any) -> int:
        raise SMTPRecipientsRefused({"jo.junior@example.com": (550, b"5.1.1 No such user")})


@pytest.fixture
def worker(transactional_db: None) -> Iterator[None]:
    with celery_worker():
        yield


def wait_until(condition: Callable[[], bool], seconds: float = 30) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return condition()


def all_sent() -> bool:
    return not Notification.objects.exclude(email_status__in=[EmailStatus.SENT, EmailStatus.FAILED]).exists()


def test_running_the_sweep_twice_sends_exactly_one_email_per_due_reminder(
    worker: None, due_pair: Mentorship, mailoutbox: list[Any]
) -> None:
    assert services.sweep().written == {"session_rating": 2}
    assert services.sweep().written == {}
    assert wait_until(all_sent)
    time.sleep(1)  # a duplicate message, if any, would be processed by now (the worker is solo)
    assert sorted(message.to[0] for message in mailoutbox) == ["dana.director@example.com", "jo.junior@example.com"]
    session = due_pair.sessions.get()
    link = f"http://localhost:8000/mentorships/sessions/{session.pk}/rate/"
    assert all(link in message.body for message in mailoutbox)
    assert all(f'href="{link}"' in message.alternatives[0][0] for message in mailoutbox)
    assert all("Rate the session" in message.alternatives[0][0] for message in mailoutbox)
    # The next sweep re-enqueues nothing: every row is sent.
    services.sweep()
    time.sleep(1)
    assert len(mailoutbox) == 2


def test_two_concurrent_deliveries_of_one_reminder_send_one_email(due_pair: Mentorship, mailoutbox: list[Any]) -> None:
    services.sweep()
    note = Notification.objects.filter(kind="session_rating").first()
    barrier = threading.Barrier(2)
    results: list[bool] = []

    def deliver() -> None:
        barrier.wait()
        try:
            results.append(notification_services.notification_email_deliver(notification_id=note.pk))
        finally:
            connection.close()

    threads = [threading.Thread(target=deliver) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == [False, True]
    assert [message.to for message in mailoutbox] == [[note.recipient.email]]
    note.refresh_from_db()
    assert (note.email_status, note.attempts) == (EmailStatus.SENT, 1)


def test_two_concurrent_sweeps_count_only_the_rows_each_wrote(due_pair: Mentorship) -> None:
    """The reminders are written once, and the two sweeps' statistics add up to what was written,
    not to what each meant to write."""
    barrier = threading.Barrier(2, timeout=10)
    totals: list[int] = []

    def sweep() -> None:
        barrier.wait()
        try:
            totals.append(services.sweep().total)
        finally:
            connection.close()

    threads = [threading.Thread(target=sweep) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    written = Notification.objects.filter(kind="session_rating").count()
    assert written == 2
    assert sorted(totals) == [0, 2]


def test_an_email_carries_the_same_message_id_each_time_it_is_sent(due_pair: Mentorship, mailoutbox: list[Any]) -> None:
    services.sweep()
    note = Notification.objects.filter(kind="session_rating").first()
    assert notification_services.notification_email_deliver(notification_id=note.pk) is True
    # A crash after the mail server accepted it and before the row was marked sent: sent again.
    Notification.objects.filter(pk=note.pk).update(email_status=EmailStatus.PENDING)
    assert notification_services.notification_email_deliver(notification_id=note.pk) is True
    first, second = (message.extra_headers["Message-ID"] for message in mailoutbox)
    assert first == second == notification_services.message_id(note.dedupe_key)
    assert first.startswith("<") and first.endswith(".notification@localhost>")
    other = Notification.objects.exclude(pk=note.pk).filter(kind="session_rating").first()
    assert notification_services.message_id(other.dedupe_key) != first


def test_a_claim_left_by_a_crashed_worker_is_taken_over_after_the_lease_and_sent_once(
    due_pair: Mentorship, mailoutbox: list[Any]
) -> None:
    services.sweep()
    note = Notification.objects.filter(kind="session_rating").first()
    # A worker claimed the row, then died before sending.
    Notification.objects.filter(pk=note.pk).update(email_status=EmailStatus.SENDING, email_claimed_at=timezone.now())
    assert notification_services.notification_email_deliver(notification_id=note.pk) is False  # still leased
    with time_machine.travel(timezone.now() + notification_services.CLAIM_LEASE + timedelta(seconds=1)):
        assert notification_services.notification_email_deliver(notification_id=note.pk) is True
        assert notification_services.notification_email_deliver(notification_id=note.pk) is False
    assert len(mailoutbox) == 1


def test_a_transient_smtp_error_is_retried_with_backoff_and_sends_one_email(
    worker: None, due_pair: Mentorship, settings: Any, mailoutbox: list[Any]
) -> None:
    FlakyOnceBackend.calls = []
    settings.MAILERS = {"default": {"BACKEND": f"{__name__}.FlakyOnceBackend"}}
    # The mentor has rated: one reminder is due, so the retry is easy to follow.
    SessionRating.objects.create(session=due_pair.sessions.get(), rater=due_pair.mentor, score=4)
    assert services.sweep().written == {"session_rating": 1}
    first = Notification.objects.get()
    assert wait_until(all_sent)
    first.refresh_from_db()
    assert (first.email_status, first.attempts) == (EmailStatus.SENT, 2)
    assert len(FlakyOnceBackend.calls) == 2
    assert len(mailoutbox) == 1
    # After the retry succeeded, neither another sweep nor a stray redelivery sends it again.
    services.sweep()
    notification_email_deliver.delay(first.pk)
    time.sleep(1.5)
    assert len(mailoutbox) == 1
    assert notification_email_deliver.retry_backoff is True
    assert notification_email_deliver.retry_backoff_max == notification_services.RETRY_BACKOFF_MAX


def test_a_transient_error_holds_the_row_back_from_the_sweep_until_the_retry_is_due(
    due_pair: Mentorship, settings: Any
) -> None:
    FlakyOnceBackend.calls = []
    settings.MAILERS = {"default": {"BACKEND": f"{__name__}.FlakyOnceBackend"}}
    services.sweep()
    note = Notification.objects.order_by("pk").first()
    with pytest.raises(SMTPServerDisconnected):
        notification_services.notification_email_deliver(notification_id=note.pk)
    note.refresh_from_db()
    assert note.email_status == EmailStatus.PENDING
    assert note.email_queued_at > timezone.now() + timedelta(minutes=5)
    assert "unexpectedly closed" in note.email_error


def test_a_permanent_failure_is_recorded_on_the_row_and_listed_for_hr(
    worker: None, due_pair: Mentorship, settings: Any, hr_admin: Any, junior_mentor: Any
) -> None:
    settings.MAILERS = {"default": {"BACKEND": f"{__name__}.RefusingBackend"}}
    services.sweep()
    assert wait_until(all_sent)
    failed = Notification.objects.filter(email_status=EmailStatus.FAILED)
    assert failed.count() == 2
    assert all(note.attempts == 1 for note in failed)  # refused: no retry
    assert all("SMTPRecipientsRefused" in note.email_error for note in failed)
    client = Client()
    client.force_login(hr_admin.user)
    page = client.get(reverse("feedback:delivery_failures")).content.decode()
    assert page.count("SMTPRecipientsRefused") == 2
    assert "jo.junior@example.com" in page
    client.force_login(junior_mentor.user)
    assert client.get(reverse("feedback:delivery_failures")).status_code == 404


def test_a_rolled_back_sweep_writes_and_sends_nothing(
    worker: None, due_pair: Mentorship, mailoutbox: list[Any], junior_mentor: Any
) -> None:
    class Rollback(Exception):
        pass

    def sweep_then_fail() -> None:
        with transaction.atomic():
            assert services.sweep().written == {"session_rating": 2}
            raise Rollback

    with pytest.raises(Rollback):
        sweep_then_fail()
    assert not Notification.objects.exists()
    # The solo worker runs messages in order: once a later email is out, an earlier one would be.
    notification_services.notify(
        recipient=junior_mentor.user, kind="test", title="Marker", body="", dedupe_key="marker"
    )
    assert wait_until(lambda: len(mailoutbox) == 1)
    time.sleep(0.5)
    assert [message.subject for message in mailoutbox] == ["[Mentorship] Marker"]


def test_with_the_broker_down_sessions_are_logged_and_rated_fast_and_the_next_sweep_catches_up(
    due_pair: Mentorship, monkeypatch: pytest.MonkeyPatch, mailoutbox: list[Any]
) -> None:
    mentee = due_pair.mentee
    # Point producers at a dead port; drop the pools that hold live connections to the broker.
    monkeypatch.setattr(app.conf, "broker_url", DEAD_BROKER)
    monkeypatch.setattr(app, "_pool", None)
    monkeypatch.setattr(app.amqp, "_producer_pool", None)
    with app.connection_for_write() as conn:
        assert (conn.hostname, conn.port) == ("127.0.0.1", 1)

    started = time.monotonic()
    session = workspace_services.session_log(
        mentorship=due_pair,
        by=mentee,
        held_on=timezone.now().date() - timedelta(days=1),
        duration_minutes=45,
        format="meeting",
    )
    assert time.monotonic() - started < 2
    started = time.monotonic()
    workspace_services.session_rate(session=session, rater=mentee, score=5, learned="Pivot tables")
    assert time.monotonic() - started < 2

    # The sweep writes what is due; the hand-off fails and leaves the rows for the next sweep.
    assert services.sweep().written == {"session_rating": 2}
    pending = Notification.objects.filter(email_status=EmailStatus.PENDING)
    assert pending.count() == 2
    assert not pending.exclude(email_queued_at=None).exists()

    monkeypatch.undo()  # the broker is back
    with celery_worker():
        services.sweep()
        assert wait_until(all_sent)
    assert len(mailoutbox) == 2


def test_an_email_whose_message_was_lost_is_handed_over_again_by_a_later_sweep(
    due_pair: Mentorship, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=False):
        services.sweep()
    notes = Notification.objects.all()
    # Stamped as handed over, but the message never reached a worker.
    notes.update(email_queued_at=timezone.now())
    assert notification_services.pending_emails_enqueue() == 0
    with time_machine.travel(timezone.now() + notification_services.REQUEUE_AFTER + timedelta(seconds=1)):
        assert notification_services.pending_emails_enqueue() == 2
        assert notification_services.pending_emails_enqueue() == 0  # stamped again
