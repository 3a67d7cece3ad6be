"""A worker killed (SIGKILL) in the middle of sending a reminder: after a restart the reminder is
delivered exactly once.

What it does, for real: a Celery worker runs in a subprocess with the project's settings, on
PostgreSQL and Redis, emailing through a local SMTP server that receives the message but never
confirms it (so nothing was delivered). While the worker waits for that confirmation, the test
kills it with SIGKILL: the task is unacknowledged (acks_late) and its row is claimed "sending".
A second worker, pointed at an SMTP server that works, is started; Redis hands the unacknowledged
message back (the subprocess's visibility timeout is 1 s instead of an hour) and the redelivered
task takes the dead worker's claim over once its lease has run out.

What it simulates: the lease (10 minutes) is run out by moving the claim's timestamp back, not by
waiting; and the visibility timeout is shortened. Needs PostgreSQL and Redis (a subprocess cannot
see SQLite's in-memory test database); CI's main run has both.
"""

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone

from mentorship.celery import app
from mentorship.demo.drill.servers import SMTPSink, stop_process, wait_until
from mentorship.feedback import services
from mentorship.mentorships.models import Mentorship
from mentorship.notifications.models import EmailStatus, Notification
from mentorship.workspace.models import SessionRating

ROOT = Path(__file__).resolve().parents[2]


def start_worker_process(smtp_port: int, log: Path) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "crash_worker_settings",
        "PYTHONPATH": os.pathsep.join([str(Path(__file__).parent), str(ROOT)]),
        "DATABASE_URL": f"postgres://{connection.settings_dict['USER']}@{connection.settings_dict['HOST']}:"
        f"{connection.settings_dict['PORT'] or 5432}/{connection.settings_dict['NAME']}",
        "REDIS_URL": settings.CELERY_BROKER_URL,
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(smtp_port),
        "EMAIL_USE_TLS": "0",
        "EMAIL_TIMEOUT": "30",
        "PYTHONUNBUFFERED": "1",
        "CRASH_TEST_QUEUE": app.conf.task_default_queue,
    }
    offset = log.stat().st_size if log.exists() else 0  # the second worker logs after the first
    process = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "mentorship", "worker", "--pool=solo", "--without-gossip",
         "--without-mingle", "--without-heartbeat", "--loglevel=INFO"],
        cwd=ROOT, env=env, stdout=log.open("ab"), stderr=subprocess.STDOUT,
    )  # fmt: skip
    ready = wait_until(lambda: b"ready." in log.read_bytes()[offset:] or process.poll() is not None, 30)
    assert ready and process.poll() is None, log.read_text()
    return process


@pytest.fixture
def processes() -> Iterator[list[subprocess.Popen[bytes]]]:
    started: list[subprocess.Popen[bytes]] = []
    yield started
    for process in started:  # only the workers this test started
        stop_process(process)


def test_a_worker_killed_mid_send_delivers_the_reminder_once_after_a_restart(
    due_pair: Mentorship, processes: list[subprocess.Popen[bytes]], tmp_path: Path
) -> None:
    if connection.vendor != "postgresql" or not settings.CELERY_BROKER_URL.startswith("redis"):
        pytest.skip(
            "Needs PostgreSQL and Redis (CI's main run): it relies on Redis handing an unacknowledged message "
            "to the next worker, and the worker subprocess uses the test database's connection settings."
        )
    app.control.purge()
    SessionRating.objects.create(session=due_pair.sessions.get(), rater=due_pair.mentor, score=4)
    hanging, working = SMTPSink(), SMTPSink()
    hanging.hang.set()  # it takes the message and never confirms it
    try:
        log = tmp_path / "worker.log"
        first = start_worker_process(hanging.port, log)
        processes.append(first)
        assert services.sweep().written == {"session_rating": 1}
        note = Notification.objects.get()

        # The worker has claimed the row and is waiting for the server to accept the message.
        assert wait_until(hanging.swallowed.is_set, 40), log.read_text()
        note.refresh_from_db()
        assert (note.email_status, note.attempts) == (EmailStatus.SENDING, 1)
        first.send_signal(signal.SIGKILL)
        first.wait(10)
        assert hanging.messages == []

        # Ten minutes pass (the claim's lease), then a worker starts again.
        Notification.objects.filter(pk=note.pk).update(email_claimed_at=timezone.now() - timedelta(minutes=11))
        time.sleep(1.5)  # past the subprocess's 1 s visibility timeout
        processes.append(start_worker_process(working.port, log))

        assert wait_until(lambda: len(working.messages) == 1, 40), log.read_text()
        assert wait_until(lambda: Notification.objects.get(pk=note.pk).email_status == EmailStatus.SENT, 40)
        note.refresh_from_db()
        assert note.attempts == 2
        assert b"Rate the session" in working.messages[0]
        # Nothing more arrives: no second redelivery, and the sweep finds nothing to hand over.
        services.sweep()
        time.sleep(3)
        assert len(working.messages) == 1
    finally:
        hanging.close()
        working.close()
