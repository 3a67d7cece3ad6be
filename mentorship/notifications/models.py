"""In-app notifications, each with the state of its email copy.

A notification is written once per `dedupe_key` (a unique column), so a repeated event, a retried
task or two workers racing never produce a second row, and so never a second email.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q


class EmailStatus(models.TextChoices):
    PENDING = "pending", "Waiting to be sent"
    SENDING = "sending", "Being sent"
    SENT = "sent", "Sent"
    FAILED = "failed", "Failed"
    SKIPPED = "skipped", "No email"
    DIGEST = "digest", "Waiting for the weekly digest"
    DIGESTED = "digested", "Sent in a weekly digest"


class Notification(models.Model):
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(max_length=40)
    title = models.CharField(max_length=200)
    body = models.TextField(blank=True)
    url = models.CharField(max_length=300, blank=True, help_text="A path inside the site, e.g. /matching/proposals/3/.")
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)
    dedupe_key = models.CharField(max_length=200, unique=True)
    email_status = models.CharField(max_length=8, choices=EmailStatus.choices, default=EmailStatus.PENDING)
    email_sent_at = models.DateTimeField(null=True, blank=True)
    email_error = models.TextField(blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    # When delivery was last handed to the broker, or when a planned retry will run. A pending row
    # whose hand-off is older than a few minutes was lost (broker down, worker gone) and the
    # feedback sweep enqueues it again; the claim below makes that safe.
    email_queued_at = models.DateTimeField(null=True, blank=True)
    # When a worker claimed the row for sending. A claim older than the lease belongs to a worker
    # that died mid-send, so another delivery may take the row over.
    email_claimed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["recipient", "-created_at"], name="notification_inbox"),
            models.Index(fields=["recipient"], condition=Q(read_at=None), name="notification_unread"),
            # The sweep's hand-off check and HR's failure list read only these few rows.
            models.Index(
                fields=["email_status", "id"],
                condition=Q(email_status__in=["pending", "sending", "digest", "failed"]),
                name="notification_email_open",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_read(self) -> bool:
        return self.read_at is not None
