"""Each person's choice, per kind of reminder, of how they hear about it by email.

The reminders themselves are `notifications.Notification` rows (kind + a unique dedupe key), so
the inbox, the unread count and claimed email delivery serve the feedback loop as they serve
every other notification. A missing preference row means "immediately".
"""

from django.conf import settings
from django.db import models
from django.db.models import Q

from mentorship.notifications import kinds


class EmailChoice(models.TextChoices):
    IMMEDIATE = "immediate", "Email me right away"
    DIGEST = "digest", "Collect them in one weekly email"
    OFF = "off", "No email: show them in my inbox only"


class EmailPreference(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="email_preferences")
    kind = models.CharField(max_length=40, choices=list(kinds.CONFIGURABLE.items()))
    choice = models.CharField(max_length=9, choices=EmailChoice.choices, default=EmailChoice.IMMEDIATE)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="email_preference_once_per_kind"),
            # HR alerts and digests are not in the list: the database refuses to silence them.
            models.CheckConstraint(condition=Q(kind__in=list(kinds.CONFIGURABLE)), name="email_preference_kind_known"),
            models.CheckConstraint(condition=Q(choice__in=EmailChoice.values), name="email_preference_choice_known"),
        ]

    def __str__(self) -> str:
        return f"{self.kind}: {self.choice}"
