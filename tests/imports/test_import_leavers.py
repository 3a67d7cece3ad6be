"""Leavers: a full-list import deactivates exactly the people missing from it, ends their
mentorships with a reason their partner and HR see, deletes nothing, and reactivates returners."""

from collections.abc import Callable
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from mentorship.accounts.models import User
from mentorship.imports import services
from mentorship.imports.models import ImportJob, ImportStatus
from mentorship.mentorships.models import EndReason, Mentorship, MentorshipStatus
from mentorship.notifications.models import Notification
from mentorship.participants.models import OrgUnit, Participant
from mentorship.programs.models import Enrollment
from tests.conftest import PASSWORD
from tests.imports.conftest import make_csv, person_row, post_file
from tests.pairing.conftest import enroll, make_program

pytestmark = pytest.mark.django_db
HEADER = ("Email", "First name", "Last name", "Department")


def listing(*people: Participant) -> bytes:
    return make_csv(
        [(p.user.email, p.user.first_name, p.user.last_name, "Acme / People") for p in people], header=HEADER
    )


@pytest.fixture
def world(make_person: Callable[..., Participant], org: dict[str, OrgUnit], hr_admin: Participant) -> dict:
    stay = make_person("stay@example.com", first_name="Stay", last_name="Here", org_unit=org["people"])
    leaver = make_person("gone@example.com", first_name="Gone", last_name="Away", org_unit=org["data"])
    partner = make_person("partner@example.com", first_name="Pat", last_name="Partner", org_unit=org["people"])
    program = make_program(hr_admin)
    enroll(program, leaver, "mentor")
    enroll(program, partner, "mentee")
    mentorship = Mentorship.objects.create(
        program=program, mentor=leaver, mentee=partner, started_at=timezone.now() - timedelta(days=30)
    )
    admin = User.objects.create_superuser(email="root@example.com", password="x-long-password-1")
    return {"stay": stay, "leaver": leaver, "partner": partner, "program": program, "mentorship": mentorship,
            "hr": hr_admin, "admin": admin}  # fmt: skip


def test_a_full_list_import_deactivates_exactly_the_missing_people_and_ends_their_mentorships(world: dict) -> None:
    hr, leaver, partner = world["hr"], world["leaver"], world["partner"]
    before = (User.objects.count(), Participant.objects.count(), Mentorship.objects.count())
    job = services.import_job_create(
        file_name="all.csv", content=listing(world["stay"], partner), by=hr.user, full_list=True
    )
    # The uploader (HR, not in the file) and the superuser are never leavers.
    assert [leaver_row["email"] for leaver_row in job.leavers] == ["gone@example.com"]
    assert job.leavers[0]["unit"] == "Engineering / Data"
    with pytest.raises(ValidationError, match="have left"):
        services.import_job_confirm(job=job, invite=False)

    job = services.import_job_confirm(job=job, invite=False, leavers_ok=True)

    assert job.status == ImportStatus.DONE
    assert (job.left_emails, job.ended_mentorships) == (["gone@example.com"], 1)
    assert (User.objects.count(), Participant.objects.count(), Mentorship.objects.count()) == before  # nothing deleted
    leaver.refresh_from_db()
    leaver.user.refresh_from_db()
    assert not leaver.user.is_active and leaver.left_at is not None
    for person in (world["stay"], partner, hr):
        person.user.refresh_from_db()
        assert person.user.is_active
    world["admin"].refresh_from_db()
    assert world["admin"].is_active
    mentorship = Mentorship.objects.get(pk=world["mentorship"].pk)
    assert (mentorship.status, mentorship.end_reason) == (MentorshipStatus.ENDED_EARLY, EndReason.LEFT)
    assert Enrollment.objects.get(participant=leaver).withdrawn_at is not None  # out of the pool
    assert Enrollment.objects.get(participant=partner).withdrawn_at is None
    told = dict(Notification.objects.values_list("recipient__email", "title"))
    assert told["partner@example.com"].startswith("Gone Away left the organisation: your mentorship in")
    assert "Gone Away left the organisation" in told["harriet.hr@example.com"]  # the program's HR owner
    assert "gone@example.com" not in told


