"""Emails that apps above this one write for their own kinds of notification (imports writes the
invitation, with a fresh link to choose a password), so notifications need not know about them.
Every other kind gets the standard notification email."""

from collections.abc import Callable

from django.core.mail import EmailMessage

from mentorship.notifications.models import Notification

Builder = Callable[[Notification], EmailMessage]

BUILDERS: dict[str, Builder] = {}


def register(kind: str, builder: Builder) -> None:
    BUILDERS[kind] = builder


def builder_for(kind: str) -> Builder | None:
    return BUILDERS.get(kind)
