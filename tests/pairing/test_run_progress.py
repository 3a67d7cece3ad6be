"""A match run's progress bar: stage and percent, stored on the run row by the worker at stage
boundaries, so the polled fragment and a refreshed page both show where it is."""

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from mentorship import leases
from pairing.models import MatchRun, RunStage
from pairing.services import runs

from .conftest import Seeded


def _status(hr: Client, run: MatchRun) -> str:
    return hr.get(reverse("pairing:run_status", args=[run.pk]), headers={"HX-Request": "true"}).content.decode()


def test_the_progress_endpoint_follows_the_stages(seeded: Seeded, hr: Client) -> None:
    run = runs.match_run_start(program=seeded.program, by=seeded.hr.user)
    queued = _status(hr, run)
    assert '<progress id="run-bar" max="100" value="0">' in queued and "Waiting for a worker: 0%" in queued
    token = leases.job_claim(MatchRun, pk=run.pk)
    assert token is not None
    for stage, label, percent in [
        (RunStage.LOADING, "Loading the pool", 5),
        (RunStage.SCORING, "Scoring and solving", 20),
        (RunStage.STORING, "Storing the pairs", 90),
    ]:
        runs._progress(run.pk, token, stage)
        fragment = _status(hr, run)
        assert f"{label}: {percent}%" in fragment and f'value="{percent}"' in fragment
        page = hr.get(reverse("pairing:run", args=[run.pk])).content.decode()  # a refresh shows the same
        assert f"{label}: {percent}%" in page and 'hx-get="' + reverse("pairing:run_status", args=[run.pk]) in page
    runs._progress(run.pk, "someone-else", RunStage.LOADING)  # a worker that lost the lease writes nothing
    assert MatchRun.objects.get(pk=run.pk).progress_stage == RunStage.STORING


def test_the_worker_writes_each_stage_in_order_and_ends_at_100(
    seeded: Seeded, hr: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[tuple[str, int]] = []
    real = runs._progress

    def recording(run_id: int, token: str, stage: Any) -> None:
        real(run_id, token, stage)
        row = MatchRun.objects.get(pk=run_id)
        seen.append((row.progress_stage, row.progress_percent))

    monkeypatch.setattr(runs, "_progress", recording)
    run = runs.match_run_start(program=seeded.program, by=seeded.hr.user)
    assert runs.match_run_execute(run_id=run.pk)
    assert seen == [("loading", 5), ("scoring", 20), ("storing", 90)]
    run.refresh_from_db()
    assert (run.progress_stage, run.progress_percent) == ("", 100)
    assert "run-bar" not in hr.get(reverse("pairing:run", args=[run.pk])).content.decode()
