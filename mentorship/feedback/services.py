"""Every write of the feedback loop: the sweep, at-risk marking, weekly digests, preferences.

The database decides what is due (rules.py); this module writes reminder rows (notifications
with a unique dedupe key) in bulk and, once the transaction has committed, hands their emails to
the broker. Delivery itself (claim, send, retry) lives in mentorship.notifications.services.
"""

import logging
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db import connection, transaction
from django.db.models import Count
from django.urls import reverse
from django.utils import timezone

from mentorship.accounts.models import User
from mentorship.feedback import rules
from mentorship.feedback.models import EmailChoice, EmailPreference
from mentorship.mentorships.models import Mentorship, MentorshipStatus
from mentorship.notifications import kinds
from mentorship.notifications.models import EmailStatus, Notification
from mentorship.notifications.services import absolute_url, pending_emails_enqueue
from mentorship.participants.roles import HR_ADMIN_GROUP
from mentorship.programs.models import Program, ProgramStatus
from mentorship.workspace.models import MentoringSession, SessionRating

logger = logging.getLogger(__name__)

_STATUS_FOR_CHOICE = {
    EmailChoice.IMMEDIATE: EmailStatus.PENDING,
    EmailChoice.DIGEST: EmailStatus.DIGEST,
    EmailChoice.OFF: EmailStatus.SKIPPED,
}


@dataclass
class SweepResult:
    written: dict[str, int] = field(default_factory=dict)
    at_risk: list[int] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(self.written.values())


# --- Writing reminder rows ------------------------------------------------------------------------


def _existing_keys(keys: Sequence[str]) -> set[str]:
    """Which of `keys` are already written. One query on PostgreSQL; SQLite caps the number of
    parameters per query, so there it is one query per that many keys."""
    limit = connection.features.max_query_params
    size = max(1, limit - 10 if limit else len(keys))
    found: set[str] = set()
    for start in range(0, len(keys), size):
        found.update(
            Notification.objects.filter(dedupe_key__in=keys[start : start + size]).values_list("dedupe_key", flat=True)
        )
    return found


# Any constant: the key of the transaction-scoped advisory lock reminder writers take turns on.
REMINDER_WRITE_LOCK = 0x6D656E746F72  # "mentor"


def _lock_reminder_writes() -> None:
    """Until this transaction ends, no other sweep or digest writes reminders. On PostgreSQL an
    advisory lock; SQLite needs none (a write transaction holds the whole database)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [REMINDER_WRITE_LOCK])


def _email_choices() -> dict[tuple[int, str], str]:
    """Everyone's non-default email choices, (user id, kind) -> choice: one query, as large as the
    number of people who changed a preference."""
    return {
        (user_id, kind): choice
        for user_id, kind, choice in EmailPreference.objects.exclude(choice=EmailChoice.IMMEDIATE).values_list(
            "user_id", "kind", "choice"
        )
    }


def reminders_write(*, due: Iterable[rules.Due], now: datetime) -> dict[str, int]:
    """Insert the reminders not written yet, honouring each person's email choice. Returns the
    number written per kind: the rows this call inserted, not the rows it meant to. Concurrent
    writers take turns (_lock_reminder_writes), so the second sees the first's rows as existing;
    the unique key (ignore_conflicts) stays the backstop. A constant number of queries on
    PostgreSQL: the lock, existing keys, choices, one INSERT."""
    unique = {item.dedupe_key: item for item in due}
    if not unique:
        return {}
    _lock_reminder_writes()
    existing = _existing_keys(list(unique))
    new = [item for key, item in unique.items() if key not in existing]
    if not new:
        return {}
    choices = _email_choices()
    rows = []
    for item in new:
        if item.kind in kinds.CONFIGURABLE:
            choice = choices.get((item.recipient_id, item.kind), EmailChoice.IMMEDIATE)
            status = _STATUS_FOR_CHOICE[EmailChoice(choice)]
        else:  # HR alerts and digests: nobody may switch them off
            status = EmailStatus.PENDING
        rows.append(
            Notification(
                recipient_id=item.recipient_id,
                kind=item.kind,
                title=item.title[:200],
                body=item.body,
                url=item.url,
                dedupe_key=item.dedupe_key,
                email_status=status,
            )
        )
    Notification.objects.bulk_create(rows, ignore_conflicts=True)
    written: dict[str, int] = defaultdict(int)
    for item in new:
        written[item.kind] += 1
    return dict(written)


def _after_commit_enqueue() -> None:
    transaction.on_commit(pending_emails_enqueue)


# --- At risk --------------------------------------------------------------------------------------


def _hr_recipients(program_ids: Iterable[int]) -> dict[int, list[int]]:
    """User ids to alert per program: its owners, or every HR admin for a program without owners
    (so an alert is never addressed to nobody). Two queries."""
    program_ids = set(program_ids)
    owners: dict[int, list[int]] = defaultdict(list)
    for program_id, user_id in (
        Program.owners.through.objects.filter(program_id__in=program_ids, user__is_active=True)
        .order_by("user_id")
        .values_list("program_id", "user_id")
    ):
        owners[program_id].append(user_id)
    if program_ids - set(owners):
        admins = list(
            User.objects.filter(groups__name=HR_ADMIN_GROUP, is_active=True).order_by("pk").values_list("pk", flat=True)
        )
        for program_id in program_ids - set(owners):
            owners[program_id] = admins
    return owners


def pairs_mark_at_risk(*, candidates: Sequence[rules.AtRisk], now: datetime) -> tuple[list[int], list[rules.Due]]:
    """Mark the pairs at risk (once: only a pair not already marked), and return their ids and
    the alerts for the programs' HR owners. One UPDATE per distinct reason, three reads."""
    by_pair: dict[int, rules.AtRisk] = {}
    for candidate in candidates:
        by_pair.setdefault(candidate.mentorship_id, candidate)
    if not by_pair:
        return [], []
    by_reason: dict[str, list[int]] = defaultdict(list)
    for candidate in by_pair.values():
        by_reason[candidate.reason].append(candidate.mentorship_id)
    for reason, ids in by_reason.items():
        Mentorship.objects.filter(pk__in=ids, at_risk_since=None, status=MentorshipStatus.ACTIVE).update(
            at_risk_since=now, at_risk_reason=reason[:300]
        )
    marked = list(
        Mentorship.objects.filter(pk__in=list(by_pair), at_risk_since=now).values_list(
            "id",
            "program_id",
            "program__name",
            "mentor__user__first_name",
            "mentor__user__last_name",
            "mentee__user__first_name",
            "mentee__user__last_name",
        )
    )
    recipients = _hr_recipients(program_id for _, program_id, *_ in marked)
    detail_url = rules._link("mentorships:detail")
    alerts = []
    for mid, program_id, program, *names in marked:
        pair = f"{names[0]} {names[1]}".strip() + " and " + f"{names[2]} {names[3]}".strip()
        for user_id in recipients[program_id]:
            alerts.append(
                rules.Due(
                    recipient_id=user_id,
                    kind=kinds.HR_ALERT,
                    target=f"m{mid}.u{user_id}",
                    period=f"risk{now:%Y%m%d}",
                    title=f"A pair in {program} is at risk: {pair}",
                    body=f"{by_pair[mid].reason} You may want to check in with them or offer a re-match.",
                    url=detail_url(mid),
                )
            )
    return [mid for mid, *_ in marked], alerts


