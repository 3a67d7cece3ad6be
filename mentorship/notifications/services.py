"""Every write to notifications: create once per dedupe key, deliver the email at most once."""

import logging
from smtplib import SMTPException
from urllib.parse import urljoin

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import F, QuerySet
from django.template.loader import render_to_string
from django.utils import timezone

from mentorship.accounts.models import User
from mentorship.notifications.models import EmailStatus, Notification

logger = logging.getLogger(__name__)

# Failures worth another try: the mail server was busy, down or slow. The task retries these with
# backoff; after this many attempts in all (the first and five retries) the failure is permanent.
TRANSIENT_EMAIL_ERRORS = (SMTPException, ConnectionError, TimeoutError)
MAX_EMAIL_ATTEMPTS = 6


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

        tasks.notification_email_deliver.delay_on_commit(notification.pk)  # type: ignore[attr-defined]
    return notification


def absolute_url(path: str) -> str:
    """Workers have no request, so links in emails are built from settings.SITE_URL."""
    return urljoin(settings.SITE_URL.rstrip("/") + "/", path.lstrip("/")) if path else settings.SITE_URL


def _message(notification: Notification) -> EmailMultiAlternatives:
    context = {
        "notification": notification,
        "link": absolute_url(notification.url),
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
    return message


def notification_email_deliver(*, notification_id: int) -> bool:
    """Send the email of one notification. True when this call sent it.

    The row is claimed with a conditional UPDATE (pending -> sending) before anything is sent, so
    a duplicate task, a redelivery or a second worker finds nothing to claim and sends nothing.
    A transient failure puts the row back to pending and re-raises, so the task retries; the last
    attempt, or any other error, is recorded on the row as a permanent failure.
    """
    claimed = Notification.objects.filter(pk=notification_id, email_status=EmailStatus.PENDING).update(
        email_status=EmailStatus.SENDING, attempts=F("attempts") + 1
    )
    if claimed != 1:
        return False
    notification = Notification.objects.select_related("recipient").get(pk=notification_id)
    try:
        _message(notification).send()
    except TRANSIENT_EMAIL_ERRORS as error:
        final = notification.attempts >= MAX_EMAIL_ATTEMPTS
        Notification.objects.filter(pk=notification_id).update(
            email_status=EmailStatus.FAILED if final else EmailStatus.PENDING, email_error=str(error)[:1000]
        )
        if final:
            logger.error("Gave up emailing notification %s: %s", notification_id, error)
            return False
        raise
    except Exception as error:
        Notification.objects.filter(pk=notification_id).update(
            email_status=EmailStatus.FAILED, email_error=f"{type(error).__name__}: {error}"[:1000]
        )
        logger.exception("Could not email notification %s", notification_id)
        return False
    Notification.objects.filter(pk=notification_id).update(
        email_status=EmailStatus.SENT, email_sent_at=timezone.now(), email_error=""
    )
    return True


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
