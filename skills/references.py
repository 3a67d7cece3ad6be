"""Skills named by apps above this one: a program's focus skills, an enrollment's goals and offers.
Those apps register their many-to-many tables here (ProgramsConfig.ready), so a skill merge moves
them and its preview counts them, while skills import nothing above them."""

from dataclasses import dataclass

from django.db import models


@dataclass(frozen=True)
class Holder:
    through: type[models.Model]  # a many-to-many table with a `skill_id` column
    owner: str  # its column naming who holds the skill, e.g. "program_id"


# By what the merge page calls them: "programs", "enrollments".
HOLDERS: dict[str, list[Holder]] = {}


def register(name: str, *, through: type[models.Model], owner: str) -> None:
    holders = HOLDERS.setdefault(name, [])
    if Holder(through, owner) not in holders:
        holders.append(Holder(through, owner))


def holders_count(name: str, *, skill_id: int) -> int:
    """How many distinct holders name the skill (an enrollment with it as goal and offer counts once)."""
    owners: set[int] = set()
    for holder in HOLDERS.get(name, []):
        rows = holder.through._default_manager.filter(skill_id=skill_id)
        owners.update(rows.values_list(holder.owner, flat=True))
    return len(owners)


def references_move(*, source_id: int, target_id: int) -> int:
    """Repoint every registered row from source to target; holders that already name the target keep
    their one row. Returns how many rows named the source."""
    moved = 0
    for holders in HOLDERS.values():
        for holder in holders:
            manager = holder.through._default_manager
            rows = manager.filter(skill_id=source_id)
            already = manager.filter(skill_id=target_id).values(holder.owner)
            moved += rows.count()
            rows.filter(**{f"{holder.owner}__in": already}).delete()
            rows.update(skill_id=target_id)
    return moved
