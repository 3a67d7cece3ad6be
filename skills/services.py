"""Every write to the skill catalogue, suggestions and inventories goes through these functions."""

import logging
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from mentorship.accounts.models import User
from mentorship.participants.models import Participant
from skills import catalogue, references
from skills.models import (
    LEVEL_LABELS,
    Assessment,
    AssessmentSource,
    Skill,
    SkillEntry,
    SkillSuggestion,
    SuggestionStatus,
    WantPriority,
)
from skills.queries import search_skills  # noqa: F401  (re-exported: callers look for it next to the writes)

logger = logging.getLogger(__name__)

ALIASES_MAX_LENGTH = Skill._meta.get_field("aliases").max_length or 300


# Catalogue -------------------------------------------------------------------------------------


@transaction.atomic
def catalogue_seed() -> int:
    """Add the starting catalogue's missing skills (migration 0002 does this on install; tests that
    flush the database, like browser tests, call it again). Returns how many were added."""
    return catalogue.seed_into(Skill)


def normalise_aliases(text: str, *, name: str = "") -> str:
    """Comma-separated aliases, trimmed, without duplicates (any case) or a copy of the name."""
    seen = {name.strip().lower()} if name else set()
    kept = []
    for alias in text.split(","):
        alias = " ".join(alias.split())
        if alias and alias.lower() not in seen:
            seen.add(alias.lower())
            kept.append(alias)
    return ", ".join(kept)


def _check_name_free(name: str, *, exclude: Skill | None = None) -> None:
    clash = Skill.objects.filter(name__iexact=name)
    if exclude is not None:
        clash = clash.exclude(pk=exclude.pk)
    existing = clash.first()
    if existing is not None:
        state = " (retired)" if not existing.is_active else ""
        raise ValidationError({"name": f"The catalogue already has “{existing.name}”{state}."})


def _save_skill(skill: Skill) -> Skill:
    skill.name = " ".join(skill.name.split())
    skill.description = skill.description.strip()
    skill.aliases = normalise_aliases(skill.aliases, name=skill.name)
    _check_name_free(skill.name, exclude=skill if skill.pk else None)
    skill.full_clean(exclude=["merged_into"])
    skill.save()
    return skill


@transaction.atomic
def skill_create(*, name: str, category: str, description: str = "", aliases: str = "") -> Skill:
    return _save_skill(Skill(name=name, category=category, description=description, aliases=aliases))


@transaction.atomic
def skill_update(*, skill: Skill, name: str, category: str, description: str, aliases: str) -> Skill:
    skill.name, skill.category, skill.description, skill.aliases = name, category, description, aliases
    return _save_skill(skill)


@transaction.atomic
def skill_retire(*, skill: Skill, by: User | None = None) -> Skill:
    """Hide the skill from search and new inventories. Existing entries and history stay."""
    if skill.retired_at is None:
        skill.retired_at = timezone.now()
        skill.save(update_fields=["retired_at"])
        logger.info("Skill %s retired by %s", skill.pk, getattr(by, "pk", None))
    return skill


@transaction.atomic
def skill_restore(*, skill: Skill, by: User | None = None) -> Skill:
    if skill.merged_into_id is not None:
        raise ValidationError(f"“{skill.name}” was merged into another skill; edit that one instead.")
    if skill.retired_at is not None:
        skill.retired_at = None
        skill.save(update_fields=["retired_at"])
        logger.info("Skill %s restored by %s", skill.pk, getattr(by, "pk", None))
    return skill


@dataclass(frozen=True)
class MergeResult:
    target: Skill
    entries_moved: int
    entries_combined: int
    assessments_moved: int
    references_moved: int


