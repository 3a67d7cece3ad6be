"""Tasks go through the real broker (Redis in CI's main run, the file broker otherwise) to a real
worker, and only once their transaction commits."""

import time
from collections.abc import Iterator

import pytest
from celery import shared_task
from celery.exceptions import Reject
from django.core.cache import cache
from django.db import transaction

from mentorship.celery import app
from mentorship.core.tasks import heartbeat
from tests.conftest import celery_worker


@shared_task(name="tests.record")
def record(label: str) -> None:
    cache.set(f"record:{label}", "done", timeout=300)


def _wait_for(label: str, seconds: float = 20) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if cache.get(f"record:{label}"):
            return True
        time.sleep(0.1)
    return False


@pytest.fixture
def worker(transactional_db: None) -> Iterator[None]:
    with celery_worker():
        yield


def test_a_worker_runs_a_task_enqueued_on_commit(worker: None) -> None:
    with transaction.atomic():
        record.delay_on_commit("committed")
        # Not yet: the transaction is still open.
        time.sleep(0.5)
        assert cache.get("record:committed") is None
    assert _wait_for("committed")


def test_a_rolled_back_transaction_enqueues_nothing(worker: None) -> None:
    class Rollback(Exception):
        pass

    def enqueue_then_fail() -> None:
        with transaction.atomic():
            record.delay_on_commit("rolled-back")
            raise Rollback

    with pytest.raises(Rollback):
        enqueue_then_fail()
    # The solo worker runs tasks in order: once a later task is done, an earlier one would be too.
    record.delay_on_commit("after")
    assert _wait_for("after")
    assert cache.get("record:rolled-back") is None


def test_the_periodic_heartbeat_is_scheduled_and_runs_on_a_worker(worker: None) -> None:
    from mentorship.core.models import Heartbeat

    assert app.conf.beat_schedule["heartbeat"]["task"] == heartbeat.name
    heartbeat.delay()
    deadline = time.monotonic() + 20
    while not Heartbeat.objects.exists() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert Heartbeat.objects.exists()


def test_a_task_that_keeps_killing_its_worker_is_dropped_after_the_limit(settings) -> None:
    settings.CELERY_TASK_MAX_REDELIVERIES = 2
    task_id = "redelivered-task"
    for _ in range(3):  # the first delivery and two redeliveries are allowed
        record.before_start(task_id, ("x",), {})
    with pytest.raises(Reject):
        record.before_start(task_id, ("x",), {})


def test_celery_is_configured_for_reliable_delivery() -> None:
    conf = app.conf
    assert conf.task_serializer == "json"
    assert conf.accept_content == ["json"]
    assert conf.task_acks_late is True
    assert conf.task_reject_on_worker_lost is True
    assert conf.task_time_limit > conf.task_soft_time_limit
    if conf.broker_url.startswith("redis"):
        # A task whose worker died comes back within 5 minutes; tasks that may run longer than
        # that are leased jobs, whose redelivered copy finds the lease held and does nothing.
        assert conf.broker_transport_options["visibility_timeout"] <= 300


def test_a_killed_job_or_email_is_taken_over_within_five_minutes(settings) -> None:
    from mentorship.notifications.services import CLAIM_LEASE

    # Leased job: the lease runs out, then the next recovery pass queues the job again.
    assert settings.JOB_LEASE_SECONDS + 2 * settings.JOB_RECOVERY_SECONDS <= 300
    assert settings.CELERY_BEAT_SCHEDULE["match-runs-recover"]["schedule"].total_seconds() <= 60
    assert settings.CELERY_BEAT_SCHEDULE["imports-recover"]["schedule"].total_seconds() <= 60
    # Email: a redelivered message finds the dead worker's claim expired and takes it over.
    assert CLAIM_LEASE.total_seconds() < 240
