"""Roles. HR admins are a group; a manager is anyone with reports; everyone is an employee."""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse

HR_ADMIN_GROUP = "HR admins"


def is_hr_admin(user: Any) -> bool:
    if not user.is_authenticated:
        return False
    cached = getattr(user, "_is_hr_admin", None)
    if cached is None:
        cached = user.is_superuser or user.groups.filter(name=HR_ADMIN_GROUP).exists()
        user._is_hr_admin = cached
    return bool(cached)


def is_manager(user: Any) -> bool:
    participant = getattr(user, "participant", None) if user.is_authenticated else None
    if participant is None:
        return False
    cached = getattr(user, "_is_manager", None)
    if cached is None:
        cached = participant.reports.exists()
        user._is_manager = cached
    return bool(cached)


def hr_admin_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Signed-in HR admins only; everyone else gets a 404, so the page's existence does not leak."""

    @wraps(view)
    @login_required
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not is_hr_admin(request.user):
            raise Http404("No such page.")
        return view(request, *args, **kwargs)

    return wrapped
