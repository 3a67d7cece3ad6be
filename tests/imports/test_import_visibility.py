"""An import job holds the personal data of a whole file: only the HR admin who uploaded it and
superusers see it (or every HR admin, behind an explicit setting); everyone else gets a 404."""

from collections.abc import Callable

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse

from mentorship.imports import services
from mentorship.imports.models import ImportJob, ImportStatus
from mentorship.participants.models import Participant
from mentorship.participants.roles import HR_ADMIN_GROUP
from tests.imports.conftest import team_csv

pytestmark = pytest.mark.django_db

PAGES = ("preview", "progress", "result")


@pytest.fixture
def other_hr_admin(make_person: Callable[..., Participant]) -> Participant:
    person = make_person("olga.otherhr@example.com", first_name="Olga", last_name="Other-HR")
    person.user.groups.add(Group.objects.get_or_create(name=HR_ADMIN_GROUP)[0])
    return person


@pytest.fixture
def job(hr_admin: Participant) -> ImportJob:
    return services.import_job_create(file_name="secret-team.csv", content=team_csv(2), by=hr_admin.user)


def _reachable(client: Client, job: ImportJob) -> dict[str, int]:
    codes = {name: client.get(reverse(f"imports:{name}", args=[job.pk])).status_code for name in PAGES}
    codes["confirm"] = client.post(reverse("imports:confirm", args=[job.pk])).status_code
    return codes


def test_another_hr_admin_gets_404_on_every_page_of_someone_elses_import(
    client: Client, job: ImportJob, other_hr_admin: Participant
) -> None:
    client.force_login(other_hr_admin.user)
    assert _reachable(client, job) == {"preview": 404, "progress": 404, "result": 404, "confirm": 404}
    listing = client.get(reverse("imports:upload")).content.decode()
    assert "secret-team.csv" not in listing
    job.refresh_from_db()
    assert job.status == ImportStatus.READY  # the refused confirm changed nothing


def test_the_hr_admin_who_uploaded_it_sees_and_lists_their_own_import(
    client: Client, job: ImportJob, hr_admin: Participant
) -> None:
    client.force_login(hr_admin.user)
    assert client.get(reverse("imports:preview", args=[job.pk])).status_code == 200
    assert "secret-team.csv" in client.get(reverse("imports:upload")).content.decode()


def test_a_superuser_sees_every_import(client: Client, job: ImportJob, make_person: Callable[..., Participant]) -> None:
    root = make_person("root@example.com")
    root.user.is_superuser = True
    root.user.save()
    client.force_login(root.user)
    assert client.get(reverse("imports:preview", args=[job.pk])).status_code == 200
    assert "secret-team.csv" in client.get(reverse("imports:upload")).content.decode()


def test_every_hr_admin_sees_every_import_only_behind_the_explicit_setting(
    client: Client, job: ImportJob, other_hr_admin: Participant, settings: object
) -> None:
    settings.IMPORT_JOBS_SHARED_WITH_HR_ADMINS = True  # type: ignore[attr-defined]
    client.force_login(other_hr_admin.user)
    assert client.get(reverse("imports:preview", args=[job.pk])).status_code == 200
    assert "secret-team.csv" in client.get(reverse("imports:upload")).content.decode()
