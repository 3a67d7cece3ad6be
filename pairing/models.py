"""Match runs, their proposals and unmatched people, and self-match requests.

The engine (pairing/engine/) works on plain data; these rows are where its results are kept, so a
run stays viewable after later runs, and HR's review actions (pin, remove, manual pair) and the
participants' answers are recorded against the proposal they concern.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from mentorship.participants.models import Participant
from mentorship.programs.models import Program


class RunStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Running"
    DONE = "done", "Done"
    FAILED = "failed", "Failed"
    CANCELLED = "cancelled", "Cancelled"


ACTIVE_RUN_STATUSES = (RunStatus.QUEUED, RunStatus.RUNNING)


class RunStage(models.TextChoices):
    LOADING = "loading", "Loading the pool"
    SCORING = "scoring", "Scoring and solving"
    STORING = "storing", "Storing the pairs"


# How far along each stage starts, in percent: loading is quick, the engine takes most of the time.
STAGE_PERCENT = {RunStage.LOADING: 5, RunStage.SCORING: 20, RunStage.STORING: 90}


class MatchRun(models.Model):
    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="match_runs")
    status = models.CharField(max_length=9, choices=RunStatus.choices, default=RunStatus.QUEUED)
    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    # A re-solve starts from an earlier run: its pinned and manual pairs are kept, the rest re-solved.
    based_on = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="resolves")
    parameters = models.JSONField(default=dict, blank=True)  # the rules and pool as solved
    quality = models.JSONField(default=dict, blank=True)  # engine Solution.quality
    skill_gaps = models.JSONField(default=list, blank=True)  # wanted skills nobody in the pool can teach
    timings = models.JSONField(default=dict, blank=True)  # seconds per stage
    # Where the worker is, for the progress bar: written at stage boundaries (a few cheap UPDATEs
    # per run), so it survives a page refresh and shows on any web worker.
    progress_stage = models.CharField(max_length=8, choices=RunStage.choices, blank=True, editable=False)
    progress_percent = models.PositiveSmallIntegerField(default=0, editable=False)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The run is a leased job (mentorship.leases): who holds it, until when, how many claims so
    # far, and when it was last handed to the broker (None: not yet, or the hand-off failed).
    lease_token = models.CharField(max_length=32, blank=True, editable=False)
    lease_expires_at = models.DateTimeField(null=True, blank=True, editable=False)
    attempts = models.PositiveSmallIntegerField(default=0, editable=False)
    enqueued_at = models.DateTimeField(null=True, blank=True, editable=False)
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            # The recovery pass reads only the few active runs.
            models.Index(
                fields=["status", "lease_expires_at"],
                condition=Q(status__in=ACTIVE_RUN_STATUSES),
                name="matchrun_active_lease",
            ),
        ]
        constraints = [
            # Backs the program-row lock in match_run_start: one queued or running run per program.
            models.UniqueConstraint(
                fields=["program"],
                condition=Q(status__in=ACTIVE_RUN_STATUSES),
                name="matchrun_one_active_per_program",
            ),
        ]

    def __str__(self) -> str:
        return f"Run {self.pk} of program {self.program_id}"

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE_RUN_STATUSES

    @property
    def is_published(self) -> bool:
        return self.published_at is not None


class ProposalSource(models.TextChoices):
    SOLVER = "solver", "Matching"
    MANUAL = "manual", "Made by HR"


class ProposalStatus(models.TextChoices):
    PROPOSED = "proposed", "Proposed"  # in HR review, not yet visible to the pair
    REMOVED = "removed", "Removed by HR"
    PUBLISHED = "published", "Waiting for answers"
    ACCEPTED = "accepted", "Accepted"
    DECLINED = "declined", "Declined"


class Response(models.TextChoices):
    PENDING = "pending", "No answer yet"
    ACCEPTED = "accepted", "Accepted"
    DECLINED = "declined", "Declined"


class Proposal(models.Model):
    run = models.ForeignKey(MatchRun, on_delete=models.CASCADE, related_name="proposals")
    mentor = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="proposals_as_mentor")
    mentee = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="proposals_as_mentee")
    score = models.FloatField()
    factors = models.JSONField(default=dict)  # points per factor; they add up to the score
    flows = models.JSONField(default=list)  # skills flowing teacher -> learner (engine SkillFlow)
    explanation = models.JSONField(default=list)  # the engine's lines, for HR
    # What the explanation rests on (engine Pair.facts): missing data per factor, the junior
    # teacher of a reverse pair; the pair's own page words them in the second person.
    facts = models.JSONField(default=dict, blank=True)
    broken_rules = models.JSONField(default=list, blank=True)  # hard rules HR overrode (manual pairs)
    source = models.CharField(max_length=6, choices=ProposalSource.choices, default=ProposalSource.SOLVER)
    pinned = models.BooleanField(default=False)
    status = models.CharField(max_length=9, choices=ProposalStatus.choices, default=ProposalStatus.PROPOSED)
    removed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    mentor_response = models.CharField(max_length=8, choices=Response.choices, default=Response.PENDING)
    mentee_response = models.CharField(max_length=8, choices=Response.choices, default=Response.PENDING)
    declined_by = models.ForeignKey(
        Participant, null=True, blank=True, on_delete=models.SET_NULL, related_name="declined_proposals"
    )
    decline_reason = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-score", "id"]
        constraints = [
            models.CheckConstraint(condition=~Q(mentor=F("mentee")), name="proposal_mentor_is_not_mentee"),
            # Within one run a mentee is proposed at most once (removed proposals aside).
            models.UniqueConstraint(
                fields=["run", "mentee"],
                condition=~Q(status=ProposalStatus.REMOVED),
                name="proposal_one_live_per_mentee_per_run",
            ),
        ]
        indexes = [
            models.Index(fields=["run", "status"], name="proposal_run_status"),
            models.Index(fields=["mentor", "status"], name="proposal_mentor_status"),
            models.Index(fields=["mentee", "status"], name="proposal_mentee_status"),
        ]

    def __str__(self) -> str:
        return f"{self.mentor_id} -> {self.mentee_id} ({self.score:.1f})"

    @property
    def is_live(self) -> bool:
        return self.status != ProposalStatus.REMOVED

    def response_of(self, participant: Participant) -> str:
        return self.mentor_response if participant.pk == self.mentor_id else self.mentee_response


class UnmatchedPerson(models.Model):
    run = models.ForeignKey(MatchRun, on_delete=models.CASCADE, related_name="unmatched")
    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="+")
    role = models.CharField(max_length=12)  # mentor, mentee or participant (general pools)
    reason = models.CharField(max_length=40)  # a stable engine code: no_teacher, capacity, ...
    text = models.CharField(max_length=500)

    class Meta:
        ordering = ["role", "id"]
        constraints = [
            models.UniqueConstraint(fields=["run", "participant", "role"], name="unmatched_once_per_run"),
        ]

    def __str__(self) -> str:
        return f"{self.participant_id}: {self.reason}"


class RequestStatus(models.TextChoices):
    PENDING = "pending", "Waiting for the mentor"
    ACCEPTED = "accepted", "Accepted"
    DECLINED = "declined", "Declined"
    EXPIRED = "expired", "Expired"
    CANCELLED = "cancelled", "Withdrawn"


class SelfMatchRequest(models.Model):
    """A mentee's request for one of their suggested mentors, in a program with self-match on."""

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="self_match_requests")
    mentee = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="match_requests_sent")
    mentor = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="match_requests_received")
    status = models.CharField(max_length=9, choices=RequestStatus.choices, default=RequestStatus.PENDING)
    score = models.FloatField()
    flows = models.JSONField(default=list)
    explanation = models.JSONField(default=list)
    message = models.CharField(max_length=500, blank=True)
    decline_reason = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    responded_at = models.DateTimeField(null=True, blank=True)
    mentorship = models.OneToOneField(
        "mentorships.Mentorship", null=True, blank=True, on_delete=models.SET_NULL, related_name="self_match_request"
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=~Q(mentor=F("mentee")), name="selfmatch_mentor_is_not_mentee"),
            # One open request at a time per mentee and program: ask, wait for the answer, then ask again.
            models.UniqueConstraint(
                fields=["program", "mentee"],
                condition=Q(status=RequestStatus.PENDING),
                name="selfmatch_one_pending_per_mentee",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.mentee_id} asks {self.mentor_id} in {self.program_id}"