# --- The sweep ------------------------------------------------------------------------------------


def sweep(*, now: datetime | None = None) -> SweepResult:
    """Find everything that is due, write it once, and hand the emails to the broker after commit.

    Safe to run twice or concurrently: every reminder has a unique dedupe key. The hand-off also
    re-enqueues older pending emails whose message was lost (broker or worker down), so after an
    outage the next sweep delivers whatever was due.
    """
    now = now or timezone.now()
    result = SweepResult()
    with transaction.atomic():
        nudges, missed = rules.pairs_behind(now)
        result.at_risk, alerts = pairs_mark_at_risk(candidates=[*missed, *rules.pairs_with_low_ratings()], now=now)
        due = [
            *rules.sessions_to_rate(now),
            *nudges,
            *alerts,
            *rules.proposals_to_answer(now),
            *rules.check_ins_due(now),
            *rules.enrollment_closing(now),
        ]
        result.written = reminders_write(due=due, now=now)
        _after_commit_enqueue()
    logger.info(
        "Feedback sweep wrote %d reminders %s; %d pairs newly at risk",
        result.total,
        result.written,
        len(result.at_risk),
    )
    return result


# --- Weekly digests -------------------------------------------------------------------------------


def _week(now: datetime) -> str:
    year, week, _ = now.isocalendar()
    return f"{year}w{week:02d}"


