from celery import shared_task

from mentorship.feedback import services


@shared_task
def feedback_sweep() -> int:
    return services.sweep().total


@shared_task
def feedback_weekly_digest() -> dict[str, int]:
    return services.weekly_digest_send()
