"""HR cancels a queued or running run and retries a failed one from the run page; the buttons show
only to the program's owners, others get 403 (HR) or 404 (everyone else)."""

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from mentorship import leases
from mentorship.participants import services as participant_services
from pairing.models import MatchRun, RunStatus
from pairing.services import runs

from .conftest import Seeded, client_for

CANCEL = "Cancel this run"
RETRY = "Retry this run"


@pytest.fixture
def queued(seeded: Seeded) -> MatchRun:
    return runs.match_run_start(program=seeded.program, by=seeded.hr.user)


@pytest.fixture
def failed(seeded: Seeded, queued: MatchRun) -> MatchRun:
    token = leases.job_claim(MatchRun, pk=queued.pk)
    assert token is not None
    leases.job_fail(MatchRun, pk=queued.pk, token=token, error="MemoryError: the pool did not fit")
    queued.refresh_from_db()
    return queued


@pytest.fixture
def other_hr(make_person: Any) -> Client:
    other = make_person("other.hr@example.com", first_name="Otto")
    participant_services.hr_admin_grant(user=other.user)
    return client_for(other)


@pytest.mark.parametrize("running", [False, True])
def test_the_owner_cancels_a_queued_or_running_run_and_can_start_another(
    seeded: Seeded, hr: Client, queued: MatchRun, running: bool
) -> None:
    if running:
        leases.job_claim(MatchRun, pk=queued.pk)
    page = hr.get(reverse("pairing:run", args=[queued.pk])).content.decode()
    assert CANCEL in page
    response = hr.post(reverse("pairing:run_cancel", args=[queued.pk]), follow=True)
    page = response.content.decode()
    assert "Run cancelled. The program is free for a new run." in page
    assert "This run was cancelled" in page and "Cancelled by Harriet HR." in page
    queued.refresh_from_db()
    assert (queued.status, queued.cancelled_by) == (RunStatus.CANCELLED, seeded.hr.user)
    # A worker that still gets the message claims nothing.
    assert runs.match_run_execute(run_id=queued.pk) is False
    assert hr.post(reverse("pairing:run_start", args=[seeded.program.pk])).status_code == 302
    assert MatchRun.objects.filter(status=RunStatus.QUEUED).count() == 1


def test_cancelling_a_finished_run_is_refused_with_a_message(seeded: Seeded, hr: Client, solved: MatchRun) -> None:
    assert CANCEL not in hr.get(reverse("pairing:run", args=[solved.pk])).content.decode()
    response = hr.post(reverse("pairing:run_cancel", args=[solved.pk]), follow=True)
    assert "there is nothing to cancel" in response.content.decode()
    solved.refresh_from_db()
    assert solved.status == RunStatus.DONE


def test_the_owner_retries_a_failed_run_and_the_worker_solves_it(hr: Client, failed: MatchRun) -> None:
    page = hr.get(reverse("pairing:run", args=[failed.pk])).content.decode()
    assert "This run failed" in page and "MemoryError: the pool did not fit" in page and RETRY in page
    response = hr.post(reverse("pairing:run_retry", args=[failed.pk]), follow=True)
    assert response.status_code == 200
    failed.refresh_from_db()
    assert (failed.status, failed.error, failed.attempts) == (RunStatus.QUEUED, "", 0)
    assert 'hx-trigger="every 1s"' in response.content.decode()
    assert runs.match_run_execute(run_id=failed.pk) is True
    failed.refresh_from_db()
    assert failed.status == RunStatus.DONE


def test_no_retry_while_another_run_is_active(seeded: Seeded, hr: Client, failed: MatchRun) -> None:
    runs.match_run_start(program=seeded.program, by=seeded.hr.user)
    assert RETRY not in hr.get(reverse("pairing:run", args=[failed.pk])).content.decode()
    response = hr.post(reverse("pairing:run_retry", args=[failed.pk]), follow=True)
    assert "already in progress" in response.content.decode()
    failed.refresh_from_db()
    assert failed.status == RunStatus.FAILED


def test_an_hr_admin_who_does_not_own_the_program_sees_no_buttons_and_gets_403(
    other_hr: Client, queued: MatchRun
) -> None:
    page = other_hr.get(reverse("pairing:run", args=[queued.pk])).content.decode()
    assert CANCEL not in page
    assert other_hr.post(reverse("pairing:run_cancel", args=[queued.pk])).status_code == 403
    queued.refresh_from_db()
    assert queued.status == RunStatus.QUEUED


def test_outsiders_and_participants_get_404_for_cancel_and_retry(
    seeded: Seeded, failed: MatchRun, outsider: Any
) -> None:
    for person in (outsider, seeded.mentors[0]):
        client = client_for(person)
        assert client.post(reverse("pairing:run_cancel", args=[failed.pk])).status_code == 404
        assert client.post(reverse("pairing:run_retry", args=[failed.pk])).status_code == 404
    assert client_for(seeded.hr).get(reverse("pairing:run_retry", args=[failed.pk])).status_code == 405
    failed.refresh_from_db()
    assert failed.status == RunStatus.FAILED
