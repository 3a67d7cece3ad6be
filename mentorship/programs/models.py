from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q

from mentorship.participants.models import CareerLevel, OrgUnit, Participant
from mentorship.programs import defaults
from skills.models import Skill


class ProgramKind(models.TextChoices):
    TRADITIONAL = defaults.TRADITIONAL, "Traditional mentoring"
    REVERSE = defaults.REVERSE, "Reverse mentoring"
    RECIPROCAL = defaults.RECIPROCAL, "Reciprocal skill swap"
    PEER = defaults.PEER, "Peer reskilling"


# Kinds where everyone both teaches and learns: pairs have no mentor and mentee side.
GENERAL_KINDS = frozenset({ProgramKind.RECIPROCAL, ProgramKind.PEER})


class ProgramStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    ENROLLING = "enrolling", "Enrolling"
    MATCHING = "matching", "Matching"
    RUNNING = "running", "Running"
    CLOSED = "closed", "Closed"


class Program(models.Model):
    name = models.CharField(max_length=150)
    kind = models.CharField(max_length=12, choices=ProgramKind.choices)
    status = models.CharField(max_length=10, choices=ProgramStatus.choices, default=ProgramStatus.DRAFT)
    objectives = models.TextField(
        blank=True, help_text="The clear, specific skill-development goals of the program, one per line."
    )
    focus_categories = models.JSONField(default=list, blank=True)
    focus_skills = models.ManyToManyField(Skill, blank=True, related_name="programs")
    eligible_units = models.ManyToManyField(
        OrgUnit, blank=True, related_name="programs", help_text="Empty: everyone. A unit includes its sub-units."
    )
    level_min = models.PositiveSmallIntegerField(choices=CareerLevel.choices, default=CareerLevel.ENTRY)
    level_max = models.PositiveSmallIntegerField(choices=CareerLevel.choices, default=CareerLevel.EXECUTIVE)
    enrollment_opens = models.DateField(null=True, blank=True)
    enrollment_closes = models.DateField(null=True, blank=True)
    starts_on = models.DateField(null=True, blank=True)
    ends_on = models.DateField(null=True, blank=True)
    cadence_days = models.PositiveSmallIntegerField(
        default=14, validators=[MinValueValidator(7), MaxValueValidator(90)], help_text="Days between sessions."
    )
    default_capacity = models.PositiveSmallIntegerField(
        default=1, validators=[MinValueValidator(1), MaxValueValidator(10)], help_text="Mentees per mentor."
    )
    self_match = models.BooleanField(default=False, help_text="Mentees choose from their top suggestions.")
    matching = models.JSONField(default=dict, blank=True)
    reminders = models.JSONField(default=dict, blank=True)
    guide = models.TextField(blank=True, default=defaults.DEFAULT_GUIDE)
    owners = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="owned_programs")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(starts_on__isnull=True) | Q(ends_on__gt=F("starts_on")),
                name="program_ends_after_start",
            ),
            models.CheckConstraint(
                condition=Q(enrollment_closes__isnull=True)
                | Q(starts_on__isnull=True)
                | Q(enrollment_closes__lte=F("starts_on")),
                name="program_enrollment_closes_before_start",
            ),
            models.CheckConstraint(
                condition=Q(enrollment_opens__isnull=True)
                | Q(enrollment_closes__isnull=True)
                | Q(enrollment_opens__lte=F("enrollment_closes")),
                name="program_enrollment_window_ordered",
            ),
            models.CheckConstraint(
                condition=Q(cadence_days__gte=7, cadence_days__lte=90), name="program_cadence_range"
            ),
            models.CheckConstraint(
                condition=Q(default_capacity__gte=1, default_capacity__lte=10), name="program_capacity_range"
            ),
            models.CheckConstraint(condition=Q(level_min__lte=F("level_max")), name="program_level_range"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_general(self) -> bool:
        """Reciprocal and peer programs: everyone teaches and learns, pairs have no sides."""
        return self.kind in GENERAL_KINDS


class ProgramEvent(models.Model):
    """The program's history: who created, edited or moved it, when, and what changed."""

    class Kind(models.TextChoices):
        CREATED = "created", "Created"
        EDITED = "edited", "Edited"
        TRANSITION = "transition", "Status changed"

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    summary = models.CharField(max_length=300)
    changes = models.JSONField(default=dict, blank=True)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return self.summary


class EnrollmentRole(models.TextChoices):
    MENTOR = "mentor", "Mentor"
    MENTEE = "mentee", "Mentee"
    BOTH = "both", "Both: I teach and I learn"


class Enrollment(models.Model):
    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="enrollments")
    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="enrollments")
    role = models.CharField(max_length=6, choices=EnrollmentRole.choices)
    goals = models.ManyToManyField(Skill, blank=True, related_name="+", help_text="Skills to learn.")
    offers = models.ManyToManyField(Skill, blank=True, related_name="+", help_text="Skills to teach.")
    capacity = models.PositiveSmallIntegerField(
        default=1, validators=[MinValueValidator(1), MaxValueValidator(10)], help_text="How many people you can mentor."
    )
    motivation = models.TextField(max_length=1000, blank=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["program", "participant"], name="enrollment_once_per_program"),
            models.CheckConstraint(condition=Q(capacity__gte=1, capacity__lte=10), name="enrollment_capacity_range"),
        ]
        indexes = [models.Index(fields=["program", "role"], name="enrollment_pool")]

    def __str__(self) -> str:
        return f"{self.participant_id} in {self.program_id} as {self.role}"

    @property
    def is_active(self) -> bool:
        return self.withdrawn_at is None

    @property
    def teaches(self) -> bool:
        return self.role in (EnrollmentRole.MENTOR, EnrollmentRole.BOTH)

    @property
    def learns(self) -> bool:
        return self.role in (EnrollmentRole.MENTEE, EnrollmentRole.BOTH)
