"""The import pages: HR admins only, upload → preview → confirm → result, without JS and with htmx."""

import csv
import io
import json
import re
from urllib.parse import urlsplit

import pytest
from django.test import Client
from django.urls import reverse

from mentorship.accounts.models import User
from mentorship.imports import services
from mentorship.imports.models import ImportJob, ImportStatus
from mentorship.imports.parsing import parse_file
from mentorship.participants.models import LANGUAGES, Participant
from tests.imports.conftest import counts, deliver_invitations, make_csv, person_row, post_file, team_csv

pytestmark = pytest.mark.django_db


def _job() -> ImportJob:
    return ImportJob.objects.latest("id")


def _hr() -> User:
    """The HR admin `hr_client` signs in as: import jobs are visible to the one who made them."""
    return User.objects.get(email="harriet.hr@example.com")


@pytest.mark.parametrize("persona", ["junior_mentor", "manager", "senior_mentor"])
def test_employees_and_managers_get_404_on_every_import_page(client: Client, persona: str, request) -> None:
    person: Participant = request.getfixturevalue(persona)
    job = services.import_job_create(file_name="x.csv", content=team_csv(2), by=None)
    client.force_login(person.user)
    for name, args in [
        ("upload", []),
        ("template", []),
        ("preview", [job.pk]),
        ("progress", [job.pk]),
        ("result", [job.pk]),
    ]:
        assert client.get(reverse(f"imports:{name}", args=args)).status_code == 404, name
    assert client.post(reverse("imports:confirm", args=[job.pk])).status_code == 404
    assert post_file(client, team_csv(2)).status_code == 404
    assert ImportJob.objects.count() == 1
    assert not User.objects.filter(email__endswith="@import.example").exists()


