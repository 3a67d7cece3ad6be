from django.conf import settings
from django.db import models


class ImportStatus(models.TextChoices):
    MAPPING = "mapping", "Columns to check"
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
    kind = models.CharField(max_length=4, default="csv")  # "csv" or "xlsx"
    # How each column is read: [{"header", "field" (a field key, "" to ignore, None unknown), "how"}].
    columns = models.JSONField(default=list, blank=True)
    # The file lists every employee: people in the app but not in it have left.
    full_list = models.BooleanField(default=False)
    # The org tree change, planned at upload and replaced by what the import did: {"root_created",
    # "created", "new_top_level", "renamed", "emptied", "moves", "moves_count"}; see imports.orgplan.
    tree_changes = models.JSONField(default=dict, blank=True)
    # Full-list imports: the people the preview found missing ([{"email", "name", "unit"}]). Only
    # these can be deactivated, and only if they are still missing when the import runs.
    leavers = models.JSONField(default=list, blank=True)
    left_emails = models.JSONField(default=list, blank=True)  # deactivated by the import
    ended_mentorships = models.PositiveIntegerField(default=0)

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
    def new_top_level(self) -> list[str]:
        return list(self.tree_changes.get("new_top_level", []))

    @property
    def percent(self) -> int:
        return int(100 * self.processed_rows / self.total_rows) if self.total_rows else 0


class ColumnMapping(models.Model):
    """How HR reads a column header of their HR system's export, remembered for the next file.

    `header_key` is the header folded like the parser does ("Org Level 2" -> "orglevel2"); an
    empty `field` means "ignore this column".
    """

    header_key = models.CharField(max_length=200, unique=True)
    header = models.CharField(max_length=200)  # as HR last saw it
    field = models.CharField(max_length=20, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["header_key"]

    def __str__(self) -> str:
        return f"{self.header} → {self.field or 'ignored'}"
