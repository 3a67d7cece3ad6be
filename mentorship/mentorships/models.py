"""A mentorship: an accepted pair in a program. Goals, sessions and ratings arrive later."""

from datetime import date

from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from mentorship.participants.models import Participant
from mentorship.programs.models import Program


class MentorshipStatus(models.TextChoices):
    ACTIVE = "active", "Active"
    COMPLETED = "completed", "Completed"
    ENDED_EARLY = "ended_early", "Ended early"


class EndReason(models.TextChoices):
    COMPLETED = "completed", "We reached our goals"
    SCHEDULE = "schedule", "We could not find time to meet"
    NOT_A_FIT = "not_a_fit", "We were not a good fit"
    ROLE_CHANGE = "role_change", "One of us changed role or left"
    LEFT = "left", "One of us left the organisation"  # set by a full-list employee import
    OTHER = "other", "Another reason"


def effective_cadence(agreed: int | None, program_cadence: int) -> int:
    """The pair's agreed days between sessions, else its program's: for rows read without models."""
    return agreed or program_cadence


class Mentorship(models.Model):
    program = models.ForeignKey(Program, on_delete=models.PROTECT, related_name="mentorships")
    mentor = models.ForeignKey(Participant, on_delete=models.PROTECT, related_name="mentorships_as_mentor")
    mentee = models.ForeignKey(Participant, on_delete=models.PROTECT, related_name="mentorships_as_mentee")
    # The matching proposal both accepted; empty for a self-match request or a pair made by hand.
    proposal = models.OneToOneField(
        "pairing.Proposal", null=True, blank=True, on_delete=models.SET_NULL, related_name="mentorship"
    )
    status = models.CharField(max_length=12, choices=MentorshipStatus.choices, default=MentorshipStatus.ACTIVE)
    started_at = models.DateTimeField()
    ended_at = models.DateTimeField(null=True, blank=True)
    end_reason = models.CharField(max_length=300, blank=True)
    # Agreed by the pair in their workspace; the program's cadence until they change it.
    cadence_days = models.PositiveSmallIntegerField(null=True, blank=True, help_text="Days between sessions.")
    meeting_channel = models.CharField(max_length=200, blank=True, help_text="Where you meet, e.g. a video link.")
    # Set by the feedback sweep (missed cycles, low ratings, "not a fit"); cleared when HR acts.
    at_risk_since = models.DateTimeField(null=True, blank=True)
    at_risk_reason = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-started_at", "-id"]
        constraints = [
            # The database, not only the service, guarantees one active mentor per mentee per program,
            # so two HR admins (or a proposal and a self-match) accepting at once cannot both win.
            models.UniqueConstraint(
                fields=["program", "mentee"],
                condition=Q(status=MentorshipStatus.ACTIVE),
                name="mentorship_one_active_per_mentee",
            ),
            models.CheckConstraint(condition=~Q(mentor=F("mentee")), name="mentorship_mentor_is_not_mentee"),
            models.CheckConstraint(
                condition=Q(status=MentorshipStatus.ACTIVE, ended_at=None)
                | (~Q(status=MentorshipStatus.ACTIVE) & Q(ended_at__isnull=False)),
                name="mentorship_ended_when_not_active",
            ),
        ]
        indexes = [models.Index(fields=["program", "mentor", "status"], name="mentorship_mentor_load")]

    def __str__(self) -> str:
        return f"{self.mentor_id} mentors {self.mentee_id} in {self.program_id}"

    @property
    def is_active(self) -> bool:
        return self.status == MentorshipStatus.ACTIVE

    @property
    def begins_on(self) -> date:
        """When the pair's mentoring begins: the day they were paired, but never before the program starts
        (a pair accepted on 2 Dec in a program starting on 23 Dec is not "active since 2 Dec")."""
        paired = timezone.localdate(self.started_at)
        starts = self.program.starts_on
        return max(paired, starts) if starts else paired

    @property
    def effective_cadence_days(self) -> int:
        """Days between sessions: what the pair agreed, else the program's cadence."""
        return effective_cadence(self.cadence_days, self.program.cadence_days)

    @property
    def not_started_yet(self) -> bool:
        return self.is_active and self.begins_on > timezone.localdate()

    def partner_of(self, participant: Participant) -> Participant:
        return self.mentee if participant.pk == self.mentor_id else self.mentor
