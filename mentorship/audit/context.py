"""Who is acting: the signed-in user of the current request, for entries written far from a view
(a receiver on the user model, a service called without `by`)."""

from collections.abc import Callable
from contextvars import ContextVar
from typing import Any

from django.http import HttpRequest, HttpResponse

current_actor_id: ContextVar[int | None] = ContextVar("audit_current_actor_id", default=None)


class AuditActorMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user: Any = getattr(request, "user", None)
        token = current_actor_id.set(user.pk if user is not None and user.is_authenticated else None)
        try:
            return self.get_response(request)
        finally:
            current_actor_id.reset(token)
