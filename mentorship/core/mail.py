"""Development email: print each message and keep a copy under var/mail for the outbox page."""

from collections.abc import Sequence
from email import message_from_bytes, policy
from email.message import EmailMessage as ParsedMessage
from pathlib import Path

from django.conf import settings
from django.core.mail import EmailMessage
from django.core.mail.backends.console import EmailBackend as ConsoleBackend
from django.utils import timezone
from django.utils.crypto import get_random_string


class ConsoleAndFileBackend(ConsoleBackend):
    def send_messages(self, email_messages: Sequence[EmailMessage]) -> int:
        sent = super().send_messages(email_messages)
        folder = outbox_dir()
        folder.mkdir(parents=True, exist_ok=True)
        for message in email_messages:
            name = f"{timezone.now():%Y%m%d-%H%M%S-%f}-{get_random_string(6)}.eml"
            (folder / name).write_bytes(message.message().as_bytes())
        return sent


def outbox_dir() -> Path:
    return Path(settings.MAIL_OUTBOX_DIR)


def outbox_messages(limit: int = 50) -> list[tuple[str, ParsedMessage]]:
    """The newest saved messages, newest first, as (file name, parsed message)."""
    folder = outbox_dir()
    if not folder.is_dir():
        return []
    files = sorted(folder.glob("*.eml"), reverse=True)[:limit]
    return [(f.name, message_from_bytes(f.read_bytes(), policy=policy.default)) for f in files]  # type: ignore[misc]
