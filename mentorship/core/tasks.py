from celery import shared_task
from django.core.management import call_command

from mentorship.core import services


@shared_task
def heartbeat() -> None:
    services.heartbeat_record()


@shared_task
def sessions_clear_expired() -> None:
    call_command("clearsessions")
