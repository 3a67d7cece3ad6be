"""Every dashboard figure, read with a small, fixed number of aggregate queries.

Each function runs one query whatever the size of the data: the database groups and counts, and
Python only adds up the few grouped rows (or, for pairs, one row per pair with its session count
already aggregated). Each figure carries the people it is drawn from, so `privacy` can hide it.

Conventions for a manager (`scope.protect`): the query reads everything the manager may see
(`scope.in_base`) and counts the chosen rows with `filter=`; when filters are on, it also counts
the distinct people behind the rows the filters left out (the "complement"), because unfiltered
minus filtered would otherwise describe them. For HR the filters go straight into WHERE.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from itertools import product
from typing import Any

from django.db import connection
from django.db.models import (
    BooleanField,
    Case,
    Count,
    DateTimeField,
    DurationField,
    Exists,
    ExpressionWrapper,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce, TruncDate, TruncMonth
from django.utils import timezone

from mentorship.dashboards.scope import Scope, among
from mentorship.mentorships.models import EndReason, Mentorship, MentorshipStatus, effective_cadence
from mentorship.notifications import kinds
from mentorship.notifications.models import Notification
from mentorship.participants.models import Participant
from mentorship.programs.models import Enrollment, EnrollmentRole
from mentorship.workspace.models import CheckIn, Goal, MentoringSession, SessionRating
from skills.models import Assessment, AssessmentSource

DAYS_PER_MONTH = 30.44
TREND_MONTHS = 12
# A reminder counts as answered when the asked action follows within this time.
REMINDER_WINDOW = timedelta(days=7)
LEARNER_ROLES = (EnrollmentRole.MENTEE, EnrollmentRole.BOTH)


def _where(scope: Scope, base: Q, chosen: Q) -> Q:
    """HR: filter in WHERE. Managers: read the whole base, so the complement can be counted."""
    return base if scope.complements else base & chosen


def _complement(scope: Scope, person: str, chosen: Q) -> dict[str, Any]:
    if not scope.complements or not chosen:
        return {}
    return {"complement": Count(person, distinct=True, filter=~chosen)}


def _group(qs: QuerySet[Any], group_by: Iterable[str]) -> QuerySet[Any]:
    fields = list(group_by)
    return qs.values(*fields).order_by(*fields) if fields else qs.values().order_by()


def _run(qs: QuerySet[Any], group_by: Iterable[str], aggregates: dict[str, Any]) -> list[dict[str, Any]]:
    fields = list(group_by)
    if fields:
        return list(_group(qs, fields).annotate(**aggregates))
    return [qs.aggregate(**aggregates)]


# A manager's atoms read together (`Scope.atoms`): rows carry the index of their atom's group of
# people and of programs (0 where programs are not split).
Atom = tuple[int, int]


def atom_of(row: dict[str, Any]) -> Atom:
    return row["atom_people"], row.get("atom_programs") or 0


def by_atom(rows: Iterable[dict[str, Any]]) -> dict[Atom, list[dict[str, Any]]]:
    split: dict[Atom, list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        split[atom_of(row)].append(row)
    return split


def _every_atom(
    scope: Scope, rows: list[dict[str, Any]], group_by: Iterable[str], aggregates: dict[str, Any]
) -> list[dict[str, Any]]:
    """Ungrouped totals of atoms read together: one row per atom, as an ungrouped aggregate gives
    one row, those of atoms without rows being the aggregates' values over no rows."""
    if scope.atoms is None or list(group_by):
        return rows
    people, programs = scope.atoms
    found = {atom_of(row) for row in rows}
    empty = {name: aggregate.empty_result_set_value for name, aggregate in aggregates.items()}
    for atom in product(range(len(people)), range(len(programs) if programs is not None else 1)):
        if atom not in found:
            rows.append({**empty, "atom_people": atom[0], "atom_programs": atom[1]})
    return rows


# Enrollment and matching ---------------------------------------------------------------------


