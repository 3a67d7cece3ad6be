"""Every write to people and the organisation goes through these functions."""

import logging
from typing import Any

from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from mentorship.accounts.models import User
from mentorship.participants.models import OrgUnit, Participant
from mentorship.participants.orgtree import OrgTree
from mentorship.participants.roles import HR_ADMIN_GROUP

logger = logging.getLogger(__name__)

USER_FIELDS = ("first_name", "last_name")
DEFAULT_ROOT_NAME = "Organisation"  # a new installation's root, until HR renames it


def participant_ensure(*, user: User) -> Participant:
    """The user's profile, created empty the first time."""
    participant, _ = Participant.objects.get_or_create(user=user)
    return participant


def _check_manager(participant: Participant, manager: Participant | None) -> None:
    """Refuse a manager who would close a loop: reporting lines are short, so walk up them."""
    if manager is None:
        return
    if manager.pk == participant.pk:
        raise ValidationError({"manager": "You cannot be your own manager."})
    current: int | None = manager.pk
    seen: set[int] = set()
    while current is not None and current not in seen:
        if current == participant.pk:
            raise ValidationError({"manager": f"{manager.name} reports to you, directly or through others."})
        seen.add(current)
        current = Participant.objects.filter(pk=current).values_list("manager_id", flat=True).first()


@transaction.atomic
def participant_update(*, participant: Participant, data: dict[str, Any]) -> Participant:
    """Save profile fields (and the name, which lives on the user) after checking the manager."""
    if "manager" in data:
        _check_manager(participant, data["manager"])
    user_changes = {name: data[name] for name in USER_FIELDS if name in data}
    if user_changes:
        for name, value in user_changes.items():
            setattr(participant.user, name, value)
        participant.user.save(update_fields=list(user_changes))
    profile_changes = {name: value for name, value in data.items() if name not in USER_FIELDS}
    for name, value in profile_changes.items():
        setattr(participant, name, value)
    participant.full_clean(exclude=["user"])
    participant.save()
    return participant


def participant_onboarding_complete(*, participant: Participant) -> Participant:
    if participant.onboarded_at is None:
        participant.onboarded_at = timezone.now()
        participant.save(update_fields=["onboarded_at", "updated_at"])
    return participant


def hr_admin_grant(*, user: User) -> None:
    """Make `user` an HR admin. HR admins are staff so they can also use the admin site."""
    group, _ = Group.objects.get_or_create(name=HR_ADMIN_GROUP)
    user.groups.add(group)
    if not user.is_staff:
        user.is_staff = True
        user.save(update_fields=["is_staff"])


def org_unit_ensure_path(*, path: list[str]) -> OrgUnit:
    """The unit at `path` (e.g. ["Engineering", "Platform"]), creating missing ones on the way.

    The path is read below the organisation root, with or without the root's name in front. With
    no root yet, the path's first name becomes the root.
    """
    if not [name for name in path if name.strip()]:
        raise ValueError("An org unit path needs at least one name.")
    tree = OrgTree.load()
    if tree.root_id is None:
        root = org_root_ensure(name=path[0])
        tree = OrgTree.load()
    else:
        root = OrgUnit.objects.get(pk=tree.root_id)
    unit = root
    for name in tree.below_root(path):
        found = tree.child_named(unit.pk, name)
        unit = OrgUnit.objects.get(pk=found) if found is not None else OrgUnit.objects.create(parent=unit, name=name)
    return unit


# The org tree, edited by HR --------------------------------------------------------------------------


def _clean_name(name: str) -> str:
    cleaned = " ".join(name.split())
    if not cleaned:
        raise ValidationError({"name": "Give the unit a name."})
    if len(cleaned) > OrgUnit._meta.get_field("name").max_length:  # type: ignore[operator]  # the name field has a max_length
        raise ValidationError({"name": "Keep the name to 120 characters."})
    return cleaned


def _refuse_clash(tree: OrgTree, parent: int | None, name: str, *, unit: OrgUnit | None = None) -> None:
    clash = tree.child_named(parent, name)
    if clash is not None and (unit is None or clash != unit.pk):
        where = tree.label(parent, with_root=True) if parent is not None else "the top"
        raise ValidationError(
            {"name": f"{where} already has a unit called “{tree.names[clash]}”. Merge the two units instead."}
        )


@transaction.atomic
def org_root_ensure(*, name: str = DEFAULT_ROOT_NAME) -> OrgUnit:
    """The organisation root, created with `name` when there is none yet."""
    root = OrgUnit.objects.select_for_update().filter(parent=None).order_by("id").first()
    return root or OrgUnit.objects.create(parent=None, name=_clean_name(name))


