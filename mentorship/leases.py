"""Leased claims for jobs that run longer than a moment (match runs, imports).

A job row is the truth. A worker claims it with one conditional UPDATE, which also takes over a
claim whose lease ran out (its worker died), and records a random token and the lease's end. While
it works a heartbeat thread renews the lease; the work writes its results only if it still holds
the token (`fence`), so a worker that lost its lease, or whose job HR cancelled, writes nothing.
A periodic recovery pass (`jobs_recover`) puts jobs whose lease expired back in the queue, fails
those that used up their attempts (with the reason, so HR can retry them), and enqueues queued
jobs whose hand-off to the broker was lost. Nothing stays "running" longer than a lease.

The models using this have `status` ("queued", "running", "failed", ...), `lease_token`,
`lease_expires_at`, `attempts`, `enqueued_at`, `started_at`, `finished_at` and `error` fields.
"""

from __future__ import annotations

import logging
import threading
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from types import TracebackType
from typing import Any

from celery import Task
from django.conf import settings
from django.db import connection, models
from django.db.models import F, Q
from django.utils import timezone

from mentorship.tasking import enqueue_on_commit

logger = logging.getLogger(__name__)

QUEUED, RUNNING, FAILED = "queued", "running", "failed"


class LeaseLost(Exception):
    """The job was taken over (its lease ran out) or cancelled: stop and write nothing."""


def lease_duration() -> timedelta:
    """How long a claim lasts without renewal.

    SQLite (the embedded default) allows one writer at a time, so a heartbeat could not renew a
    lease while the job's own transaction is open: there the lease covers the task's whole time
    limit instead, and a killed job is taken over once that has passed.
    """
    if connection.vendor == "sqlite":
        return timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT + 60)
    return timedelta(seconds=settings.JOB_LEASE_SECONDS)


def exhausted_reason(attempts: int) -> str:
    return (
        f"The worker running this job stopped {attempts} times before finishing (killed, restarted or out of "
        "memory), so it was not started again. Retry it once the workers are healthy."
    )


def job_claim(model: type[models.Model], *, pk: int) -> str | None:
    """Claim a queued job, or take over one whose lease expired. Returns the lease token, or None
    when the job is not ours to run (done, cancelled, or held by a live worker).

    A job that has been claimed JOB_MAX_ATTEMPTS times already is failed instead: it keeps
    killing its worker, and HR decides whether to retry it.
    """
    now = timezone.now()
    token = uuid.uuid4().hex
    claimable = Q(status=QUEUED) | Q(status=RUNNING, lease_expires_at__lt=now)
    manager = model._default_manager
    claimed = manager.filter(claimable, pk=pk, attempts__lt=settings.JOB_MAX_ATTEMPTS).update(
        status=RUNNING,
        lease_token=token,
        lease_expires_at=now + lease_duration(),
        attempts=F("attempts") + 1,
        started_at=now,
    )
    if claimed == 1:
        return token
    manager.filter(claimable, pk=pk, attempts__gte=settings.JOB_MAX_ATTEMPTS).update(
        status=FAILED,
        error=exhausted_reason(settings.JOB_MAX_ATTEMPTS),
        finished_at=now,
        lease_token="",
        lease_expires_at=None,
    )
    return None


def job_fail(model: type[models.Model], *, pk: int, token: str, error: str) -> bool:
    """Mark a job we hold failed with its reason; False when the lease was lost meanwhile."""
    return bool(
        model._default_manager.filter(pk=pk, status=RUNNING, lease_token=token).update(
            status=FAILED, error=error[:2000], finished_at=timezone.now(), lease_token="", lease_expires_at=None
        )
    )


def fence(model: type[models.Model], *, pk: int, token: str) -> Any:
    """The job row, locked, inside the caller's transaction, if we still hold its lease; else
    LeaseLost. Call it just before writing results, so a job taken over or cancelled meanwhile
    writes nothing."""
    job = model._default_manager.select_for_update().filter(pk=pk, status=RUNNING, lease_token=token).first()
    if job is None:
        raise LeaseLost(f"{model.__name__} {pk}: the lease was lost or the job was cancelled")
    return job


def job_enqueue_on_commit(model: type[models.Model], task: Task[Any, Any], pk: int) -> None:
    """Hand a queued job to the broker after commit, and record when that succeeded. With the
    broker down nothing is recorded and the recovery pass hands it over later."""

    def handed_over() -> None:
        model._default_manager.filter(pk=pk, status=QUEUED).update(enqueued_at=timezone.now())

    enqueue_on_commit(task, pk, on_sent=handed_over)


