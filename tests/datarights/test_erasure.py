"""HR erases a person: the database keeps no personal data of theirs in any table, partners'
records and dashboards stay whole, and the person never shows again."""

from typing import Any

import pytest
from django.db import connection
from django.test import Client

from mentorship.accounts.models import User
from mentorship.audit.models import Action, AuditEntry
from mentorship.datarights import services
from mentorship.datarights.models import Erasure
from mentorship.imports import services as import_services
from mentorship.mentorships.models import Mentorship
from mentorship.participants.models import Participant
from mentorship.workspace.models import CheckIn, MentoringSession, PrivateNote, SessionRating
from tests.conftest import PASSWORD
from tests.datarights.conftest import EMAIL, MENTEE_TEXT, MENTOR_TEXT, NAME, Pair


def rows_containing(needle: str) -> dict[str, int]:
    """Every table and column (text, JSON or binary) in which `needle` occurs, read with SQL."""
    found: dict[str, int] = {}
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            if connection.vendor == "postgresql":
                cursor.execute(
                    "SELECT column_name, data_type FROM information_schema.columns WHERE table_name = %s", [table]
                )
                columns = cursor.fetchall()
            else:
                columns = [(c.name, "") for c in connection.introspection.get_table_description(cursor, table)]
            for column, data_type in columns:
                value = f"encode(\"{column}\", 'escape')" if data_type == "bytea" else f'CAST("{column}" AS TEXT)'
                cursor.execute(f'SELECT count(*) FROM "{table}" WHERE lower({value}) LIKE %s', [f"%{needle.lower()}%"])  # noqa: S608
                count = cursor.fetchone()[0]
                if count:
                    found[f"{table}.{column}"] = count
    return found


@pytest.fixture
def hr_client(client: Client, hr_admin: Participant) -> Client:
    client.force_login(hr_admin.user)
    return client


def dashboard_tables(client: Client) -> dict[str, list[list[str]]]:
    dashboard = client.get("/dashboards/").context["dashboard"]
    return {name: list(table.csv_rows()) for name, table in dashboard.tables.items()}


def test_erasure_leaves_no_personal_data_in_any_table(hr_client: Client, pair: Pair, hr_admin: Participant) -> None:
    # A pending import that lists the person keeps the file on its row until it runs.
    csv = f"email,first_name,last_name\n{EMAIL},Zebediah,Quuxworth\n".encode()
    import_services.import_job_create(file_name="people.csv", content=csv, by=hr_admin.user)
    needles = [EMAIL, NAME, *MENTEE_TEXT.values(), "Zeb fit: good"]
    assert all(rows_containing(needle) for needle in needles)  # the scan finds them before

    page = hr_client.get(f"/hr/people/{pair.mentee.pk}/erase/")
    assert page.status_code == 200
    body = page.content.decode()
    assert "Private session notes (1)" in body and "Mentorships (1)" in body
    response = hr_client.post(f"/hr/people/{pair.mentee.pk}/erase/", {"confirm_email": EMAIL})
    assert response.status_code == 302

    for needle in needles:
        assert rows_containing(needle) == {}, needle
    erasure = Erasure.objects.get(user=pair.mentee.user)
    entry = AuditEntry.objects.get(action=Action.PERSON_ERASED)
    assert (entry.subject_id, entry.actor_id) == (pair.mentee.user_id, hr_admin.user_id)
    assert erasure.counts["private_notes"] == 1


def test_partners_records_and_aggregates_are_kept_and_ratings_detached(hr_client: Client, pair: Pair) -> None:
    before = dashboard_tables(hr_client)
    hr_client.post(f"/hr/people/{pair.mentee.pk}/erase/", {"confirm_email": EMAIL})
    assert dashboard_tables(hr_client) == before

    assert Mentorship.objects.filter(pk=pair.mentorship.pk).exists()
    assert MentoringSession.objects.filter(mentorship=pair.mentorship).count() == 3
    assert PrivateNote.objects.get(author=pair.mentor).text == MENTOR_TEXT["note"]
    assert SessionRating.objects.get(rater=pair.mentor).learned == MENTOR_TEXT["learned"]
    assert CheckIn.objects.get(participant=pair.mentor).comment == MENTOR_TEXT["check_in"]
    detached = SessionRating.objects.select_related("rater__user").get(rater=pair.mentee)
    assert (detached.score, detached.learned, detached.rater.name) == (5, "", "Erased person")
    # The mentor's inbox keeps its notification, without the person's name or email.
    assert pair.mentor.user.notifications.get().body == "Erased person (Erased person) logged a session with you."


def test_an_erased_person_never_shows_again_and_cannot_sign_in(hr_client: Client, pair: Pair) -> None:
    hr_client.post(f"/hr/people/{pair.mentee.pk}/erase/", {"confirm_email": EMAIL})
    assert "Quuxworth" not in hr_client.get("/people/?q=Zebediah").content.decode()
    assert hr_client.get("/people/").content.decode().count("Erased person") == 0
    assert hr_client.get(f"/people/{pair.mentee.pk}/").status_code == 404
    assert hr_client.get(f"/hr/people/{pair.mentee.pk}/erase/").status_code == 404  # nothing left to erase
    audit_csv = b"".join(hr_client.get("/hr/audit/?format=csv").streaming_content).decode()  # type: ignore[attr-defined]
    assert EMAIL not in audit_csv and "Quuxworth" not in audit_csv
    user = User.objects.get(pk=pair.mentee.user_id)
    assert not user.is_active and not user.has_usable_password()
    fresh = Client()
    assert fresh.post("/accounts/login/", {"login": EMAIL, "password": PASSWORD}).status_code == 200
    assert "_auth_user_id" not in fresh.session


def test_only_hr_admins_may_erase_and_a_wrong_confirmation_is_a_form_error(
    hr_client: Client, pair: Pair, outsider: Participant
) -> None:
    client = Client()
    client.force_login(outsider.user)
    assert client.get(f"/hr/people/{pair.mentee.pk}/erase/").status_code == 404
    assert client.post(f"/hr/people/{pair.mentee.pk}/erase/", {"confirm_email": EMAIL}).status_code == 404
    response = hr_client.post(f"/hr/people/{pair.mentee.pk}/erase/", {"confirm_email": "someone@else.example"})
    assert response.status_code == 400
    assert "not the person" in response.content.decode()
    assert not Erasure.objects.exists()


def test_hr_cannot_erase_themself(hr_client: Client, hr_admin: Participant) -> None:
    response = hr_client.post(f"/hr/people/{hr_admin.pk}/erase/", {"confirm_email": hr_admin.user.email})
    assert response.status_code == 400 and "cannot erase yourself" in response.content.decode()


def test_the_plan_lists_what_will_happen(pair: Pair) -> None:
    plan: Any = services.erasure_plan(participant=pair.mentee)
    assert any("Skill inventory (1 skills)" in line for line in plan.removed)
    assert any("partners' records" in line for line in plan.replaced)
    assert any("Ratings' scores" in line for line in plan.kept)