def test_signed_out_visitors_are_sent_to_sign_in(client: Client) -> None:
    response = client.get(reverse("imports:upload"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_an_hr_admin_uploads_checks_and_imports_a_small_file(hr_client: Client) -> None:
    page = hr_client.get(reverse("imports:upload"))
    assert page.status_code == 200
    assert b"Download a template CSV" in page.content
    assert b"No imports yet" in page.content

    response = post_file(hr_client, team_csv(3), name="team.csv")
    job = _job()
    assert response.status_code == 302
    assert response["Location"] == reverse("imports:preview", args=[job.pk])
    preview = hr_client.get(response["Location"])
    assert b"Everything checks out" in preview.content
    assert b"Import 3 rows" in preview.content
    assert not User.objects.filter(email__endswith="@import.example").exists()  # nothing yet

    response = hr_client.post(reverse("imports:confirm", args=[job.pk]))
    assert response["Location"] == reverse("imports:result", args=[job.pk])
    result = hr_client.get(response["Location"]).content.decode()
    assert "3 added, 0 updated, 0 unchanged" in result
    assert "p00001@import.example" in result
    assert User.objects.filter(email__endswith="@import.example").count() == 3
    assert _job().created_by == User.objects.get(email="harriet.hr@example.com")


def test_the_preview_lists_every_problem_and_offers_no_import(hr_client: Client) -> None:
    rows = [person_row(f"p{n}@example.com", level="12") for n in range(60)]
    post_file(hr_client, make_csv(rows))
    job = _job()
    first = hr_client.get(reverse("imports:preview", args=[job.pk])).content.decode()
    assert "Nothing has been imported" in first
    assert "Level 12 is out of range; use 1 to 7." in first
    assert "Page 1 of 2 · 60 in all" in first
    assert reverse("imports:confirm", args=[job.pk]) not in first
    second = hr_client.get(reverse("imports:preview", args=[job.pk]), {"page": 2}).content.decode()
    assert "<td>61</td>" in second  # the last data row: spreadsheet row 61
    # Posting the confirmation anyway changes nothing.
    hr_client.post(reverse("imports:confirm", args=[job.pk]))
    assert _job().status == ImportStatus.INVALID
    assert not User.objects.filter(email__startswith="p").exists()


def test_a_windows_1252_file_is_read_with_a_notice(hr_client: Client) -> None:
    post_file(hr_client, make_csv([person_row("zoe@example.com", first="Zoë")], encoding="cp1252"))
    page = hr_client.get(reverse("imports:preview", args=[_job().pk])).content.decode()
    assert "read as Windows-1252" in page
    assert "Zoë" in page


def test_a_file_over_the_configured_limit_is_refused_unread(hr_client: Client, settings) -> None:
    settings.IMPORT_MAX_BYTES = 1024
    response = post_file(hr_client, make_csv([person_row(f"p{n}@example.com") for n in range(30)]))
    assert response.status_code == 400
    assert "the limit is 1 KB" in response.content.decode()
    assert ImportJob.objects.count() == 0


def test_an_empty_file_is_explained(hr_client: Client) -> None:
    post_file(hr_client, b"")
    assert "The file is empty." in hr_client.get(reverse("imports:preview", args=[_job().pk])).content.decode()


def test_the_template_csv_reads_back_without_problems(hr_client: Client) -> None:
    response = hr_client.get(reverse("imports:template"))
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    assert response.content.startswith(b"\xef\xbb\xbf")
    result = parse_file(response.content, max_bytes=10_000, languages=LANGUAGES)
    assert result.ok, result.problems
    assert len(result.rows) == 2
    assert next(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))[0] == "Email"


def test_a_finished_job_sends_htmx_polling_to_the_result_page(hr_client: Client) -> None:
    job = services.import_job_confirm(
        job=services.import_job_create(file_name="t.csv", content=team_csv(2), by=_hr()), invite=False
    )
    url = reverse("imports:progress", args=[job.pk])
    response = hr_client.get(url, headers={"HX-Request": "true"})
    assert response.status_code == 200
    location = json.loads(response["HX-Location"])
    assert location == {
        "path": reverse("imports:result", args=[job.pk]),
        "target": "#main",
        "select": "#main",
        "swap": "outerHTML",
    }
    # Without JS, the Refresh link lands on the result page too.
    assert hr_client.get(url)["Location"] == reverse("imports:result", args=[job.pk])


def test_a_queued_job_shows_a_progress_bar_that_polls(hr_client: Client) -> None:
    job = services.import_job_create(file_name="t.csv", content=team_csv(4), by=_hr())
    ImportJob.objects.filter(pk=job.pk).update(status=ImportStatus.RUNNING, processed_rows=1)
    url = reverse("imports:progress", args=[job.pk])
    page = hr_client.get(url).content.decode()
    assert '<progress id="import-bar" max="4" value="1">25%</progress>' in page
    assert 'hx-trigger="every 1s"' in page
    assert f'<a href="{url}">Refresh</a>' in page
    fragment = hr_client.get(url, headers={"HX-Request": "true"}).content.decode()
    assert fragment.lstrip().startswith('<div id="import-progress"')
    assert "<html" not in fragment


def test_the_progress_bar_says_the_stage_checking_then_writing(hr_client: Client) -> None:
    job = services.import_job_create(file_name="t.csv", content=team_csv(4), by=_hr())
    ImportJob.objects.filter(pk=job.pk).update(status=ImportStatus.RUNNING)
    url = reverse("imports:progress", args=[job.pk])
    services._progress_set(job.pk, 0, stage="checking")  # what the worker writes first
    checking = hr_client.get(url, headers={"HX-Request": "true"}).content.decode()
    assert "Checking 4 rows" in checking and 'value="0">0%' in checking
    services._progress_set(job.pk, 0, stage="writing")
    services._progress_set(job.pk, 3)  # a batch written: the stage stays
    writing = hr_client.get(url, headers={"HX-Request": "true"}).content.decode()
    assert "Writing rows: 3 of 4 (75%)" in writing and 'value="3">75%' in writing
    assert "Writing rows: 3 of 4 (75%)" in hr_client.get(url).content.decode()  # a refresh shows the same
    job.refresh_from_db()
    assert services.import_progress_stage(job=job) == ("writing", 3)


def test_the_result_page_lists_created_updated_and_unchanged_people(
    hr_client: Client, junior_mentor: Participant
) -> None:
    header = ("Email", "First name", "Last name", "Job title")
    rows = [
        ("new@example.com", "Nia", "New", "Analyst"),
        ("jo.junior@example.com", "Jo", "Junior", "Analyst II"),
        ("mo.manager@example.com", "Mo", "Manager", "Data Lead"),
    ]
    job = services.import_job_create(file_name="t.csv", content=make_csv(rows, header=header), by=_hr())
    services.import_job_confirm(job=job, invite=False)
    url = reverse("imports:result", args=[job.pk])
    created = hr_client.get(url).content.decode()
    assert "new@example.com" in created
    assert "jo.junior@example.com" not in created
    updated = hr_client.get(url, {"list": "updated"}).content.decode()
    assert re.search(r"jo\.junior@example\.com</td><td>Job title</td>", updated)
    assert "mo.manager@example.com" in hr_client.get(url, {"list": "unchanged"}).content.decode()


def test_the_invitation_link_lets_a_new_person_choose_a_password(
    client: Client, mailoutbox, django_capture_on_commit_callbacks
) -> None:
    job = services.import_job_create(file_name="t.csv", content=make_csv([person_row("nia@example.com")]), by=None)
    with django_capture_on_commit_callbacks(execute=True):
        services.import_job_confirm(job=job, invite=True)
    assert deliver_invitations() == 1
    link = re.search(r"https?://\S+/accounts/password/reset/key/\S+", mailoutbox[0].body).group(0)
    form_page = client.get(urlsplit(link).path, follow=True)
    assert form_page.status_code == 200
    new_password = "a-long-new-password-42"
    response = client.post(form_page.redirect_chain[-1][0], {"password1": new_password, "password2": new_password})
    assert response.status_code == 302
    assert User.objects.get(email="nia@example.com").check_password(new_password)


def test_importing_is_recorded_with_who_when_and_counts(hr_client: Client) -> None:
    before = counts()
    post_file(hr_client, team_csv(2))
    hr_client.post(reverse("imports:confirm", args=[_job().pk]), {"invite": ""})
    job = _job()
    assert (job.status, job.total_rows, job.created_count, job.processed_rows) == (ImportStatus.DONE, 2, 2, 2)
    assert job.started_at is not None and job.finished_at is not None
    assert counts()["users"] == before["users"] + 2
    listing = hr_client.get(reverse("imports:upload")).content.decode()
    assert "people.csv" in listing and "Imported" in listing


def test_an_unchanged_file_says_nothing_changes_and_offers_no_import(hr_client: Client) -> None:
    job = services.import_job_create(file_name="team.csv", content=team_csv(3), by=_hr())
    services.import_job_confirm(job=job, invite=False)

    response = post_file(hr_client, team_csv(3), name="team.csv")  # the same file again
    preview = hr_client.get(response["Location"]).content.decode()

    assert "Nothing to import" in preview
    assert "All 3 rows match what is already here" in preview
    assert "Import 3 rows" not in preview
    assert reverse("imports:confirm", args=[_job().pk]) not in preview
