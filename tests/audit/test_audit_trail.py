"""The audit trail: one entry per listed action, readable and exportable by HR, never changeable."""

from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.models import Group
from django.db import DatabaseError, connection, transaction
from django.test import Client

from mentorship.audit.models import Action, AuditEntry
from mentorship.imports import services as import_services
from mentorship.participants import services as participant_services
from mentorship.participants.models import OrgUnit, Participant
from mentorship.participants.roles import HR_ADMIN_GROUP
from mentorship.programs import services as program_services
from pairing.services import publishing, review, runs
from tests.pairing.conftest import seed_reverse_program


def actions(**filters: Any) -> list[str]:
    return list(AuditEntry.objects.filter(**filters).order_by("id").values_list("action", flat=True))


@pytest.fixture
def hr_client(client: Client, hr_admin: Participant) -> Client:
    client.force_login(hr_admin.user)
    return client


def test_program_matching_and_publishing_each_leave_an_entry(
    make_person: Callable[..., Participant], org: dict[str, OrgUnit], hr_admin: Participant
) -> None:
    seeded = seed_reverse_program(make_person, org, hr_admin)
    program, by = seeded.program, hr_admin.user
    program_services.program_update(program=program, data={"name": "Digital fluency 2026"}, by=by)
    run = runs.match_run_start(program=program, by=by)
    runs.match_run_execute(run_id=run.pk)
    run.refresh_from_db()
    first = run.proposals.order_by("id").first()
    assert first is not None
    review.proposal_pin(proposal=first, pinned=True, by=by)
    removed = run.proposals.exclude(pk=first.pk).order_by("id").first()
    assert removed is not None
    review.proposal_remove(proposal=removed, by=by)
    review.proposal_create_manual(
        run=run, mentor_id=removed.mentor_id, mentee_id=removed.mentee_id, by=by, confirm=True
    )
    publishing.match_run_publish(run=run, by=by)

    assert actions(program=program) == [
        Action.PROGRAM_CREATED,
        Action.PROGRAM_TRANSITION,
        Action.PROGRAM_TRANSITION,
        Action.PROGRAM_CHANGED,
        Action.MATCH_RUN_STARTED,
        Action.PROPOSAL_PINNED,
        Action.MANUAL_PAIR,
        Action.MATCH_RUN_PUBLISHED,
    ]
    change = AuditEntry.objects.get(action=Action.PROGRAM_CHANGED)
    assert change.changes == {"Name": ["Digital fluency (reverse)", "Digital fluency 2026"]}
    assert change.actor_id == by.pk
    transition = AuditEntry.objects.filter(action=Action.PROGRAM_TRANSITION).order_by("id").first()
    assert transition is not None and transition.changes == {"Status": ["draft", "enrolling"]}


def test_owner_changes_are_recorded_as_ids_not_names(hr_admin: Participant, senior_mentor: Participant) -> None:
    program = program_services.program_create(data={"name": "Pathways", "kind": "traditional"}, by=hr_admin.user)
    program_services.program_update(
        program=program, data={"owners": [hr_admin.user, senior_mentor.user]}, by=hr_admin.user
    )
    entry = AuditEntry.objects.get(action=Action.PROGRAM_CHANGED)
    assert entry.changes == {"Owner ids": [str(hr_admin.user.pk), f"{hr_admin.user.pk}, {senior_mentor.user.pk}"]}
    assert "Dana" not in str(entry.changes)


def test_roles_granted_and_revoked_and_people_deactivated_are_recorded(
    client: Client, hr_admin: Participant, outsider: Participant
) -> None:
    client.force_login(hr_admin.user)  # any path through a request names its actor
    participant_services.hr_admin_grant(user=outsider.user)
    outsider.user.groups.remove(Group.objects.get(name=HR_ADMIN_GROUP))
    outsider.user.is_active = False
    outsider.user.save()
    assert actions(subject=outsider.user) == [Action.ROLE_GRANTED, Action.ROLE_REVOKED, Action.PERSON_DEACTIVATED]
    assert AuditEntry.objects.filter(subject=outsider.user).order_by("id")[0].summary == "Role: HR admins"


