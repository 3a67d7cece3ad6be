"""The rows behind the comparison of approaches (`effects`): one per measured goal, and one per
skill of a colleague in no program who was assessed twice over the same period. Two queries.
"""

from datetime import datetime, timedelta
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from mentorship.dashboards.effects import BASELINE, Measure
from mentorship.dashboards.queries import DAYS_PER_MONTH, _growth_queryset
from mentorship.dashboards.scope import Scope
from mentorship.mentorships.models import Mentorship
from mentorship.programs.models import Enrollment
from skills.models import Assessment, AssessmentSource


def _months(first: datetime, last: datetime) -> float:
    return max(0.0, (last - first).total_seconds() / 86400 / DAYS_PER_MONTH)


def _after_start(scope: Scope, sources: Q) -> QuerySet[Assessment]:
    """The learner's assessments of the goal's skill after the mentorship began (and before the
    end of the chosen dates), newest first."""
    rows = Assessment.objects.filter(sources, participant=OuterRef("learner"), skill=OuterRef("skill")).filter(
        assessed_at__gt=OuterRef("mentorship__started_at")
    )
    if scope.end:
        rows = rows.filter(assessed_at__lt=scope.end_at)
    return rows.order_by("-assessed_at", "-id")


def goal_measures(scope: Scope) -> tuple[list[Measure], datetime | None]:
    """Every measured goal in the chosen programs (the same goals, start and latest levels as
    the engagement dashboards' skill growth), with the months between its two assessments and
    the two views of its growth: the latest self-assessment, and the latest partner's or
    check-in assessment. Also the earliest start of a measured mentorship (None: none)."""
    qs, chosen = _growth_queryset(scope)
    own = ~Q(source=AssessmentSource.PARTNER)
    rows = (
        qs.filter(chosen)
        .annotate(
            latest_at=Subquery(_after_start(scope, own).values("assessed_at")[:1]),
            self_level=Subquery(_after_start(scope, Q(source=AssessmentSource.SELF)).values("level")[:1]),
            other_level=Subquery(
                _after_start(scope, Q(source__in=[AssessmentSource.PARTNER, AssessmentSource.CHECK_IN])).values(
                    "level"
                )[:1]
            ),
        )
        .order_by()
        .values_list(
            "learner",
            "mentorship__program__kind",
            "skill__category",
            "start_level",
            "latest_level",
            "latest_at",
            "mentorship__started_at",
            "self_level",
            "other_level",
        )
    )
    out = []
    earliest: datetime | None = None
    for person, kind, category, start, latest, latest_at, started, own_view, other_view in rows:
        if start is None or latest is None:
            continue  # not re-assessed since the mentorship began: nothing to measure yet
        earliest = started if earliest is None else min(earliest, started)
        out.append(
            Measure(
                person=person,
                group=kind,
                category=category,
                start=start,
                growth=float(latest - start),
                months=_months(started, latest_at),
                self_growth=None if own_view is None else float(own_view - start),
                other_growth=None if other_view is None else float(other_view - start),
            )
        )
    return out, earliest


def baseline_measures(scope: Scope, since: datetime | None) -> list[Measure]:
    """Colleagues in no program (never enrolled, never in a mentorship), among the chosen people:
    for each skill they assessed themselves on at least a day apart inside the period, the growth from
    the first to the last. The period: the chosen dates, or from the first measured mentorship's
    start until now."""
    start = scope.start_at or since
    if start is None:
        return []
    person = OuterRef("participant")
    outside = ~Exists(Enrollment.objects.filter(participant=person)) & ~Exists(
        Mentorship.objects.filter(Q(mentor=person) | Q(mentee=person))
    )
    rows = Assessment.objects.filter(
        outside,
        scope.in_chosen("participant"),
        assessed_at__gte=start,
        assessed_at__lt=scope.end_at or timezone.now(),
    ).exclude(source=AssessmentSource.PARTNER)
    first: dict[tuple[int, int], tuple[datetime, int, str]] = {}
    last: dict[tuple[int, int], tuple[datetime, int]] = {}
    columns: Any = ("participant", "skill", "skill__category", "level", "assessed_at")
    for participant, skill, category, level, moment in rows.order_by("assessed_at", "id").values_list(*columns):
        key = (participant, skill)
        first.setdefault(key, (moment, level, category))
        last[key] = (moment, level)
    out = []
    for key, (moment, level, category) in sorted(first.items()):
        end_moment, end_level = last[key]
        if end_moment - moment < timedelta(days=1):
            continue  # not assessed twice: one moment, or two the same day
        out.append(
            Measure(
                person=key[0],
                group=BASELINE,
                category=category,
                start=level,
                growth=float(end_level - level),
                months=_months(moment, end_moment),
            )
        )
    return out


def measures(scope: Scope) -> list[Measure]:
    """Both kinds of rows, for `effects.analyse` (no goal measured: no rows, one query)."""
    goals, earliest = goal_measures(scope)
    return goals + baseline_measures(scope, earliest) if goals else []