@transaction.atomic
def skill_merge(*, source: Skill, target: Skill, by: User | None = None) -> MergeResult:
    """Fold a duplicate into the survivor. Nothing is lost: entries, history and references move.

    A person with entries for both keeps one, with the higher level, the higher wish to learn and
    can-teach if either said so.
    """
    if source.pk == target.pk:
        raise ValidationError("Choose a different skill to keep: a skill cannot be merged into itself.")
    # Lock both rows in id order so two concurrent merges of the same pair cannot deadlock.
    locked = {s.pk: s for s in Skill.objects.select_for_update().filter(pk__in=[source.pk, target.pk]).order_by("pk")}
    source, target = locked[source.pk], locked[target.pk]
    if source.merged_into_id is not None:
        raise ValidationError(f"“{source.name}” was already merged.")
    if not target.is_active:
        raise ValidationError(f"“{target.name}” is retired; restore it first or choose another skill to keep.")

    now = timezone.now()
    source_entries = {e.participant_id: e for e in SkillEntry.objects.select_for_update().filter(skill=source)}
    both = SkillEntry.objects.select_for_update().filter(skill=target, participant_id__in=list(source_entries))
    combined = []
    for survivor in both:
        duplicate = source_entries.pop(survivor.participant_id)
        survivor.level = max(survivor.level, duplicate.level)
        survivor.want_priority = max(survivor.want_priority, duplicate.want_priority)
        survivor.can_teach = survivor.can_teach or duplicate.can_teach
        survivor.updated_at = now
        combined.append(survivor)
    SkillEntry.objects.bulk_update(combined, ["level", "want_priority", "can_teach", "updated_at"])
    SkillEntry.objects.filter(skill=source, participant_id__in=[e.participant_id for e in combined]).delete()
    entries_moved = SkillEntry.objects.filter(skill=source).update(skill=target, updated_at=now)

    assessments_moved = Assessment.objects.filter(skill=source).update(skill=target)
    _record_merged_levels(combined, skill=target, at=now)

    # Programs' focus skills, enrollments' goals and offers: registered by the programs app.
    references_moved = references.references_move(source_id=source.pk, target_id=target.pk)
    SkillSuggestion.objects.filter(skill=source).update(skill=target)
    # Earlier merges into the source now point straight at the survivor: no chains to follow.
    Skill.objects.filter(merged_into=source).update(merged_into=target)

    target.aliases = _aliases_with(target, extra=[source.name, *source.aliases.split(",")])
    target.save(update_fields=["aliases"])
    source.retired_at = source.retired_at or now
    source.merged_into = target
    source.save(update_fields=["retired_at", "merged_into"])
    logger.info("Skill %s merged into %s by %s", source.pk, target.pk, getattr(by, "pk", None))
    return MergeResult(
        target=target,
        entries_moved=entries_moved,
        entries_combined=len(combined),
        assessments_moved=assessments_moved,
        references_moved=references_moved,
    )


def _record_merged_levels(entries: list[SkillEntry], *, skill: Skill, at: Any) -> None:
    """Where two histories were interleaved, their latest assessment may no longer be the level kept:
    add one that is, so "latest assessment = current level" holds for growth reports."""
    latest: dict[int, int] = {}
    history = Assessment.objects.filter(skill=skill, participant_id__in=[e.participant_id for e in entries])
    for participant_id, level in history.order_by("participant_id", "-assessed_at", "-id").values_list(
        "participant_id", "level"
    ):
        latest.setdefault(participant_id, level)
    Assessment.objects.bulk_create(
        Assessment(
            participant_id=e.participant_id, skill=skill, level=e.level, source=AssessmentSource.MERGE, assessed_at=at
        )
        for e in entries
        if latest.get(e.participant_id, e.level) != e.level
    )


def _aliases_with(skill: Skill, *, extra: list[str]) -> str:
    """The skill's aliases plus `extra`, trimmed to fit the column by dropping the newest extras."""
    aliases = normalise_aliases(",".join([skill.aliases, *extra]), name=skill.name)
    while len(aliases) > ALIASES_MAX_LENGTH and "," in aliases:
        aliases = aliases.rsplit(",", 1)[0]
    return aliases[:ALIASES_MAX_LENGTH]


# Suggestions -----------------------------------------------------------------------------------


def _active_skill_named(name: str) -> Skill | None:
    """The active skill called `name`, or listing it as an alias (any case)."""
    name = " ".join(name.split()).lower()
    for skill in Skill.objects.filter(retired_at=None).filter(Q(name__iexact=name) | Q(aliases__icontains=name)):
        if skill.name.lower() == name or name in {a.strip().lower() for a in skill.aliases.split(",")}:
            return skill
    return None


@transaction.atomic
def suggestion_create(*, participant: Participant, name: str, category: str, description: str = "") -> SkillSuggestion:
    name = " ".join(name.split())
    existing = _active_skill_named(name)
    if existing is not None:
        raise ValidationError({"name": f"“{existing.name}” is already in the catalogue: add it from the search."})
    if SkillSuggestion.objects.filter(
        suggested_by=participant, name__iexact=name, status=SuggestionStatus.PENDING
    ).exists():
        raise ValidationError({"name": "You have already suggested this skill; HR will look at it soon."})
    suggestion = SkillSuggestion(
        name=name, category=category, description=description.strip(), suggested_by=participant
    )
    suggestion.full_clean(exclude=["suggested_by", "skill", "decided_by"])
    suggestion.save()
    return suggestion


