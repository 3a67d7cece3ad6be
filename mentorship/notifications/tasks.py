from celery import shared_task

from mentorship.notifications import services


@shared_task(
    autoretry_for=services.TRANSIENT_EMAIL_ERRORS,
    retry_backoff=True,
    retry_backoff_max=600,
    max_retries=services.MAX_EMAIL_ATTEMPTS - 1,
)
def notification_email_deliver(notification_id: int) -> None:
    services.notification_email_deliver(notification_id=notification_id)
