"""What is due: one small function per reminder rule, reading the database in a fixed number of
set-based queries however many pairs and sessions there are.

Each rule returns `Due` items; the sweep (services.py) drops those already written (by dedupe key),
applies email preferences and inserts the rest in bulk. Rules never write. Time comes in as `now`
(the sweep passes `timezone.now()`), so tests travel with time_machine.

A reminder's dedupe key is `kind:target:period`. The target names the object and the recipient
(`s12.u5`: session 12, user 5), the period says which reminder of a series it is (`first`,
`second`, a cycle number), so every reminder exists at most once, whatever runs the sweep twice.
"""

from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce, TruncDate
from django.urls import NoReverseMatch, reverse

from mentorship.mentorships.models import Mentorship, MentorshipStatus
from mentorship.notifications import kinds
from mentorship.participants.models import Participant
from mentorship.participants.orgtree import OrgTree
from mentorship.programs import eligibility
from mentorship.programs.defaults import default_reminders
from mentorship.programs.models import Enrollment, Program
from mentorship.workspace.models import CheckIn, CheckInKind, MentoringSession, SessionRating
from mentorship.workspace.queries import check_in_days
from pairing.models import Proposal, ProposalStatus, Response

CHUNK = 5000  # rows fetched per round trip while iterating
SECOND_RATING_REMINDER = timedelta(hours=72)
# Reminders about a session, a proposal or a check-in stop after this: an old question is noise.
HORIZON = timedelta(days=14)
PROPOSAL_REMINDERS = (("3d", timedelta(days=3)), ("7d", timedelta(days=7)))
CHECK_IN_REMINDER_AFTER = timedelta(days=3)
ENROLLMENT_REMINDER_DAYS = 3
LOW_RATING = 2  # a rating of this or less counts towards "at risk"
LOW_RATINGS_FOR_RISK = 2


@dataclass(frozen=True)
class Due:
    recipient_id: int  # a user
    kind: str
    target: str
    period: str
    title: str
    body: str
    url: str

    @property
    def dedupe_key(self) -> str:
        return f"{self.kind}:{self.target}:{self.period}"


@dataclass(frozen=True)
class AtRisk:
    mentorship_id: int
    program_id: int
    reason: str


def reminder_setting(reminders: dict[str, Any] | None, name: str) -> int:
    """A program's reminder setting, falling back to the default for junk or missing values."""
    default = default_reminders()[name]
    value = (reminders or {}).get(name, default)
    if isinstance(value, bool):  # "remind_before_enrollment_closes": on means the default 3 days
        return ENROLLMENT_REMINDER_DAYS if value else 0
    return value if isinstance(value, int) and value >= 0 else int(default)


def _link(name: str) -> Callable[..., str]:
    """A fast `reverse` for one URL name with integer arguments: reversed once with sentinels,
    then filled in by string replacement (the sweep builds up to hundreds of thousands of links)."""
    sentinels = (987654321, 987654322)
    cache: dict[int, str | None] = {}

    def build(*args: int | str) -> str:
        if len(args) not in cache:
            try:
                cache[len(args)] = reverse(name, args=sentinels[: len(args)])
            except NoReverseMatch:  # a converter that refuses digits: reverse each time
                cache[len(args)] = None
        template = cache[len(args)]
        if template is None:
            return reverse(name, args=args)
        for sentinel, arg in zip(sentinels, args, strict=False):
            template = template.replace(str(sentinel), str(arg))
        return template

    return build


def _day_cutoff(now: datetime, elapsed: timedelta) -> date:
    """The last session date for which `elapsed` has passed since the end of that day (UTC)."""
    return (now - elapsed).date() - timedelta(days=1)


def _programs_by(setting: str) -> dict[int, list[int]]:
    """Program ids grouped by one reminder setting: a rule runs one query per distinct value,
    which is one in practice, not one per program."""
    groups: dict[int, list[int]] = defaultdict(list)
    for pk, reminders in Program.objects.values_list("id", "reminders"):
        groups[reminder_setting(reminders, setting)].append(pk)
    return groups


def _first(name: str, fallback: str) -> str:
    return name or fallback


# --- Sessions not rated ---------------------------------------------------------------------------