def enrollment_rows(scope: Scope) -> list[dict[str, Any]]:
    """Enrollments grouped by role, org unit and career level, with match figures.

    A learner (mentee or both) counts as matched once a mentorship in that program started with
    them in it (as the mentor too, for people who both teach and learn), before the end of the
    chosen dates; time to match runs from the enrollment to that start.
    """
    base = Q(withdrawn_at=None) & scope.in_base("participant")
    chosen = scope.narrowed("participant") & scope.in_programs("program") & scope.at_times("created_at")
    marks, inside = _marked_inside(scope, chosen)
    keys = scope.atom_keys("participant", "program")
    annotations: dict[str, Any] = {"waited": _waited_for_first_pair(scope), **marks}
    fields = ["role", "participant__org_unit_id", "participant__career_level", *keys]
    rows = Enrollment.objects.filter(_where(scope, base, chosen)).annotate(**keys, **annotations)
    learner = f"role IN ({', '.join(f"'{role}'" for role in LEARNER_ROLES)})"
    matched = "waited IS NOT NULL"
    if inside:
        learner = f"{inside} AND {learner}"
        matched = f"{inside} AND {matched}"
    (groups,) = grouping_sets(
        rows.values(*fields, "participant", *annotations).order_by(),
        [fields],
        {
            "enrollments": f"COUNT({_when(inside, '1')})",
            "learners": f"COUNT({_when(learner, '1')})",
            "matched": f"COUNT({_when(inside, 'waited')})",
            "wait": f"SUM({_when(inside, 'waited')})",
            "matched_people": f"COUNT(DISTINCT {_when(matched, 'participant')})",
            **_distinct_people(inside, "participant"),
        },
    )
    for group in groups:
        group["wait"] = _duration(group["wait"])
    return groups


def _waited_for_first_pair(scope: Scope) -> ExpressionWrapper[Any]:
    """From a learner's enrollment to the start of their first mentorship in the program
    (None for mentors, whose rows then skip the lookup, and for learners not matched yet)."""
    pairs = Mentorship.objects.filter(program=OuterRef("program"))
    if scope.end:
        pairs = pairs.filter(started_at__lt=scope.end_at)

    def first(people: Q) -> Subquery:
        return Subquery(pairs.filter(people).order_by("started_at").values("started_at")[:1])

    as_mentee = Q(mentee=OuterRef("participant"))
    started = Case(
        When(role=EnrollmentRole.MENTEE, then=first(as_mentee)),
        When(role=EnrollmentRole.BOTH, then=first(as_mentee | Q(mentor=OuterRef("participant")))),
        output_field=DateTimeField(),
    )
    return ExpressionWrapper(started - F("created_at"), output_field=DurationField())


def _duration(value: Any) -> timedelta | None:
    """A sum of durations as the database returns it: an interval, or microseconds where the
    database has no duration type (SQLite)."""
    return timedelta(microseconds=value) if isinstance(value, int | float) else value


# Pairs ------------------------------------------------------------------------------------------


@dataclass
class PairStats:
    pairs: int = 0
    active: int = 0
    at_risk: int = 0
    completed: int = 0
    ended_early: int = 0
    sessions: int = 0
    pair_months: float = 0.0
    cadence_due: int = 0
    cadence_met: int = 0
    expected_ratings: int = 0
    people: set[int] = field(default_factory=set)
    complement: set[int] = field(default_factory=set)
    ended_early_people: set[int] = field(default_factory=set)
    end_reasons: Counter[str] = field(default_factory=Counter)
    end_reason_people: dict[str, set[int]] = field(default_factory=lambda: defaultdict(set))
    active_by_month: Counter[date] = field(default_factory=Counter)
    # Managers: the people in the pairs active each month, and in the pairs a cadence was due for.
    active_people_by_month: dict[date, set[int]] = field(default_factory=lambda: defaultdict(set))
    cadence_people: set[int] = field(default_factory=set)
    session_people: set[int] = field(default_factory=set)  # in pairs that held sessions
    # Per state ("on_track", "at_risk", "completed", "ended_early"): pairs, people, complement.
    states: Counter[str] = field(default_factory=Counter)
    state_people: dict[str, set[int]] = field(default_factory=lambda: defaultdict(set))
    state_complement: dict[str, set[int]] = field(default_factory=lambda: defaultdict(set))

    @property
    def completion_rate(self) -> float | None:
        ended = self.completed + self.ended_early
        return self.completed / ended if ended else None

    @property
    def sessions_per_pair_month(self) -> float | None:
        return self.sessions / self.pair_months if self.pair_months else None

    @property
    def cadence_share(self) -> float | None:
        return self.cadence_met / self.cadence_due if self.cadence_due else None


def _month_start(day: date) -> date:
    return day.replace(day=1)


def _next_month(day: date) -> date:
    return (day.replace(day=28) + timedelta(days=4)).replace(day=1)


