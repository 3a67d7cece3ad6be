"""iCalendar (RFC 5545) documents for sessions, planned meetings and check-in due dates.

Each event's UID is derived from its row, so a changed or cancelled meeting carries the same UID
with a higher SEQUENCE and calendars update the event they already have instead of adding one.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.utils import timezone
from icalendar import Calendar, Event, vCalAddress, vText

PRODID = "-//Mentorship pairing//Calendar//EN"


def uid_domain() -> str:
    return urlsplit(settings.SITE_URL).hostname or "mentorship.invalid"


@dataclass(frozen=True)
class CalendarEvent:
    uid: str
    summary: str
    start: datetime | date  # a date makes an all-day event
    duration: timedelta | None = None
    description: str = ""
    location: str = ""
    url: str = ""
    sequence: int = 0
    cancelled: bool = False
    attendees: tuple[tuple[str, str], ...] = field(default=())  # (name, email)


def _event(item: CalendarEvent, stamp: datetime) -> Event:
    event = Event()
    event.add("uid", f"{item.uid}@{uid_domain()}")
    event.add("dtstamp", stamp)
    event.add("dtstart", item.start)
    if isinstance(item.start, datetime):
        event.add("duration", item.duration or timedelta(hours=1))
    else:
        event.add("dtend", item.start + timedelta(days=1))  # all day
    event.add("summary", item.summary)
    event.add("sequence", item.sequence)
    event.add("status", "CANCELLED" if item.cancelled else "CONFIRMED")
    if item.description:
        event.add("description", item.description)
    if item.location:
        event.add("location", item.location)
    if item.url:
        event.add("url", item.url)
    if item.attendees:
        organizer = vCalAddress(f"mailto:{_address(settings.DEFAULT_FROM_EMAIL)}")
        organizer.params["cn"] = vText("Mentorship")
        event.add("organizer", organizer)
        for name, email in item.attendees:
            attendee = vCalAddress(f"mailto:{email}")
            attendee.params["cn"] = vText(name)
            attendee.params["role"] = vText("REQ-PARTICIPANT")
            attendee.params["partstat"] = vText("NEEDS-ACTION")
            attendee.params["rsvp"] = vText("FALSE")
            event.add("attendee", attendee, encode=False)
    return event


def _address(from_email: str) -> str:
    return from_email.rsplit("<", 1)[-1].rstrip(">").strip()


def calendar(items: Iterable[CalendarEvent], *, name: str = "", method: str = "") -> bytes:
    """One VCALENDAR with the events. `method` is REQUEST or CANCEL for an emailed invitation
    (iTIP), empty for a download or a feed."""
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    if method:
        cal.add("method", method)
    if name:
        cal.add("x-wr-calname", name)
    stamp = timezone.now()
    for item in items:
        cal.add_component(_event(item, stamp))
    content: bytes = cal.to_ical()
    return content
