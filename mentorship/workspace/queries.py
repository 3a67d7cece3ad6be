"""Reads behind the workspace: when check-ins fall due, progress on goal skills, sessions against
the agreed cadence, and what is waiting for one person.

Each function runs a fixed number of queries, whatever the number of goals or sessions.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime

from django.db.models import Exists, OuterRef, QuerySet
from django.urls import reverse
from django.utils import timezone

from mentorship.mentorships.models import Mentorship
from mentorship.participants.models import Participant
from mentorship.programs.models import ProgramKind
from mentorship.workspace.models import (
    CheckIn,
    CheckInKind,
    FitCheck,
    Goal,
    GoalStatus,
    MentoringSession,
    SessionRating,
)
from skills.models import Assessment, AssessmentSource, Skill, SkillEntry

# Shown with each item of "what's due", so the list reads in the order people should act.
RATE, CONFIRM, FIT, CHECK_IN = "rate", "confirm", "fit", "check_in"


def local_date(moment: datetime) -> date:
    return timezone.localdate(moment)


def learner_choices(mentorship: Mentorship) -> list[Participant]:
    """Who may own a goal: the mentee, or in a reciprocal skill swap either of the two."""
    if mentorship.program.kind == ProgramKind.RECIPROCAL:
        return [mentorship.mentee, mentorship.mentor]
    return [mentorship.mentee]


# --- Check-ins -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class CheckInDates:
    start: date
    midpoint: date | None  # None when the program has no end date: there is no middle to find
    final: date | None


def check_in_days(started_on: date, ends_on: date) -> tuple[date, date]:
    """The one rule for when check-ins fall, shared with the feedback sweep: the midpoint halfway
    from the pair's start to the program's end, the final at the end."""
    return started_on + (ends_on - started_on) / 2, ends_on


def check_in_dates(mentorship: Mentorship) -> CheckInDates:
    """Midpoint halfway between the pair's start and the program's end; final at the end.

    Measured from the pair's own start, so a pair matched late gets its midpoint in the middle of
    its own time together. The feedback sweep asks on the same days (see check_in_days).
    """
    start = local_date(mentorship.started_at)
    ends_on = mentorship.program.ends_on
    if ends_on is None or ends_on <= start:
        return CheckInDates(start=start, midpoint=None, final=ends_on)
    midpoint, final = check_in_days(start, ends_on)
    return CheckInDates(start=start, midpoint=midpoint, final=final)


def check_in_open(mentorship: Mentorship, kind: str, *, today: date) -> bool:
    """Whether a check-in of `kind` may be answered now.

    Midpoint: from the midpoint date on (any time when the program has no end date) while the pair
    is active. Final: once the pair has ended, or from the program's end date on.
    """
    dates = check_in_dates(mentorship)
    if kind == CheckInKind.MIDPOINT:
        return mentorship.is_active and (dates.midpoint is None or today >= dates.midpoint)
    if kind == CheckInKind.FINAL:
        return not mentorship.is_active or (dates.final is not None and today >= dates.final)
    return False


# --- Progress ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class GoalProgress:
    goal: Goal
    start_level: int | None
    current_level: int | None  # the learner's own latest assessment (self or check-in)
    partner_view: int | None  # the partner's latest view of the learner's level, if any

    @property
    def gained(self) -> int | None:
        if self.start_level is None or self.current_level is None:
            return None
        return self.current_level - self.start_level

    @property
    def reached_target(self) -> bool:
        target = self.goal.target_level
        return target is not None and self.current_level is not None and self.current_level >= target


def goals_of(mentorship: Mentorship) -> QuerySet[Goal]:
    return Goal.objects.filter(mentorship=mentorship).select_related("skill", "learner__user", "created_by__user")


def goal_progress(mentorship: Mentorship, goals: list[Goal]) -> list[GoalProgress]:
    """Each goal with its skill's start level (the goal's from-level) and the learner's latest
    level since, from the assessment history. One query for all goals."""
    skill_goals = [goal for goal in goals if goal.skill_id is not None]
    latest_own: dict[tuple[int, int], int] = {}
    latest_partner: dict[tuple[int, int], int] = {}
    if skill_goals:
        assessments = (
            Assessment.objects.filter(
                participant__in={goal.learner_id for goal in skill_goals},
                skill__in={goal.skill_id for goal in skill_goals},
                assessed_at__gte=mentorship.started_at,
            )
            .order_by("assessed_at", "id")
            .values_list("participant_id", "skill_id", "level", "source")
        )
        for participant_id, skill_id, level, source in assessments:
            target = latest_partner if source == AssessmentSource.PARTNER else latest_own
            target[(participant_id, skill_id)] = level  # ordered by time: the last one wins
    rows = []
    for goal in goals:
        key = (goal.learner_id, goal.skill_id or 0)
        current = latest_own.get(key, goal.from_level)
        rows.append(GoalProgress(goal, goal.from_level, current, latest_partner.get(key)))
    return rows


def goal_skills_by_learner(mentorship: Mentorship) -> dict[int, list[Skill]]:
    """Each learner's goal skills (goals not dropped), by learner id, in name order."""
    grouped: dict[int, list[Skill]] = defaultdict(list)
    goals = (
        Goal.objects.filter(mentorship=mentorship, skill__isnull=False)
        .exclude(status=GoalStatus.DROPPED)
        .select_related("skill")
        .order_by("skill__name", "id")
    )
    for goal in goals:
        skill = goal.skill
        if skill is not None and skill not in grouped[goal.learner_id]:
            grouped[goal.learner_id].append(skill)
    return grouped


