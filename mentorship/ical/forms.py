import zoneinfo
from datetime import datetime
from typing import Any

from django import forms
from django.utils import timezone

from mentorship.workspace.services import MAX_MINUTES, MIN_MINUTES


class MeetingForm(forms.Form):
    starts_at = forms.DateTimeField(
        label="Date and time",
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
    )
    duration_minutes = forms.IntegerField(
        label="Length (minutes)", min_value=MIN_MINUTES, max_value=MAX_MINUTES, initial=60
    )
    location = forms.CharField(max_length=200, required=False, help_text="A room or a video link.")
    agenda = forms.CharField(max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, tz: str = "UTC", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.tz = zoneinfo.ZoneInfo(tz)
        self.fields["starts_at"].help_text = f"In your time zone ({tz})."

    def clean_starts_at(self) -> datetime:
        value: datetime = self.cleaned_data["starts_at"]
        # The browser sends a wall-clock time, which Django read in the server's time zone: take
        # the wall-clock time back and read it in the person's own time zone.
        if timezone.is_aware(value):
            value = timezone.make_naive(value)
        return value.replace(tzinfo=self.tz)