def trend_months(scope: Scope) -> list[date]:
    """The months a trend shows: the chosen range, or the last twelve months (at most 24)."""
    last = _month_start(scope.period_end)
    first = _month_start(scope.start) if scope.start else last
    if not scope.start:
        for _ in range(TREND_MONTHS - 1):
            first = _month_start(first - timedelta(days=1))
    months = []
    month = first
    while month <= last:
        months.append(month)
        month = _next_month(month)
    return months[-24:]


def pair_rows(scope: Scope, *, names: bool = False) -> list[dict[str, Any]]:
    """One row per pair the viewer may see, with the sessions it held in the chosen dates.

    Pair figures need each pair's own time span and cadence, which the database would compute
    differently on SQLite and PostgreSQL; the pairs are few next to their sessions and ratings.
    """
    base = scope.in_base("mentor") | scope.in_base("mentee")
    chosen = scope.pair_chosen() & scope.in_programs("program")
    if scope.start:
        chosen &= Q(ended_at=None) | Q(ended_at__gte=scope.start_at)
    if scope.end:
        chosen &= Q(started_at__lt=scope.end_at)
    sessions = (
        MentoringSession.objects.filter(mentorship=OuterRef("pk"), **_date_kwargs(scope, "held_on"))
        .order_by()
        .values("mentorship")
        # Counting the pair column (never null) rather than ids lets PostgreSQL count from the
        # (mentorship, held_on) index alone.
        .annotate(n=Count("mentorship"))
        .values("n")
    )
    fields = [
        "id",
        "program_id",
        "program__kind",
        "program__cadence_days",
        "cadence_days",
        "status",
        "end_reason",
        "at_risk_since",
        "mentor_id",
        "mentee_id",
    ]
    annotations: dict[str, Any] = {
        "held": Coalesce(Subquery(sessions), 0),
        # Days in the site's time zone, from the database: cheaper than converting each
        # datetime here (the exact start time is still read, for the time to match).
        "started_on": TruncDate("started_at"),
        "ended_on": TruncDate("ended_at"),
    }
    # Which of its two people a pair stands for: the chosen ones (for a manager, only people in
    # their subtree, so a pair with an outside mentor stands for one person, not two); for atoms
    # read together, those in the pair's own atom (see `_chosen_in_atom`).
    keys = scope.atom_keys("", "program", pair="")
    if keys:
        annotations |= keys | {"mentor_group": scope.group_of("mentor"), "mentee_group": scope.group_of("mentee")}
    elif scope.protect or scope.narrows_people:
        annotations["mentor_chosen"] = ExpressionWrapper(scope.in_chosen("mentor") or Q(pk__gt=0), output_field=_bool())
        annotations["mentee_chosen"] = ExpressionWrapper(scope.in_chosen("mentee") or Q(pk__gt=0), output_field=_bool())
    if scope.complements:
        annotations["in_filter"] = ExpressionWrapper(chosen or Q(pk__gt=0), output_field=_bool())
        annotations["mentor_in_base"] = ExpressionWrapper(scope.in_base("mentor") or Q(pk__gt=0), output_field=_bool())
        annotations["mentee_in_base"] = ExpressionWrapper(scope.in_base("mentee") or Q(pk__gt=0), output_field=_bool())
    if names:  # the people's names come from `people_names`, for the pairs at risk only
        fields += ["program__name", "at_risk_reason"]
    qs = Mentorship.objects.filter(_where(scope, base, chosen)).annotate(**annotations)
    # Unordered: sorting every pair costs the database more than sorting the at-risk few here.
    rows = list(qs.values(*fields, *annotations).order_by())
    return [_chosen_in_atom(row) for row in rows] if keys else rows


def _chosen_in_atom(row: dict[str, Any]) -> dict[str, Any]:
    """A pair row of atoms read together: each of its people is chosen when in the pair's atom."""
    row["mentor_chosen"] = row.pop("mentor_group") == row["atom_people"]
    row["mentee_chosen"] = row.pop("mentee_group") == row["atom_people"]
    return row


def people_names(ids: Iterable[int]) -> dict[int, tuple[str, str, str]]:
    """First name, last name and email of these participants, by id (for the at-risk list:
    joining every pair to both people's accounts would cost more than this one small read)."""
    rows = Participant.objects.filter(among("id", ids)).order_by()
    return {
        pk: (first, last, email)
        for pk, first, last, email in rows.values_list("id", "user__first_name", "user__last_name", "user__email")
    }


