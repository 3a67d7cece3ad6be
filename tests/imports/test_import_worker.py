"""A large file is imported by a real Celery worker while the page polls its progress."""

import json
import time
from collections.abc import Iterator

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from mentorship.imports import services
from mentorship.imports.models import ImportJob, ImportStatus
from mentorship.participants.models import Participant
from tests.conftest import celery_worker
from tests.imports.conftest import post_file, team_csv


@pytest.fixture
def worker(transactional_db: None) -> Iterator[None]:
    if connection.vendor == "sqlite":
        # The test database is SQLite in memory with a shared cache, where a reader waits for a
        # writer's table locks instead of reading the last commit as WAL does on a real file.
        # Reading uncommitted rows lets this thread poll while the worker thread imports.
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA read_uncommitted = 1")
    with celery_worker():
        yield


def test_a_large_file_is_imported_on_a_worker_and_the_progress_page_follows_it(
    worker: None, client: Client, hr_admin
) -> None:
    size = services.ASYNC_THRESHOLD + 100
    client.force_login(hr_admin.user)
    post_file(client, team_csv(size), name="everyone.csv")
    job = ImportJob.objects.get()
    assert job.status == ImportStatus.READY
    assert bytes(job.content)  # kept on the row for whichever worker picks it up

    response = client.post(reverse("imports:confirm", args=[job.pk]))
    progress_url = reverse("imports:progress", args=[job.pk])
    assert response["Location"] == progress_url

    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        response = client.get(progress_url, headers={"HX-Request": "true"})
        if "HX-Location" in response:
            break
        assert b"<progress" in response.content
        time.sleep(0.2)
    assert json.loads(response["HX-Location"])["path"] == reverse("imports:result", args=[job.pk])

    job.refresh_from_db()
    assert (job.status, job.processed_rows, job.created_count) == (ImportStatus.DONE, size, size)
    assert job.content == b""  # the file is not kept once imported
    boss = Participant.objects.get(user__email="boss@import.example")
    assert boss.reports.count() == size - 1
    assert b"added" in client.get(reverse("imports:result", args=[job.pk])).content
