"""Calendar: add-to-calendar downloads, meeting invitations by email, the private feed, and UIDs
that stay the same through updates and cancellations."""

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone
from icalendar import Calendar

from mentorship.audit.models import Action, AuditEntry
from mentorship.ical import services
from mentorship.ical.models import CalendarFeed, PlannedMeeting
from mentorship.mentorships.models import Mentorship
from mentorship.notifications.models import Notification
from mentorship.notifications.services import notification_email_deliver
from mentorship.participants.models import Participant
from mentorship.programs.models import Program, ProgramKind, ProgramStatus
from mentorship.workspace.models import MentoringSession


@pytest.fixture
def mentorship(senior_mentor: Participant, junior_mentor: Participant) -> Mentorship:
    program = Program.objects.create(
        name="Leadership pathways",
        kind=ProgramKind.TRADITIONAL,
        status=ProgramStatus.RUNNING,
        cadence_days=14,
        ends_on=timezone.localdate() + timedelta(days=90),
    )
    return Mentorship.objects.create(
        program=program,
        mentor=senior_mentor,
        mentee=junior_mentor,
        started_at=timezone.now() - timedelta(days=30),
        meeting_channel="https://meet.example/abc",
    )


def events(content: bytes) -> list[Any]:
    return list(Calendar.from_ical(content).walk("VEVENT"))


def soon(days: int = 3, hour: int = 10) -> datetime:
    return (timezone.now() + timedelta(days=days)).replace(hour=hour, minute=0, second=0, microsecond=0)


class ACalendar:
    """What a calendar app does with invitations: one event per UID, the highest SEQUENCE wins,
    and a cancelled event is removed."""

    def __init__(self) -> None:
        self.events: dict[str, Any] = {}

    def receive(self, content: bytes) -> None:
        cal = Calendar.from_ical(content)
        for event in cal.walk("VEVENT"):
            uid, sequence = str(event["UID"]), int(event.get("SEQUENCE", 0))
            held = self.events.get(uid)
            if held is not None and int(held.get("SEQUENCE", 0)) > sequence:
                continue
            if cal.get("METHOD") == "CANCEL" or event.get("STATUS") == "CANCELLED":
                self.events.pop(uid, None)
            else:
                self.events[uid] = event


def invitations(recipient: Participant) -> list[bytes]:
    """Deliver the recipient's notification emails; the calendar files attached to them."""
    mail.outbox.clear()
    for notification in Notification.objects.filter(recipient=recipient.user).order_by("id"):
        notification_email_deliver(notification_id=notification.pk)
    files = []
    for message in mail.outbox:
        for name, content, mimetype in message.attachments:  # type: ignore[misc]
            assert name == "invite.ics" and mimetype.startswith("text/calendar; method=")
            files.append(content if isinstance(content, bytes) else content.encode())
    return files


def test_a_planned_meeting_emails_both_people_an_invitation_that_parses(
    mentorship: Mentorship, senior_mentor: Participant, junior_mentor: Participant
) -> None:
    services.meeting_plan(
        mentorship=mentorship, by=junior_mentor, starts_at=soon(), duration_minutes=45, agenda="Dashboards"
    )
    for person in (senior_mentor, junior_mentor):
        (invite,) = invitations(person)
        cal = Calendar.from_ical(invite)
        (event,) = events(invite)
        assert cal["METHOD"] == "REQUEST"
        assert event.decoded("DTSTART") == soon()
        assert event.decoded("DURATION") == timedelta(minutes=45)
        assert str(event["LOCATION"]) == "https://meet.example/abc"
        attendees = sorted(str(a) for a in event["ATTENDEE"])
        assert attendees == ["mailto:dana.director@example.com", "mailto:jo.junior@example.com"]


def test_an_update_and_a_cancellation_keep_the_uid_so_calendars_update_in_place(
    mentorship: Mentorship, senior_mentor: Participant, junior_mentor: Participant
) -> None:
    calendar = ACalendar()
    meeting = services.meeting_plan(mentorship=mentorship, by=junior_mentor, starts_at=soon(), duration_minutes=60)
    for invite in invitations(senior_mentor):
        calendar.receive(invite)
    (uid,) = calendar.events

    services.meeting_update(
        meeting=meeting, by=senior_mentor, starts_at=soon(4, 15), duration_minutes=30, location="Room 4", agenda=""
    )
    for invite in invitations(senior_mentor)[-1:]:
        calendar.receive(invite)
    assert list(calendar.events) == [uid]
    assert calendar.events[uid].decoded("DTSTART") == soon(4, 15)
    assert int(calendar.events[uid]["SEQUENCE"]) == 1

    services.meeting_cancel(meeting=meeting, by=junior_mentor)
    last = invitations(senior_mentor)[-1]
    assert Calendar.from_ical(last)["METHOD"] == "CANCEL"
    assert str(events(last)[0]["UID"]) == uid
    calendar.receive(last)
    assert calendar.events == {}


