from celery import shared_task

from mentorship.notifications import services


# Emails come in bulk (an import's invitations, a sweep's reminders), so they wait behind everything
# else: on Redis, priority 0 is served first and these sit at EMAIL_PRIORITY. A match run or a
# recovery pass is never stuck behind ten thousand invitations.
@shared_task(
    priority=services.EMAIL_PRIORITY,
    autoretry_for=services.TRANSIENT_EMAIL_ERRORS,
    dont_autoretry_for=services.PERMANENT_EMAIL_ERRORS,
    retry_backoff=True,
    retry_backoff_max=services.RETRY_BACKOFF_MAX,
    max_retries=services.MAX_EMAIL_ATTEMPTS - 1,
)
def notification_email_deliver(notification_id: int) -> None:
    services.notification_email_deliver(notification_id=notification_id)


@shared_task(priority=services.EMAIL_PRIORITY)
def notification_emails_deliver(notification_ids: list[int]) -> None:
    services.notification_emails_fan_out(notification_ids=notification_ids)


@shared_task
def emails_recover() -> int:
    """Between sweeps: hand over emails whose message was lost or whose sender died mid-send."""
    return services.pending_emails_enqueue()
