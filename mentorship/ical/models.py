"""Planned meetings of a pair, and each person's private calendar feed."""

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q

from mentorship.mentorships.models import Mentorship
from mentorship.participants.models import Participant


def new_feed_token() -> str:
    return secrets.token_urlsafe(32)


class CalendarFeed(models.Model):
    """The secret in a person's iCal feed URL. Replacing it revokes every copy of the old URL."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feed")
    token = models.CharField(max_length=64, unique=True, default=new_feed_token)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"calendar feed of {self.user_id}"


class PlannedMeeting(models.Model):
    """A meeting the pair plans ahead. Its UID stays the same through changes and cancellation,
    and its SEQUENCE grows with each change, so calendars update the event in place."""

    mentorship = models.ForeignKey(Mentorship, on_delete=models.CASCADE, related_name="planned_meetings")
    starts_at = models.DateTimeField()
    duration_minutes = models.PositiveSmallIntegerField(default=60)
    location = models.CharField(max_length=200, blank=True, help_text="A room or a video link.")
    agenda = models.TextField(blank=True, max_length=2000)
    planned_by = models.ForeignKey(Participant, null=True, on_delete=models.SET_NULL, related_name="+")
    sequence = models.PositiveIntegerField(default=0)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["starts_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(duration_minutes__gte=5, duration_minutes__lte=480), name="planned_meeting_duration_range"
            ),
        ]
        indexes = [models.Index(fields=["mentorship", "starts_at"], name="planned_meeting_by_pair")]

    def __str__(self) -> str:
        return f"meeting of {self.mentorship_id} at {self.starts_at:%Y-%m-%d %H:%M}"

    @property
    def is_cancelled(self) -> bool:
        return self.cancelled_at is not None
