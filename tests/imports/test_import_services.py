"""The import service: all or nothing, an upsert by email, and idempotent."""

from datetime import date
from typing import Any

import pytest
from allauth.account.models import EmailAddress
from django.core.cache import cache

from mentorship.accounts.models import User
from mentorship.imports import services
from mentorship.imports.models import ImportJob, ImportStatus
from mentorship.participants.models import OrgUnit, Participant
from tests.imports.conftest import (
    BAD_VALUES,
    HEADER,
    counts,
    deliver_invitations,
    make_csv,
    person_row,
    team_csv,
)

pytestmark = pytest.mark.django_db


def check(content: bytes, by: Any = None) -> ImportJob:
    return services.import_job_create(file_name="people.csv", content=content, by=by)


def run(content: bytes, *, invite: bool = False) -> ImportJob:
    job = check(content)
    assert job.status == ImportStatus.READY, job.problems
    return services.import_job_confirm(job=job, invite=invite)


def person(email: str) -> Participant:
    return Participant.objects.select_related("user", "manager__user", "org_unit").get(user__email__iexact=email)


def messages(job: ImportJob) -> list[tuple[Any, Any, str]]:
    return [(p["row"], p["column"], p["message"]) for p in job.problems]


def test_a_new_file_creates_people_units_and_reporting_lines_in_any_order() -> None:
    rows = [
        person_row(
            "ivy@example.com",
            first="Ivy",
            title="SRE",
            department="Acme / Engineering / SRE",
            manager="Bea@Example.com",
            level="2",
            languages="en|German",
        ),
        person_row(
            "bea@example.com", first="Bea", title="Head of SRE", department="Acme / Engineering / SRE", level="5"
        ),
    ]
    job = run(make_csv(rows))

    assert job.status == ImportStatus.DONE
    assert (job.created_count, job.updated_count, job.unchanged_count) == (2, 0, 0)
    assert job.created_emails == ["ivy@example.com", "bea@example.com"]
    ivy = person("ivy@example.com")
    assert ivy.manager == person("bea@example.com")
    assert (ivy.user.first_name, ivy.job_title, ivy.career_level) == ("Ivy", "SRE", 2)
    assert ivy.org_unit.name == "SRE"
    assert ivy.org_unit.parent.name == "Engineering"
    assert (ivy.hire_date, ivy.timezone, ivy.languages) == (date(2024, 1, 15), "Europe/Berlin", ["en", "de"])
    # Imported people walk through onboarding on first sign-in, and set a password themselves.
    assert ivy.onboarded_at is None
    assert not ivy.user.has_usable_password()
    address = EmailAddress.objects.get(user=ivy.user)
    assert (address.email, address.verified, address.primary) == ("ivy@example.com", False, True)


def test_importing_the_same_file_again_changes_nothing(django_assert_max_num_queries) -> None:
    content = team_csv(30)
    run(content)
    before = dict(Participant.objects.values_list("id", "updated_at"))
    units = counts()

    job = check(content)
    with django_assert_max_num_queries(20):
        job = services.import_job_confirm(job=job, invite=False)

    assert (job.created_count, job.updated_count, job.unchanged_count) == (0, 0, 30)
    assert dict(Participant.objects.values_list("id", "updated_at")) == before
    assert counts() == units


def test_the_preview_counts_what_an_import_would_do(junior_mentor: Participant) -> None:
    rows = [
        person_row("new@example.com"),
        person_row(
            "jo.junior@example.com",
            first="Jo",
            last="Junior",
            title="Data Analyst",
            department="Acme / Engineering / Data",
            manager="mo.manager@example.com",
            level="1",
            hired="",
            tz="UTC",
        ),
    ]
    job = check(make_csv(rows))
    assert (job.created_count, job.updated_count, job.unchanged_count) == (1, 1, 0)
    assert [(r["email"], r["action"], r["changes"]) for r in job.preview_rows] == [
        ("new@example.com", "create", []),
        ("jo.junior@example.com", "update", ["Job title", "Time zone"]),
    ]
    assert not User.objects.filter(email="new@example.com").exists()


