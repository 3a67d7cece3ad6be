"""Email backends for when there is no SMTP server (`EMAIL_HOST` unset).

- Development (`DEBUG=1`): `ConsoleAndFileBackend` keeps each message under var/mail for the outbox
  page (`/dev/outbox/`) and prints one line about it.
- Production (`DEBUG=0`): `DroppingBackend` sends and keeps nothing, and logs a warning that a
  message was dropped, without its recipients, subject or body. Mail holds password-reset links
  and other people's notifications: an outbox anyone could read would hand out accounts.
"""

import logging
import sys
from collections.abc import Sequence
from email import message_from_bytes, policy
from email.message import EmailMessage as ParsedMessage
from pathlib import Path

from django.conf import settings
from django.core.mail import EmailMessage
from django.core.mail.backends.base import BaseEmailBackend
from django.utils import timezone
from django.utils.crypto import get_random_string


class ConsoleAndFileBackend(BaseEmailBackend):
    """Keeps each message as an .eml file and prints one line about it, so the server log says
    what was sent without filling the terminal with MIME parts."""

    def send_messages(self, email_messages: Sequence[EmailMessage]) -> int:
        if not settings.DEBUG:  # never keep mail where a production server could show it
            return DroppingBackend().send_messages(email_messages)
        folder = outbox_dir()
        folder.mkdir(parents=True, exist_ok=True)
        for message in email_messages:
            name = f"{timezone.now():%Y%m%d-%H%M%S-%f}-{get_random_string(6)}.eml"
            (folder / name).write_bytes(message.message().as_bytes())
            recipients = ", ".join(message.recipients())
            sys.stdout.write(f"Mail to {recipients}: {message.subject!r} (kept in {folder / name})\n")
            sys.stdout.flush()
        return len(email_messages)


class DroppingBackend(BaseEmailBackend):
    """Production without `EMAIL_HOST`: sends nothing, keeps nothing, and says so in the log."""

    def send_messages(self, email_messages: Sequence[EmailMessage]) -> int:
        if email_messages:
            logger.warning(
                "%d email(s) dropped: EMAIL_HOST is not set and DEBUG is off, so there is no outbox.",
                len(email_messages),
            )
        return 0


logger = logging.getLogger(__name__)


def outbox_dir() -> Path:
    return Path(settings.MAIL_OUTBOX_DIR)


def outbox_messages(limit: int = 50) -> list[tuple[str, ParsedMessage]]:
    """The newest saved messages, newest first, as (file name, parsed message)."""
    folder = outbox_dir()
    if not folder.is_dir():
        return []
    files = sorted(folder.glob("*.eml"), reverse=True)[:limit]
    return [(f.name, message_from_bytes(f.read_bytes(), policy=policy.default)) for f in files]
