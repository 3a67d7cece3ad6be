"""End to end through the broker and a real Celery worker: HR starts a run, the worker solves it,
and the page's polled fragment turns into the results."""

import time
from collections.abc import Iterator

import pytest
from django.test import Client
from django.urls import reverse

from pairing.models import MatchRun, RunStatus
from tests.conftest import celery_worker

from .conftest import Seeded


@pytest.fixture
def worker(transactional_db: None) -> Iterator[None]:
    with celery_worker():
        yield


def test_a_run_goes_through_the_worker_and_its_results_replace_the_progress(worker: None, seeded: Seeded) -> None:
    client = Client()
    client.force_login(seeded.hr.user)
    response = client.post(reverse("pairing:run_start", args=[seeded.program.pk]))
    assert response.status_code == 302
    run = MatchRun.objects.get(program=seeded.program)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        run.refresh_from_db()
        if run.status in (RunStatus.DONE, RunStatus.FAILED):
            break
        time.sleep(0.2)
    assert run.status == RunStatus.DONE, run.error
    assert run.proposals.count() == 3
    fragment = client.get(reverse("pairing:run_status", args=[run.pk]), headers={"HX-Request": "true"})
    assert "every 1s" not in fragment.content.decode()
    assert "Publish 3 pairs" in fragment.content.decode()