def test_a_deactivated_person_cannot_sign_in(client: Client, world: dict) -> None:
    job = services.import_job_create(
        file_name="all.csv", content=listing(world["stay"], world["partner"]), by=world["hr"].user, full_list=True
    )
    services.import_job_confirm(job=job, invite=False, leavers_ok=True)
    assert client.login(email="stay@example.com", password=PASSWORD)  # the same password works for others
    client.logout()
    assert not client.login(email="gone@example.com", password=PASSWORD)
    client.force_login(world["leaver"].user)  # a session they still held is no longer theirs
    assert client.get(reverse("participants:my_profile")).status_code == 302
    client.force_login(world["stay"].user)
    directory = client.get(reverse("participants:directory")).content.decode()
    assert "Stay Here" in directory and "Gone Away" not in directory  # not a colleague to find any more


def test_a_person_listed_again_is_reactivated(world: dict) -> None:
    hr, leaver = world["hr"], world["leaver"]
    everyone_but = listing(world["stay"], world["partner"])
    job = services.import_job_create(file_name="a.csv", content=everyone_but, by=hr.user, full_list=True)
    services.import_job_confirm(job=job, invite=False, leavers_ok=True)

    back = services.import_job_create(
        file_name="b.csv", content=listing(world["stay"], world["partner"], leaver), by=hr.user, full_list=True
    )
    assert back.leavers == []
    assert [r["changes"] for r in back.preview_rows if r["email"] == "gone@example.com"] == [
        ["Department", "Reactivated"]
    ]
    services.import_job_confirm(job=back, invite=False)
    leaver.refresh_from_db()
    leaver.user.refresh_from_db()
    assert leaver.user.is_active and leaver.left_at is None


def test_an_import_that_is_not_a_full_list_deactivates_nobody(world: dict) -> None:
    job = services.import_job_create(file_name="some.csv", content=listing(world["stay"]), by=world["hr"].user)
    assert job.leavers == []
    services.import_job_confirm(job=job, invite=False)
    world["leaver"].user.refresh_from_db()
    assert world["leaver"].user.is_active


def test_someone_who_returns_before_the_import_runs_is_not_deactivated(world: dict) -> None:
    job = services.import_job_create(
        file_name="all.csv", content=listing(world["stay"], world["partner"]), by=world["hr"].user, full_list=True
    )
    # Between preview and run, the leaver's address changes to one the file lists (a rehire, say).
    ImportJob.objects.filter(pk=job.pk).update(leavers=[])
    job.refresh_from_db()
    services.import_job_confirm(job=job, invite=False, leavers_ok=True)
    world["leaver"].user.refresh_from_db()
    assert world["leaver"].user.is_active  # only people HR saw listed as leaving are deactivated


def test_the_preview_lists_the_leavers_and_asks_for_confirmation(client: Client, world: dict) -> None:
    client.force_login(world["hr"].user)
    response = client.post(
        reverse("imports:upload"),
        {"file": _upload(listing(world["stay"], world["partner"])), "full_list": "on"},
    )
    job = ImportJob.objects.latest("id")
    page = client.get(response["Location"]).content.decode()
    assert "People who are not in the file" in page
    assert "Gone Away" in page and "gone@example.com" in page
    assert "and deactivates 1 who left" in page
    assert "That is 33% of everyone." in page  # 1 of 3: a partial file is the likelier mistake
    refused = client.post(reverse("imports:confirm", args=[job.pk]))
    assert refused.status_code == 400
    world["leaver"].user.refresh_from_db()
    assert world["leaver"].user.is_active
    done = client.post(reverse("imports:confirm", args=[job.pk]), {"leavers_ok": "on"})
    result = client.get(done["Location"]).content.decode()
    assert "1 deactivated as leavers" in result
    assert "1 active mentorship ended because someone left" in result
    assert "gone@example.com" in client.get(done["Location"], {"list": "left"}).content.decode()


def _upload(content: bytes):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("all.csv", content, "text/csv")


def test_a_plain_upload_still_works_without_the_full_list_box(client: Client, world: dict) -> None:
    client.force_login(world["hr"].user)
    post_file(client, make_csv([person_row("new@example.com", department="Acme / People")]))
    assert ImportJob.objects.latest("id").full_list is False