def participant_digests_write(*, now: datetime) -> int:
    """One email per person collecting the reminders they chose to get weekly. The collected rows
    become "sent in a digest" in the same transaction, so each is in exactly one digest."""
    rows = (
        Notification.objects.filter(email_status=EmailStatus.DIGEST)
        .order_by("recipient_id", "id")
        .values_list("id", "recipient_id", "title", "url")
    )
    items: dict[int, list[tuple[int, str, str]]] = defaultdict(list)
    for pk, user_id, title, url in rows.iterator(chunk_size=rules.CHUNK):
        items[user_id].append((pk, title, url))
    if not items:
        return 0
    week = _week(now)
    keys = {user_id: f"{kinds.DIGEST}:u{user_id}:{week}" for user_id in items}
    _lock_reminder_writes()
    done = _existing_keys(list(keys.values()))  # already sent this week: the rest waits a week
    digests: list[Notification] = []
    collected: list[int] = []
    for user_id, entries in items.items():
        if keys[user_id] in done:
            continue
        lines = [f"- {title}\n  {absolute_url(url)}" for _, title, url in entries]
        digests.append(
            Notification(
                recipient_id=user_id,
                kind=kinds.DIGEST,
                title=f"Your week in mentoring: {len(entries)} reminder{'s' if len(entries) != 1 else ''}",
                body="\n".join(lines),
                url=reverse("notifications:list"),
                dedupe_key=keys[user_id],
                read_at=now,  # the reminders themselves are in the inbox already
            )
        )
        collected.extend(pk for pk, _, _ in entries)
    Notification.objects.bulk_create(digests, ignore_conflicts=True)
    if collected:
        Notification.objects.filter(
            email_status=EmailStatus.DIGEST, pk__gte=min(collected), pk__lte=max(collected)
        ).exclude(recipient_id__in=[user_id for user_id in items if keys[user_id] in done]).update(
            email_status=EmailStatus.DIGESTED
        )
    return len(digests)


@dataclass(frozen=True)
class ProgramWeek:
    program_id: int
    name: str
    sessions: int
    ratings: int
    new_at_risk: int

    @property
    def response_rate(self) -> int | None:
        """Ratings given as a share of the ratings possible (two attendees per session), in %."""
        return round(100 * self.ratings / (2 * self.sessions)) if self.sessions else None


def program_weeks(*, now: datetime) -> list[ProgramWeek]:
    """This week's figures for every running program, in four grouped queries."""
    today = now.date()
    since = today - timedelta(days=6)
    programs = dict(Program.objects.filter(status=ProgramStatus.RUNNING).values_list("id", "name"))
    sessions = dict(
        MentoringSession.objects.filter(mentorship__program_id__in=programs, held_on__range=(since, today))
        .values_list("mentorship__program_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    ratings = dict(
        SessionRating.objects.filter(
            session__mentorship__program_id__in=programs, session__held_on__range=(since, today)
        )
        .values_list("session__mentorship__program_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    at_risk = dict(
        Mentorship.objects.filter(program_id__in=programs, at_risk_since__gte=now - timedelta(days=7))
        .values_list("program_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    return [
        ProgramWeek(pk, name, sessions.get(pk, 0), ratings.get(pk, 0), at_risk.get(pk, 0))
        for pk, name in sorted(programs.items(), key=lambda item: item[1])
    ]


def hr_digests_write(*, now: datetime) -> int:
    """One weekly email per HR owner covering all their running programs."""
    weeks = program_weeks(now=now)
    recipients = _hr_recipients(week.program_id for week in weeks)
    per_owner: dict[int, list[ProgramWeek]] = defaultdict(list)
    for week in weeks:
        for user_id in recipients[week.program_id]:
            per_owner[user_id].append(week)
    url = reverse("programs:hr_list")
    due = []
    for user_id, owned in per_owner.items():
        lines = []
        for week in owned:
            rate = (
                f"{week.response_rate}% of sessions rated" if week.response_rate is not None else "no sessions to rate"
            )
            lines.append(
                f"{week.name}: {week.sessions} session{'s' if week.sessions != 1 else ''} this week, {rate}, "
                f"{week.new_at_risk} new pair{'s' if week.new_at_risk != 1 else ''} at risk."
            )
        due.append(
            rules.Due(
                recipient_id=user_id,
                kind=kinds.HR_DIGEST,
                target=f"u{user_id}",
                period=_week(now),
                title=f"Your programs this week ({len(owned)})",
                body="\n".join(lines),
                url=url,
            )
        )
    return reminders_write(due=due, now=now).get(kinds.HR_DIGEST, 0)


def weekly_digest_send(*, now: datetime | None = None) -> dict[str, int]:
    now = now or timezone.now()
    with transaction.atomic():
        result = {"participants": participant_digests_write(now=now), "hr": hr_digests_write(now=now)}
        _after_commit_enqueue()
    return result


# --- Preferences ----------------------------------------------------------------------------------


def email_preferences_for(user: User) -> dict[str, str]:
    """Every configurable kind with the person's choice (immediately unless they changed it)."""
    stored = dict(EmailPreference.objects.filter(user=user).values_list("kind", "choice"))
    return {kind: stored.get(kind, EmailChoice.IMMEDIATE) for kind in kinds.CONFIGURABLE}


@transaction.atomic
def email_preferences_set(*, user: User, choices: dict[str, str]) -> None:
    """Store the person's choices. Kinds outside the configurable list (HR alerts) are refused."""
    unknown = set(choices) - set(kinds.CONFIGURABLE)
    if unknown:
        raise ValueError(f"These emails cannot be configured: {', '.join(sorted(unknown))}")
    for kind, choice in choices.items():
        EmailPreference.objects.update_or_create(user=user, kind=kind, defaults={"choice": EmailChoice(choice)})
