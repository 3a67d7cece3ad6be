"""A person downloads everything the app holds about them, prepared on a worker with progress."""

import io
import json
import zipfile
from datetime import timedelta
from typing import Any

from django.test import Client
from django.utils import timezone

from mentorship.audit.models import Action, AuditEntry
from mentorship.datarights import collect, services
from mentorship.datarights.models import DataExport, ExportStatus
from mentorship.participants.models import Participant
from tests.datarights.conftest import EMAIL, MENTEE_TEXT, MENTOR_TEXT, Pair


def built(client: Client, pair: Pair) -> DataExport:
    client.force_login(pair.mentee.user)
    response = client.post("/me/data/export/")
    export = DataExport.objects.get(user=pair.mentee.user)
    assert response.status_code == 302 and response["Location"] == f"/me/data/exports/{export.pk}/"
    assert services.data_export_build(export_id=export.pk)
    export.refresh_from_db()
    return export


def unzip(content: bytes) -> dict[str, str]:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return {name: archive.read(name).decode() for name in archive.namelist()}


def test_the_export_holds_every_kind_of_record_as_json_and_csv(client: Client, pair: Pair) -> None:
    export = built(client, pair)
    assert (export.status, export.progress) == (ExportStatus.DONE, 100)
    files = unzip(bytes(export.content))
    assert set(files) == {"README.txt"} | {f"{s.name}.{ext}" for s in collect.SECTIONS for ext in ("json", "csv")}
    counts = {s.name: len(json.loads(files[f"{s.name}.json"])) for s in collect.SECTIONS}
    assert counts == {
        "account": 1,
        "profile": 1,
        "skills": 1,
        "assessments": 2,
        "skill_suggestions": 1,
        "enrollments": 1,
        "matches": 1,
        "mentorships": 1,
        "goals": 1,
        "sessions": 3,
        "private_notes": 1,
        "ratings": 1,
        "check_ins": 2,  # the check-in and the fit check
        "notifications": 2,  # one notification and one email preference
    }
    everything = "\n".join(files.values())
    for text in MENTEE_TEXT.values():
        assert text in everything
    assert EMAIL in files["account.json"]
    assert files["sessions.csv"].splitlines()[0].startswith("id,mentorship,held_on,duration_minutes")


def test_the_export_holds_nothing_of_anyone_else(client: Client, pair: Pair, outsider: Participant) -> None:
    everything = "\n".join(unzip(bytes(built(client, pair).content)).values())
    for text in MENTOR_TEXT.values():
        assert text not in everything
    for person in (pair.mentor, outsider):
        assert person.user.email not in everything
        assert person.user.last_name not in everything
    # Their own manager is part of their profile (their reporting line), named there only.
    manager = pair.mentee.manager
    assert manager is not None and everything.count(manager.name) == 2  # profile.json and profile.csv
    assert manager.user.email not in everything


def test_progress_is_shown_while_a_worker_prepares_the_export(client: Client, pair: Pair) -> None:
    client.force_login(pair.mentee.user)
    client.post("/me/data/export/")
    export = DataExport.objects.get(user=pair.mentee.user)
    DataExport.objects.filter(pk=export.pk).update(status=ExportStatus.RUNNING, progress=40, step="Sessions")
    page = client.get(f"/me/data/exports/{export.pk}/", headers={"HX-Request": "true"}).content.decode()
    assert 'value="40"' in page and "being prepared: sessions" in page.lower() and 'hx-trigger="every 2s"' in page
    assert client.post("/me/data/export/").status_code == 302
    assert DataExport.objects.filter(user=pair.mentee.user).count() == 1  # the open export is reused


def test_only_the_person_downloads_their_export_and_each_step_is_audited(
    client: Client, pair: Pair, hr_admin: Participant, outsider: Participant
) -> None:
    export = built(client, pair)
    response = client.get(f"/me/data/exports/{export.pk}/download/")
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    for other in (hr_admin, outsider, pair.mentor):
        client.force_login(other.user)
        assert client.get(f"/me/data/exports/{export.pk}/download/").status_code == 404
        assert client.get(f"/me/data/exports/{export.pk}/").status_code == 404
    actions = AuditEntry.objects.filter(subject=pair.mentee.user).values_list("action", flat=True)
    assert set(actions) == {Action.DATA_EXPORT_REQUESTED, Action.DATA_EXPORT_DOWNLOADED}


def test_a_repeated_delivery_does_nothing_and_a_lost_worker_is_taken_over(client: Client, pair: Pair) -> None:
    export = built(client, pair)
    assert not services.data_export_build(export_id=export.pk)  # done: nothing to claim
    later = timezone.now() + timedelta(minutes=6)
    DataExport.objects.filter(pk=export.pk).update(
        status=ExportStatus.RUNNING, lease_until=timezone.now(), content=b"", attempts=1
    )
    assert services.data_exports_recover(now=later)["requeued"] == 1
    assert services.data_export_build(export_id=export.pk, now=later)
    export.refresh_from_db()
    assert export.status == ExportStatus.DONE and export.size > 0


def test_an_export_past_its_expiry_is_dropped(client: Client, pair: Pair) -> None:
    export = built(client, pair)
    assert export.expires_at is not None
    assert services.data_exports_recover(now=export.expires_at + timedelta(seconds=1))["expired"] == 1
    assert client.get(f"/me/data/exports/{export.pk}/download/").status_code == 404


def test_the_page_explains_the_download(client: Client, pair: Pair, settings: Any) -> None:
    client.force_login(pair.mentee.user)
    page = client.get("/me/data/").content.decode()
    assert "Prepare my download" in page and "ZIP of JSON and CSV" in page


def test_its_csv_files_defuse_formulas_and_leave_empty_cells_empty() -> None:
    text = collect._csv([{"title": "=HYPERLINK(1)", "body": "", "score": -1, "note": "-0.5"}])
    assert text.splitlines() == ["title,body,score,note", "'=HYPERLINK(1),,-1,-0.5"]