def sessions_to_rate(now: datetime) -> Iterator[Due]:
    """Each attendee (both people of the pair) who has not rated a session: asked once the
    program's delay has passed since the end of the session's day, asked once more after 72 h,
    then never again. Sessions of pairs that ended early are left alone."""
    rate_link = _link("workspace:session_rate")
    today = now.date()
    second_cutoff = _day_cutoff(now, SECOND_RATING_REMINDER)
    for delay, program_ids in _programs_by("rating_delay_hours").items():
        windows = [
            ("first", Q(held_on__lte=_day_cutoff(now, timedelta(hours=delay)), held_on__gt=second_cutoff)),
            ("second", Q(held_on__lte=second_cutoff, held_on__gte=today - HORIZON)),
        ]
        for period, window in windows:
            rows = (
                MentoringSession.objects.filter(window, mentorship__program_id__in=program_ids)
                .exclude(mentorship__status=MentorshipStatus.ENDED_EARLY)
                .annotate(
                    mentor_rated=Exists(
                        SessionRating.objects.filter(session=OuterRef("pk"), rater=OuterRef("mentorship__mentor_id"))
                    ),
                    mentee_rated=Exists(
                        SessionRating.objects.filter(session=OuterRef("pk"), rater=OuterRef("mentorship__mentee_id"))
                    ),
                )
                .filter(Q(mentor_rated=False) | Q(mentee_rated=False))
                .order_by()
                .values_list(
                    "id",
                    "held_on",
                    "mentor_rated",
                    "mentee_rated",
                    "mentorship__mentor__user_id",
                    "mentorship__mentee__user_id",
                    "mentorship__mentor__user__first_name",
                    "mentorship__mentee__user__first_name",
                )
            )
            for (
                sid,
                held_on,
                mentor_rated,
                mentee_rated,
                mentor_uid,
                mentee_uid,
                mentor_name,
                mentee_name,
            ) in rows.iterator(chunk_size=CHUNK):
                sides = ((mentor_rated, mentor_uid, mentee_name), (mentee_rated, mentee_uid, mentor_name))
                for rated, user_id, partner in sides:
                    if rated:
                        continue
                    again = "Reminder: " if period == "second" else ""
                    yield Due(
                        recipient_id=user_id,
                        kind=kinds.SESSION_RATING,
                        target=f"s{sid}.u{user_id}",
                        period=period,
                        title=f"{again}Rate your session with {_first(partner, 'your partner')} on {held_on:%-d %B}",
                        body="It takes a minute. Only you and the program's HR team see your rating; "
                        "your partner never does.",
                        url=rate_link(sid),
                    )


# --- Pairs behind their cadence -------------------------------------------------------------------


def _pair_rows(now: datetime) -> Iterator[tuple[Any, ...]]:
    """Active pairs that may be behind: their last session (or their start) is more than the
    shortest possible cadence ago. One query; the exact cadence and grace are applied in Python."""
    last_session = Subquery(
        MentoringSession.objects.filter(mentorship=OuterRef("pk")).order_by("-held_on").values("held_on")[:1]
    )
    return (
        Mentorship.objects.filter(status=MentorshipStatus.ACTIVE)
        .annotate(last_met=Coalesce(last_session, TruncDate("started_at")))
        .filter(last_met__lt=now.date() - timedelta(days=7))
        .order_by()
        .values_list(
            "id",
            "program_id",
            "started_at",
            "last_met",
            "cadence_days",
            "program__cadence_days",
            "program__reminders",
            "at_risk_since",
            "mentor__user_id",
            "mentee__user_id",
            "mentor__user__first_name",
            "mentee__user__first_name",
        )
        .iterator(chunk_size=CHUNK)
    )


def missed_cycles(*, today: date, last_met: date, cadence: int, grace: int) -> int:
    """Whole cycles missed: 0 until cadence + grace days have passed since the pair last met."""
    days = (today - last_met).days
    return 0 if days <= cadence + grace else (days - grace - 1) // cadence


