"""The invitation (an iTIP REQUEST or CANCEL) attached to a meeting's notification email."""

from mentorship.ical import events, ics
from mentorship.ical.models import PlannedMeeting
from mentorship.notifications.attachments import Attachment
from mentorship.notifications.models import Notification


def meeting_invitation(notification: Notification) -> list[Attachment]:
    """The meeting's current version: a late email still carries the newest SEQUENCE."""
    try:
        meeting_id = int(notification.dedupe_key.split(":")[1])
    except (IndexError, ValueError):
        return []
    meeting = (
        PlannedMeeting.objects.select_related(
            "mentorship__program", "mentorship__mentor__user", "mentorship__mentee__user"
        )
        .filter(pk=meeting_id)
        .first()
    )
    if meeting is None:
        return []
    method = "CANCEL" if meeting.is_cancelled else "REQUEST"
    content = ics.calendar([events.meeting_event(meeting, invitation=True)], method=method)
    return [("invite.ics", content, f"text/calendar; method={method}; charset=UTF-8")]
