"""A failed import keeps its file and HR retries it from the result page; the page shows how the
invitations stand. The import pages are HR admins' only: everyone else gets 404."""

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from mentorship.imports import services
from mentorship.imports.models import ImportJob, ImportStatus
from tests.imports.conftest import deliver_invitations, make_csv, person_row, team_csv

RETRY = "Retry the import"


@pytest.fixture
def hr_client(hr_admin: Any) -> Client:
    client = Client()
    client.force_login(hr_admin.user)
    return client


@pytest.fixture
def failed(hr_admin: Any, monkeypatch: pytest.MonkeyPatch) -> ImportJob:
    job = services.import_job_create(file_name="team.csv", content=team_csv(4), by=hr_admin.user)

    def worker_fell_over(*args: Any) -> None:
        raise MemoryError("the worker ran out of memory")

    with monkeypatch.context() as patch:
        patch.setattr(services, "_create_batch", worker_fell_over)
        job = services.import_job_confirm(job=job, invite=False)
    assert job.status == ImportStatus.FAILED
    return job


def test_hr_retries_a_failed_import_from_its_result_page(hr_client: Client, failed: ImportJob) -> None:
    url = reverse("imports:result", args=[failed.pk])
    page = hr_client.get(url).content.decode()
    assert "MemoryError: the worker ran out of memory" in page and RETRY in page
    response = hr_client.post(reverse("imports:retry", args=[failed.pk]))
    assert response.status_code == 302 and response["Location"] == url
    failed.refresh_from_db()
    assert (failed.status, failed.created_count, failed.error) == (ImportStatus.DONE, 4, "")
    assert RETRY not in hr_client.get(url).content.decode()
    response = hr_client.post(reverse("imports:retry", args=[failed.pk]), follow=True)  # a second click
    assert "Only a failed import" in response.content.decode()


def test_outsiders_cannot_retry_an_import(failed: ImportJob, outsider: Any) -> None:
    client = Client()
    client.force_login(outsider.user)
    assert client.post(reverse("imports:retry", args=[failed.pk])).status_code == 404
    failed.refresh_from_db()
    assert failed.status == ImportStatus.FAILED


def test_the_result_page_counts_invitations_sent_and_on_their_way(hr_client: Client, hr_admin: Any) -> None:
    rows = [person_row(f"new{i}@example.com") for i in range(3)]
    job = services.import_job_create(file_name="new.csv", content=make_csv(rows), by=hr_admin.user)
    services.import_job_confirm(job=job, invite=True)
    page = hr_client.get(reverse("imports:result", args=[job.pk])).content.decode()
    assert "3 invitations: 0 sent, 3 on their way" in page
    deliver_invitations()
    page = hr_client.get(reverse("imports:result", args=[job.pk])).content.decode()
    assert "3 invitations: 3 sent." in page
