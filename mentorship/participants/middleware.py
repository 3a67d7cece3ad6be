from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

# Paths a person who has not finished onboarding may still use.
OPEN_PREFIXES = ("/accounts/", "/welcome/", "/static/", "/healthz", "/admin/", "/dev/")


class OnboardingMiddleware:
    """Send a signed-in person who has not completed their profile to the onboarding steps."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if user.is_authenticated and not request.path.startswith(OPEN_PREFIXES):
            participant = getattr(user, "participant", None)
            if participant is None or participant.onboarded_at is None:
                return redirect(reverse("participants:onboarding", kwargs={"step": 1}))
        return self.get_response(request)
