"""Files attached to a notification's email, by kind. Apps above this one register a builder
(the calendar app attaches meeting invitations), so notifications need not know about them."""

from collections.abc import Callable

from mentorship.notifications.models import Notification

Attachment = tuple[str, bytes, str]  # file name, content, MIME type
Builder = Callable[[Notification], list[Attachment]]

BUILDERS: dict[str, Builder] = {}


def register(kind: str, builder: Builder) -> None:
    BUILDERS[kind] = builder


def for_notification(notification: Notification) -> list[Attachment]:
    builder = BUILDERS.get(notification.kind)
    return builder(notification) if builder is not None else []