@transaction.atomic
def org_unit_create(*, name: str, parent: OrgUnit, by: User | None) -> OrgUnit:
    """A new unit below `parent` (the root at least: there is one organisation root)."""
    name = _clean_name(name)
    _refuse_clash(OrgTree.load(), parent.pk, name)
    unit = OrgUnit.objects.create(parent=parent, name=name)
    logger.info("Org unit %s created under %s by %s", unit.pk, parent.pk, by.pk if by else None)
    return unit


@transaction.atomic
def org_unit_rename(*, unit: OrgUnit, name: str, by: User | None) -> OrgUnit:
    name = _clean_name(name)
    _refuse_clash(OrgTree.load(), unit.parent_id, name, unit=unit)
    old, unit.name = unit.name, name
    unit.save(update_fields=["name"])
    logger.info("Org unit %s renamed from %r to %r by %s", unit.pk, old, name, by.pk if by else None)
    return unit


@transaction.atomic
def org_unit_move(*, unit: OrgUnit, parent: OrgUnit, by: User | None) -> OrgUnit:
    """Put `unit` (with its people and sub-units) below `parent`. Refuses loops and name clashes."""
    tree = OrgTree.load()
    if unit.parent_id is None:
        raise ValidationError({"parent": "The organisation root stays at the top."})
    if parent.pk in tree.subtree(unit.pk):
        raise ValidationError({"parent": f"“{parent.name}” is inside “{unit.name}”; a unit cannot move below itself."})
    _refuse_clash(tree, parent.pk, unit.name, unit=unit)
    unit.parent = parent
    unit.save(update_fields=["parent"])
    logger.info("Org unit %s moved under %s by %s", unit.pk, parent.pk, by.pk if by else None)
    return unit


@transaction.atomic
def org_unit_merge(*, unit: OrgUnit, into: OrgUnit, by: User | None) -> OrgUnit:
    """Fold `unit` into `into`: its people, sub-units and program eligibility move, then it goes.

    Sub-units whose name `into` already has are merged the same way, so nobody is left behind.
    """
    tree = OrgTree.load()
    if unit.parent_id is None:
        raise ValidationError({"into": "The organisation root cannot be merged into another unit."})
    if into.pk in tree.subtree(unit.pk):
        raise ValidationError({"into": f"“{into.name}” is inside “{unit.name}”; choose a unit outside it."})
    _merge(tree, unit.pk, into.pk)
    logger.info("Org unit %s merged into %s by %s", unit.pk, into.pk, by.pk if by else None)
    into.refresh_from_db()
    return into


def _merge(tree: OrgTree, source: int, target: int) -> None:
    Participant.objects.filter(org_unit_id=source).update(org_unit_id=target, updated_at=timezone.now())
    for child in tree.children.get(source, []):
        clash = tree.child_named(target, tree.names[child])
        if clash is None:
            OrgUnit.objects.filter(pk=child).update(parent_id=target)
            tree.children[target].append(child)
        else:
            _merge(tree, child, clash)
    through = OrgUnit.programs.through  # programs limited to units (declared by programs, which build on this app)
    for program_id in through.objects.filter(orgunit_id=source).values_list("program_id", flat=True):
        through.objects.get_or_create(program_id=program_id, orgunit_id=target)
    through.objects.filter(orgunit_id=source).delete()
    OrgUnit.objects.filter(pk=source).delete()


@transaction.atomic
def org_unit_delete(*, unit: OrgUnit, by: User | None) -> None:
    """Delete an empty unit: no people, no sub-units, and no program limited to it."""
    if unit.parent_id is None:
        raise ValidationError("The organisation root cannot be deleted.")
    if unit.children.exists():
        raise ValidationError("Move or merge its sub-units first; only an empty unit can be deleted.")
    if unit.members.filter(user__is_active=True).exists():
        raise ValidationError("People still belong to this unit. Merge it into another unit to move them.")
    if unit.members.exists():
        raise ValidationError(
            "People who left are still recorded in this unit. Merge it into another unit to keep their history."
        )
    programs = list(unit.programs.values_list("name", flat=True))
    if programs:
        raise ValidationError(
            f"Programs are open only to this unit: {', '.join(sorted(programs))}. Merge it instead, or edit them first."
        )
    logger.info("Org unit %s (%r) deleted by %s", unit.pk, unit.name, by.pk if by else None)
    unit.delete()
