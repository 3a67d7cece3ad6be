"""Every write to notifications: create once per dedupe key, deliver the email at most once."""

import hashlib
import logging
from collections.abc import Iterable
from datetime import datetime, timedelta
from smtplib import SMTPDataError, SMTPException, SMTPRecipientsRefused, SMTPSenderRefused
from urllib.parse import urljoin, urlsplit

from django.conf import settings
from django.core.mail import EmailMessage, EmailMultiAlternatives
from django.db import transaction
from django.db.models import F, Q, QuerySet
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from mentorship.accounts.models import User
from mentorship.notifications import attachments, emails, kinds
from mentorship.notifications.models import EmailStatus, Notification
from mentorship.tasking import enqueue_now, enqueue_on_commit

logger = logging.getLogger(__name__)

# Failures worth another try: the mail server was busy, down or slow. The task retries these with
# backoff; after this many attempts in all (the first and five retries) the failure is permanent.
TRANSIENT_EMAIL_ERRORS = (SMTPException, ConnectionError, TimeoutError)
MAX_EMAIL_ATTEMPTS = 6
# The task's backoff doubles from 1 s up to this cap (Celery adds jitter below it).
RETRY_BACKOFF_MAX = 600
# A claim older than this belongs to a worker that died mid-send (the SMTP timeout is 20 s): the
# redelivered task, or the recovery pass, may take the row over. Shorter than the broker's
# visibility timeout (4 minutes), so a redelivered task always finds the row claimable.
CLAIM_LEASE = timedelta(minutes=2)
# A pending row handed to the broker longer ago than this, and still pending, was lost (its
# message died with a worker, or with a Redis restart): the recovery pass hands it over again, so
# an email a killed worker had reserved goes out within about 5 minutes.
REQUEUE_AFTER = timedelta(minutes=4)
# How many ids one fan-out message carries, and how many rows one sweep re-enqueues at most.
ENQUEUE_CHUNK = 200
ENQUEUE_LIMIT = 50_000
# Permanent refusals: retrying cannot help, so they are recorded at once.
PERMANENT_EMAIL_ERRORS = (SMTPRecipientsRefused, SMTPSenderRefused, SMTPDataError)


@transaction.atomic
def notify(
    *,
    recipient: User,
    kind: str,
    title: str,
    body: str,
    url: str = "",
    dedupe_key: str,
    email: bool = True,
) -> Notification:
    """The notification for `dedupe_key`, created on first call; later calls return it unchanged.

    The email is enqueued only after the surrounding transaction commits, so a rolled-back
    action never mails anyone.
    """
    wants_email = email and bool(recipient.email)
    notification, created = Notification.objects.get_or_create(
        dedupe_key=dedupe_key,
        defaults={
            "recipient": recipient,
            "kind": kind,
            "title": title[:200],
            "body": body,
            "url": url,
            "email_status": EmailStatus.PENDING if wants_email else EmailStatus.SKIPPED,
        },
    )
    if created and wants_email:
        from mentorship.notifications import tasks

        Notification.objects.filter(pk=notification.pk).update(email_queued_at=timezone.now())
        # Never raises into the caller's request: with the broker down the sweep catches up.
        enqueue_on_commit(tasks.notification_email_deliver, notification.pk)
    return notification


def absolute_url(path: str) -> str:
    """Workers have no request, so links in emails are built from settings.SITE_URL."""
    return urljoin(settings.SITE_URL.rstrip("/") + "/", path.lstrip("/")) if path else settings.SITE_URL


def message_id(dedupe_key: str) -> str:
    """A Message-ID that is the same every time this notification is sent. Delivery is at least
    once: a worker killed after the mail server accepted a message and before the row was marked
    sent sends it again after the claim's lease, and the receiving side can recognise the copy."""
    digest = hashlib.sha256(dedupe_key.encode()).hexdigest()[:40]
    domain = urlsplit(settings.SITE_URL).hostname or "localhost"
    return f"<{digest}.notification@{domain}>"


def _message(notification: Notification) -> EmailMessage:
    builder = emails.builder_for(notification.kind)  # e.g. an import's invitation
    message = builder(notification) if builder is not None else _notification_message(notification)
    message.extra_headers["Message-ID"] = message_id(notification.dedupe_key)
    return message


def _notification_message(notification: Notification) -> EmailMultiAlternatives:
    context = {
        "notification": notification,
        "link": absolute_url(notification.url),
        "action": kinds.ACTIONS.get(notification.kind, "Open it in Mentorship"),
        "preferences_link": absolute_url(reverse("feedback:preferences")),
        "name": notification.recipient.first_name or notification.recipient.email,
    }
    text = render_to_string("notifications/email.txt", context)
    html = render_to_string("notifications/email.html", context)
    message = EmailMultiAlternatives(
        subject=f"[Mentorship] {notification.title}",
        body=text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[notification.recipient.email],
    )
    message.attach_alternative(html, "text/html")
    for name, content, mimetype in attachments.for_notification(notification):  # e.g. a calendar invitation
        message.attach(name, content, mimetype)
    return message


