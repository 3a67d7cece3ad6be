from typing import Any

from django.conf import settings
from django.http import HttpRequest


def sso(request: HttpRequest) -> dict[str, Any]:
    """`sso_password_login`: whether the sign-in page offers the password form. With
    SSO_REQUIRED=1 only ?break-glass=1 shows it, for the superuser's emergency access."""
    required = bool(settings.SSO_REQUIRED)
    return {
        "sso_required": required,
        "sso_password_login": not required or request.GET.get("break-glass") == "1",
    }