def test_confirming_an_import_is_recorded(hr_admin: Participant) -> None:
    content = b"email,first_name,last_name\nnew.person@example.com,New,Person\n"
    job = import_services.import_job_create(file_name="people.csv", content=content, by=hr_admin.user)
    import_services.import_job_confirm(job=job, invite=False)
    entry = AuditEntry.objects.get(action=Action.IMPORT_CONFIRMED)
    assert (entry.object_type, entry.object_id, entry.summary) == ("importjob", str(job.pk), "1 rows")


def test_a_dashboard_csv_export_is_recorded_with_its_actor(hr_client: Client, hr_admin: Participant) -> None:
    name = next(iter(hr_client.get("/dashboards/").context["dashboard"].tables))
    assert hr_client.get(f"/dashboards/?format=csv&table={name}").status_code == 200
    entry = AuditEntry.objects.get(action=Action.DASHBOARD_CSV)
    assert (entry.actor_id, entry.summary) == (hr_admin.user.pk, f"engagement: {name}")


def test_hr_filters_the_trail_by_person_program_and_action_and_exports_it(
    hr_client: Client, hr_admin: Participant, outsider: Participant
) -> None:
    program = program_services.program_create(data={"name": "Pathways", "kind": "traditional"}, by=hr_admin.user)
    participant_services.hr_admin_grant(user=outsider.user)

    page = hr_client.get("/hr/audit/", {"person": outsider.user.email})
    assert page.status_code == 200
    assert list(page.context["page"].object_list.values_list("action", flat=True)) == [Action.ROLE_GRANTED]
    page = hr_client.get("/hr/audit/", {"program": program.pk, "action": Action.PROGRAM_CREATED})
    assert [e.program_id for e in page.context["page"].object_list] == [program.pk]

    csv = hr_client.get("/hr/audit/", {"action": Action.ROLE_GRANTED, "format": "csv"})
    body = b"".join(csv.streaming_content).decode()  # type: ignore[attr-defined]
    lines = body.strip().splitlines()
    assert lines[0] == "id,at,action,actor,subject,program,object,summary,changes"
    assert len(lines) == 3  # the header, hr_admin's own grant in the fixture, the outsider's
    assert "olly.outsider@example.com" in body
    assert all(cell != "'" for line in lines for cell in line.split(","))  # empty cells stay empty
    assert AuditEntry.objects.filter(action=Action.AUDIT_CSV, actor=hr_admin.user).exists()


def test_a_bad_filter_is_a_form_error_not_a_500(hr_client: Client) -> None:
    assert hr_client.get("/hr/audit/", {"person": "nobody@example.com"}).status_code == 400
    assert hr_client.get("/hr/audit/", {"program": "x'; drop"}).status_code == 400
    assert hr_client.get("/hr/audit/", {"action": "\x00"}).status_code == 400


@pytest.mark.parametrize("persona", ["outsider", "manager", "senior_mentor"])
def test_only_hr_admins_read_the_trail(client: Client, persona: str, request: pytest.FixtureRequest) -> None:
    client.force_login(request.getfixturevalue(persona).user)
    assert client.get("/hr/audit/").status_code == 403
    assert client.get("/hr/audit/?format=csv").status_code == 403


def test_the_app_offers_no_way_to_change_or_delete_an_entry(hr_client: Client, hr_admin: Participant) -> None:
    from django.urls import get_resolver

    entry = AuditEntry.objects.first()
    assert entry is not None
    names = [p.name for p in get_resolver("mentorship.audit.urls").url_patterns]
    assert names == ["trail"]
    assert hr_client.post("/hr/audit/", {"action": ""}).status_code == 405
    assert hr_client.get(f"/admin/audit/auditentry/{entry.pk}/delete/").status_code == 404


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigger guard is PostgreSQL's")
def test_postgresql_refuses_update_and_delete_of_entries(hr_admin: Participant) -> None:
    entry = AuditEntry.objects.first()
    assert entry is not None
    for statement in ("UPDATE audit_auditentry SET summary = 'x'", "DELETE FROM audit_auditentry"):
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(statement)
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEntry.objects.filter(pk=entry.pk).delete()
    assert AuditEntry.objects.filter(pk=entry.pk, summary=entry.summary).exists()
