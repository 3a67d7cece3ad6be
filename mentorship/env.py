"""Tiny readers for settings from the environment.

Each one refuses a value it cannot understand, naming the variable, so a typo in a deployment
fails at start-up instead of silently running with a default.
"""

import os
import sys
from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default).strip()


def env_bool(name: str, default: bool = False) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name}={raw!r} is not a boolean: use one of 1/0, true/false, yes/no, on/off.")


def env_int(name: str, default: int, *, minimum: int | None = None, maximum: int | None = None) -> int:
    raw = os.environ.get(name)
    if raw is None or not raw.strip():
        return default
    try:
        value = int(raw.strip())
    except ValueError:
        raise ImproperlyConfigured(f"{name}={raw!r} is not a whole number.") from None
    if minimum is not None and value < minimum:
        raise ImproperlyConfigured(f"{name}={value} is below the minimum of {minimum}.")
    if maximum is not None and value > maximum:
        raise ImproperlyConfigured(f"{name}={value} is above the maximum of {maximum}.")
    return value


def env_list(name: str, default: list[str] | None = None) -> list[str]:
    """A comma-separated list; blanks between commas are dropped."""
    raw = os.environ.get(name)
    if raw is None:
        return list(default or [])
    return [item.strip() for item in raw.split(",") if item.strip()]


def env_url(name: str, *, schemes: set[str]) -> str:
    """A URL whose scheme is one of `schemes`, or '' when the variable is unset or empty."""
    raw = env_str(name)
    if not raw:
        return ""
    # The messages never echo the URL or the parser's words about it: it may hold a password, and
    # an unencoded "/" or "#" in one puts part of the password where the port should be.
    try:
        parts = urlsplit(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} is not a valid URL (is a '[' in the host left unclosed?).") from None
    try:
        parts.port  # noqa: B018  (reading it checks it)
    except ValueError:
        raise ImproperlyConfigured(
            f"{name} has a port that is not a number from 1 to 65535"
            " (a '/', '#' or '?' in the password must be %-encoded)."
        ) from None
    if parts.scheme not in schemes or not (parts.netloc or parts.path):
        allowed = ", ".join(sorted(schemes))
        raise ImproperlyConfigured(f"{name} must be a URL starting with one of: {allowed}.")
    return raw


def exit_on_bad_settings() -> None:
    """Load the settings now, so that a value the readers refuse stops the command with one line
    naming the variable (exit status 2) instead of a traceback. For manage.py and scripts/start.py."""
    from django.conf import settings

    try:
        settings.INSTALLED_APPS  # noqa: B018  (the first read imports the settings module)
    except ImproperlyConfigured as error:
        sys.stderr.write(f"Bad setting: {error}\n")
        raise SystemExit(2) from None