def test_a_changed_manager_or_title_updates_only_that_person(
    junior_mentor: Participant, manager: Participant, senior_mentor: Participant
) -> None:
    header = ("Email", "First name", "Last name", "Job title", "Manager email")
    before = person("mo.manager@example.com").updated_at
    job = run(
        make_csv(
            [
                ("JO.JUNIOR@example.com", "Jo", "Junior", "Data Analyst II", "dana.director@example.com"),
                ("mo.manager@example.com", "Mo", "Manager", "Data Lead", "dana.director@example.com"),
            ],
            header=header,
        )
    )
    assert (job.updated_emails, job.unchanged_emails) == (["jo.junior@example.com"], ["mo.manager@example.com"])
    assert job.changes == {"jo.junior@example.com": ["Job title", "Manager email"]}
    jo = person("jo.junior@example.com")
    assert (jo.job_title, jo.manager) == ("Data Analyst II", senior_mentor)
    # Columns that are not in the file are left alone, and so is onboarding.
    assert (jo.career_level, jo.bio, jo.languages) == (1, "I love dashboards.", ["en"])
    assert jo.onboarded_at is not None
    assert person("mo.manager@example.com").updated_at == before


def test_an_empty_manager_cell_removes_the_manager(junior_mentor: Participant) -> None:
    header = ("Email", "First name", "Last name", "Manager")
    run(make_csv([("jo.junior@example.com", "Jo", "Junior", "")], header=header))
    assert person("jo.junior@example.com").manager is None


def test_department_paths_reuse_existing_units_ignoring_case(org: dict[str, OrgUnit]) -> None:
    units = OrgUnit.objects.count()
    run(make_csv([person_row("a@example.com", department="acme > ENGINEERING > data")]))
    assert person("a@example.com").org_unit == org["data"]
    assert OrgUnit.objects.count() == units


@pytest.mark.parametrize(
    ("rows", "expected"),
    [
        (
            [person_row("a@example.com", manager="ghost@example.com")],
            (2, "Manager email", "Unknown manager ghost@example.com: not in this file and not in the app."),
        ),
        (
            [
                person_row("a@example.com", manager="b@example.com"),
                person_row("b@example.com", manager="a@example.com"),
            ],
            (2, "Manager email", "Reporting line loops: a@example.com → b@example.com → a@example.com."),
        ),
        (
            [person_row("a@example.com"), person_row("bad", level="9")],
            (3, "Email", "“bad” is not a valid email address."),
        ),
    ],
)
def test_a_file_with_a_problem_writes_nothing(rows: list[tuple[str, ...]], expected: tuple[Any, ...]) -> None:
    before = counts()
    job = check(make_csv(rows))
    assert job.status == ImportStatus.INVALID
    assert messages(job)[0] == expected
    assert job.content == b""  # an invalid file is not kept
    assert counts() == before
    # And it cannot be pushed through anyway.
    assert services.import_job_confirm(job=job, invite=False).status == ImportStatus.INVALID
    assert counts() == before


@pytest.mark.parametrize(("row", "column", "message"), BAD_VALUES)
def test_no_bad_value_lets_anything_through(row: tuple[str, ...], column: str, message: str) -> None:
    before = counts()
    job = check(make_csv([person_row("ok@example.com"), row]))
    assert messages(job) == [(3, column, message)]
    assert services.import_job_confirm(job=job, invite=False).status == ImportStatus.INVALID
    assert counts() == before


def test_a_manager_loop_through_someone_already_in_the_app_is_refused(
    manager: Participant, senior_mentor: Participant
) -> None:
    # Mo already reports to Dana in the app; the file makes Dana report to Mo without listing Mo.
    header = ("Email", "First name", "Last name", "Manager email")
    job = check(make_csv([("dana.director@example.com", "Dana", "Director", "mo.manager@example.com")], header=header))
    assert messages(job) == [
        (
            2,
            "Manager email",
            "Reporting line loops: dana.director@example.com → mo.manager@example.com → dana.director@example.com.",
        )
    ]
    assert person("dana.director@example.com").manager is None


def test_a_manager_who_has_an_account_but_no_profile_is_explained() -> None:
    User.objects.create_user(email="admin@example.com")
    job = check(make_csv([person_row("a@example.com", manager="admin@example.com")]))
    assert messages(job) == [
        (2, "Manager email", "admin@example.com has an account but no profile yet; add them to this file.")
    ]