def current_levels(participant: Participant, skill_ids: list[int]) -> dict[int, int]:
    """The participant's inventory level for each skill they have an entry for."""
    return dict(
        SkillEntry.objects.filter(participant=participant, skill__in=skill_ids).values_list("skill_id", "level")
    )


@dataclass(frozen=True)
class Cadence:
    every_days: int
    held: int
    expected: int
    last_held_on: date | None

    @property
    def behind(self) -> int:
        return max(0, self.expected - self.held)


def sessions_against_cadence(mentorship: Mentorship, *, today: date) -> Cadence:
    """Sessions held since the pair started against one per cadence period since then (until the
    pair ended, or the program did)."""
    every = mentorship.effective_cadence_days
    start = local_date(mentorship.started_at)
    until = today
    if mentorship.ended_at is not None:
        until = min(until, local_date(mentorship.ended_at))
    if mentorship.program.ends_on is not None:
        until = min(until, mentorship.program.ends_on)
    expected = max(0, (until - start).days) // every
    sessions = MentoringSession.objects.filter(mentorship=mentorship)
    held = sessions.count()
    last = sessions.order_by("-held_on").values_list("held_on", flat=True).first()
    return Cadence(every_days=every, held=held, expected=expected, last_held_on=last)


# --- What's due ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class DueItem:
    kind: str
    label: str
    url: str


def _sessions_item(kind: str, rows: list[tuple[int, date]], *, one: str, many: str, url_name: str) -> DueItem:
    """One line for one or many sessions, linking to the oldest: the list stays short however far
    behind someone is."""
    pk, held_on = rows[0]
    label = one.format(date=f"{held_on:%-d %b %Y}") if len(rows) == 1 else many.format(count=len(rows))
    return DueItem(kind, label, reverse(url_name, args=[pk]))


def due_for(mentorship: Mentorship, me: Participant, *, today: date) -> list[DueItem]:
    """What `me` should do next in this mentorship, most urgent first. Both people attend every
    session of the pair, so each may rate each one."""
    items: list[DueItem] = []
    sessions = MentoringSession.objects.filter(mentorship=mentorship).order_by("held_on", "id")
    to_confirm = list(sessions.filter(confirmed_at=None).exclude(logged_by=me).values_list("pk", "held_on"))
    if to_confirm:
        items.append(
            _sessions_item(
                CONFIRM,
                to_confirm,
                one="Confirm or correct the session of {date} your partner logged",
                many="Confirm or correct the {count} sessions your partner logged, oldest first",
                url_name="workspace:session_detail",
            )
        )
    my_rating = SessionRating.objects.filter(session=OuterRef("pk"), rater=me)
    unrated = list(sessions.exclude(Exists(my_rating)).values_list("pk", "held_on"))
    if unrated:
        items.append(
            _sessions_item(
                RATE,
                unrated,
                one="Rate the session of {date}",
                many="Rate your {count} unrated sessions, oldest first",
                url_name="workspace:session_rate",
            )
        )
    answered = set(CheckIn.objects.filter(mentorship=mentorship, participant=me).values_list("kind", flat=True))
    if (
        mentorship.is_active
        and sessions.exists()
        and not FitCheck.objects.filter(mentorship=mentorship, participant=me).exists()
    ):
        items.append(
            DueItem(
                FIT,
                "Tell us how the pairing fits, now that you have met",
                reverse("workspace:fit_check", args=[mentorship.pk]),
            )
        )
    for kind in (CheckInKind.MIDPOINT, CheckInKind.FINAL):
        if kind in answered or not check_in_open(mentorship, kind, today=today):
            continue
        if kind == CheckInKind.MIDPOINT and CheckInKind.FINAL in answered:
            continue
        items.append(
            DueItem(
                CHECK_IN,
                f"Answer the {CheckInKind(kind).label.lower()}",
                reverse("workspace:check_in", args=[mentorship.pk, kind]),
            )
        )
    return items


def check_in_status(mentorship: Mentorship) -> dict[tuple[int, str], CheckIn]:
    """Submitted check-ins by (participant id, kind)."""
    return {(c.participant_id, c.kind): c for c in CheckIn.objects.filter(mentorship=mentorship)}


def ratings_by_session(session_ids: list[int]) -> dict[int, list[SessionRating]]:
    """For the program's HR owners only: every rating of these sessions, with its rater."""
    grouped: dict[int, list[SessionRating]] = defaultdict(list)
    for rating in SessionRating.objects.filter(session__in=session_ids).select_related("rater__user"):
        grouped[rating.session_id].append(rating)
    return grouped
