"""Reads shared by the catalogue pages, the inventory editor and other apps."""

from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Case, Count, IntegerField, Q, QuerySet, Value, When

from skills import references
from skills.models import Assessment, Skill, SkillEntry, SkillSuggestion, SuggestionStatus

SEARCH_LIMIT = 10
QUERY_MAX_LENGTH = 100


def search_skills(query: str, *, limit: int = SEARCH_LIMIT, exclude_ids: Iterable[int] = ()) -> list[Skill]:
    """Active skills matching `query` in name, aliases or description (any case), best first:
    names starting with it, then names containing it, then aliases, then descriptions."""
    query = " ".join(query.split())[:QUERY_MAX_LENGTH]
    if not query:
        return []
    matches = (
        Skill.objects.filter(retired_at=None)
        .filter(Q(name__icontains=query) | Q(aliases__icontains=query) | Q(description__icontains=query))
        .exclude(pk__in=list(exclude_ids))
        .annotate(
            rank=Case(
                When(name__istartswith=query, then=Value(0)),
                When(name__icontains=query, then=Value(1)),
                When(aliases__icontains=query, then=Value(2)),
                default=Value(3),
                output_field=IntegerField(),
            )
        )
        .order_by("rank", "name", "pk")
    )
    return list(matches[:limit])


def catalogue_with_counts(*, query: str = "", category: str = "", state: str = "active") -> QuerySet[Skill]:
    """The catalogue for HR, with how many people list, can teach and want to learn each skill.

    One query whatever the page size: the counts are aggregates over a single join.
    """
    skills = Skill.objects.select_related("merged_into")
    if state == "active":
        skills = skills.filter(retired_at=None)
    elif state == "retired":
        skills = skills.exclude(retired_at=None)
    if category:
        skills = skills.filter(category=category)
    query = " ".join(query.split())[:QUERY_MAX_LENGTH]
    if query:
        skills = skills.filter(Q(name__icontains=query) | Q(aliases__icontains=query) | Q(description__icontains=query))
    return skills.annotate(
        people=Count("entries"),
        teachers=Count("entries", filter=Q(entries__can_teach=True)),
        learners=Count("entries", filter=Q(entries__want_priority__gt=0)),
    ).order_by("name", "pk")


@dataclass(frozen=True)
class MergePreview:
    entries_moving: int
    entries_combined: int
    assessments: int
    programs: int
    enrollments: int
    suggestions: int

    @property
    def nothing_to_move(self) -> bool:
        return not any((self.entries_moving, self.entries_combined, self.assessments, self.programs, self.enrollments))


def merge_preview(*, source: Skill, target: Skill) -> MergePreview:
    """What `skill_merge` would move, for the confirmation page."""
    both = SkillEntry.objects.filter(skill=target).values("participant_id")
    source_entries = SkillEntry.objects.filter(skill=source).aggregate(
        total=Count("pk"), combined=Count("pk", filter=Q(participant_id__in=both))
    )
    return MergePreview(
        entries_moving=source_entries["total"] - source_entries["combined"],
        entries_combined=source_entries["combined"],
        assessments=Assessment.objects.filter(skill=source).count(),
        programs=references.holders_count("programs", skill_id=source.pk),
        enrollments=references.holders_count("enrollments", skill_id=source.pk),
        suggestions=SkillSuggestion.objects.filter(skill=source).count(),
    )


def pending_suggestion_count() -> int:
    return SkillSuggestion.objects.filter(status=SuggestionStatus.PENDING).count()


def assessment_history(participant_id: int) -> QuerySet[Assessment]:
    """A person's assessments, grouped by skill name and oldest first within each skill."""
    return (
        Assessment.objects.filter(participant_id=participant_id)
        .select_related("skill", "assessed_by__user")
        .order_by("skill__name", "skill_id", "assessed_at", "id")
    )
