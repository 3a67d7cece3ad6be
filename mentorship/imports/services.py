"""Every write of the employee import: check an uploaded file, then upsert people by email.

An import is one transaction: either every row lands or none does. It runs in a few dozen
queries whatever the file size: existing people, the reporting graph and the org tree are loaded
up front, and writes go out with bulk_create / bulk_update in batches. Rows whose values already
match are not written at all, so importing the same file twice changes nothing.
"""

import logging
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from allauth.account.forms import default_token_generator
from allauth.account.models import EmailAddress
from allauth.account.utils import user_pk_to_url_str
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.cache import cache
from django.core.mail import EmailMessage, mailers
from django.db import transaction
from django.db.models.functions import Lower
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from mentorship.accounts.models import User
from mentorship.audit.models import Action
from mentorship.audit.services import audit_record
from mentorship.imports.models import ImportJob, ImportStatus
from mentorship.imports.parsing import LABELS, ParsedRow, ParseResult, Problem, find_reporting_loops, parse_csv
from mentorship.participants.models import LANGUAGES, OrgUnit, Participant

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
}


def max_bytes() -> int:
    return int(getattr(settings, "IMPORT_MAX_BYTES", DEFAULT_MAX_BYTES))


def _progress_key(job_id: int) -> str:
    return f"imports:progress:{job_id}"


def import_progress(*, job: ImportJob) -> int:
    """Rows processed so far. While an import runs its transaction is still open, so other
    connections cannot see the job row change: progress goes through the shared cache instead."""
    if job.status == ImportStatus.RUNNING:
        return max(job.processed_rows, int(cache.get(_progress_key(job.pk)) or 0))
    return job.processed_rows


# Loading what is already there --------------------------------------------------------------------


