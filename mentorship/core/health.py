"""What /healthz checks: the database answers, the broker accepts a connection, beat is recent."""

from dataclasses import dataclass

from django.conf import settings
from django.db import connection
from django.utils import timezone

from mentorship.celery import app as celery_app
from mentorship.core.models import Heartbeat


@dataclass(frozen=True)
class Check:
    ok: bool
    detail: str


def check_database() -> Check:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception as exc:  # any failure to answer is "down", whatever the driver raised
        return Check(False, type(exc).__name__)
    return Check(True, connection.vendor)


def check_broker(timeout: int = 2) -> Check:
    try:
        with celery_app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=timeout)
    except Exception as exc:  # kombu raises many kinds; all mean the broker is unreachable
        return Check(False, type(exc).__name__)
    return Check(True, "connected")


def check_beat() -> Check:
    beat = Heartbeat.objects.filter(id=1).first()
    if beat is None:
        return Check(False, "no heartbeat recorded yet")
    age = timezone.now() - beat.beat_at
    seconds = int(age.total_seconds())
    if age > settings.HEARTBEAT_STALE_AFTER:
        return Check(False, f"last beat {seconds}s ago")
    return Check(True, f"last beat {seconds}s ago")


def run_checks() -> dict[str, Check]:
    database = check_database()
    return {
        "database": database,
        "broker": check_broker(),
        "beat": check_beat() if database.ok else Check(False, "database down"),
    }