def _decide(
    suggestion: SkillSuggestion, *, status: str, by: User, skill: Skill | None = None, note: str = ""
) -> SkillSuggestion:
    suggestion = SkillSuggestion.objects.select_for_update().get(pk=suggestion.pk)
    if suggestion.status != SuggestionStatus.PENDING:
        raise ValidationError(f"This suggestion was already decided: {suggestion.get_status_display().lower()}.")
    suggestion.status, suggestion.skill, suggestion.note = status, skill, note.strip()
    suggestion.decided_by, suggestion.decided_at = by, timezone.now()
    suggestion.save()
    return suggestion


@transaction.atomic
def suggestion_approve(
    *,
    suggestion: SkillSuggestion,
    by: User,
    name: str | None = None,
    category: str | None = None,
    description: str | None = None,
    aliases: str = "",
) -> Skill:
    """Add the suggested skill (HR may polish the wording). A skill of that name is reused instead."""
    name = " ".join((name or suggestion.name).split())
    skill = Skill.objects.filter(name__iexact=name).first()
    if skill is not None:
        while skill.merged_into_id is not None:  # follow a merge to the survivor
            skill = Skill.objects.get(pk=skill.merged_into_id)
        if not skill.is_active:
            skill = skill_restore(skill=skill, by=by)
    else:
        skill = skill_create(
            name=name,
            category=category or suggestion.category,
            description=suggestion.description if description is None else description,
            aliases=aliases,
        )
    _decide(suggestion, status=SuggestionStatus.APPROVED, by=by, skill=skill)
    return skill


@transaction.atomic
def suggestion_merge(*, suggestion: SkillSuggestion, skill: Skill, by: User, note: str = "") -> SkillSuggestion:
    """Answer the suggestion with an existing skill; its name becomes an alias so search finds it."""
    if not skill.is_active:
        raise ValidationError({"skill": f"“{skill.name}” is retired; choose an active skill."})
    skill.aliases = _aliases_with(skill, extra=[suggestion.name])
    skill.save(update_fields=["aliases"])
    return _decide(suggestion, status=SuggestionStatus.MERGED, by=by, skill=skill, note=note)


@transaction.atomic
def suggestion_reject(*, suggestion: SkillSuggestion, by: User, note: str) -> SkillSuggestion:
    if not note.strip():
        raise ValidationError({"note": "Tell the colleague briefly why, so they can suggest something better."})
    return _decide(suggestion, status=SuggestionStatus.REJECTED, by=by, note=note)


# Inventory -------------------------------------------------------------------------------------


def _check_entry_values(*, level: int, want_priority: int) -> None:
    errors: dict[str, Any] = {}
    if level not in LEVEL_LABELS:
        errors["level"] = "Choose a level from 0 to 5."
    if want_priority not in WantPriority.values:
        errors["want_priority"] = "Choose a priority: not now, low, medium or high."
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def inventory_set_entry(
    *,
    participant: Participant,
    skill: Skill,
    level: int,
    want_priority: int,
    can_teach: bool,
    source: str = AssessmentSource.SELF,
    by: Participant | None = None,
) -> SkillEntry:
    """Create or update one inventory line. A new entry or a new level writes a dated assessment."""
    _check_entry_values(level=level, want_priority=want_priority)
    entry = SkillEntry.objects.select_for_update().filter(participant=participant, skill=skill).first()
    if entry is None:
        if not skill.is_active:
            raise ValidationError({"skill": f"“{skill.name}” is no longer in the catalogue."})
        entry = SkillEntry(participant=participant, skill=skill)
        level_changed = True
    else:
        level_changed = entry.level != level
    if (
        not level_changed
        and entry.pk is not None
        and (entry.want_priority, entry.can_teach) == (want_priority, can_teach)
    ):
        return entry  # nothing to save: an unchanged form posted twice leaves no trace
    entry.level, entry.want_priority, entry.can_teach = level, want_priority, can_teach
    entry.save()
    if level_changed:
        Assessment.objects.create(
            participant=participant, skill=skill, level=level, source=source, assessed_by=by, assessed_at=timezone.now()
        )
    return entry


@transaction.atomic
def inventory_remove_entry(*, participant: Participant, skill: Skill) -> bool:
    """Drop the line from the inventory. Its assessments stay: growth history is never deleted."""
    deleted, _ = SkillEntry.objects.filter(participant=participant, skill=skill).delete()
    return deleted > 0