def test_session_and_check_in_downloads_parse_and_are_only_for_the_pair(
    client: Client, mentorship: Mentorship, junior_mentor: Participant, outsider: Participant, hr_admin: Participant
) -> None:
    session = MentoringSession.objects.create(
        mentorship=mentorship, held_on=date(2026, 2, 3), duration_minutes=50, logged_by=junior_mentor
    )
    client.force_login(junior_mentor.user)
    response = client.get(f"/calendar/sessions/{session.pk}.ics")
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    (event,) = events(response.content)
    assert event.decoded("DTSTART") == date(2026, 2, 3)
    assert str(event["SUMMARY"]) == "Mentoring session with Dana Director"
    assert str(event["UID"]).startswith(f"session-{session.pk}@")

    (check_in,) = events(client.get(f"/calendar/mentorships/{mentorship.pk}/check-ins/final.ics").content)
    assert check_in.decoded("DTSTART") == mentorship.program.ends_on
    assert client.get(f"/calendar/mentorships/{mentorship.pk}/check-ins/bogus.ics").status_code == 404

    for other in (outsider, hr_admin):
        client.force_login(other.user)
        assert client.get(f"/calendar/sessions/{session.pk}.ics").status_code == 404
        assert client.get(f"/calendar/mentorships/{mentorship.pk}/check-ins/final.ics").status_code == 404
        assert client.get(f"/calendar/mentorships/{mentorship.pk}/plan/").status_code == 404


def test_the_private_feed_lists_meetings_and_check_ins_and_a_reset_revokes_it(
    client: Client, mentorship: Mentorship, junior_mentor: Participant
) -> None:
    services.meeting_plan(mentorship=mentorship, by=junior_mentor, starts_at=soon(), duration_minutes=60)
    client.force_login(junior_mentor.user)
    page = client.get("/calendar/")
    assert page.status_code == 200
    token = CalendarFeed.objects.get(user=junior_mentor.user).token
    assert f"/calendar/feed/{token}.ics" in page.content.decode()

    anonymous = Client()
    feed = anonymous.get(f"/calendar/feed/{token}.ics")
    assert feed.status_code == 200
    summaries = sorted(str(e["SUMMARY"]) for e in events(feed.content))
    assert summaries == [
        "Final check-in due: Leadership pathways",
        "Mentoring session with Dana Director",
        "Midpoint check-in due: Leadership pathways",
    ]

    client.post("/calendar/feed/reset/")
    assert anonymous.get(f"/calendar/feed/{token}.ics").status_code == 404
    assert anonymous.get(f"/calendar/feed/{CalendarFeed.objects.get().token}.ics").status_code == 200
    assert AuditEntry.objects.filter(action=Action.CALENDAR_FEED_RESET, subject=junior_mentor.user).exists()
    assert anonymous.get("/calendar/feed/not-a-token.ics").status_code == 404


def test_planning_through_the_page_reads_the_time_in_the_persons_time_zone(
    client: Client, mentorship: Mentorship, junior_mentor: Participant
) -> None:
    client.force_login(junior_mentor.user)  # Europe/Berlin
    day = (timezone.now() + timedelta(days=10)).date()
    response = client.post(
        f"/calendar/mentorships/{mentorship.pk}/plan/",
        {"starts_at": f"{day:%Y-%m-%d}T09:30", "duration_minutes": "60", "location": "", "agenda": ""},
    )
    assert response.status_code == 302
    meeting = PlannedMeeting.objects.get()
    assert meeting.starts_at.astimezone(UTC).hour in (7, 8)  # 09:30 in Berlin is 08:30 or 07:30 UTC
    bad = client.post(
        f"/calendar/mentorships/{mentorship.pk}/plan/", {"starts_at": "2020-01-01T09:00", "duration_minutes": "60"}
    )
    assert bad.status_code == 400 and "Pick a time in the future" in bad.content.decode()
    assert client.post(f"/calendar/mentorships/{mentorship.pk}/plan/", {"starts_at": "\x00"}).status_code == 400
