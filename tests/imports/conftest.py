"""Helpers for import tests: CSV files built from rows, and counts of what the app holds."""

from collections.abc import Iterable, Sequence
from typing import Any

import pytest
from allauth.account.models import EmailAddress
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from mentorship.accounts.models import User
from mentorship.notifications.models import EmailStatus, Notification
from mentorship.notifications.services import notification_email_deliver
from mentorship.participants.models import OrgUnit, Participant

HEADER = (
    "Email",
    "First name",
    "Last name",
    "Job title",
    "Department",
    "Manager email",
    "Level",
    "Hire date",
    "Time zone",
    "Languages",
)


def person_row(
    email: str,
    *,
    first: str = "Sam",
    last: str = "Smith",
    title: str = "Engineer",
    department: str = "Acme / Engineering",
    manager: str = "",
    level: str = "3",
    hired: str = "2024-01-15",
    tz: str = "Europe/Berlin",
    languages: str = "en",
) -> tuple[str, ...]:
    return (email, first, last, title, department, manager, level, hired, tz, languages)


# A bad value in a row (next to a good row), the column it is reported on, and the message.
BAD_VALUES = [
    (person_row("not-an-email"), "Email", "“not-an-email” is not a valid email address."),
    (person_row(""), "Email", "Email is required."),
    (person_row("a@example.com", first=""), "First name", "First name is required."),
    (person_row("a@example.com", manager="boss@"), "Manager email", "“boss@” is not a valid email address."),
    (
        person_row("a@example.com", manager="A@example.com"),
        "Manager email",
        "A person cannot be their own manager.",
    ),
    (person_row("a@example.com", level="8"), "Level", "Level 8 is out of range; use 1 to 7."),
    (person_row("a@example.com", level="0"), "Level", "Level 0 is out of range; use 1 to 7."),
    (
        person_row("a@example.com", level="senior"),
        "Level",
        "“senior” is not a level; use a whole number from 1 to 7.",
    ),
    (
        person_row("a@example.com", hired="2024-02-30"),
        "Hire date",
        "“2024-02-30” is not a date; use YYYY-MM-DD (or DD/MM/YYYY).",
    ),
    (
        person_row("a@example.com", hired="12/31/2024"),
        "Hire date",
        "“12/31/2024” is not a date; use YYYY-MM-DD (or DD/MM/YYYY).",
    ),
    (
        person_row("a@example.com", tz="Mars/Olympus"),
        "Time zone",
        "“Mars/Olympus” is not a known time zone; use a name like Europe/Berlin.",
    ),
    (
        person_row("a@example.com", languages="en; Klingon"),
        "Languages",
        "Unknown language “Klingon”; use a code or an English name (en, German...).",
    ),
    (
        person_row("a@example.com", department="Acme > > Data"),
        "Department",
        "“Acme > > Data” has an empty part; separate units with “ / ” or “>”.",
    ),
    (
        person_row("a@example.com", department="Acme /"),
        "Department",
        "“Acme /” has an empty part; separate units with “ / ” or “>”.",
    ),
]


def make_csv(
    rows: Iterable[Sequence[str]],
    *,
    header: Sequence[str] = HEADER,
    delimiter: str = ",",
    encoding: str = "utf-8",
) -> bytes:
    def quote(cell: str) -> str:
        return f'"{cell}"' if delimiter in cell or '"' in cell else cell

    lines = [delimiter.join(quote(cell) for cell in row) for row in [header, *rows]]
    return ("\r\n".join(lines) + "\r\n").encode(encoding)


def team_csv(size: int, *, domain: str = "import.example") -> bytes:
    """A boss and `size - 1` reports, listed reports first so managers come later in the file."""
    boss = person_row(f"boss@{domain}", first="Bo", last="Boss", title="Head", level="6")
    reports = [
        person_row(
            f"p{n:05d}@{domain}", first=f"P{n}", manager=f"boss@{domain}", department="Acme / Engineering / Data"
        )
        for n in range(1, size)
    ]
    return make_csv([*reports, boss])


def counts() -> dict[str, int]:
    return {
        "users": User.objects.count(),
        "participants": Participant.objects.count(),
        "emails": EmailAddress.objects.count(),
        "units": OrgUnit.objects.count(),
    }


def post_file(client: Client, content: bytes, name: str = "people.csv") -> Any:
    return client.post(reverse("imports:upload"), {"file": SimpleUploadedFile(name, content, "text/csv")})


@pytest.fixture
def hr_client(client: Client, hr_admin: Participant) -> Client:
    client.force_login(hr_admin.user)
    return client


def deliver_invitations() -> int:
    """What the email workers do with the invitations an import wrote: send each pending one."""
    pending = Notification.objects.filter(kind="invitation", email_status=EmailStatus.PENDING).order_by("pk")
    return sum(notification_email_deliver(notification_id=pk) for pk in pending.values_list("pk", flat=True))
