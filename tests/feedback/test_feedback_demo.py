"""The demo's reminders: one sweep's worth, a few of them emailed at once, nothing twice."""

from datetime import date
from typing import Any

from mentorship.demo.feedback import seed_feedback_demo
from mentorship.notifications.models import EmailStatus, Notification

from .conftest import Pair, at


def test_the_demo_writes_reminders_emails_a_few_and_changes_nothing_the_second_time(
    clock: Any, pair: Pair, log_session: Any, mailoutbox: list[Any]
) -> None:
    log_session(date(2026, 2, 20))
    clock.move_to(at(date(2026, 3, 25)))  # two cycles behind: nudges, and the pair is at risk
    first = seed_feedback_demo()
    assert first["written"] == Notification.objects.count() > 0
    assert first["sent"] == len(mailoutbox) > 0
    assert {message.to[0] for message in mailoutbox} >= {"harriet.hr@example.com"}  # the HR alert
    assert Notification.objects.filter(email_status=EmailStatus.SENT).count() == first["sent"]
    assert seed_feedback_demo() == {"written": 0, "sent": 0, "pending": first["pending"]}
    assert len(mailoutbox) == first["sent"]
