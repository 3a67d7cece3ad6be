"""A Celery worker SIGKILLed in the middle of a job: the job finishes (or fails cleanly) on the
next worker, and nothing is lost or done twice.

For real: workers run in subprocesses on a Redis of the test's own, with the test database, and
are killed with SIGKILL. Simulated: shorter clocks (tests/faults/fault_worker_settings.py: a 1 s
visibility timeout, 3 s leases), a slowed engine so the kill lands mid-run, and for the email
claim's 2-minute lease its timestamp is moved back instead of waiting.
"""

from collections.abc import Callable
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from mentorship.celery import app
from mentorship.demo.drill.servers import RedisServer, SMTPSink, kill, wait_until
from mentorship.imports import services as import_services
from mentorship.imports.models import ImportJob, ImportStatus
from mentorship.notifications.models import EmailStatus, Notification
from mentorship.participants.models import OrgUnit, Participant
from pairing.models import MatchRun, RunStatus
from pairing.services import runs
from tests.faults.conftest import Workers, app_on, needs_postgresql
from tests.imports.conftest import post_file, team_csv
from tests.pairing.conftest import Seeded, seed_reverse_program


@pytest.fixture
def seeded(
    transactional_db: None, make_person: Callable[..., Participant], org: dict[str, OrgUnit], hr_admin: Participant
) -> Seeded:
    return seed_reverse_program(make_person, org, hr_admin)


def test_a_run_whose_worker_is_killed_finishes_on_the_next_worker_and_the_program_can_run_again(
    seeded: Seeded, own_redis: RedisServer, workers: Workers
) -> None:
    needs_postgresql()
    client = Client()
    client.force_login(seeded.hr.user)
    with app_on(own_redis):
        app.control.purge()
        first = workers.start(own_redis, slow_engine=30)
        assert client.post(reverse("pairing:run_start", args=[seeded.program.pk])).status_code == 302
        run = MatchRun.objects.get(program=seeded.program)
        assert wait_until(lambda: MatchRun.objects.get(pk=run.pk).status == RunStatus.RUNNING, 30), workers.log
        kill(first)  # mid-solve: the engine sleeps for 30 s before it solves

        workers.start(own_redis)

        # The redelivered message comes first but the lease (3 s) still runs: it claims nothing.
        # Once the lease has run out, the recovery pass (beat runs it every minute) queues it again.
        def lease_ran_out() -> bool:
            current = MatchRun.objects.get(pk=run.pk)
            # (On a slow machine the redelivered message may already have taken the run over.)
            return current.status != RunStatus.RUNNING or current.lease_expires_at < timezone.now()

        assert wait_until(lease_ran_out, 10)
        recovered = runs.match_runs_recover()
        assert run.pk in recovered.requeued or MatchRun.objects.get(pk=run.pk).status != RunStatus.RUNNING
        assert wait_until(lambda: MatchRun.objects.get(pk=run.pk).status == RunStatus.DONE, 60), workers.log
        run.refresh_from_db()
        assert (run.proposals.count(), run.attempts) == (3, 2)

        response = client.post(reverse("pairing:run_start", args=[seeded.program.pk]))
        assert response.status_code == 302
        assert MatchRun.objects.filter(program=seeded.program).count() == 2


def test_an_import_killed_after_its_commit_sends_every_invitation_exactly_once(
    transactional_db: None,
    hr_admin: Participant,
    own_redis: RedisServer,
    workers: Workers,
    smtp: SMTPSink,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    needs_postgresql()
    monkeypatch.setattr(import_services, "ASYNC_THRESHOLD", 5)  # a small file, imported by a worker
    size = 15
    client = Client()
    client.force_login(hr_admin.user)
    with app_on(own_redis):
        app.control.purge()
        smtp.hang.set()  # the first worker stalls in the SMTP hand-off of the first invitation
        first = workers.start(own_redis, smtp=smtp)
        post_file(client, team_csv(size))
        job = ImportJob.objects.get()
        client.post(reverse("imports:confirm", args=[job.pk]), {"invite": "on"})
        assert wait_until(smtp.swallowed.is_set, 30), workers.log.read_text()
        assert ImportJob.objects.get(pk=job.pk).status == ImportStatus.DONE  # the import had committed
        kill(first)

        sending = Notification.objects.get(kind="invitation", email_status=EmailStatus.SENDING)
        # The dead worker's claim runs out (2 minutes in production).
        Notification.objects.filter(pk=sending.pk).update(email_claimed_at=timezone.now() - timedelta(minutes=3))
        smtp.hang.clear()
        workers.start(own_redis, smtp=smtp)
        sent = Notification.objects.filter(kind="invitation", email_status=EmailStatus.SENT)
        assert wait_until(lambda: sent.count() == size, 60), workers.log.read_text()

    recipients = smtp.recipients()
    assert len(recipients) == size == len(set(recipients))  # every invitation, each once
    assert len(set(smtp.message_ids())) == size
    assert all("invited you" in m.decode() for m in smtp.messages)
