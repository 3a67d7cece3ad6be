"""Reads over a program's pool. Each runs a fixed number of queries, whatever the pool size."""

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet

from mentorship.participants.orgtree import OrgTree
from mentorship.programs.eligibility import units_with_descendants
from mentorship.programs.models import Enrollment, EnrollmentRole, Program
from skills.models import SkillCategory, SkillEntry

LEARNING_ROLES = (EnrollmentRole.MENTEE, EnrollmentRole.BOTH)
TEACHING_ROLES = (EnrollmentRole.MENTOR, EnrollmentRole.BOTH)
USEFUL_TEACHING_LEVEL = 3


def role_counts_annotation() -> dict[str, Count]:
    """Active enrollments per role, for annotating a Program queryset."""
    active = Q(enrollments__withdrawn_at__isnull=True)
    return {
        f"{role}_count": Count("enrollments", filter=active & Q(enrollments__role=role))
        for role in EnrollmentRole.values
    }


def pool_counts(program: Program) -> dict[str, int]:
    """Active enrollments per role, with every role present, from one query."""
    counts = dict.fromkeys(EnrollmentRole.values, 0)
    rows = (
        Enrollment.objects.filter(program=program, withdrawn_at__isnull=True)
        .values_list("role")
        .annotate(n=Count("id"))
        .order_by()
    )
    counts.update(dict(rows))
    return counts


def pool_enrollments(
    program: Program,
    *,
    unit_id: int | None = None,
    level: int | None = None,
    skill_id: int | None = None,
    role: str | None = None,
) -> QuerySet[Enrollment]:
    """Active enrollments, filtered; a unit includes its sub-units; a skill matches goals or offers."""
    enrollments = Enrollment.objects.filter(program=program, withdrawn_at__isnull=True)
    if unit_id is not None:
        enrollments = enrollments.filter(participant__org_unit_id__in=units_with_descendants([unit_id], OrgTree.load()))
    if level is not None:
        enrollments = enrollments.filter(participant__career_level=level)
    if role:
        enrollments = enrollments.filter(role=role)
    if skill_id is not None:
        enrollments = enrollments.filter(
            Q(pk__in=Enrollment.goals.through.objects.filter(skill_id=skill_id).values("enrollment_id"))
            | Q(pk__in=Enrollment.offers.through.objects.filter(skill_id=skill_id).values("enrollment_id"))
        )
    return (
        enrollments.select_related("participant__user", "participant__org_unit")
        .prefetch_related("goals", "offers")
        .order_by("participant__user__last_name", "participant__user__first_name", "id")
    )


@dataclass(frozen=True)
class SkillBalance:
    skill_id: int
    name: str
    category: str
    wanted_by: int
    teachers: int

    @property
    def category_label(self) -> str:
        return str(SkillCategory(self.category).label) if self.category in SkillCategory.values else self.category

    @property
    def nobody_can_teach(self) -> bool:
        return self.teachers == 0

    @property
    def short(self) -> bool:
        """More learners than teachers: some mentors will need a capacity above one."""
        return 0 < self.teachers < self.wanted_by


def supply_and_demand(program: Program) -> list[SkillBalance]:
    """For every skill an active learner wants: how many want it, how many enrolled teachers can teach it.

    A teacher counts when their inventory shows a useful level (3+) or the can-teach flag, whatever
    the kind: in reverse programs the teachers are the juniors, and the same test applies. Two
    queries, both aggregated in the database.
    """
    demand: list[dict[str, Any]] = [
        dict(row)
        for row in Enrollment.goals.through.objects.filter(
            enrollment__program=program,
            enrollment__withdrawn_at__isnull=True,
            enrollment__role__in=LEARNING_ROLES,
        )
        .values("skill_id", "skill__name", "skill__category")
        .annotate(wanted_by=Count("enrollment_id", distinct=True))
        .order_by()
    ]
    if not demand:
        return []
    teacher_rows = (
        SkillEntry.objects.filter(
            skill_id__in=[row["skill_id"] for row in demand],
            participant__enrollments__program=program,
            participant__enrollments__withdrawn_at__isnull=True,
            participant__enrollments__role__in=TEACHING_ROLES,
        )
        .filter(Q(level__gte=USEFUL_TEACHING_LEVEL) | Q(can_teach=True))
        .values_list("skill_id")
        .annotate(n=Count("participant_id", distinct=True))
        .order_by()
    )
    teachers = dict(teacher_rows)
    balances = [
        SkillBalance(
            skill_id=row["skill_id"],
            name=row["skill__name"],
            category=row["skill__category"],
            wanted_by=row["wanted_by"],
            teachers=teachers.get(row["skill_id"], 0),
        )
        for row in demand
    ]
    # Gaps first: nobody can teach, then the widest shortfall, then by name.
    balances.sort(key=lambda b: (not b.nobody_can_teach, b.teachers - b.wanted_by, b.name.lower()))
    return balances
