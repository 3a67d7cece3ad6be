"""Who may use a view: the one place views ask "is this an HR admin?" and "who is this person?".

Outsiders get a 404, never a 403, so a page's existence does not leak. Each app's guarded objects
("a program this HR admin may edit", "a mentorship this person belongs to") build on these.
"""

from collections.abc import Callable
from functools import update_wrapper
from typing import Concatenate

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse

from mentorship.accounts.http import AuthenticatedHttpRequest
from mentorship.participants.models import Participant
from mentorship.participants.roles import is_hr_admin

type View[**P] = Callable[Concatenate[AuthenticatedHttpRequest, P], HttpResponse]


def require_hr_admin(request: AuthenticatedHttpRequest) -> None:
    """For a view that serves HR admins among others: a 404 for anyone who is not one."""
    if not is_hr_admin(request.user):
        raise Http404("No such page.")


def hr_admin_required[**P](view: View[P]) -> View[P]:
    """Signed-in HR admins only; everyone else gets a 404."""

    def wrapped(request: AuthenticatedHttpRequest, /, *args: P.args, **kwargs: P.kwargs) -> HttpResponse:
        require_hr_admin(request)
        return view(request, *args, **kwargs)

    update_wrapper(wrapped, view)
    return login_required(wrapped)


def participant_or_404(request: AuthenticatedHttpRequest) -> Participant:
    """The signed-in person's profile. The onboarding middleware sends anyone without a finished
    profile to onboarding first, so on the app's pages this is a 404 only for the impossible case."""
    participant: Participant | None = getattr(request.user, "participant", None)
    if participant is None:
        raise Http404("No such page.")
    return participant
