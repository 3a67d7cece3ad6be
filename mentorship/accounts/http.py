"""The request a signed-in view receives, typed: `request.user` is a `User` (never anonymous)
and `request.htmx` is set by django-htmx's middleware. For annotations only: the runtime object
is Django's own request, so use it on views behind `login_required` (or a decorator built on it).
"""

from django.http import HttpRequest
from django_htmx.middleware import HtmxDetails

from mentorship.accounts.models import User


class AuthenticatedHttpRequest(HttpRequest):
    user: User
    htmx: HtmxDetails
