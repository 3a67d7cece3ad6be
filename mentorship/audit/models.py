"""The audit trail: one row per HR, admin or privacy-relevant action, written once and never changed.

Rows hold ids, not names or emails, so erasing a person leaves the trail intact and free of their
personal data: names are looked up when the trail is read. Foreign keys carry no database
constraint and no cascade, so deleting a user or a program never touches (or is blocked by) the
trail. On PostgreSQL and SQLite a trigger refuses UPDATE and DELETE on the table (migration 0002).
"""

from django.conf import settings
from django.db import models
from django.utils import timezone


class Action(models.TextChoices):
    PROGRAM_CREATED = "program.created", "Program created"
    PROGRAM_CHANGED = "program.changed", "Program changed"
    PROGRAM_TRANSITION = "program.transition", "Program lifecycle step"
    MATCH_RUN_STARTED = "match_run.started", "Match run started"
    PROPOSAL_PINNED = "proposal.pinned", "Pair pinned"
    PROPOSAL_UNPINNED = "proposal.unpinned", "Pair unpinned"
    MANUAL_PAIR = "proposal.manual", "Pair made by hand"
    MATCH_RUN_PUBLISHED = "match_run.published", "Pairs published"
    PAIR_ENDED_BY_HR = "pair.ended_by_hr", "Pair ended by HR"
    PAIR_REMATCHED = "pair.rematched", "Person re-matched by HR"
    IMPORT_CONFIRMED = "import.confirmed", "Import confirmed"
    PERSON_DEACTIVATED = "person.deactivated", "Person deactivated"
    PERSON_REACTIVATED = "person.reactivated", "Person reactivated"
    ROLE_GRANTED = "role.granted", "Role granted"
    ROLE_REVOKED = "role.revoked", "Role revoked"
    DASHBOARD_CSV = "dashboard.csv_exported", "Dashboard CSV exported"
    AUDIT_CSV = "audit.csv_exported", "Audit trail CSV exported"
    DATA_EXPORT_REQUESTED = "data.export_requested", "Data export requested"
    DATA_EXPORT_DOWNLOADED = "data.export_downloaded", "Data export downloaded"
    PERSON_ERASED = "person.erased", "Person erased"
    SSO_LINKED = "sso.linked", "Single sign-on linked to an existing account"
    SSO_ACCOUNT_CREATED = "sso.account_created", "Account created by single sign-on"
    CALENDAR_FEED_RESET = "calendar.feed_reset", "Calendar feed address replaced"


class AuditEntry(models.Model):
    at = models.DateTimeField(default=timezone.now, db_index=True)
    action = models.CharField(max_length=40, choices=Action.choices, db_index=True)
    # Who did it; empty for the system (a worker, a sweep, a management command).
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    # The person the action was about, if any.
    subject = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    program = models.ForeignKey(
        "programs.Program",
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    # The object acted on, e.g. ("proposal", "12"), for actions that have one.
    object_type = models.CharField(max_length=40, blank=True)
    object_id = models.CharField(max_length=40, blank=True)
    # A short description without personal data, and field changes as {"Field": [before, after]}.
    summary = models.CharField(max_length=300, blank=True)
    changes = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["subject", "-at"], name="audit_by_subject"),
            models.Index(fields=["program", "-at"], name="audit_by_program"),
            models.Index(fields=["actor", "-at"], name="audit_by_actor"),
        ]

    def __str__(self) -> str:
        return f"{self.get_action_display()} at {self.at:%Y-%m-%d %H:%M}"