def pairs_behind(now: datetime) -> tuple[list[Due], list[AtRisk]]:
    """Both people of a pair that has not met within its cadence plus the program's grace are
    nudged, once per missed cycle (period: the cycle number since the pair started). A pair that
    has missed `escalate_after_missed_cycles` cycles becomes at risk."""
    log_link = _link("workspace:session_log")
    today = now.date()
    due: list[Due] = []
    at_risk: list[AtRisk] = []
    for row in _pair_rows(now):
        (mid, program_id, started_at, last_met, own_cadence, program_cadence, reminders, risk_since, *people) = row
        mentor_uid, mentee_uid, mentor_name, mentee_name = people
        cadence = own_cadence or program_cadence
        grace = reminder_setting(reminders, "cadence_grace_days")
        missed = missed_cycles(today=today, last_met=last_met, cadence=cadence, grace=grace)
        if missed == 0:
            continue
        cycle = (today - started_at.date()).days // cadence
        days = (today - last_met).days
        for user_id, partner in ((mentor_uid, mentee_name), (mentee_uid, mentor_name)):
            due.append(
                Due(
                    recipient_id=user_id,
                    kind=kinds.CADENCE_NUDGE,
                    target=f"m{mid}.u{user_id}",
                    period=f"cycle{cycle}",
                    title=f"Time to meet {_first(partner, 'your partner')}: your last session was {days} days ago",
                    body=f"You agreed to meet every {cadence} days. Book your next session, then log it.",
                    url=log_link(mid),
                )
            )
        escalate_after = reminder_setting(reminders, "escalate_after_missed_cycles")
        if risk_since is None and escalate_after and missed >= escalate_after:
            # Coarse on purpose: pairs with the same reason are marked in one UPDATE.
            at_risk.append(AtRisk(mid, program_id, f"Missed {missed} sessions in a row."))
    return due, at_risk


def pairs_with_low_ratings() -> list[AtRisk]:
    """Pairs not yet at risk with at least two session ratings of 2 or less. One query."""
    rows = (
        SessionRating.objects.filter(
            score__lte=LOW_RATING,
            session__mentorship__status=MentorshipStatus.ACTIVE,
            session__mentorship__at_risk_since=None,
        )
        .values("session__mentorship_id", "session__mentorship__program_id")
        .annotate(low=Count("id"))
        .filter(low__gte=LOW_RATINGS_FOR_RISK)
        .order_by()
    )
    return [
        AtRisk(
            row["session__mentorship_id"],
            row["session__mentorship__program_id"],
            f"{row['low']} sessions rated 2 or less.",
        )
        for row in rows
    ]


# --- Proposals waiting for an answer --------------------------------------------------------------


def proposals_to_answer(now: datetime) -> Iterator[Due]:
    """Each person who has not answered a published proposal: reminded 3 and 7 days after it was
    published (only the latest reminder if the sweep was down through the first)."""
    proposal_link = _link("pairing:proposal")
    oldest = now - PROPOSAL_REMINDERS[-1][1] - HORIZON
    rows = (
        Proposal.objects.filter(
            Q(mentor_response=Response.PENDING) | Q(mentee_response=Response.PENDING),
            status=ProposalStatus.PUBLISHED,
            run__published_at__lte=now - PROPOSAL_REMINDERS[0][1],
            run__published_at__gte=oldest,
        )
        .order_by()
        .values_list(
            "id",
            "run__published_at",
            "run__program__name",
            "mentor_response",
            "mentee_response",
            "mentor__user_id",
            "mentee__user_id",
        )
    )
    for pid, published_at, program, mentor_response, mentee_response, mentor_uid, mentee_uid in rows.iterator(
        chunk_size=CHUNK
    ):
        elapsed = now - published_at  # type: ignore[operator]  # filtered on: never None here
        period = [name for name, after in PROPOSAL_REMINDERS if elapsed >= after][-1]
        for response, user_id in ((mentor_response, mentor_uid), (mentee_response, mentee_uid)):
            if response != Response.PENDING:
                continue
            yield Due(
                recipient_id=user_id,
                kind=kinds.PROPOSAL_ANSWER,
                target=f"p{pid}.u{user_id}",
                period=period,
                title=f"Your match in {program} is waiting for your answer",
                body="Read why you were matched, then accept or decline. Your partner is waiting too.",
                url=proposal_link(pid),
            )


# --- Check-ins ------------------------------------------------------------------------------------


def check_in_dates(*, started_on: date, ends_on: date) -> dict[str, date]:
    midpoint, final = check_in_days(started_on, ends_on)
    return {CheckInKind.MIDPOINT: midpoint, CheckInKind.FINAL: final}


