"""The calendar events of sessions, planned meetings and check-ins, as one person sees them."""

from collections.abc import Iterator
from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from mentorship.ical.ics import CalendarEvent
from mentorship.ical.models import PlannedMeeting
from mentorship.mentorships.models import Mentorship, MentorshipStatus
from mentorship.notifications.services import absolute_url
from mentorship.participants.models import Participant
from mentorship.workspace.access import members_filter
from mentorship.workspace.models import CheckIn, CheckInKind, MentoringSession
from mentorship.workspace.queries import check_in_dates

FEED_PAST = timedelta(days=30)  # the feed keeps a month of past meetings so calendars do not drop them at once


def session_event(session: MentoringSession, me: Participant) -> CalendarEvent:
    mentorship = session.mentorship
    partner = mentorship.partner_of(me)
    return CalendarEvent(
        uid=f"session-{session.pk}",
        summary=f"Mentoring session with {partner.name}",
        start=session.held_on,
        description=f"{mentorship.program.name}: {session.get_format_display()}, {session.duration_minutes} minutes.",
        url=absolute_url(reverse("workspace:session_detail", args=[session.pk])),
        sequence=int(session.updated_at.timestamp()) % 2_000_000_000,
    )


def meeting_event(meeting: PlannedMeeting, me: Participant | None = None, *, invitation: bool = False) -> CalendarEvent:
    mentorship = meeting.mentorship
    mentor, mentee = mentorship.mentor, mentorship.mentee
    summary = (
        f"Mentoring: {mentor.name} and {mentee.name}"
        if me is None
        else f"Mentoring session with {mentorship.partner_of(me).name}"
    )
    description = f"{mentorship.program.name}." + (f"\n\n{meeting.agenda}" if meeting.agenda else "")
    attendees = tuple((p.name, p.user.email) for p in (mentor, mentee)) if invitation else ()
    return CalendarEvent(
        uid=f"meeting-{meeting.pk}",
        summary=summary,
        start=meeting.starts_at,
        duration=timedelta(minutes=meeting.duration_minutes),
        description=description,
        location=meeting.location or mentorship.meeting_channel,
        url=absolute_url(reverse("mentorships:detail", args=[mentorship.pk])),
        sequence=meeting.sequence,
        cancelled=meeting.is_cancelled,
        attendees=attendees,
    )


def check_in_event(mentorship: Mentorship, me: Participant, kind: str) -> CalendarEvent | None:
    dates = check_in_dates(mentorship)
    due = dates.midpoint if kind == CheckInKind.MIDPOINT else dates.final
    if due is None:
        return None
    return CalendarEvent(
        uid=f"check-in-{mentorship.pk}-{kind}-{me.pk}",
        summary=f"{CheckInKind(kind).label} due: {mentorship.program.name}",
        start=due,
        description="A few questions about how your mentorship is going.",
        url=absolute_url(reverse("workspace:check_in", args=[mentorship.pk, kind])),
    )


def feed_events(me: Participant) -> Iterator[CalendarEvent]:
    """A person's feed: their planned meetings (cancelled ones too, so calendars remove them),
    recent and upcoming logged sessions, and the check-ins still due in active mentorships."""
    since = timezone.now() - FEED_PAST
    related = ("mentorship__program", "mentorship__mentor__user", "mentorship__mentee__user")
    meetings = PlannedMeeting.objects.filter(
        mentorship__in=Mentorship.objects.filter(members_filter(me)), starts_at__gte=since
    ).select_related(*related)
    for meeting in meetings.order_by("starts_at", "id"):
        yield meeting_event(meeting, me)
    sessions = MentoringSession.objects.filter(
        mentorship__in=Mentorship.objects.filter(members_filter(me)), held_on__gte=since.date()
    ).select_related(*related)
    for session in sessions.order_by("held_on", "id"):
        yield session_event(session, me)
    active = Mentorship.objects.filter(members_filter(me), status=MentorshipStatus.ACTIVE).select_related(
        "program", "mentor__user", "mentee__user"
    )
    done = set(CheckIn.objects.filter(participant=me).values_list("mentorship_id", "kind"))
    for mentorship in active:
        for kind in CheckInKind.values:
            if (mentorship.pk, kind) not in done and (event := check_in_event(mentorship, me, kind)):
                yield event