def _bool() -> "BooleanField[bool, bool]":  # noqa: UP037 (fields are not subscriptable at run time)
    return BooleanField()


def _date_kwargs(scope: Scope, path: str) -> dict[str, date]:
    kwargs = {}
    if scope.start:
        kwargs[f"{path}__gte"] = scope.start
    if scope.end:
        kwargs[f"{path}__lte"] = scope.end
    return kwargs


def pair_stats(scope: Scope, rows: list[dict[str, Any]], *, by: str | None = None) -> dict[str, PairStats]:
    """Sum pair rows up, per value of `by` (e.g. "program__kind") or all under the key ""."""
    stats: dict[str, PairStats] = defaultdict(PairStats)
    months = trend_months(scope)
    # Per group, +1 at the first trend month a pair is active and -1 after its last: a running
    # sum gives the active pairs per month without visiting every month of every pair.
    steps: dict[str, list[int]] = defaultdict(lambda: [0] * (len(months) + 1))
    # Read once: these are properties, and this loop runs once per pair.
    protect, complements, start, end, today, period_end = (
        scope.protect,
        scope.complements,
        scope.start,
        scope.end,
        scope.today,
        scope.period_end,
    )
    reasons = frozenset(EndReason.values)
    active_status, completed_status = MentorshipStatus.ACTIVE.value, MentorshipStatus.COMPLETED.value
    for row in rows:
        group = stats[row[by] if by else ""]
        mentor_chosen = row.get("mentor_chosen", True)
        mentee_chosen = row.get("mentee_chosen", True)
        started, ended = row["started_on"], row["ended_on"]
        status = row["status"]
        if status == active_status:
            state = "at_risk" if row["at_risk_since"] is not None else "on_track"
        else:
            state = "completed" if status == completed_status else "ended_early"
        if not row.get("in_filter", True):
            group.complement |= _members(row, "in_base")
            group.state_complement[state] |= _members(row, "in_base")
            continue
        if complements and ((start and started < start) or (end and (ended or today) > end)):
            # The pair was also active outside the chosen dates: unfiltered minus filtered
            # figures would describe that time, so its people are in the complement too.
            group.complement |= _members(row, "in_base")
        if mentor_chosen and mentee_chosen:
            members = {row["mentor_id"], row["mentee_id"]}
        else:
            members = {row["mentor_id"]} if mentor_chosen else {row["mentee_id"]} if mentee_chosen else set()
        group.people |= members
        group.pairs += 1
        group.states[state] += 1
        group.state_people[state] |= members
        if status == active_status:
            group.active += 1
            group.at_risk += row["at_risk_since"] is not None
        elif status == completed_status:
            group.completed += 1
        else:
            group.ended_early += 1
            group.ended_early_people |= members
            reason = row["end_reason"] if row["end_reason"] in reasons else EndReason.OTHER
            group.end_reasons[reason] += 1
            group.end_reason_people[reason] |= members
        group.sessions += row["held"]
        if row["held"]:
            group.session_people |= members
        group.expected_ratings += row["held"] * len(members)
        first = max(started, start) if start else started
        last = min(ended or today, period_end)
        days = (last - first).days + 1
        if days > 0:
            group.pair_months += days / DAYS_PER_MONTH
            cadence = effective_cadence(row["cadence_days"], row["program__cadence_days"])
            due = days // cadence
            if due >= 1:
                group.cadence_due += 1
                group.cadence_met += row["held"] >= due
                group.cadence_people |= members
        # Active in a month when it overlaps the pair's span: first's month <= month <= last.
        low, high = bisect_left(months, _month_start(first)), bisect_right(months, last)
        if low < high:
            step = steps[row[by] if by else ""]
            step[low] += 1
            step[high] -= 1
            if protect:
                for month in months[low:high]:
                    group.active_people_by_month[month] |= members
    for key, step in steps.items():
        running = 0
        for month, change in zip(months, step, strict=False):
            running += change
            if running:
                stats[key].active_by_month[month] += running
    return stats


def _members(row: dict[str, Any], flag: str) -> set[int]:
    return {
        pk
        for pk, keep in (
            (row["mentor_id"], row.get(f"mentor_{flag}", True)),
            (row["mentee_id"], row.get(f"mentee_{flag}", True)),
        )
        if keep
    }


