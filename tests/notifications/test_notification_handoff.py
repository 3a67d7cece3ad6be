"""The email hand-off: refusals recorded at once, lost hand-offs found again, the email's wording."""

from smtplib import SMTPRecipientsRefused
from typing import Any

import pytest
from django.core.mail.backends.locmem import EmailBackend as LocmemBackend

from mentorship.notifications import services
from mentorship.notifications.models import EmailStatus, Notification


class RefusingBackend(LocmemBackend):
    def send_messages(self, messages: Any) -> int:
        raise SMTPRecipientsRefused({"jo.junior@example.com": (550, b"No such user")})


def make(person: Any, kind: str = "session_rating") -> Notification:
    return services.notify(
        recipient=person.user, kind=kind, title="Rate your session", body="", url="/x/", dedupe_key=f"{kind}:1"
    )


def test_a_refused_recipient_is_recorded_as_failed_without_a_retry(junior_mentor: Any, settings: Any) -> None:
    settings.MAILERS = {"default": {"BACKEND": f"{__name__}.RefusingBackend"}}
    note = make(junior_mentor)
    assert services.notification_email_deliver(notification_id=note.pk) is False  # no exception: no retry
    note.refresh_from_db()
    assert (note.email_status, note.attempts) == (EmailStatus.FAILED, 1)
    assert note.email_error.startswith("SMTPRecipientsRefused")


def test_notify_stamps_the_hand_off_so_the_sweep_leaves_fresh_rows_alone(junior_mentor: Any) -> None:
    note = make(junior_mentor)
    note.refresh_from_db()
    assert note.email_queued_at is not None
    assert services.pending_emails_enqueue() == 0


def test_the_email_names_the_form_it_links_to_and_links_the_preferences(
    junior_mentor: Any, mailoutbox: list[Any]
) -> None:
    note = make(junior_mentor)
    services.notification_email_deliver(notification_id=note.pk)
    html = mailoutbox[0].alternatives[0][0]
    assert '<a href="http://localhost:8000/x/">Rate the session</a>' in html
    assert "http://localhost:8000/feedback/preferences/" in mailoutbox[0].body


def test_the_fan_out_sends_one_message_per_email(monkeypatch: pytest.MonkeyPatch) -> None:
    from mentorship.notifications import tasks

    sent: list[int] = []
    monkeypatch.setattr(tasks.notification_email_deliver, "apply_async", lambda args, kwargs, retry: sent.append(*args))
    services.notification_emails_fan_out(notification_ids=[3, 5, 8])
    assert sent == [3, 5, 8]
