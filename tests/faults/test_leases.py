"""Match runs and imports are leased claims: a dead worker's job is taken over or failed cleanly,
never left running; a cancelled or taken-over job writes nothing; retries start again."""

import threading
import time
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.utils import timezone

from mentorship import leases
from mentorship.imports import services as import_services
from mentorship.imports.models import ImportJob, ImportStatus
from mentorship.notifications.models import Notification
from mentorship.participants.models import OrgUnit, Participant
from pairing.models import MatchRun, RunStatus
from pairing.services import runs
from tests.imports.conftest import team_csv
from tests.pairing.conftest import Seeded, seed_reverse_program


@pytest.fixture
def seeded(make_person: Callable[..., Participant], org: dict[str, OrgUnit], hr_admin: Participant) -> Seeded:
    return seed_reverse_program(make_person, org, hr_admin)


def expire(model: Any, pk: int) -> None:
    """The lease runs out: the worker that held it stopped renewing (it died)."""
    model.objects.filter(pk=pk).update(lease_expires_at=timezone.now() - timedelta(seconds=1))


def test_a_held_run_is_not_claimed_twice_but_an_expired_lease_is_taken_over(seeded: Seeded) -> None:
    run = runs.match_run_start(program=seeded.program, by=seeded.hr.user)
    first = leases.job_claim(MatchRun, pk=run.pk)
    assert first is not None
    assert leases.job_claim(MatchRun, pk=run.pk) is None  # a duplicate task while the worker lives
    expire(MatchRun, run.pk)
    second = leases.job_claim(MatchRun, pk=run.pk)
    assert second not in (None, first)
    run.refresh_from_db()
    assert (run.status, run.attempts, run.lease_token) == (RunStatus.RUNNING, 2, second)
    with pytest.raises(leases.LeaseLost):
        leases.fence(MatchRun, pk=run.pk, token=first)  # the first worker, if it woke up, writes nothing


def test_a_run_whose_worker_died_is_queued_again_by_the_recovery_pass_and_then_finishes(seeded: Seeded) -> None:
    run = runs.match_run_start(program=seeded.program, by=seeded.hr.user)
    assert leases.job_claim(MatchRun, pk=run.pk) is not None  # ...and then the worker was killed
    assert runs.match_runs_recover().requeued == []  # the lease is still running
    expire(MatchRun, run.pk)
    recovered = runs.match_runs_recover()
    assert (recovered.requeued, recovered.handed_over) == ([run.pk], [run.pk])
    run.refresh_from_db()
    assert (run.status, run.lease_token) == (RunStatus.QUEUED, "")
    assert runs.match_run_execute(run_id=run.pk) is True
    run.refresh_from_db()
    assert (run.status, run.proposals.count(), run.attempts) == (RunStatus.DONE, 3, 2)
    assert runs.match_run_start(program=seeded.program, by=seeded.hr.user).status == RunStatus.QUEUED


def test_a_run_that_keeps_killing_its_worker_fails_with_the_reason_and_can_be_retried(
    seeded: Seeded, settings: Any
) -> None:
    run = runs.match_run_start(program=seeded.program, by=seeded.hr.user)
    for _ in range(settings.JOB_MAX_ATTEMPTS):
        assert leases.job_claim(MatchRun, pk=run.pk) is not None
        expire(MatchRun, run.pk)
    recovered = runs.match_runs_recover()
    assert recovered.failed == [run.pk]
    run.refresh_from_db()
    assert run.status == RunStatus.FAILED
    assert f"stopped {settings.JOB_MAX_ATTEMPTS} times" in run.error
    # A late redelivery of the message claims nothing either.
    assert runs.match_run_execute(run_id=run.pk) is False

    run = runs.match_run_retry(run=run, by=seeded.hr.user)
    assert (run.status, run.attempts, run.error) == (RunStatus.QUEUED, 0, "")
    assert runs.match_run_execute(run_id=run.pk) is True
    run.refresh_from_db()
    assert run.status == RunStatus.DONE


def test_a_redelivered_claim_after_the_last_attempt_fails_the_run_instead_of_running_it(
    seeded: Seeded, settings: Any
) -> None:
    run = runs.match_run_start(program=seeded.program, by=seeded.hr.user)
    MatchRun.objects.filter(pk=run.pk).update(
        status=RunStatus.RUNNING, attempts=settings.JOB_MAX_ATTEMPTS, lease_token="dead"
    )
    expire(MatchRun, run.pk)
    assert runs.match_run_execute(run_id=run.pk) is False
    run.refresh_from_db()
    assert run.status == RunStatus.FAILED and "stopped" in run.error