def check_ins_due(now: datetime) -> Iterator[Due]:
    """Each person of an active pair without the midpoint (halfway from the pair's start to the
    program's end) or final (the program's end) check-in: asked on the day, reminded once three
    days later. One query."""
    check_in_link = _link("workspace:check_in")
    today = now.date()

    def has(kind: str, side: str) -> Exists:
        return Exists(CheckIn.objects.filter(mentorship=OuterRef("pk"), kind=kind, participant=OuterRef(f"{side}_id")))

    rows = (
        Mentorship.objects.filter(status=MentorshipStatus.ACTIVE, program__ends_on__isnull=False)
        .annotate(
            mid_mentor=has(CheckInKind.MIDPOINT, "mentor"),
            mid_mentee=has(CheckInKind.MIDPOINT, "mentee"),
            final_mentor=has(CheckInKind.FINAL, "mentor"),
            final_mentee=has(CheckInKind.FINAL, "mentee"),
        )
        .order_by()
        .values_list(
            "id",
            "started_at",
            "program__ends_on",
            "program__name",
            "mentor__user_id",
            "mentee__user_id",
            "mid_mentor",
            "mid_mentee",
            "final_mentor",
            "final_mentee",
        )
    )
    for mid, started_at, ends_on, program, mentor_uid, mentee_uid, *done in rows.iterator(chunk_size=CHUNK):
        answered: dict[tuple[str, int], bool] = {
            (CheckInKind.MIDPOINT, mentor_uid): done[0],
            (CheckInKind.MIDPOINT, mentee_uid): done[1],
            (CheckInKind.FINAL, mentor_uid): done[2],
            (CheckInKind.FINAL, mentee_uid): done[3],
        }
        for kind, on in check_in_dates(started_on=started_at.date(), ends_on=ends_on).items():  # type: ignore[arg-type]  # the query keeps only programs with an end date
            late = today - on
            if late < timedelta(0) or late > HORIZON:
                continue
            period = "ask" if late < CHECK_IN_REMINDER_AFTER else "remind"
            label = CheckInKind(kind).label.lower()
            for user_id in (mentor_uid, mentee_uid):
                if answered[(kind, user_id)]:
                    continue
                yield Due(
                    recipient_id=user_id,
                    kind=kinds.CHECK_IN,
                    target=f"m{mid}.{kind}.u{user_id}",
                    period=period,
                    title=f"{'Reminder: ' if period == 'remind' else ''}Time for your {label} in {program}",
                    body="Re-assess your goal skills and tell us how the mentoring is going. It takes five minutes.",
                    url=check_in_link(mid, str(kind)),
                )


# --- Enrollment closing ---------------------------------------------------------------------------


def enrollment_closing(now: datetime) -> Iterator[Due]:
    """Eligible people who have not enrolled, in programs whose enrollment closes within the
    program's reminder window (3 days; off per program). One query per such program, which is
    a handful at most, plus one for the org-unit tree."""
    today = now.date()
    enroll_link = _link("programs:enroll")
    programs: list[tuple[Program, int]] = []
    for program in eligibility.open_programs_query(today):
        window = reminder_setting(program.reminders, "remind_before_enrollment_closes")
        if window and program.enrollment_closes is not None:
            days = (program.enrollment_closes - today).days
            if days <= window:
                programs.append((program, days))
    if not programs:
        return
    tree = OrgTree.load()
    for program, days in programs:
        when = "today" if days == 0 else "tomorrow" if days == 1 else f"in {days} days"
        candidates = (
            Participant.objects.filter(
                user__is_active=True,
                onboarded_at__isnull=False,
                career_level__gte=program.level_min,
                career_level__lte=program.level_max,
            )
            .exclude(Exists(Enrollment.objects.filter(program=program, participant=OuterRef("pk"))))
            .select_related("user")
            .order_by()
        )
        for participant in candidates.iterator(chunk_size=CHUNK):
            if not eligibility.is_eligible(participant, program, tree):
                continue
            yield Due(
                recipient_id=participant.user_id,
                kind=kinds.ENROLLMENT_CLOSING,
                target=f"p{program.pk}.u{participant.user_id}",
                period=f"closes{program.enrollment_closes:%Y%m%d}",
                title=f"Enrollment in {program.name} closes {when}",
                body=f"{program.get_kind_display()}: you can still join as a mentor, a mentee or both.",
                url=enroll_link(program.pk),
            )
