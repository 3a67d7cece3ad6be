"""Every write to people and the organisation goes through these functions."""

from typing import Any

from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from mentorship.accounts.models import User
from mentorship.participants.models import OrgUnit, Participant
from mentorship.participants.roles import HR_ADMIN_GROUP

USER_FIELDS = ("first_name", "last_name")


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
    """The unit at `path` (e.g. ["Engineering", "Platform"]), creating missing ones on the way."""
    if not path:
        raise ValueError("An org unit path needs at least one name.")
    unit, _ = OrgUnit.objects.get_or_create(parent=None, name=path[0].strip())
    for name in path[1:]:
        unit, _ = OrgUnit.objects.get_or_create(parent=unit, name=name.strip())
    return unit
