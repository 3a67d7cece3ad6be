"""A person's download of their own data, and the record that a person was erased."""

from django.conf import settings
from django.db import models
from django.db.models import Q


class ExportStatus(models.TextChoices):
    QUEUED = "queued", "Waiting for a worker"
    RUNNING = "running", "Being prepared"
    DONE = "done", "Ready to download"
    FAILED = "failed", "Failed"


class DataExport(models.Model):
    """One ZIP of everything the app holds about a person, built on a worker.

    The file is kept on the row (not on a disk only one machine sees) until it expires. A worker
    holds a lease while building; a lease that runs out is taken over by a redelivery or the
    recovery pass, so no export stays "being prepared" forever.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="data_exports")
    status = models.CharField(max_length=8, choices=ExportStatus.choices, default=ExportStatus.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0)  # percent
    step = models.CharField(max_length=100, blank=True)
    content = models.BinaryField(default=b"", editable=False)
    size = models.PositiveIntegerField(default=0)
    error = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    queued_at = models.DateTimeField(null=True, blank=True)  # last hand-off to the broker
    lease_until = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    finished_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(progress__lte=100), name="dataexport_progress_range"),
            models.CheckConstraint(condition=Q(status__in=ExportStatus.values), name="dataexport_status_valid"),
        ]
        indexes = [
            models.Index(
                fields=["status", "id"], condition=Q(status__in=["queued", "running"]), name="dataexport_open"
            ),
        ]

    def __str__(self) -> str:
        return f"export {self.pk} ({self.status})"

    @property
    def is_open(self) -> bool:
        return self.status in (ExportStatus.QUEUED, ExportStatus.RUNNING)


class Erasure(models.Model):
    """Marks an account whose person was erased: what remains is a nameless placeholder that keeps
    aggregates and partners' records whole. Holds no personal data itself."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="erasure")
    erased_at = models.DateTimeField()
    erased_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", db_constraint=False
    )
    counts = models.JSONField(default=dict)  # what was removed or replaced, table by table

    def __str__(self) -> str:
        return f"erasure of user {self.user_id}"
