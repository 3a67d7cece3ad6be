"""Planned meetings (with invitations by email) and the private calendar feed."""

from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from mentorship.accounts.models import User
from mentorship.audit.models import Action
from mentorship.audit.services import audit_record
from mentorship.ical.models import CalendarFeed, PlannedMeeting, new_feed_token
from mentorship.mentorships.models import Mentorship
from mentorship.notifications.services import notify
from mentorship.participants.models import Participant
from mentorship.workspace.services import MAX_MINUTES, MIN_MINUTES  # a meeting is as long as a session may be

MEETING_PLANNED = "meeting_planned"
MEETING_CHANGED = "meeting_changed"
MEETING_CANCELLED = "meeting_cancelled"


def _require_member(mentorship: Mentorship, participant: Participant) -> None:
    if participant.pk not in (mentorship.mentor_id, mentorship.mentee_id):
        raise ValidationError("Only the two people of a mentorship plan its meetings.")


def _check(*, mentorship: Mentorship, starts_at: datetime, duration_minutes: int) -> None:
    errors: dict[str, str] = {}
    if not mentorship.is_active:
        errors["starts_at"] = "This mentorship has ended; there is nothing more to plan."
    elif starts_at <= timezone.now():
        errors["starts_at"] = "Pick a time in the future."
    if not MIN_MINUTES <= duration_minutes <= MAX_MINUTES:
        errors["duration_minutes"] = f"Enter a length from {MIN_MINUTES} minutes to {MAX_MINUTES // 60} hours."
    if errors:
        raise ValidationError(errors)


def _announce(meeting: PlannedMeeting, *, kind: str, by: Participant) -> None:
    """Tell both people, each with the invitation attached to the email (see apps.py)."""
    mentorship = meeting.mentorship
    when = timezone.localtime(meeting.starts_at).strftime("%-d %b %Y, %H:%M %Z")
    verb = {MEETING_PLANNED: "planned", MEETING_CHANGED: "changed", MEETING_CANCELLED: "cancelled"}[kind]
    for person in (mentorship.mentor, mentorship.mentee):
        who = "You" if person.pk == by.pk else by.name
        notify(
            recipient=person.user,
            kind=kind,
            title=f"Meeting {verb}: {when}",
            body=f"{who} {verb} a mentoring meeting for {when}. The invitation is attached for your calendar.",
            url=reverse("mentorships:detail", args=[mentorship.pk]),
            dedupe_key=f"meeting:{meeting.pk}:{meeting.sequence}:{person.pk}",
        )


@transaction.atomic
def meeting_plan(
    *,
    mentorship: Mentorship,
    by: Participant,
    starts_at: datetime,
    duration_minutes: int,
    location: str = "",
    agenda: str = "",
) -> PlannedMeeting:
    _require_member(mentorship, by)
    _check(mentorship=mentorship, starts_at=starts_at, duration_minutes=duration_minutes)
    meeting = PlannedMeeting.objects.create(
        mentorship=mentorship,
        starts_at=starts_at,
        duration_minutes=duration_minutes,
        location=location.strip(),
        agenda=agenda.strip(),
        planned_by=by,
    )
    _announce(meeting, kind=MEETING_PLANNED, by=by)
    return meeting


@transaction.atomic
def meeting_update(
    *,
    meeting: PlannedMeeting,
    by: Participant,
    starts_at: datetime,
    duration_minutes: int,
    location: str,
    agenda: str,
) -> PlannedMeeting:
    """Change a meeting: same UID, next SEQUENCE, so calendars move the event they have."""
    meeting = PlannedMeeting.objects.select_for_update().select_related("mentorship").get(pk=meeting.pk)
    _require_member(meeting.mentorship, by)
    if meeting.is_cancelled:
        raise ValidationError("This meeting was cancelled; plan a new one.")
    _check(mentorship=meeting.mentorship, starts_at=starts_at, duration_minutes=duration_minutes)
    PlannedMeeting.objects.filter(pk=meeting.pk).update(
        starts_at=starts_at,
        duration_minutes=duration_minutes,
        location=location.strip(),
        agenda=agenda.strip(),
        sequence=F("sequence") + 1,
        updated_at=timezone.now(),
    )
    meeting.refresh_from_db()
    _announce(meeting, kind=MEETING_CHANGED, by=by)
    return meeting


@transaction.atomic
def meeting_cancel(*, meeting: PlannedMeeting, by: Participant) -> PlannedMeeting:
    meeting = PlannedMeeting.objects.select_for_update().select_related("mentorship").get(pk=meeting.pk)
    _require_member(meeting.mentorship, by)
    if meeting.is_cancelled:
        return meeting  # a second click changes nothing
    now = timezone.now()
    PlannedMeeting.objects.filter(pk=meeting.pk).update(cancelled_at=now, sequence=F("sequence") + 1, updated_at=now)
    meeting.refresh_from_db()
    _announce(meeting, kind=MEETING_CANCELLED, by=by)
    return meeting


def calendar_feed_for(*, user: User) -> CalendarFeed:
    feed, _ = CalendarFeed.objects.get_or_create(user=user)
    return feed


@transaction.atomic
def calendar_feed_reset(*, user: User) -> CalendarFeed:
    """Replace the feed's secret: every copy of the old address stops working at once."""
    feed = calendar_feed_for(user=user)
    feed.token = new_feed_token()
    feed.save(update_fields=["token"])
    audit_record(action=Action.CALENDAR_FEED_RESET, actor=user, subject=user)
    return feed