def notification_email_deliver(*, notification_id: int) -> bool:
    """Send the email of one notification. True when this call sent it.

    The row is claimed with a conditional UPDATE (pending -> sending) before anything is sent, so
    a duplicate task, a redelivery or a second worker finds nothing to claim and sends nothing.
    A claim older than CLAIM_LEASE is taken over: its worker died before finishing (a kill between
    the SMTP hand-over and the final UPDATE would then send twice; that window is a few
    milliseconds, against never delivering at all).
    A transient failure puts the row back to pending and re-raises, so the task retries; the last
    attempt, a permanent refusal or any other error is recorded on the row as a failure.
    """
    now = timezone.now()
    claimable = Q(email_status=EmailStatus.PENDING) | Q(
        email_status=EmailStatus.SENDING, email_claimed_at__lt=now - CLAIM_LEASE
    )
    claimed = Notification.objects.filter(claimable, pk=notification_id).update(
        email_status=EmailStatus.SENDING, email_claimed_at=now, attempts=F("attempts") + 1
    )
    if claimed != 1:
        return False
    notification = Notification.objects.select_related("recipient").get(pk=notification_id)
    try:
        _message(notification).send()
    except PERMANENT_EMAIL_ERRORS as error:
        _record_failure(notification_id, error)
        return False
    except TRANSIENT_EMAIL_ERRORS as error:
        if notification.attempts >= MAX_EMAIL_ATTEMPTS:
            _record_failure(notification_id, error)
            return False
        # Back to pending for the task's retry; the sweep leaves it alone until the retry is due.
        Notification.objects.filter(pk=notification_id, email_status=EmailStatus.SENDING).update(
            email_status=EmailStatus.PENDING,
            email_error=f"{type(error).__name__}: {error}"[:1000],
            email_queued_at=timezone.now() + timedelta(seconds=RETRY_BACKOFF_MAX),
        )
        raise
    except Exception as error:
        _record_failure(notification_id, error)
        logger.exception("Could not email notification %s", notification_id)
        return False
    Notification.objects.filter(pk=notification_id).update(
        email_status=EmailStatus.SENT, email_sent_at=timezone.now(), email_error=""
    )
    return True


def _record_failure(notification_id: int, error: BaseException) -> None:
    logger.error("Gave up emailing notification %s: %s", notification_id, error)
    Notification.objects.filter(pk=notification_id).update(
        email_status=EmailStatus.FAILED, email_error=f"{type(error).__name__}: {error}"[:1000]
    )


def _handoff_due(now: datetime) -> Q:
    """Rows whose email should be with a worker but may not be: never handed over, handed over
    long ago and still pending (the message was lost), or claimed by a worker that died."""
    return (
        Q(email_status=EmailStatus.PENDING) & (Q(email_queued_at=None) | Q(email_queued_at__lt=now - REQUEUE_AFTER))
    ) | Q(email_status=EmailStatus.SENDING, email_claimed_at__lt=now - CLAIM_LEASE)


def pending_emails_enqueue(*, now: datetime | None = None) -> int:
    """Hand every email that is due to the broker, in fan-out messages of ENQUEUE_CHUNK ids.

    Called by the sweep after its transaction commits. Two queries whatever the number of rows
    (one read, one UPDATE stamping the hand-off), plus one message per chunk. If the broker is
    down it stops at the first failure and leaves the rest unstamped, so the next sweep retries.
    A duplicate hand-off is harmless: delivery claims the row first.
    """
    from mentorship.notifications import tasks

    now = now or timezone.now()
    ids = list(
        Notification.objects.filter(_handoff_due(now)).order_by("id").values_list("id", flat=True)[:ENQUEUE_LIMIT]
    )
    handed: list[int] = []
    for start in range(0, len(ids), ENQUEUE_CHUNK):
        chunk = ids[start : start + ENQUEUE_CHUNK]
        if not enqueue_now(tasks.notification_emails_deliver, chunk):
            logger.warning("%d emails wait for the next pass", len(ids) - start)
            break
        handed.extend(chunk)
    if handed:
        # Stamp by id range rather than a huge IN list; the condition keeps rows that changed
        # meanwhile (sent, claimed) as they are.
        Notification.objects.filter(_handoff_due(now), pk__gte=handed[0], pk__lte=handed[-1]).update(
            email_queued_at=now
        )
    return len(handed)


def notification_emails_fan_out(*, notification_ids: Iterable[int]) -> None:
    """One message per email, so each is retried on its own and workers share the load."""
    from mentorship.notifications import tasks

    for notification_id in notification_ids:
        enqueue_now(tasks.notification_email_deliver, notification_id)


def unread(user: User) -> "QuerySet[Notification]":
    return Notification.objects.filter(recipient=user, read_at=None)


@transaction.atomic
def notification_mark_read(*, notification: Notification) -> Notification:
    if notification.read_at is None:
        notification.read_at = timezone.now()
        Notification.objects.filter(pk=notification.pk, read_at=None).update(read_at=notification.read_at)
    return notification


@transaction.atomic
def notifications_mark_all_read(*, user: User) -> int:
    return unread(user).update(read_at=timezone.now())
