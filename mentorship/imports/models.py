from django.conf import settings
from django.db import models


class ImportStatus(models.TextChoices):
    INVALID = "invalid", "Has problems"
    READY = "ready", "Ready to import"
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Importing"
    DONE = "done", "Imported"
    FAILED = "failed", "Failed"


class ImportJob(models.Model):
    """One uploaded employee file: its checks, then (once HR confirms) the import and its outcome.

    The file itself is kept on the row while it may still be imported, so whichever worker runs
    the import can read it (a failed import keeps it, so HR can retry); it is dropped once the
    job is done or can never be imported.
    """

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    file_name = models.CharField(max_length=255)
    content = models.BinaryField(default=b"", editable=False)
    encoding = models.CharField(max_length=20, blank=True)
    delimiter = models.CharField(max_length=1, blank=True)
    status = models.CharField(max_length=10, choices=ImportStatus.choices, default=ImportStatus.INVALID)
    invite = models.BooleanField(default=False, help_text="Email new people an invitation to set a password.")

    total_rows = models.PositiveIntegerField(default=0)
    processed_rows = models.PositiveIntegerField(default=0)
    # Planned at upload, then replaced by what the import actually did.
    created_count = models.PositiveIntegerField(default=0)
    updated_count = models.PositiveIntegerField(default=0)
    unchanged_count = models.PositiveIntegerField(default=0)
    invitations_sent = models.PositiveIntegerField(default=0)  # written as notifications; sent by the email workers

    problems = models.JSONField(default=list, blank=True)  # [{"row", "column", "message"}]
    notices = models.JSONField(default=list, blank=True)  # ["read as Windows-1252..."]
    preview_rows = models.JSONField(default=list, blank=True)  # the first rows, as shown on the preview
    created_emails = models.JSONField(default=list, blank=True)
    updated_emails = models.JSONField(default=list, blank=True)
    unchanged_emails = models.JSONField(default=list, blank=True)
    changes = models.JSONField(default=dict, blank=True)  # {email: ["Job title", "Manager email"]}
    error = models.TextField(blank=True)
    # The import is a leased job (mentorship.leases): who holds it, until when, how many claims
    # so far, and when it was last handed to the broker (None: not yet, or the hand-off failed).
    lease_token = models.CharField(max_length=32, blank=True, editable=False)
    lease_expires_at = models.DateTimeField(null=True, blank=True, editable=False)
    attempts = models.PositiveSmallIntegerField(default=0, editable=False)
    enqueued_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            # The recovery pass reads only the few active jobs.
            models.Index(
                fields=["status", "lease_expires_at"],
                condition=models.Q(status__in=["queued", "running"]),
                name="importjob_active_lease",
            ),
        ]
        constraints = [
            models.CheckConstraint(condition=models.Q(status__in=ImportStatus.values), name="importjob_status_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.get_status_display()})"

    @property
    def is_active(self) -> bool:
        return self.status in {ImportStatus.QUEUED, ImportStatus.RUNNING}

    @property
    def percent(self) -> int:
        return int(100 * self.processed_rows / self.total_rows) if self.total_rows else 0