def test_a_run_cancelled_while_it_solves_stores_nothing_and_frees_the_program(
    seeded: Seeded, monkeypatch: pytest.MonkeyPatch
) -> None:
    run = runs.match_run_start(program=seeded.program, by=seeded.hr.user)
    solve = runs.engine.solve

    def cancel_meanwhile(*args: Any, **kwargs: Any) -> Any:
        runs.match_run_cancel(run=run, by=seeded.hr.user)  # HR clicks "Cancel" mid-solve
        return solve(*args, **kwargs)

    monkeypatch.setattr(runs.engine, "solve", cancel_meanwhile)
    assert runs.match_run_execute(run_id=run.pk) is False
    run.refresh_from_db()
    assert (run.status, run.proposals.count()) == (RunStatus.CANCELLED, 0)
    assert run.error == "Cancelled by Harriet HR."
    assert runs.match_run_start(program=seeded.program, by=seeded.hr.user).status == RunStatus.QUEUED


def test_only_active_runs_can_be_cancelled_and_only_failed_ones_retried(seeded: Seeded) -> None:
    from django.core.exceptions import ValidationError

    run = runs.match_run_start(program=seeded.program, by=seeded.hr.user)
    with pytest.raises(ValidationError):
        runs.match_run_retry(run=run, by=seeded.hr.user)
    runs.match_run_execute(run_id=run.pk)
    with pytest.raises(ValidationError, match="nothing to cancel"):
        runs.match_run_cancel(run=run, by=seeded.hr.user)


def test_an_import_whose_worker_died_is_imported_once_with_one_invitation_each(hr_admin: Any) -> None:
    job = import_services.import_job_create(file_name="team.csv", content=team_csv(12), by=hr_admin.user)
    ImportJob.objects.filter(pk=job.pk).update(status=ImportStatus.QUEUED, invite=True)
    assert leases.job_claim(ImportJob, pk=job.pk) is not None  # ...and the worker was killed
    expire(ImportJob, job.pk)
    assert import_services.import_jobs_recover().requeued == [job.pk]
    import_services.import_job_run(job_id=job.pk)
    import_services.import_job_run(job_id=job.pk)  # a redelivered message: nothing to do
    job.refresh_from_db()
    assert (job.status, job.created_count, job.invitations_sent) == (ImportStatus.DONE, 12, 12)
    assert Notification.objects.filter(kind="invitation").count() == 12
    assert job.lease_token == "" and job.content == b""


def test_a_failed_import_keeps_its_file_and_a_retry_imports_it(hr_admin: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    job = import_services.import_job_create(file_name="team.csv", content=team_csv(3), by=hr_admin.user)
    create_batch = import_services._create_batch

    def full_disk(*args: Any) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(import_services, "_create_batch", full_disk)
    job = import_services.import_job_confirm(job=job, invite=False)
    assert (job.status, job.error) == (ImportStatus.FAILED, "OSError: disk full")
    assert import_services.can_retry_import(job)
    monkeypatch.setattr(import_services, "_create_batch", create_batch)
    job = import_services.import_job_retry(job=job, by=hr_admin.user)
    assert (job.status, job.created_count) == (ImportStatus.DONE, 3)
    assert not import_services.can_retry_import(job)


def test_two_recovery_passes_at_once_take_an_expired_lease_over_exactly_once(
    transactional_db: None, seeded: Seeded
) -> None:
    run = runs.match_run_start(program=seeded.program, by=seeded.hr.user)
    leases.job_claim(MatchRun, pk=run.pk)
    expire(MatchRun, run.pk)
    start = threading.Barrier(2, timeout=10)
    taken: list[int] = []

    def recovery_pass() -> None:
        try:
            start.wait()
            taken.extend(runs.match_runs_recover().requeued)
        finally:
            connection.close()

    passes = [threading.Thread(target=recovery_pass) for _ in range(2)]
    for thread in passes:
        thread.start()
    for thread in passes:
        thread.join(30)
    assert taken == [run.pk]
    run.refresh_from_db()
    assert run.status == RunStatus.QUEUED


def test_the_heartbeat_renews_a_lease_and_notices_when_the_run_is_cancelled(
    transactional_db: None, seeded: Seeded, settings: Any
) -> None:
    if connection.vendor == "sqlite":
        pytest.skip(
            "SQLite allows one writer, so there the lease covers the task's time limit and no heartbeat runs "
            "(mentorship.leases.lease_duration); CI's main run, on PostgreSQL, runs this test."
        )
    settings.JOB_LEASE_SECONDS = 3  # renewed every second
    run = runs.match_run_start(program=seeded.program, by=seeded.hr.user)
    token = leases.job_claim(MatchRun, pk=run.pk)
    assert token is not None
    claimed_until = MatchRun.objects.get(pk=run.pk).lease_expires_at
    with leases.Heartbeat(MatchRun, pk=run.pk, token=token) as heartbeat:
        time.sleep(2.5)
        assert MatchRun.objects.get(pk=run.pk).lease_expires_at > claimed_until
        heartbeat.check()
        runs.match_run_cancel(run=run, by=seeded.hr.user)
        deadline = time.monotonic() + 5
        while not heartbeat.lost and time.monotonic() < deadline:
            time.sleep(0.1)
        with pytest.raises(leases.LeaseLost):
            heartbeat.check()
