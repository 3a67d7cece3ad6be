"""Every write of the employee import: check an uploaded file, then upsert people by email.

Steps: upload (a CSV or XLSX file) -> columns (only when a header needs HR: an unknown column,
or a required one missing; HR's choices are remembered per header) -> preview (rows, problems,
the org tree change, and for a full list the people who left) -> confirm -> run.

An import is one transaction: either every row lands or none does. It runs in a few dozen
queries whatever the file size: existing people, the reporting graph and the org tree are loaded
up front, and writes go out with bulk_create / bulk_update in batches. Rows whose values already
match are not written at all, so importing the same file twice changes nothing.
"""

import logging
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from allauth.account.forms import default_token_generator
from allauth.account.models import EmailAddress
from allauth.account.utils import user_pk_to_url_str
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import Count
from django.db.models.functions import Lower
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from mentorship import leases
from mentorship.accounts.models import User
from mentorship.audit.models import Action
from mentorship.audit.services import audit_record
from mentorship.imports.leavers import Leaver, leavers_deactivate, leavers_find
from mentorship.imports.models import ColumnMapping, ImportJob, ImportStatus
from mentorship.imports.orgplan import ImportTree, Move, TreePlan
from mentorship.imports.parsing import (
    COLUMNS,
    IGNORE,
    LABELS,
    ParsedRow,
    ParseResult,
    Problem,
    find_reporting_loops,
    header_key,
    parse_file,
    suggest_columns,
)
from mentorship.notifications.kinds import INVITATION
from mentorship.notifications.models import EmailStatus, Notification
from mentorship.notifications.services import absolute_url, pending_emails_enqueue
from mentorship.participants.models import LANGUAGES, Participant

logger = logging.getLogger(__name__)

ASYNC_THRESHOLD = 500  # files with more rows than this are imported by a Celery worker
BATCH_SIZE = 1000  # rows per bulk write, and how often progress is reported
LOOKUP_CHUNK = 2000  # emails per `IN (...)` lookup, well under every database's parameter limit
PREVIEW_ROWS = 50
MAX_STORED_PROBLEMS = 10_000  # a file that is wrong throughout needs fixing at the source first
DEFAULT_MAX_BYTES = 20 * 1024 * 1024

# Participant field -> the column it comes from, to tell HR what an update changes.
FIELD_LABELS = {
    "first_name": LABELS["first_name"],
    "last_name": LABELS["last_name"],
    "job_title": LABELS["job_title"],
    "org_unit": LABELS["department"],
    "manager": LABELS["manager_email"],
    "career_level": LABELS["level"],
    "hire_date": LABELS["hire_date"],
    "timezone": LABELS["timezone"],
    "languages": LABELS["languages"],
    "profile": "Profile",
    "active": "Reactivated",
}


def max_bytes() -> int:
    return int(getattr(settings, "IMPORT_MAX_BYTES", DEFAULT_MAX_BYTES))


def _progress_key(job_id: int) -> str:
    return f"imports:progress:{job_id}"


def import_progress(*, job: ImportJob) -> int:
    """Rows processed so far. While an import runs its transaction is still open, so other
    connections cannot see the job row change: progress goes through the shared cache instead."""
    return import_progress_stage(job=job)[1]


def import_progress_stage(*, job: ImportJob) -> tuple[str, int]:
    """The stage ("checking" the rows again, then "writing" them) and the rows written so far;
    one cache read. ("", rows) when the job is not running."""
    if job.status != ImportStatus.RUNNING:
        return "", job.processed_rows
    stage_key, done_key = _stage_key(job.pk), _progress_key(job.pk)
    found = cache.get_many([stage_key, done_key])
    return str(found.get(stage_key) or "checking"), max(job.processed_rows, int(found.get(done_key) or 0))


def _stage_key(job_id: int) -> str:
    return f"imports:stage:{job_id}"


# Loading what is already there --------------------------------------------------------------------