def session_months(scope: Scope, pair_ids: Iterable[int] | None = None) -> list[dict[str, Any]]:
    """Sessions per month over the trend months, with the (at least) people behind each month.

    `pair_ids`: the pairs the viewer may see, when already known (from `pair_rows`), so the
    database reads their sessions by index instead of joining every session to its pair.
    """
    return month_series(scope, session_month_rows(scope, pair_ids))


def session_month_rows(scope: Scope, pair_ids: Iterable[int] | None = None) -> list[dict[str, Any]]:
    """`session_months`' grouped rows: per month (per day where only counts are wanted), and per
    atom for atoms read together."""
    months = trend_months(scope)
    people = (
        among("mentorship_id", pair_ids)
        if pair_ids is not None and scope.base_people is not None
        else scope.in_base("mentorship__mentor") | scope.in_base("mentorship__mentee")
    )
    base = people & Q(held_on__gte=months[0], held_on__lt=_next_month(months[-1]))
    keys = scope.atom_keys("", "mentorship__program", pair="mentorship__")
    groups: dict[str, Any] = {}
    mentor_chosen = scope.in_chosen("mentorship__mentor")
    mentee_chosen = scope.in_chosen("mentorship__mentee")
    if keys:  # a person counts for the atom of the pair when in it (`_chosen_in_atom`)
        groups["mentor_group"] = scope.group_of("mentorship__mentor")
        groups["mentee_group"] = scope.group_of("mentorship__mentee")
        mentor_chosen, mentee_chosen = Q(mentor_group=F("atom_people")), Q(mentee_group=F("atom_people"))
    chosen = scope.pair_chosen("mentorship__") & scope.in_programs("mentorship__program") & scope.on_dates("held_on")
    aggregates: dict[str, Any] = {"sessions": Count("id", filter=chosen)}
    if scope.protect:  # people per month matter only where small months are hidden
        aggregates["mentors"] = Count("mentorship__mentor", distinct=True, filter=chosen & mentor_chosen)
        aggregates["mentees"] = Count("mentorship__mentee", distinct=True, filter=chosen & mentee_chosen)
    if scope.complements:
        aggregates["complement_mentors"] = Count("mentorship__mentor", distinct=True, filter=~chosen)
        aggregates["complement_mentees"] = Count("mentorship__mentee", distinct=True, filter=~chosen)
    qs = MentoringSession.objects.filter(_where(scope, base, chosen)).annotate(**keys, **groups)
    if scope.protect:
        return _run(qs.annotate(month=TruncMonth("held_on")), ["month", *keys], aggregates)
    # Only counts: grouped by day (a plain column) and added up per month by `month_series`,
    # which saves the database truncating every session's date.
    return _run(qs, ["held_on", *keys], aggregates)