def test_an_existing_account_without_a_profile_gets_one() -> None:
    user = User.objects.create_user(email="Admin@Example.com", first_name="Old")
    job = run(make_csv([person_row("admin@example.com", first="Ada", title="Admin")]))
    assert job.updated_emails == ["admin@example.com"]
    participant = person("admin@example.com")
    assert (participant.user, participant.user.first_name, participant.job_title) == (user, "Ada", "Admin")


def test_a_thousand_row_file_with_one_bad_row_writes_nothing() -> None:
    rows = [person_row(f"p{n:04d}@example.com", first=f"P{n}") for n in range(1000)]
    rows[617] = person_row("p0617@example.com", hired="2024-13-01")
    before = counts()
    job = check(make_csv(rows))
    assert messages(job) == [(619, "Hire date", "“2024-13-01” is not a date; use YYYY-MM-DD (or DD/MM/YYYY).")]
    assert services.import_job_confirm(job=job, invite=False).status == ImportStatus.INVALID
    assert counts() == before


def test_a_file_that_became_invalid_after_the_preview_writes_nothing(manager: Participant) -> None:
    job = check(make_csv([person_row("a@example.com", manager="mo.manager@example.com")]))
    assert job.status == ImportStatus.READY
    manager.user.email = "mo.new@example.com"  # they changed their address since
    manager.user.save()
    before = counts()
    job = services.import_job_confirm(job=job, invite=False)
    assert job.status == ImportStatus.INVALID
    assert "Unknown manager mo.manager@example.com" in job.problems[0]["message"]
    assert counts() == before


def test_an_unexpected_error_rolls_everything_back_and_fails_the_job(monkeypatch: pytest.MonkeyPatch) -> None:
    create_batch, batches = services._create_batch, []

    def fail_after_the_first_batch(*args: Any) -> None:
        create_batch(*args)  # the boss is written...
        batches.append(args)
        if len(batches) == 2:  # ...and so are their reports, when the disk fills up
            raise RuntimeError("disk full")

    monkeypatch.setattr(services, "_create_batch", fail_after_the_first_batch)
    before = counts()
    job = services.import_job_confirm(job=check(team_csv(5)), invite=False)
    assert (job.status, job.error) == (ImportStatus.FAILED, "RuntimeError: disk full")
    assert counts() == before


def test_confirming_twice_imports_once() -> None:
    job = check(team_csv(3))
    services.import_job_confirm(job=job, invite=False)
    again = services.import_job_confirm(job=job, invite=False)
    assert again.status == ImportStatus.DONE
    assert again.created_count == 3


def test_invitations_are_sent_only_when_asked(mailoutbox, django_capture_on_commit_callbacks, hr_admin) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        run(make_csv([person_row("quiet@example.com")]), invite=False)
    assert mailoutbox == []

    rows = [
        person_row("new@example.com", first="Nia"),
        person_row("harriet.hr@example.com", first="Harriet", last="HR"),
    ]
    job = check(make_csv(rows), by=hr_admin.user)
    with django_capture_on_commit_callbacks(execute=True):
        job = services.import_job_confirm(job=job, invite=True)
    assert mailoutbox == []  # written with the import, sent by the email workers
    assert deliver_invitations() == 1
    assert deliver_invitations() == 0  # each once

    (mail,) = mailoutbox  # the new person only, never someone already in the app
    assert mail.to == ["new@example.com"]
    assert "Harriet HR invited you" in mail.subject
    assert "Hello Nia" in mail.body
    assert mail.extra_headers["Message-ID"].endswith(".notification@localhost>")
    job.refresh_from_db()
    assert job.invitations_sent == 1
    assert services.invitations_status(job=job) == {"sent": 1, "waiting": 0, "failed": 0}


def test_the_progress_of_a_running_import_comes_from_the_cache() -> None:
    job = check(team_csv(3))
    ImportJob.objects.filter(pk=job.pk).update(status=ImportStatus.RUNNING)
    job.refresh_from_db()
    cache.set(f"imports:progress:{job.pk}", 2)
    assert services.import_progress(job=job) == 2


def test_the_header_names_of_the_template_are_the_ones_the_tests_use() -> None:
    from mentorship.imports.parsing import template_header

    assert tuple(template_header()) == HEADER