def _chunks[T](items: Sequence[T], size: int) -> Iterator[Sequence[T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _fold(path: Sequence[str]) -> tuple[str, ...]:
    return tuple(name.casefold() for name in path)


class _UnitTree:
    """The org tree in memory (one query), matching names ignoring case, creating what is missing."""

    def __init__(self) -> None:
        self.units: dict[int, tuple[str, int | None]] = {}
        self.children: dict[tuple[int | None, str], int] = {}
        for pk, name, parent in OrgUnit.objects.values_list("id", "name", "parent_id"):
            self._remember(pk, name, parent)
        self._paths: dict[int, tuple[str, ...]] = {}

    def _remember(self, pk: int, name: str, parent: int | None) -> None:
        self.units[pk] = (name, parent)
        self.children[(parent, name.casefold())] = pk

    def path(self, pk: int | None) -> tuple[str, ...]:
        if pk is None:
            return ()
        if pk not in self._paths:
            names: list[str] = []
            current: int | None = pk
            while current is not None and len(names) < 100:
                name, current = self.units[current]
                names.append(name)
            self._paths[pk] = tuple(reversed(names))
        return self._paths[pk]

    def ensure(self, path: Sequence[str]) -> int | None:
        parent: int | None = None
        for name in path:
            pk = self.children.get((parent, name.casefold()))
            if pk is None:
                pk = OrgUnit.objects.create(parent_id=parent, name=name).pk
                self._remember(pk, name, parent)
            parent = pk
        return parent


@dataclass
class _People:
    users: dict[str, User]  # by lower-cased email, each with its participant (if any) loaded
    participant_emails: dict[int, str]  # every participant's lower-cased email, by participant id
    manager_of: dict[str, str | None]  # every participant's manager, by lower-cased email


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


def _current(name: str, user: User, participant: Participant, people: _People, tree: _UnitTree) -> Any:
    if name in ("first_name", "last_name"):
        return getattr(user, name)
    if name == "org_unit":
        return _fold(tree.path(participant.org_unit_id))
    if name == "manager":
        return people.participant_emails.get(participant.manager_id, "") if participant.manager_id else ""
    return getattr(participant, name)


def _plan(parsed: ParseResult, people: _People, tree: _UnitTree) -> list[_RowPlan]:
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
                wanted = _fold(value) if name == "org_unit" else value
                if _current(name, user, participant, people, tree) != wanted:
                    plan.changes[name] = value
        plan.action = "create" if user is None else "update" if plan.changes else "unchanged"
        plans.append(plan)
    return plans


def _parse(content: bytes) -> ParseResult:
    return parse_csv(content, max_bytes=max_bytes(), languages=LANGUAGES)


def _check(parsed: ParseResult) -> tuple[list[Problem], list[_RowPlan], _People | None]:
    problems = list(parsed.problems)
    if not parsed.rows:
        return problems, [], None
    people = _load_people(parsed)
    problems += _check_managers(parsed, people)
    problems.sort(key=lambda p: p.row or 0)  # stable: keeps the column order within a row
    return problems, _plan(parsed, people, _UnitTree()), people


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
        "changes": [FIELD_LABELS[name] for name in plan.changes] if plan.action == "update" else [],
    }


def _store_problems(job: ImportJob, problems: list[Problem]) -> None:
    job.problems = [p.as_dict() for p in problems[:MAX_STORED_PROBLEMS]]
    if len(problems) > MAX_STORED_PROBLEMS:
        more = len(problems) - MAX_STORED_PROBLEMS
        job.problems.append({"row": None, "column": None, "message": f"…and {more:,} more problems not listed."})


# Services -------------------------------------------------------------------------------------------


@transaction.atomic
def import_job_create(*, file_name: str, content: bytes, by: User | None) -> ImportJob:
    """Check an uploaded file and record it with its problems, or as ready to import."""
    parsed = _parse(content)
    problems, plans, _ = _check(parsed)
    actions = [plan.action for plan in plans]
    job = ImportJob(
        created_by=by,
        file_name=file_name[:255],
        encoding=parsed.encoding,
        delimiter=parsed.delimiter,
        total_rows=parsed.total_rows,
        notices=parsed.notices,
        preview_rows=[_preview_row(plan) for plan in plans[:PREVIEW_ROWS]],
        created_count=actions.count("create"),
        updated_count=actions.count("update"),
        unchanged_count=actions.count("unchanged"),
    )
    _store_problems(job, problems)
    if problems:
        job.status = ImportStatus.INVALID  # it can never be imported, so the file is not kept
    else:
        job.status, job.content = ImportStatus.READY, content
    job.save()
    return job


@transaction.atomic
def import_job_confirm(*, job: ImportJob, invite: bool) -> ImportJob:
    """HR confirms a checked file: import it now, or on a worker when it is large."""
    claimed = ImportJob.objects.filter(pk=job.pk, status=ImportStatus.READY).update(
        status=ImportStatus.QUEUED, invite=invite
    )
    if claimed:  # a second click on "Import" finds the job already claimed and does nothing
        audit_record(
            action=Action.IMPORT_CONFIRMED,
            obj=job,
            summary=f"{job.total_rows} rows" + (", invitations" if invite else ""),
        )
        if job.total_rows > ASYNC_THRESHOLD:
            from mentorship.imports import tasks  # tasks import this module

            tasks.import_run.delay_on_commit(job.pk)  # type: ignore[attr-defined]  # not in celery-types yet
        else:
            import_job_run(job_id=job.pk)
    job.refresh_from_db()
    return job


def import_job_run(*, job_id: int) -> None:
    """Import a confirmed job. Safe to run twice: the second run finds the job done."""
    # A job still RUNNING lost its worker mid-way; its transaction rolled back, so it starts over.
    running = [ImportStatus.QUEUED, ImportStatus.RUNNING]
    claimed = ImportJob.objects.filter(pk=job_id, status__in=running).update(
        status=ImportStatus.RUNNING, started_at=timezone.now(), processed_rows=0
    )
    if not claimed:
        return
    try:
        with transaction.atomic():
            job = ImportJob.objects.select_for_update().get(pk=job_id)
            if job.status == ImportStatus.RUNNING:
                _run(job)
    except Exception as error:
        logger.exception("Import job %s failed", job_id)
        ImportJob.objects.filter(pk=job_id, status=ImportStatus.RUNNING).update(
            status=ImportStatus.FAILED,
            error=f"{type(error).__name__}: {error}"[:2000],
            finished_at=timezone.now(),
            content=b"",
        )
    finally:
        cache.delete(_progress_key(job_id))


def _run(job: ImportJob) -> None:
    parsed = _parse(bytes(job.content))
    problems, plans, people = _check(parsed)
    if problems or people is None:  # people changed in the app since the preview (a manager left, say)
        _store_problems(job, problems)
        job.status, job.content, job.finished_at = ImportStatus.INVALID, b"", timezone.now()
        job.save()
        return
    tree = _UnitTree()
    participant_ids = {email: pk for pk, email in people.participant_emails.items()}
    levels = _managers_first([plan for plan in plans if plan.user is None or plan.participant is None])
    updates = [plan for plan in plans if plan.action == "update" and plan.participant is not None]
    done = len(plans) - sum(map(len, levels)) - len(updates)  # unchanged rows need no work

    def report(batch: Sequence[_RowPlan]) -> None:
        nonlocal done
        done += len(batch)
        cache.set(_progress_key(job.pk), done, timeout=3600)

    for level in levels:
        for batch in _chunks(level, BATCH_SIZE):
            _create_batch(batch, tree, participant_ids)
            report(batch)
    for batch in _chunks(updates, BATCH_SIZE):
        _update_batch(batch, tree, participant_ids)
        report(batch)

    job.status, job.content, job.finished_at = ImportStatus.DONE, b"", timezone.now()
    job.processed_rows = len(plans)
    job.created_emails = [plan.row.email for plan in plans if plan.action == "create"]
    job.updated_emails = [plan.row.email for plan in plans if plan.action == "update"]
    job.unchanged_emails = [plan.row.email for plan in plans if plan.action == "unchanged"]
    job.changes = {plan.row.email: _labels(plan) for plan in plans if plan.action == "update"}
    job.created_count, job.updated_count = len(job.created_emails), len(job.updated_emails)
    job.unchanged_count = len(job.unchanged_emails)
    job.save()
    if job.invite and job.created_emails:
        user_ids = [plan.user.pk for plan in plans if plan.action == "create" and plan.user is not None]
        transaction.on_commit(partial(import_invitations_send, job_id=job.pk, user_ids=user_ids))


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


def _profile_values(changes: dict[str, Any], tree: _UnitTree, participant_ids: dict[str, int]) -> dict[str, Any]:
    """Participant attributes for `changes`, with departments and managers resolved to ids."""
    values = {name: value for name, value in changes.items() if name not in ("first_name", "last_name", "profile")}
    if "org_unit" in values:
        values["org_unit_id"] = tree.ensure(values.pop("org_unit"))
    if "manager" in values:
        manager = values.pop("manager")
        values["manager_id"] = participant_ids[manager] if manager else None
    return values


def _create_batch(batch: Sequence[_RowPlan], tree: _UnitTree, participant_ids: dict[str, int]) -> None:
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


def _update_batch(batch: Sequence[_RowPlan], tree: _UnitTree, participant_ids: dict[str, int]) -> None:
    """Write only what changed: people are grouped by the fields that changed for them, so a
    re-import that fixes a few titles writes a few titles."""
    now = timezone.now()
    users: list[User] = []
    groups: dict[tuple[str, ...], list[Participant]] = defaultdict(list)
    for plan in batch:
        assert plan.user is not None and plan.participant is not None  # noqa: S101 (updates only)
        if "first_name" in plan.changes or "last_name" in plan.changes:
            plan.user.first_name, plan.user.last_name = plan.row.first_name, plan.row.last_name
            users.append(plan.user)
        values = _profile_values(plan.changes, tree, participant_ids)
        if values:
            for name, value in values.items():
                setattr(plan.participant, name, value)
            plan.participant.updated_at = now
            groups[tuple(sorted(values))].append(plan.participant)
    if users:
        User.objects.bulk_update(users, ["first_name", "last_name"])
    for fields, participants in groups.items():
        Participant.objects.bulk_update(participants, [*fields, "updated_at"])


# Invitations ----------------------------------------------------------------------------------------


def invitation_link(*, user: User) -> str:
    """allauth's password-reset link: following it lets the person choose their first password."""
    key = default_token_generator.make_token(user)
    path = reverse("account_reset_password_from_key", kwargs={"uidb36": user_pk_to_url_str(user), "key": key})
    return settings.SITE_URL.rstrip("/") + path


def import_invitations_send(*, job_id: int, user_ids: list[int]) -> int:
    """Email each new person a link to set their password. Runs after the import commits."""
    job = ImportJob.objects.select_related("created_by").get(pk=job_id)
    inviter = (job.created_by.get_full_name() or job.created_by.email) if job.created_by else "Your HR team"
    reset_url = settings.SITE_URL.rstrip("/") + reverse("account_reset_password")
    messages = []
    for user in User.objects.filter(pk__in=user_ids).order_by("pk"):
        context = {"user": user, "inviter": inviter, "link": invitation_link(user=user), "reset_url": reset_url}
        subject = render_to_string("imports/email/invitation_subject.txt", context).strip()
        body = render_to_string("imports/email/invitation_message.txt", context)
        messages.append(EmailMessage(subject=subject, body=body, to=[user.email]))
    sent = 0
    for batch in _chunks(messages, 100):
        try:
            sent += mailers.default.send_messages(list(batch)) or 0
        except Exception:  # the import stands; HR can ask people to use "Forgot password"
            logger.exception("Sending invitations for import job %s failed", job_id)
    ImportJob.objects.filter(pk=job_id).update(invitations_sent=sent)
    return sent