def month_series(scope: Scope, grouped: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Every trend month, from `session_month_rows` (of one atom, for atoms read together)."""
    months = trend_months(scope)
    rows: dict[date, dict[str, Any]] = {}
    for row in grouped:
        if "month" in row:
            rows[row["month"]] = row
        else:
            day_total = rows.setdefault(_month_start(row["held_on"]), {"sessions": 0})
            day_total["sessions"] += row["sessions"]
    out = []
    for month in months:
        row = rows.get(month, {})
        out.append(
            {
                "month": month,
                "sessions": row.get("sessions", 0),
                # A lower bound on the people: a person may mentor in one pair and learn in another.
                "people": max(row.get("mentors", 0), row.get("mentees", 0)),
                "complement": max(row.get("complement_mentors", 0), row.get("complement_mentees", 0)),
            }
        )
    return out


# Ratings, check-ins, reminders ---------------------------------------------------------------


def rating_rows(scope: Scope, group_by: Iterable[str] = (), *, people: bool = True) -> list[dict[str, Any]]:
    """Session ratings by the chosen people on sessions in the chosen programs and dates."""
    base = scope.in_base("rater")
    chosen = (
        scope.narrowed("rater") & scope.in_programs("session__mentorship__program") & scope.on_dates("session__held_on")
    )
    aggregates: dict[str, Any] = {
        "ratings": Count("id", filter=chosen),
        "score_sum": Sum("score", filter=chosen),
        **{f"score_{n}": Count("id", filter=chosen & Q(score=n)) for n in range(1, 6)},
        **_complement(scope, "rater", chosen),
    }
    # Counting distinct raters is the costly part: only asked for where small groups are hidden
    # (HR pages never show it; the comparison takes the pairs' people).
    if people:
        aggregates["people"] = Count("rater", distinct=True, filter=chosen)
    keys = scope.atom_keys("rater", "session__mentorship__program")
    qs = SessionRating.objects.filter(_where(scope, base, chosen)).annotate(**keys)
    return _every_atom(scope, _run(qs, [*group_by, *keys], aggregates), group_by, aggregates)


def check_in_rows(scope: Scope, group_by: Iterable[str] = ()) -> list[dict[str, Any]]:
    base = scope.in_base("participant")
    chosen = scope.narrowed("participant") & scope.in_programs("mentorship__program") & scope.at_times("submitted_at")
    aggregates: dict[str, Any] = {
        "check_ins": Count("id", filter=chosen),
        "relationship_sum": Sum("relationship_rating", filter=chosen),
        "recommend": Count("id", filter=chosen & Q(would_recommend=True)),
        "people": Count("participant", distinct=True, filter=chosen),
        **_complement(scope, "participant", chosen),
    }
    keys = scope.atom_keys("participant", "mentorship__program")
    qs = CheckIn.objects.filter(_where(scope, base, chosen)).annotate(**keys)
    return _every_atom(scope, _run(qs, [*group_by, *keys], aggregates), group_by, aggregates)


# The reminders the feedback sweep writes (notifications.kinds), each with the action that answers
# it. Other kinds are left out rather than guessed: HR alerts and digests ask nobody to act, and
# a proposal or enrollment reminder is answered in ways these figures do not follow.
REMINDER_ACTIONS: dict[str, tuple[str, ...]] = {
    "rating": (kinds.SESSION_RATING,),
    "check_in": (kinds.CHECK_IN,),
    "session": (kinds.CADENCE_NUDGE,),
}
REMINDER_LABELS = {
    "rating": "Rate a session: a rating by that person",
    "check_in": "Check-in due: a check-in by that person",
    "session": "Time to meet: a session logged in their mentorship",
}


def _kind_q(names: Iterable[str]) -> Q:
    return Q(kind__in=list(names))


def reminder_rows(scope: Scope) -> dict[str, Any]:
    """Reminders sent to the chosen people, and how many were followed by the asked action
    within seven days. Reminders younger than seven days are not counted yet."""
    return reminder_summary(*reminder_groups(scope))


def reminder_groups(scope: Scope) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """`reminder_rows`' groups: per action and in all (per atom too, for atoms read together).

    The reminders are a UNION ALL of one SELECT per kind of reminder, each checking only its own
    answer (one SELECT with a CASE over every check looks so costly to PostgreSQL's planner that
    it JIT-compiles the query, which takes longer than running it), counted per action and in
    all by `grouping_sets`.
    """
    person = OuterRef("recipient__participant__id")
    since, until = OuterRef("created_at"), OuterRef("created_at") + REMINDER_WINDOW

    def sessions_as(side: str) -> Exists:
        return Exists(
            MentoringSession.objects.filter(
                **{f"mentorship__{side}": person}, created_at__gte=since, created_at__lt=until
            )
        )

    answered: dict[str, Any] = {
        "rating": Exists(SessionRating.objects.filter(rater=person, created_at__gte=since, created_at__lt=until)),
        "check_in": Exists(CheckIn.objects.filter(participant=person, submitted_at__gte=since, submitted_at__lt=until)),
        "session": sessions_as("mentor") | sessions_as("mentee"),
    }
    base = scope.in_base("recipient__participant") & Q(created_at__lt=timezone.now() - REMINDER_WINDOW)
    chosen = scope.narrowed("recipient__participant") & scope.at_times("created_at")
    inside = "in_filter" if scope.complements and chosen else None
    # Reminders belong to people: atoms read together are groups of people only.
    keys = {"atom_people": scope.group_of("recipient__participant")} if scope.atoms else {}
    parts = []
    for index, action in enumerate(REMINDER_ACTIONS):
        qs = Notification.objects.filter(_where(scope, base, chosen) & _kind_q(REMINDER_ACTIONS[action])).annotate(
            action=Value(index, output_field=IntegerField()),
            answered=ExpressionWrapper(answered[action], output_field=BooleanField()),
            in_filter=ExpressionWrapper(chosen if inside else Q(pk__gt=0), output_field=BooleanField()),
            **keys,
        )
        parts.append(qs.values("action", "recipient_id", "answered", "in_filter", *keys).order_by())
    by_action, overall = grouping_sets(
        parts[0].union(*parts[1:], all=True).order_by(),
        [["action", *keys], [*keys]],
        {
            "sent": f"COUNT({_when(inside, '1')})",
            "answered": f"SUM({_when(inside, 'CASE WHEN answered THEN 1 ELSE 0 END', '0')})",
            **_distinct_people(inside, "recipient_id"),
        },
    )
    return by_action, overall


def reminder_summary(by_action: list[dict[str, Any]], overall: list[dict[str, Any]]) -> dict[str, Any]:
    """The reminder figures from `reminder_rows`' groups (of one atom, for atoms read together)."""
    total = overall[0] if overall else {"people": 0, "complement": 0}
    out: dict[str, Any] = {"people": total["people"], "complement": total["complement"]}
    counted = {row["action"]: row for row in by_action}
    for index, action in enumerate(REMINDER_ACTIONS):
        row = counted.get(index, {})
        out[f"{action}_sent"] = row.get("sent", 0)
        out[f"{action}_answered"] = row.get("answered") or 0
        out[f"{action}_people"] = row.get("people", 0)
    return out


# Skill growth ---------------------------------------------------------------------------------


def _growth_queryset(scope: Scope) -> tuple[QuerySet[Goal], Q]:
    """Goals on a skill, each with its learner's start level and latest level.

    The goal names its learner (the mentee, or either person in a reciprocal swap). Start: the
    learner's latest own assessment at or before the mentorship began, else the goal's
    from-level. Latest: their latest own assessment after that (check-in or self), up to the end
    of the chosen dates. A partner's view is not counted as the learner's own level.
    """
    qs = _annotated_goals(scope)
    base = scope.in_base("learner")
    chosen = scope.narrowed("learner") & scope.in_programs("mentorship__program")
    if scope.start:
        chosen &= Q(mentorship__ended_at=None) | Q(mentorship__ended_at__gte=scope.start_at)
    if scope.end:
        chosen &= Q(mentorship__started_at__lt=scope.end_at)
    return qs.filter(_where(scope, base, chosen)), chosen


def _annotated_goals(scope: Scope) -> QuerySet[Goal]:
    own = Assessment.objects.filter(participant=OuterRef("learner"), skill=OuterRef("skill")).exclude(
        source=AssessmentSource.PARTNER
    )
    start = own.filter(assessed_at__lte=OuterRef("mentorship__started_at")).order_by("-assessed_at", "-id")
    latest = own.filter(assessed_at__gt=OuterRef("mentorship__started_at"))
    if scope.end:
        latest = latest.filter(assessed_at__lt=scope.end_at)
    latest = latest.order_by("-assessed_at", "-id")
    return (
        Goal.objects.filter(skill__isnull=False)
        .annotate(
            start_level=Coalesce(Subquery(start.values("level")[:1]), F("from_level")),
            latest_level=Subquery(latest.values("level")[:1]),
        )
        .annotate(growth=ExpressionWrapper(F("latest_level") - F("start_level"), output_field=IntegerField()))
    )


def grouping_sets(
    rows: QuerySet[Any], sets: Sequence[Sequence[str]], aggregates: dict[str, str], *, where: str = ""
) -> list[list[dict[str, Any]]]:
    """Group the rows of a `values()` query by each of `sets` in one statement: SQL's GROUPING
    SETS, which SQLite lacks.

    The rows become a materialised common table expression, computed once however many sets read
    it (inlined, each use of a lookup in the rows would run it again), and each set is one SELECT
    of a UNION ALL. `aggregates` and `where` are SQL over the rows' column names. Only the few
    grouped rows reach Python: on a large organisation, sending every row here cost more than
    the query itself.
    """
    inner, params = rows.query.sql_with_params()
    quote = connection.ops.quote_name
    columns = list(dict.fromkeys(name for fields in sets for name in fields))
    parts = []
    for index, fields in enumerate(sets):
        selected = [f"{index} AS grouping_set"]
        # A column this set does not group by is still selected, as MIN(): a bare NULL would have
        # no type, and PostgreSQL cannot always line it up with the other SELECTs'. Not read.
        selected += [quote(name) if name in fields else f"MIN({quote(name)}) AS {quote(name)}" for name in columns]
        selected += [f"{sql} AS {quote(name)}" for name, sql in aggregates.items()]
        # Every name and snippet here comes from this module; filter values travel as parameters.
        parts.append(
            f"SELECT {', '.join(selected)} FROM measured"  # noqa: S608
            + (f" WHERE {where}" if where else "")
            + (f" GROUP BY {', '.join(quote(name) for name in fields)}" if fields else "")
        )
    out: list[list[dict[str, Any]]] = [[] for _ in sets]
    with connection.cursor() as cursor:
        cursor.execute(f"WITH measured AS MATERIALIZED ({inner}) " + " UNION ALL ".join(parts), params)
        names = ["grouping_set", *columns, *aggregates]
        for values in cursor.fetchall():
            row = dict(zip(names, values, strict=True))
            index = row.pop("grouping_set")
            out[index].append({name: row[name] for name in (*sets[index], *aggregates)})
    return out


def _when(condition: str | None, then: str, otherwise: str = "NULL") -> str:
    return then if condition is None else f"CASE WHEN {condition} THEN {then} ELSE {otherwise} END"


def _marked_inside(scope: Scope, chosen: Q) -> tuple[dict[str, Any], str | None]:
    """For `grouping_sets` rows: the annotation that marks the rows the filters chose, and its
    column name for the aggregates. Only needed where the rest must be counted too (a manager
    with filters on); otherwise no mark, and every row counts (see `_where`)."""
    if scope.complements and chosen:
        return {"in_filter": ExpressionWrapper(chosen, output_field=BooleanField())}, "in_filter"
    return {}, None


def _distinct_people(inside: str | None, person: str) -> dict[str, str]:
    """`grouping_sets` aggregates: the distinct people behind the chosen rows, and behind the rows
    the filters left out (the complement, see the module docstring)."""
    return {
        "people": f"COUNT(DISTINCT {_when(inside, person)})",
        "complement": f"COUNT(DISTINCT CASE WHEN NOT {inside} THEN {person} END)" if inside else "0",
    }


GOAL_FIELDS = ["learner", "skill_id", "skill__name", "skill__category", "mentorship__program__kind"]


def growth(scope: Scope, sets: Sequence[Sequence[str]]) -> list[list[dict[str, Any]]]:
    """Skill growth (latest level minus start level) on measured goal skills, grouped by each of
    `sets` (names from GOAL_FIELDS): goals, growth, improved, target reached, and the distinct
    learners inside and outside the filters (exact for every grouping, as privacy needs).

    A goal is measured once its learner was re-assessed after the mentorship began. Each level
    is a lookup per goal, so the per-goal rows are computed once (`grouping_sets`) and compared
    there: in a plain GROUP BY every use of a level would run its lookup again.
    """
    qs, chosen = _growth_queryset(scope)
    marks, inside = _marked_inside(scope, chosen)
    keys = scope.atom_keys("learner", "mentorship__program")
    levels = ["start_level", "latest_level", "target_level"]
    rows = qs.annotate(**marks, **keys).values(*GOAL_FIELDS, *levels, *marks, *keys).order_by()
    sets = [[*fields, *keys] for fields in sets]
    growth = "latest_level - start_level"
    aggregates = {
        "goals": f"COUNT({_when(inside, '1')})",
        "growth_sum": f"COALESCE(SUM({_when(inside, growth)}), 0)",
        "improved": f"SUM({_when(inside, f'CASE WHEN {growth} > 0 THEN 1 ELSE 0 END', '0')})",
        "reached": f"SUM({_when(inside, 'CASE WHEN latest_level >= target_level THEN 1 ELSE 0 END', '0')})",
        **_distinct_people(inside, "learner"),
    }
    # Not re-assessed since the mentorship began: nothing to measure yet.
    measured = "start_level IS NOT NULL AND latest_level IS NOT NULL"
    return grouping_sets(rows, sets, aggregates, where=measured)


# One person's own progress -----------------------------------------------------------------------


def own_goals(participant_id: int) -> list[dict[str, Any]]:
    """The goals this person learns in, measured or not yet, with start and latest levels."""
    qs = _annotated_goals(Scope()).filter(learner=participant_id)
    return list(
        qs.values(  # type: ignore[misc]  # start_level and latest_level are annotations of _annotated_goals
            "id",
            "title",
            "status",
            "skill__name",
            "target_level",
            "start_level",
            "latest_level",
            "growth",
            "mentorship_id",
            "mentorship__program__name",
        ).order_by("mentorship__program__name", "skill__name", "id")
    )
