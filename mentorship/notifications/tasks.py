from celery import shared_task

from mentorship.notifications import services


@shared_task(
    autoretry_for=services.TRANSIENT_EMAIL_ERRORS,
    dont_autoretry_for=services.PERMANENT_EMAIL_ERRORS,
    retry_backoff=True,
    retry_backoff_max=services.RETRY_BACKOFF_MAX,
    max_retries=services.MAX_EMAIL_ATTEMPTS - 1,
)
def notification_email_deliver(notification_id: int) -> None:
    services.notification_email_deliver(notification_id=notification_id)


@shared_task
def notification_emails_deliver(notification_ids: list[int]) -> None:
    services.notification_emails_fan_out(notification_ids=notification_ids)


@shared_task
def emails_recover() -> int:
    """Between sweeps: hand over emails whose message was lost or whose sender died mid-send."""
    return services.pending_emails_enqueue()