class Heartbeat:
    """Renews a job's lease from a thread of its own (with its own database connection) every
    third of the lease, while the `with` block works. If a renewal finds the lease gone (taken
    over, cancelled), `lost` is set and `check()` raises LeaseLost at the job's next checkpoint.

    A job claimed inside an open transaction (a small import run in the request, or a test) is
    not renewed: its claim is invisible to other connections until it commits, and it finishes
    or rolls back with that transaction. SQLite gets no heartbeat either (see lease_duration).
    """

    def __init__(self, model: type[models.Model], *, pk: int, token: str) -> None:
        self.model, self.pk, self.token = model, pk, token
        self.interval = settings.JOB_LEASE_SECONDS / 3
        self._stop = threading.Event()
        self._lost = threading.Event()
        self._thread: threading.Thread | None = None

    @property
    def lost(self) -> bool:
        return self._lost.is_set()

    def check(self) -> None:
        if self.lost:
            raise LeaseLost(f"{self.model.__name__} {self.pk}: the lease was lost or the job was cancelled")

    def renew(self) -> bool:
        renewed = self.model._default_manager.filter(pk=self.pk, status=RUNNING, lease_token=self.token).update(
            lease_expires_at=timezone.now() + lease_duration()
        )
        if not renewed:
            self._lost.set()
        return bool(renewed)

    def _beat(self) -> None:
        try:
            while not self._stop.wait(self.interval):
                try:
                    if not self.renew():
                        return
                except Exception:  # the database blinked: try again at the next beat
                    logger.warning("Could not renew the lease of %s %s", self.model.__name__, self.pk, exc_info=True)
        finally:
            connection.close()  # this thread's own connection

    def __enter__(self) -> Heartbeat:
        if connection.vendor != "sqlite" and not connection.in_atomic_block:
            self._thread = threading.Thread(target=self._beat, name=f"lease-{self.pk}", daemon=True)
            self._thread.start()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, traceback: TracebackType | None
    ) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=30)


@dataclass
class Recovered:
    requeued: list[int]  # expired leases put back in the queue
    failed: list[int]  # expired leases that had used every attempt
    handed_over: list[int]  # queued jobs (re-)enqueued because their hand-off was lost

    def as_dict(self) -> dict[str, int]:
        return {"requeued": len(self.requeued), "failed": len(self.failed), "handed_over": len(self.handed_over)}


def jobs_recover(
    model: type[models.Model],
    *,
    task: Task[Any, Any],
    now: datetime | None = None,
) -> Recovered:
    """The periodic pass. Each expired lease is taken over with a conditional UPDATE on its token,
    so of two passes running at once exactly one takes each job over."""
    now = now or timezone.now()
    manager = model._default_manager
    result = Recovered([], [], [])
    expired = manager.filter(status=RUNNING, lease_expires_at__lt=now).values_list("pk", "lease_token", "attempts")
    for pk, token, attempts in list(expired):
        held = manager.filter(pk=pk, status=RUNNING, lease_token=token)
        if attempts >= settings.JOB_MAX_ATTEMPTS:
            if held.update(
                status=FAILED,
                error=exhausted_reason(attempts),
                finished_at=now,
                lease_token="",
                lease_expires_at=None,
            ):
                result.failed.append(pk)
                logger.error("%s %s failed: its worker stopped %d times", model.__name__, pk, attempts)
        elif held.update(status=QUEUED, lease_token="", lease_expires_at=None, enqueued_at=None):
            result.requeued.append(pk)
            logger.warning("%s %s: its worker stopped mid-way (lease expired); queued again", model.__name__, pk)
    # Queued and never handed over (broker down at the time), or handed over long enough ago that
    # the message must have been lost. A duplicate message is harmless: the claim runs it once.
    stale = now - timedelta(seconds=settings.JOB_REQUEUE_AFTER_SECONDS)
    lost = manager.filter(Q(enqueued_at=None) | Q(enqueued_at__lt=stale), status=QUEUED)
    for pk in lost.order_by("pk").values_list("pk", flat=True):
        job_enqueue_on_commit(model, task, pk)
        result.handed_over.append(pk)
    if result.requeued or result.failed or result.handed_over:
        logger.info("Recovered %s: %s", model.__name__, result.as_dict())
    return result