def _chunks[T](items: Sequence[T], size: int) -> Iterator[Sequence[T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


@dataclass
class _People:
    users: dict[str, User]  # by lower-cased email, each with its participant (if any) loaded
    participant_emails: dict[int, str]  # every participant's lower-cased email, by participant id
    manager_of: dict[str, str | None]  # every participant's manager, by lower-cased email
    leavers: list[Leaver] = field(default_factory=list)  # full lists only


def _load_people(parsed: ParseResult) -> _People:
    emails = {row.email for row in parsed.rows} | {row.manager_email for row in parsed.rows if row.manager_email}
    users: dict[str, User] = {}
    for chunk in _chunks(sorted(emails), LOOKUP_CHUNK):
        query = User.objects.annotate(email_lower=Lower("email")).filter(email_lower__in=chunk)
        users.update((user.email.lower(), user) for user in query.select_related("participant"))
    # The whole reporting graph, in one query of three small columns: a new manager may close a
    # loop through people who are not in the file.
    graph = list(Participant.objects.order_by().values_list("id", "manager_id", Lower("user__email")))
    participant_emails = {pk: email for pk, _, email in graph}
    manager_of = {email: participant_emails.get(manager) if manager else None for _, manager, email in graph}
    return _People(users=users, participant_emails=participant_emails, manager_of=manager_of)


def _check_managers(parsed: ParseResult, people: _People) -> list[Problem]:
    """Managers must exist (in the file or the app), and no reporting line may loop."""
    if "manager_email" not in parsed.columns:
        return []
    column = LABELS["manager_email"]
    problems: list[Problem] = []
    known = set(people.manager_of)
    for row in parsed.rows:
        manager = row.manager_email
        if not manager or manager in parsed.emails_seen or manager in known:
            continue
        if manager in people.users:
            message = f"{manager} has an account but no profile yet; add them to this file."
        else:
            message = f"Unknown manager {manager}: not in this file and not in the app."
        problems.append(Problem(row.row, column, message))
    managers = dict(people.manager_of)
    managers.update((row.email, row.manager_email or None) for row in parsed.rows)
    row_of = {row.email: row.row for row in parsed.rows}
    for loop in find_reporting_loops(managers, row_of):
        text = " → ".join([*loop, loop[0]])
        problems.extend(
            Problem(row_of[email], column, f"Reporting line loops: {text}.") for email in loop if email in row_of
        )
    return problems


# Planning: what each row would change -------------------------------------------------------------


@dataclass
class _RowPlan:
    row: ParsedRow
    user: User | None  # filled in for new people once they are created
    participant: Participant | None
    action: str = "unchanged"  # "create" | "update" | "unchanged", decided before anything is written
    changes: dict[str, Any] = field(default_factory=dict)  # field -> new value (paths, emails unresolved)


@dataclass
class _Check:
    problems: list[Problem]
    plans: list[_RowPlan]
    people: _People | None
    tree: ImportTree
    tree_plan: TreePlan


def _desired(row: ParsedRow, columns: frozenset[str]) -> dict[str, Any]:
    """The profile values the row asks for; fields it says nothing about are left out."""
    values: dict[str, Any] = {"first_name": row.first_name, "last_name": row.last_name}
    if row.job_title is not None:
        values["job_title"] = row.job_title
    if row.department is not None:
        values["org_unit"] = row.department
    if row.manager_email is not None:
        values["manager"] = row.manager_email
    if "level" in columns:
        values["career_level"] = row.level
    if "hire_date" in columns:
        values["hire_date"] = row.hire_date
    if row.timezone is not None:
        values["timezone"] = row.timezone
    if row.languages is not None:
        values["languages"] = list(row.languages)
    return values


def _current(name: str, user: User, participant: Participant, people: _People, tree: ImportTree) -> Any:
    if name in ("first_name", "last_name"):
        return getattr(user, name)
    if name == "org_unit":
        return tree.current(participant.org_unit_id)
    if name == "manager":
        return people.participant_emails.get(participant.manager_id, "") if participant.manager_id else ""
    return getattr(participant, name)


def _plan(parsed: ParseResult, people: _People, tree: ImportTree) -> list[_RowPlan]:
    plans: list[_RowPlan] = []
    for row in parsed.rows:
        user = people.users.get(row.email)
        participant = getattr(user, "participant", None) if user is not None else None
        plan = _RowPlan(row=row, user=user, participant=participant)
        desired = _desired(row, parsed.columns)
        if user is None:
            plan.changes = desired
        elif participant is None:
            plan.changes = {**desired, "profile": True}
        else:
            for name, value in desired.items():
                wanted = tree.key(value) if name == "org_unit" else value
                if _current(name, user, participant, people, tree) != wanted:
                    plan.changes[name] = value
            if not user.is_active and participant.left_at is not None:
                plan.changes["active"] = True  # listed again after leaving
        plan.action = "create" if user is None else "update" if plan.changes else "unchanged"
        plans.append(plan)
    return plans


def remembered_columns() -> dict[str, str]:
    """How HR chose to read headers before: header key -> field key, or "" to ignore."""
    return dict(ColumnMapping.objects.values_list("header_key", "field"))


def _parse(content: bytes, job: ImportJob | None = None) -> ParseResult:
    """The file read with the job's column choices (all decided), or the usual and remembered names."""
    columns = job.columns if job is not None else []
    if columns and all(column["field"] is not None for column in columns):
        mapping = [column["field"] for column in columns]
        return parse_file(content, max_bytes=max_bytes(), languages=LANGUAGES, mapping=mapping)
    return parse_file(content, max_bytes=max_bytes(), languages=LANGUAGES, remembered=remembered_columns())


def _check(parsed: ParseResult, job: ImportJob) -> _Check:
    """The file against the app as it is now; for a full list, also the people it no longer
    lists (never the uploader: a full list cannot lock HR out)."""
    problems = list(parsed.problems)
    tree = ImportTree()
    if not parsed.rows:
        return _Check(problems, [], None, tree, TreePlan())
    people = _load_people(parsed)
    problems += _check_managers(parsed, people)
    problems.sort(key=lambda p: p.row or 0)  # stable: keeps the column order within a row
    tree.name_root_from([row.department for row in parsed.rows])
    plans = _plan(parsed, people, tree)
    if job.full_list and not problems:
        keep = [job.created_by_id] if job.created_by_id else []
        people.leavers = leavers_find(listed=parsed.emails_seen, keep=keep)
    moves = [
        Move(plan.row.email, f"{plan.row.first_name} {plan.row.last_name}".strip(), plan.participant.org_unit_id,
             plan.changes["org_unit"] or None)
        for plan in plans
        if plan.participant is not None and "org_unit" in plan.changes
    ]  # fmt: skip
    arrivals = [plan.changes.get("org_unit") or () for plan in plans if plan.participant is None]
    tree_plan = tree.plan(
        moves=moves, arrivals=arrivals, leaving=[p.org_unit_id for p in people.leavers if p.org_unit_id]
    )
    return _Check(problems, plans, people, tree, tree_plan)


def _preview_row(plan: _RowPlan) -> dict[str, Any]:
    row = plan.row
    return {
        "row": row.row,
        "email": row.email,
        "name": f"{row.first_name} {row.last_name}".strip(),
        "job_title": row.job_title or "",
        "department": " / ".join(row.department or ()),
        "manager": row.manager_email or "",
        "level": row.level,
        "action": plan.action,
        "changes": _labels(plan) if plan.action == "update" else [],
    }


def _store_problems(job: ImportJob, problems: list[Problem]) -> None:
    job.problems = [p.as_dict() for p in problems[:MAX_STORED_PROBLEMS]]
    if len(problems) > MAX_STORED_PROBLEMS:
        more = len(problems) - MAX_STORED_PROBLEMS
        job.problems.append({"row": None, "column": None, "message": f"…and {more:,} more problems not listed."})


# Services -------------------------------------------------------------------------------------------


def _read_file_facts(job: ImportJob, parsed: ParseResult) -> None:
    """What the file is and how its columns were read, as the job shows them."""
    job.kind, job.encoding, job.delimiter = parsed.kind, parsed.encoding, parsed.delimiter
    job.total_rows, job.notices = parsed.total_rows, parsed.notices
    job.columns = [choice.as_dict() for choice in parsed.columns_read]


def _assess(job: ImportJob, parsed: ParseResult, content: bytes) -> None:
    """Fill the job's preview from a parsed file: problems, counts, rows, tree change, leavers."""
    check = _check(parsed, job)
    actions = [plan.action for plan in check.plans]
    _read_file_facts(job, parsed)
    job.preview_rows = [_preview_row(plan) for plan in check.plans[:PREVIEW_ROWS]]
    job.created_count, job.updated_count = actions.count("create"), actions.count("update")
    job.unchanged_count = actions.count("unchanged")
    job.tree_changes = check.tree.describe(check.tree_plan) if check.plans else {}
    leavers = check.people.leavers if check.people is not None else []
    job.leavers = [
        {"email": leaver.email, "name": leaver.name, "unit": check.tree.unit_label(leaver.org_unit_id)}
        for leaver in leavers
    ]
    _store_problems(job, check.problems)
    if check.problems:
        job.status, job.content = ImportStatus.INVALID, b""  # it can never be imported, so it is not kept
    else:
        job.status, job.content = ImportStatus.READY, content


@transaction.atomic
def import_job_create(
    *, file_name: str, content: bytes, by: User | None, full_list: bool = False, review_columns: bool = False
) -> ImportJob:
    """Check an uploaded file and record it: with its problems, as ready to import, or, when
    its header needs HR (or HR asked to review it), waiting for HR to say how columns are read."""
    parsed = _parse(content)
    job = ImportJob(created_by=by, file_name=file_name[:255], full_list=full_list)
    if parsed.columns_read and (parsed.needs_mapping or review_columns):
        _read_file_facts(job, parsed)
        job.status, job.content = ImportStatus.MAPPING, content
    else:
        _assess(job, parsed, content)
    job.save()
    return job


@transaction.atomic
def import_job_map(*, job: ImportJob, fields: list[str], by: User | None) -> ImportJob:
    """HR says how each column is read (a field key, or "" to ignore it): remembered for the next
    file with the same headers, then the file is checked with it."""
    job = ImportJob.objects.select_for_update().get(pk=job.pk)
    if job.status not in (ImportStatus.MAPPING, ImportStatus.READY) or not job.content:
        raise ValidationError("This file can no longer be changed; upload it again.")
    headers = [column["header"] for column in job.columns]
    if len(fields) != len(headers) or any(f != IGNORE and f not in COLUMNS for f in fields):
        raise ValidationError("Choose how each column is read.")
    chosen = [f for f in fields if f not in (IGNORE, "department")]
    twice = sorted({LABELS[f] for f in chosen if chosen.count(f) > 1})
    if twice:
        raise ValidationError(f"Read only one column as {', '.join(twice)} (only Department may have several).")
    missing = [LABELS[key] for key in ("email", "first_name", "last_name") if key not in fields]
    if missing:
        raise ValidationError(f"Choose the columns that hold {', '.join(missing)}: they are required.")
    # Only choices that differ from the usual reading are remembered, so a header HR set back to
    # its usual meaning follows the app's names again.
    usual = suggest_columns(headers)
    for header, chosen_field, default in zip(headers, fields, usual, strict=True):
        key = header_key(header)[:200]
        if not key:
            continue
        if chosen_field == default.field:
            ColumnMapping.objects.filter(header_key=key).delete()
        else:
            ColumnMapping.objects.update_or_create(
                header_key=key, defaults={"header": header.strip()[:200], "field": chosen_field, "updated_by": by}
            )
    job.columns = [{"header": h, "field": f, "how": "chosen"} for h, f in zip(headers, fields, strict=True)]
    content = bytes(job.content)
    _assess(job, _parse(content, job), content)
    job.save()
    return job


@transaction.atomic
def import_job_confirm(
    *, job: ImportJob, invite: bool, new_units_ok: bool = False, leavers_ok: bool = False
) -> ImportJob:
    """HR confirms a checked file: import it now, or on a worker when it is large. With the
    broker down the job is saved as queued all the same, and the recovery pass hands it over.

    New units directly below the root and (for a full list) deactivating people need HR to say
    so explicitly: `new_units_ok`, `leavers_ok`.
    """
    if job.status == ImportStatus.READY and job.new_top_level and not new_units_ok:
        raise ValidationError(
            {"new_units_ok": "Confirm the new units directly below the organisation root, or fix the file."}
        )
    if job.status == ImportStatus.READY and job.leavers and not leavers_ok:
        raise ValidationError({"leavers_ok": "Confirm that the people missing from the file have left."})
    claimed = ImportJob.objects.filter(pk=job.pk, status=ImportStatus.READY).update(
        status=ImportStatus.QUEUED, invite=invite
    )
    if claimed:  # a second click on "Import" finds the job already claimed and does nothing
        audit_record(
            action=Action.IMPORT_CONFIRMED,
            obj=job,
            summary=f"{job.total_rows} rows" + (", invitations" if invite else ""),
        )
        _start(job)
    job.refresh_from_db()
    return job


def _start(job: ImportJob) -> None:
    if job.total_rows > ASYNC_THRESHOLD:
        from mentorship.imports import tasks  # tasks import this module

        leases.job_enqueue_on_commit(ImportJob, tasks.import_run, job.pk)
    else:
        import_job_run(job_id=job.pk)


def can_retry_import(job: ImportJob) -> bool:
    """A failed import keeps its file, so it can run again (jobs failed before that cannot)."""
    return job.status == ImportStatus.FAILED and ImportJob.objects.filter(pk=job.pk).exclude(content=b"").exists()


@transaction.atomic
def import_job_retry(*, job: ImportJob, by: User | None) -> ImportJob:
    """Import a failed job again from its kept file (it is checked again first)."""
    claimed = (
        ImportJob.objects.filter(pk=job.pk, status=ImportStatus.FAILED)
        .exclude(content=b"")
        .update(status=ImportStatus.QUEUED, error="", attempts=0, started_at=None, finished_at=None, enqueued_at=None)
    )
    if not claimed:
        raise ValidationError("Only a failed import whose file is still kept can be retried.")
    _start(job)
    job.refresh_from_db()
    return job


def import_jobs_recover() -> leases.Recovered:
    """The periodic pass: imports whose worker died are queued again (their transaction rolled
    back, so they start over) or failed; lost hand-offs are enqueued again."""
    from mentorship.imports import tasks

    return leases.jobs_recover(ImportJob, task=tasks.import_run)


def import_job_run(*, job_id: int) -> None:
    """Import a confirmed job. Safe to run twice: the job is a leased claim (mentorship.leases),
    so a second run finds it done or held. A worker killed mid-way rolled its transaction back;
    whoever takes the expired lease over starts again from the file."""
    token = leases.job_claim(ImportJob, pk=job_id)
    if token is None:
        return
    try:
        with leases.Heartbeat(ImportJob, pk=job_id, token=token) as heartbeat, transaction.atomic():
            job = ImportJob.objects.get(pk=job_id)
            _run(job, token=token, heartbeat=heartbeat)
    except leases.LeaseLost:
        logger.warning("Import job %s was taken over by another worker; this run wrote nothing", job_id)
    except Exception as error:
        logger.exception("Import job %s failed", job_id)
        # The file is kept, so HR can retry once the cause is fixed.
        leases.job_fail(ImportJob, pk=job_id, token=token, error=f"{type(error).__name__}: {error}")
    finally:
        _progress_clear(job_id)


def _progress_set(job_id: int, done: int, *, stage: str | None = None) -> None:
    try:
        values: dict[str, Any] = {_progress_key(job_id): done}
        if stage is not None:  # written at the two stage boundaries only
            values[_stage_key(job_id)] = stage
        cache.set_many(values, timeout=3600)
    except Exception:  # progress is a nicety: the import goes on without it
        logger.warning("Could not record the progress of import job %s", job_id, exc_info=True)


def _progress_clear(job_id: int) -> None:
    try:
        cache.delete_many([_progress_key(job_id), _stage_key(job_id)])
    except Exception:  # it expires by itself
        logger.warning("Could not clear the progress of import job %s", job_id, exc_info=True)


def _drift(job: ImportJob, tree_changes: dict[str, Any]) -> list[Problem]:
    """What changed in the app since HR saw the preview and would make the import do more."""
    problems = []
    seen_units = set(job.new_top_level)
    if any(unit not in seen_units for unit in tree_changes["new_top_level"]):
        problems.append(Problem(None, None, "The org tree changed since the preview; check the file again."))
    return problems


def _run(job: ImportJob, *, token: str, heartbeat: leases.Heartbeat) -> None:
    _progress_set(job.pk, 0, stage="checking")
    parsed = _parse(bytes(job.content), job)
    check = _check(parsed, job)
    problems, plans, people, tree = check.problems, check.plans, check.people, check.tree
    tree_changes = tree.describe(check.tree_plan)  # labels as they were, before renaming
    problems = problems or _drift(job, tree_changes)
    if problems or people is None:  # people changed in the app since the preview (a manager left, say)
        job = leases.fence(ImportJob, pk=job.pk, token=token)
        _store_problems(job, problems)
        job.status, job.content, job.finished_at = ImportStatus.INVALID, b"", timezone.now()
        job.lease_token, job.lease_expires_at = "", None
        job.save()
        return
    for unit, name in check.tree_plan.renames:
        tree.rename(unit, name)
    participant_ids = {email: pk for pk, email in people.participant_emails.items()}
    levels = _managers_first([plan for plan in plans if plan.user is None or plan.participant is None])
    updates = [plan for plan in plans if plan.action == "update" and plan.participant is not None]
    done = len(plans) - sum(map(len, levels)) - len(updates)  # unchanged rows need no work
    _progress_set(job.pk, done, stage="writing")

    def report(batch: Sequence[_RowPlan]) -> None:
        nonlocal done
        done += len(batch)
        heartbeat.check()  # taken over meanwhile: stop, and roll everything back
        _progress_set(job.pk, done)

    for level in levels:
        for batch in _chunks(level, BATCH_SIZE):
            _create_batch(batch, tree, participant_ids)
            report(batch)
    for batch in _chunks(updates, BATCH_SIZE):
        _update_batch(batch, tree, participant_ids)
        report(batch)

    job = leases.fence(ImportJob, pk=job.pk, token=token)
    now = timezone.now()
    job.status, job.content, job.finished_at = ImportStatus.DONE, b"", now
    job.lease_token, job.lease_expires_at = "", None
    job.tree_changes = tree_changes
    job.processed_rows = len(plans)
    job.created_emails = [plan.row.email for plan in plans if plan.action == "create"]
    job.updated_emails = [plan.row.email for plan in plans if plan.action == "update"]
    job.unchanged_emails = [plan.row.email for plan in plans if plan.action == "unchanged"]
    job.changes = {plan.row.email: _labels(plan) for plan in plans if plan.action == "update"}
    job.created_count, job.updated_count = len(job.created_emails), len(job.updated_emails)
    job.unchanged_count = len(job.unchanged_emails)
    if job.invite:
        new_users = [plan.user for plan in plans if plan.action == "create" and plan.user is not None]
        job.invitations_sent = import_invitations_write(job=job, users=new_users)
    # Only people HR saw listed as leaving, and still missing from the file, are deactivated.
    confirmed = {leaver["email"] for leaver in job.leavers}
    leaving = [leaver for leaver in people.leavers if leaver.email in confirmed]
    job.ended_mentorships = leavers_deactivate(leavers=leaving, now=now, by=job.created_by)
    job.left_emails = [leaver.email for leaver in leaving]
    job.save()


def _labels(plan: _RowPlan) -> list[str]:
    return [FIELD_LABELS[name] for name in plan.changes]


def _managers_first(creates: list[_RowPlan]) -> list[list[_RowPlan]]:
    """New profiles in levels, each new manager a level above their reports. Created level by
    level, every profile is written once, with its manager, whatever the order of the file."""
    by_email = {plan.row.email: plan for plan in creates}
    depth: dict[str, int] = {}
    for plan in creates:
        chain: list[str] = []
        email: str | None = plan.row.email
        while email in by_email and email not in depth:
            chain.append(email)
            email = by_email[email].changes.get("manager") or None
        level = depth.get(email, -1) if email is not None else -1
        for name in reversed(chain):  # the checks refused loops, so every chain ends
            level += 1
            depth[name] = level
    levels: list[list[_RowPlan]] = [[] for _ in range(max(depth.values(), default=-1) + 1)]
    for plan in creates:
        levels[depth[plan.row.email]].append(plan)
    return levels


def _profile_values(changes: dict[str, Any], tree: ImportTree, participant_ids: dict[str, int]) -> dict[str, Any]:
    """Participant attributes for `changes`, with departments and managers resolved to ids."""
    values = {
        name: value for name, value in changes.items() if name not in ("first_name", "last_name", "profile", "active")
    }
    if "active" in changes:
        values["left_at"] = None
    if "org_unit" in values:
        values["org_unit_id"] = tree.ensure(values.pop("org_unit"))
    if "manager" in values:
        manager = values.pop("manager")
        values["manager_id"] = participant_ids[manager] if manager else None
    return values


def _create_batch(batch: Sequence[_RowPlan], tree: ImportTree, participant_ids: dict[str, int]) -> None:
    new = [plan for plan in batch if plan.user is None]
    # Imported people set their password through the invitation (or "Forgot password"): an
    # unusable password costs nothing, where hashing a random one would cost ~0.1 s per row.
    users = [
        User(email=p.row.email, first_name=p.row.first_name, last_name=p.row.last_name, password=make_password(None))
        for p in new
    ]
    User.objects.bulk_create(users)
    for plan, user in zip(new, users, strict=True):
        plan.user = user
    EmailAddress.objects.bulk_create(
        EmailAddress(user=user, email=user.email, verified=False, primary=True) for user in users
    )
    renamed: list[User] = []
    for plan in batch:  # accounts that had no profile yet take the file's names too
        if plan.action != "create" and plan.user is not None:
            plan.user.first_name, plan.user.last_name = plan.row.first_name, plan.row.last_name
            renamed.append(plan.user)
    if renamed:
        User.objects.bulk_update(renamed, ["first_name", "last_name"])
    participants = []
    for plan in batch:
        values = _profile_values(plan.changes, tree, participant_ids)
        values.setdefault("timezone", "UTC")
        participants.append(Participant(user=plan.user, **values))
    Participant.objects.bulk_create(participants)
    for plan, participant in zip(batch, participants, strict=True):
        plan.participant = participant
        participant_ids[plan.row.email] = participant.pk


def _update_batch(batch: Sequence[_RowPlan], tree: ImportTree, participant_ids: dict[str, int]) -> None:
    """Write only what changed: people are grouped by the fields that changed for them, so a
    re-import that fixes a few titles writes a few titles."""
    now = timezone.now()
    users: list[User] = []
    groups: dict[tuple[str, ...], list[Participant]] = defaultdict(list)
    for plan in batch:
        assert plan.user is not None and plan.participant is not None  # noqa: S101 (updates only)
        if "first_name" in plan.changes or "last_name" in plan.changes or "active" in plan.changes:
            plan.user.first_name, plan.user.last_name = plan.row.first_name, plan.row.last_name
            plan.user.is_active = plan.user.is_active or "active" in plan.changes
            users.append(plan.user)
        values = _profile_values(plan.changes, tree, participant_ids)
        if values:
            for name, value in values.items():
                setattr(plan.participant, name, value)
            plan.participant.updated_at = now
            groups[tuple(sorted(values))].append(plan.participant)
    if users:
        User.objects.bulk_update(users, ["first_name", "last_name", "is_active"])
    for fields, participants in groups.items():
        Participant.objects.bulk_update(participants, [*fields, "updated_at"])


# Invitations ----------------------------------------------------------------------------------------


def invitation_link(*, user: User) -> str:
    """allauth's password-reset link: following it lets the person choose their first password."""
    key = default_token_generator.make_token(user)
    path = reverse("account_reset_password_from_key", kwargs={"uidb36": user_pk_to_url_str(user), "key": key})
    return absolute_url(path)


def invitation_key(*, job_id: int, user_id: int) -> str:
    return f"{INVITATION}:job{job_id}:user{user_id}"


def import_invitations_write(*, job: ImportJob, users: Sequence[User]) -> int:
    """Write one invitation per new person, as notifications, in the import's own transaction:
    they exist exactly when the people do, and the claimed email delivery sends each once. The
    link is made when the email is sent (invitation_email), so no token is ever stored."""
    inviter = _inviter(job)
    now = timezone.now()
    rows = [
        Notification(
            recipient=user,
            kind=INVITATION,
            title=f"{inviter} invited you to Mentorship"[:200],
            body="Welcome to Mentorship. Check your profile and skills, then join a program.",
            url=reverse("participants:my_profile"),
            dedupe_key=invitation_key(job_id=job.pk, user_id=user.pk),
            email_status=EmailStatus.PENDING,
            created_at=now,
        )
        for user in users
    ]
    Notification.objects.bulk_create(rows, batch_size=BATCH_SIZE, ignore_conflicts=True)
    transaction.on_commit(pending_emails_enqueue, robust=True)
    return len(rows)


def invitations_status(*, job: ImportJob) -> dict[str, int]:
    """How the import's invitations stand: {"sent": n, "waiting": n, "failed": n}."""
    counts = dict(
        Notification.objects.filter(dedupe_key__startswith=f"{INVITATION}:job{job.pk}:")
        .values_list("email_status")
        .annotate(n=Count("id"))
        .order_by()
    )
    return {
        "sent": counts.get(EmailStatus.SENT, 0),
        "waiting": counts.get(EmailStatus.PENDING, 0) + counts.get(EmailStatus.SENDING, 0),
        "failed": counts.get(EmailStatus.FAILED, 0),
    }


def _inviter(job: ImportJob) -> str:
    return (job.created_by.get_full_name() or job.created_by.email) if job.created_by else "Your HR team"


def invitation_email(notification: Notification) -> EmailMultiAlternatives:
    """The email of an invitation notification, with a fresh link to choose a password."""
    job_id = int(notification.dedupe_key.split(":")[1].removeprefix("job"))
    job = ImportJob.objects.select_related("created_by").filter(pk=job_id).first()
    user = notification.recipient
    reset_url = absolute_url(reverse("account_reset_password"))
    context = {
        "user": user,
        "inviter": _inviter(job) if job is not None else "Your HR team",
        "link": invitation_link(user=user),
        "reset_url": reset_url,
        "reset_days": max(1, round(settings.PASSWORD_RESET_TIMEOUT / 86400)),  # how long the link works
        "site_url": settings.SITE_URL.rstrip("/"),
    }
    subject = render_to_string("imports/email/invitation_subject.txt", context).strip()
    message = EmailMultiAlternatives(
        subject=subject,
        body=render_to_string("imports/email/invitation_message.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[user.email],
    )
    message.attach_alternative(render_to_string("imports/email/invitation_message.html", context), "text/html")
    return message
