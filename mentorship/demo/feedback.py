"""Feedback-loop demo data: the reminders a running program has after a few months.

Call after mentorship.demo.workspace.seed_workspace_demo(), which writes the history (sessions,
ratings, one pair at risk). This runs the sweep once, as beat would, so the inbox has reminders,
the at-risk pair has its HR alert, and then delivers a few of the emails at once, through the
configured mail backend, so the demo outbox (var/mail) shows real reminder emails even before a
worker runs. The rest stay pending for the worker, which the sweep has already enqueued.
Running it again writes nothing new (dedupe keys) and sends nothing twice (claimed delivery).
"""

from mentorship.demo.organisation import DEMO_DOMAIN
from mentorship.feedback import services
from mentorship.notifications import kinds
from mentorship.notifications.models import EmailStatus, Notification
from mentorship.notifications.services import notification_email_deliver

# The people demo visitors sign in as see their own reminders in the outbox; a few more show
# the other kinds.
DEMO_LOGINS = [f"{name}@{DEMO_DOMAIN}" for name in ("junior", "mentor", "manager", "hr")]
SEND_NOW = 8
FEEDBACK_KINDS = [kinds.HR_ALERT, kinds.SESSION_RATING, kinds.CADENCE_NUDGE, kinds.CHECK_IN, kinds.PROPOSAL_ANSWER]


def seed_feedback_demo() -> dict[str, int]:
    result = services.sweep()
    pending = Notification.objects.filter(email_status=EmailStatus.PENDING, kind__in=FEEDBACK_KINDS)
    if not result.total:  # seeded before: the outbox has its examples already
        return {"written": 0, "sent": 0, "pending": pending.count()}
    chosen = list(pending.filter(recipient__email__in=DEMO_LOGINS).order_by("pk").values_list("pk", flat=True))
    for kind in FEEDBACK_KINDS:
        chosen += list(pending.filter(kind=kind).exclude(pk__in=chosen).order_by("pk").values_list("pk", flat=True)[:2])
    sent = sum(notification_email_deliver(notification_id=pk) for pk in chosen[:SEND_NOW])
    return {"written": result.total, "sent": sent, "pending": pending.count()}
