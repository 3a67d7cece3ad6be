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
from typing import Any

from allauth.account.forms import default_token_generator
from allauth.account.models import EmailAddress
from allauth.account.utils import user_pk_to_url_str
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import Count
from django.db.models.functions import Lower
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from mentorship import leases
from mentorship.accounts.models import User
from mentorship.imports.models import ImportJob, ImportStatus
from mentorship.imports.parsing import LABELS, ParsedRow, ParseResult, Problem, find_reporting_loops, parse_csv
from mentorship.notifications.kinds import INVITATION
from mentorship.notifications.models import EmailStatus, Notification
from mentorship.notifications.services import pending_emails_enqueue
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
    """HR confirms a checked file: import it now, or on a worker when it is large. With the
    broker down the job is saved as queued all the same, and the recovery pass hands it over."""
    claimed = ImportJob.objects.filter(pk=job.pk, status=ImportStatus.READY).update(
        status=ImportStatus.QUEUED, invite=invite
    )
    if claimed:  # a second click on "Import" finds the job already claimed and does nothing
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


def _progress_set(job_id: int, done: int) -> None:
    try:
        cache.set(_progress_key(job_id), done, timeout=3600)
    except Exception:  # progress is a nicety: the import goes on without it
        logger.warning("Could not record the progress of import job %s", job_id, exc_info=True)


def _progress_clear(job_id: int) -> None:
    try:
        cache.delete(_progress_key(job_id))
    except Exception:  # it expires by itself
        logger.warning("Could not clear the progress of import job %s", job_id, exc_info=True)


def _run(job: ImportJob, *, token: str, heartbeat: leases.Heartbeat) -> None:
    parsed = _parse(bytes(job.content))
    problems, plans, people = _check(parsed)
    if problems or people is None:  # people changed in the app since the preview (a manager left, say)
        job = leases.fence(ImportJob, pk=job.pk, token=token)
        _store_problems(job, problems)
        job.status, job.content, job.finished_at = ImportStatus.INVALID, b"", timezone.now()
        job.lease_token, job.lease_expires_at = "", None
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
    job.status, job.content, job.finished_at = ImportStatus.DONE, b"", timezone.now()
    job.lease_token, job.lease_expires_at = "", None
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
            title=f"{inviter} invited you to the mentoring programme"[:200],
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


def invitation_email(notification: Notification) -> EmailMessage:
    """The email of an invitation notification, with a fresh link to choose a password."""
    job_id = int(notification.dedupe_key.split(":")[1].removeprefix("job"))
    job = ImportJob.objects.select_related("created_by").filter(pk=job_id).first()
    user = notification.recipient
    reset_url = settings.SITE_URL.rstrip("/") + reverse("account_reset_password")
    context = {
        "user": user,
        "inviter": _inviter(job) if job is not None else "Your HR team",
        "link": invitation_link(user=user),
        "reset_url": reset_url,
    }
    subject = render_to_string("imports/email/invitation_subject.txt", context).strip()
    body = render_to_string("imports/email/invitation_message.txt", context)
    return EmailMessage(subject=subject, body=body, from_email=settings.DEFAULT_FROM_EMAIL, to=[user.email])
