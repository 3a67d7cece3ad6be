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

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.db.models import (
    BooleanField,
    Case,
    Count,
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
from django.db.models.functions import Coalesce, TruncMonth
from django.utils import timezone

from mentorship.dashboards.scope import Scope
from mentorship.mentorships.models import EndReason, Mentorship, MentorshipStatus
from mentorship.notifications import kinds
from mentorship.notifications.models import Notification
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


# Enrollment and matching ---------------------------------------------------------------------


def first_pairs(rows: list[dict[str, Any]], scope: Scope) -> dict[tuple[int, int, str], Any]:
    """(program, person, side) -> when their first mentorship there started, from the pair rows
    (so matching needs no query of its own). Pairs starting after the chosen dates do not count."""
    found: dict[tuple[int, int, str], Any] = {}
    for row in rows:
        if scope.end_at and row["started_at"] >= scope.end_at:
            continue
        for side in ("mentee", "mentor"):
            key = (row["program_id"], row[f"{side}_id"], side)
            if key not in found or row["started_at"] < found[key]:
                found[key] = row["started_at"]
    return found


def enrollment_rows(scope: Scope, pairs: dict[tuple[int, int, str], Any]) -> list[dict[str, Any]]:
    """Enrollments grouped by role, org unit and career level, with match figures.

    A learner (mentee or both) counts as matched once a mentorship in that program started with
    them in it (as the mentor too, for people who both teach and learn); time to match runs from
    the enrollment to that start. `pairs` comes from `first_pairs`.
    """
    base = Q(withdrawn_at=None) & scope.in_base("participant")
    chosen = scope.narrowed("participant") & scope.in_programs("program") & scope.at_times("created_at")
    annotations: dict[str, Any] = {}
    if scope.complements and chosen:
        annotations["in_filter"] = ExpressionWrapper(chosen, output_field=BooleanField())
    qs = Enrollment.objects.filter(_where(scope, base, chosen)).annotate(**annotations)
    # One row per enrollment, summed up here: matching is looked up in the pair rows.
    fields = ["role", "participant__org_unit_id", "participant__career_level"]
    groups: dict[tuple[Any, ...], dict[str, Any]] = {}
    values = qs.values_list(*fields, "program_id", "participant_id", "created_at", *annotations).order_by()
    for role, unit, level, program, person, created, *flags in values:
        group = groups.get((role, unit, level))
        if group is None:
            group = groups[(role, unit, level)] = {
                **dict(zip(fields, (role, unit, level), strict=True)),
                "enrollments": 0,
                "learners": 0,
                "matched": 0,
                "wait": None,
                "people": set(),
                "complement": set(),
            }
        if flags and not flags[0]:
            group["complement"].add(person)
            continue
        group["enrollments"] += 1
        group["people"].add(person)
        if role in LEARNER_ROLES:
            group["learners"] += 1
            first = pairs.get((program, person, "mentee"))
            if role == EnrollmentRole.BOTH:
                as_mentor = pairs.get((program, person, "mentor"))
                first = min(filter(None, (first, as_mentor)), default=None)
            if first is not None:
                group["matched"] += 1
                wait = first - created
                group["wait"] = wait if group["wait"] is None else group["wait"] + wait
    for group in groups.values():
        group["people"], group["complement"] = len(group["people"]), len(group["complement"])
    return list(groups.values())


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
    chosen = (scope.in_chosen("mentor") | scope.in_chosen("mentee")) & scope.in_programs("program")
    if scope.start:
        chosen &= Q(ended_at=None) | Q(ended_at__gte=scope.start_at)
    if scope.end:
        chosen &= Q(started_at__lt=scope.end_at)
    sessions = (
        MentoringSession.objects.filter(mentorship=OuterRef("pk"), **_date_kwargs(scope, "held_on"))
        .order_by()
        .values("mentorship")
        .annotate(n=Count("id"))
        .values("n")
    )
    fields = [
        "id",
        "program_id",
        "program__kind",
        "program__cadence_days",
        "cadence_days",
        "status",
        "started_at",
        "ended_at",
        "end_reason",
        "at_risk_since",
        "mentor_id",
        "mentee_id",
    ]
    annotations: dict[str, Any] = {"held": Coalesce(Subquery(sessions), 0)}
    if scope.complements or scope.narrows_people:
        annotations["mentor_chosen"] = ExpressionWrapper(scope.in_chosen("mentor") or Q(pk__gt=0), output_field=_bool())
        annotations["mentee_chosen"] = ExpressionWrapper(scope.in_chosen("mentee") or Q(pk__gt=0), output_field=_bool())
    if scope.complements:
        annotations["in_filter"] = ExpressionWrapper(chosen or Q(pk__gt=0), output_field=_bool())
        annotations["mentor_in_base"] = ExpressionWrapper(scope.in_base("mentor") or Q(pk__gt=0), output_field=_bool())
        annotations["mentee_in_base"] = ExpressionWrapper(scope.in_base("mentee") or Q(pk__gt=0), output_field=_bool())
    if names:
        fields += [
            "program__name",
            "at_risk_reason",
            "mentor__user__first_name",
            "mentor__user__last_name",
            "mentor__user__email",
            "mentee__user__first_name",
            "mentee__user__last_name",
            "mentee__user__email",
        ]
    qs = Mentorship.objects.filter(_where(scope, base, chosen)).annotate(**annotations)
    return list(qs.values(*fields, *annotations).order_by("at_risk_since", "id"))


def _bool() -> BooleanField:
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
    bounds = [(month, _next_month(month)) for month in trend_months(scope)]
    tz = timezone.get_current_timezone()
    for row in rows:
        group = stats[row[by] if by else ""]
        mentor_chosen = row.get("mentor_chosen", True)
        mentee_chosen = row.get("mentee_chosen", True)
        started = row["started_at"].astimezone(tz).date()
        ended = row["ended_at"].astimezone(tz).date() if row["ended_at"] else None
        state = _state(row)
        if not row.get("in_filter", True):
            group.complement |= _members(row, "in_base")
            group.state_complement[state] |= _members(row, "in_base")
            continue
        if scope.complements and (
            (scope.start and started < scope.start) or (scope.end and (ended or scope.today) > scope.end)
        ):
            # The pair was also active outside the chosen dates: unfiltered minus filtered
            # figures would describe that time, so its people are in the complement too.
            group.complement |= _members(row, "in_base")
        members = {
            pk for pk, chosen in ((row["mentor_id"], mentor_chosen), (row["mentee_id"], mentee_chosen)) if chosen
        }
        group.people |= members
        group.pairs += 1
        group.states[state] += 1
        group.state_people[state] |= members
        status = row["status"]
        if status == MentorshipStatus.ACTIVE:
            group.active += 1
            group.at_risk += row["at_risk_since"] is not None
        elif status == MentorshipStatus.COMPLETED:
            group.completed += 1
        else:
            group.ended_early += 1
            group.ended_early_people |= members
            reason = row["end_reason"] if row["end_reason"] in EndReason.values else EndReason.OTHER
            group.end_reasons[reason] += 1
            group.end_reason_people[reason] |= members
        group.sessions += row["held"]
        group.expected_ratings += row["held"] * len(members)
        first = max(started, scope.start) if scope.start else started
        last = min(ended or scope.today, scope.period_end)
        days = (last - first).days + 1
        if days > 0:
            group.pair_months += days / DAYS_PER_MONTH
            cadence = row["cadence_days"] or row["program__cadence_days"]
            due = days // cadence
            if due >= 1:
                group.cadence_due += 1
                group.cadence_met += row["held"] >= due
        for month, following in bounds:
            if first < following and last >= month:
                group.active_by_month[month] += 1
    return stats


def _state(row: dict[str, Any]) -> str:
    if row["status"] == MentorshipStatus.ACTIVE:
        return "at_risk" if row["at_risk_since"] is not None else "on_track"
    return "completed" if row["status"] == MentorshipStatus.COMPLETED else "ended_early"


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
    months = trend_months(scope)
    people = (
        Q(mentorship_id__in=sorted(pair_ids))
        if pair_ids is not None and scope.base_people is not None
        else scope.in_base("mentorship__mentor") | scope.in_base("mentorship__mentee")
    )
    base = people & Q(held_on__gte=months[0], held_on__lt=_next_month(months[-1]))
    mentor_chosen = scope.in_chosen("mentorship__mentor")
    mentee_chosen = scope.in_chosen("mentorship__mentee")
    chosen = (mentor_chosen | mentee_chosen) & scope.in_programs("mentorship__program") & scope.on_dates("held_on")
    aggregates: dict[str, Any] = {"sessions": Count("id", filter=chosen)}
    if scope.protect:  # people per month matter only where small months are hidden
        aggregates["mentors"] = Count("mentorship__mentor", distinct=True, filter=chosen & mentor_chosen)
        aggregates["mentees"] = Count("mentorship__mentee", distinct=True, filter=chosen & mentee_chosen)
    if scope.complements:
        aggregates["complement_mentors"] = Count("mentorship__mentor", distinct=True, filter=~chosen)
        aggregates["complement_mentees"] = Count("mentorship__mentee", distinct=True, filter=~chosen)
    qs = MentoringSession.objects.filter(_where(scope, base, chosen)).annotate(month=TruncMonth("held_on"))
    rows = {row["month"]: row for row in _run(qs, ["month"], aggregates)}
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
    if people:  # counting distinct raters is the costly part; the comparison takes pairs' people
        aggregates["people"] = Count("rater", distinct=True, filter=chosen)
    return _run(SessionRating.objects.filter(_where(scope, base, chosen)), group_by, aggregates)


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
    return _run(CheckIn.objects.filter(_where(scope, base, chosen)), group_by, aggregates)


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
    person = OuterRef("recipient__participant__id")
    since, until = OuterRef("created_at"), OuterRef("created_at") + REMINDER_WINDOW

    def sessions_as(side: str) -> Exists:
        return Exists(
            MentoringSession.objects.filter(
                **{f"mentorship__{side}": person}, created_at__gte=since, created_at__lt=until
            )
        )

    answered = {
        "rating": Exists(SessionRating.objects.filter(rater=person, created_at__gte=since, created_at__lt=until)),
        "check_in": Exists(CheckIn.objects.filter(participant=person, submitted_at__gte=since, submitted_at__lt=until)),
        "session": sessions_as("mentor") | sessions_as("mentee"),
    }
    # Only the check that belongs to the reminder's kind runs for each row.
    is_answered = Case(
        *[When(_kind_q(REMINDER_ACTIONS[action]), then=check) for action, check in answered.items()],
        default=Value(False),
        output_field=BooleanField(),
    )
    base = scope.in_base("recipient__participant") & Q(created_at__lt=timezone.now() - REMINDER_WINDOW)
    base &= _kind_q(name for names in REMINDER_ACTIONS.values() for name in names)
    chosen = scope.narrowed("recipient__participant") & scope.at_times("created_at")
    aggregates: dict[str, Any] = {}
    for action, names in REMINDER_ACTIONS.items():
        kind = _kind_q(names)
        aggregates[f"{action}_sent"] = Count("id", filter=chosen & kind)
        aggregates[f"{action}_answered"] = Count("id", filter=chosen & kind & Q(answered=True))
        aggregates[f"{action}_people"] = Count("recipient", distinct=True, filter=chosen & kind)
    aggregates["people"] = Count("recipient", distinct=True, filter=chosen)
    if scope.complements and chosen:
        aggregates["complement"] = Count("recipient", distinct=True, filter=~chosen)
    qs = Notification.objects.filter(_where(scope, base, chosen)).annotate(answered=is_answered)
    return qs.aggregate(**aggregates)


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


GOAL_FIELDS = ["learner", "skill_id", "skill__name", "skill__category", "mentorship__program__kind"]


def goal_rows(scope: Scope) -> list[dict[str, Any]]:
    """One row per measured goal (learner, skill, kind, growth, target reached), from one query.

    Grouping happens in Python (`growth_rows`): in SQL each use of the start and latest levels
    would run their subqueries again, and the distinct learners per group must be exact.
    """
    qs, chosen = _growth_queryset(scope)
    annotations: dict[str, Any] = {}
    if scope.complements and chosen:
        annotations["in_filter"] = ExpressionWrapper(chosen, output_field=BooleanField())
    rows = []
    # Each level is selected once and compared here: a WHERE or a second expression on them
    # would run their lookups again for every goal.
    values = qs.annotate(**annotations).values(
        *GOAL_FIELDS, "start_level", "latest_level", "target_level", *annotations
    )
    for row in values.order_by():
        if row["start_level"] is None or row["latest_level"] is None:
            continue  # not re-assessed since the mentorship began: nothing to measure yet
        row["growth"] = row["latest_level"] - row["start_level"]
        row["reached"] = row["target_level"] is not None and row["latest_level"] >= row["target_level"]
        rows.append(row)
    return rows


def growth_rows(rows: list[dict[str, Any]], group_by: Iterable[str]) -> list[dict[str, Any]]:
    """Skill growth (latest level minus start level) on measured goal skills, grouped."""
    fields = list(group_by)
    groups: dict[tuple[Any, ...], dict[str, Any]] = {}
    for row in rows:
        key = tuple(row[name] for name in fields)
        group = groups.get(key)
        if group is None:
            group = groups[key] = {
                **dict(zip(fields, key, strict=True)),
                "goals": 0,
                "growth_sum": 0,
                "improved": 0,
                "reached": 0,
                "learners": set(),
                "outside": set(),
            }
        if not row.get("in_filter", True):
            group["outside"].add(row["learner"])
            continue
        group["goals"] += 1
        group["growth_sum"] += row["growth"]
        group["improved"] += row["growth"] > 0
        group["reached"] += bool(row["reached"])
        group["learners"].add(row["learner"])
    out = []
    for group in groups.values():
        group["people"] = len(group.pop("learners"))
        group["complement"] = len(group.pop("outside"))
        out.append(group)
    return out


# One person's own progress -----------------------------------------------------------------------


def own_goals(participant_id: int) -> list[dict[str, Any]]:
    """The goals this person learns in, measured or not yet, with start and latest levels."""
    qs = _annotated_goals(Scope()).filter(learner=participant_id)
    return list(
        qs.values(
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
