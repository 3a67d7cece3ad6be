"""Roles. HR admins are a group; a manager is anyone with reports; everyone is an employee."""

from typing import Any

HR_ADMIN_GROUP = "HR admins"


def is_hr_admin(user: Any) -> bool:
    if not user.is_authenticated:
        return False
    cached = getattr(user, "_is_hr_admin", None)
    if cached is None:
        cached = user.is_superuser or user.groups.filter(name=HR_ADMIN_GROUP).exists()
        user._is_hr_admin = cached
    return bool(cached)


def remember_manager(user: Any) -> None:
    """For the rest of this request, `user` is known to lead someone (the navigation asks again)."""
    user._is_manager = True


def is_manager(user: Any) -> bool:
    participant = getattr(user, "participant", None) if user.is_authenticated else None
    if participant is None:
        return False
    cached = getattr(user, "_is_manager", None)
    if cached is None:
        cached = participant.reports.exists()
        user._is_manager = cached
    return bool(cached)
