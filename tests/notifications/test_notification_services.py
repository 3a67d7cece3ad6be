"""Notifications: one row per dedupe key, the email claimed before it is sent, failures recorded."""

from smtplib import SMTPServerDisconnected
from typing import Any

import pytest
from django.core.mail.backends.locmem import EmailBackend as LocmemBackend

from mentorship.notifications import services
from mentorship.notifications.models import EmailStatus, Notification


class FlakyBackend(LocmemBackend):
    """The SMTP edge: the server hangs up on every message."""

    def send_messages(self, messages: Any) -> int:
        raise SMTPServerDisconnected("Connection unexpectedly closed")


@pytest.fixture
def flaky_smtp(settings: Any) -> None:
    settings.MAILERS = {"default": {"BACKEND": f"{__name__}.FlakyBackend"}}


def make(person: Any, key: str = "test:1", **extra: Any) -> Notification:
    return services.notify(
        recipient=person.user,
        kind="test",
        title="You have a match",
        body="Meet Dana.",
        url="/matching/mine/",
        dedupe_key=key,
        **extra,
    )


def test_a_repeated_notify_with_the_same_key_creates_nothing_and_sends_nothing_more(
    junior_mentor: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks() as callbacks:
        first = make(junior_mentor)
        second = make(junior_mentor)
    assert first.pk == second.pk
    assert Notification.objects.count() == 1
    assert len(callbacks) == 1


def test_notify_without_email_skips_the_email(junior_mentor: Any, django_capture_on_commit_callbacks: Any) -> None:
    with django_capture_on_commit_callbacks() as callbacks:
        note = make(junior_mentor, email=False)
    assert note.email_status == EmailStatus.SKIPPED
    assert callbacks == []


def test_two_deliveries_of_one_notification_send_one_email(junior_mentor: Any, mailoutbox: list[Any]) -> None:
    note = make(junior_mentor)
    assert services.notification_email_deliver(notification_id=note.pk) is True
    assert services.notification_email_deliver(notification_id=note.pk) is False
    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert message.to == [junior_mentor.user.email]
    assert "You have a match" in message.subject
    assert "http://localhost:8000/matching/mine/" in message.body
    html = message.alternatives[0][0]
    assert 'href="http://localhost:8000/matching/mine/"' in html
    note.refresh_from_db()
    assert (note.email_status, note.attempts) == (EmailStatus.SENT, 1)
    assert note.email_sent_at is not None


def test_a_row_being_sent_elsewhere_is_not_sent_again(junior_mentor: Any, mailoutbox: list[Any]) -> None:
    note = make(junior_mentor)
    Notification.objects.filter(pk=note.pk).update(email_status=EmailStatus.SENDING)
    assert services.notification_email_deliver(notification_id=note.pk) is False
    assert mailoutbox == []


def test_a_transient_failure_is_retried_then_recorded_as_permanent(junior_mentor: Any, flaky_smtp: None) -> None:
    note = make(junior_mentor)
    for _ in range(services.MAX_EMAIL_ATTEMPTS - 1):
        with pytest.raises(SMTPServerDisconnected):
            services.notification_email_deliver(notification_id=note.pk)
        note.refresh_from_db()
        assert note.email_status == EmailStatus.PENDING  # free for the retry to claim
    assert services.notification_email_deliver(notification_id=note.pk) is False
    note.refresh_from_db()
    assert (note.email_status, note.attempts) == (EmailStatus.FAILED, services.MAX_EMAIL_ATTEMPTS)
    assert "unexpectedly closed" in note.email_error


def test_the_task_retries_transient_smtp_failures_with_backoff() -> None:
    from mentorship.notifications.tasks import notification_email_deliver

    assert notification_email_deliver.autoretry_for == services.TRANSIENT_EMAIL_ERRORS
    assert notification_email_deliver.retry_backoff is True
    assert notification_email_deliver.max_retries == 5
