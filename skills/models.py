"""The skill catalogue, each person's skill inventory, and the dated assessments behind it."""

from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower

from mentorship.participants.models import Participant


class SkillCategory(models.TextChoices):
    DIGITAL = "digital", "Digital & emerging technology"
    LEADERSHIP = "leadership", "Leadership"
    TECHNICAL = "technical", "Technical & domain"
    CAREER = "career", "Career"
    INTERPERSONAL = "interpersonal", "Interpersonal & culture"


# Anchored descriptions of each level, shown in the inventory editor so that a "3" means the same
# to everyone who picks it.
LEVELS = [
    (0, "0 · None: no experience yet"),
    (1, "1 · Aware: knows the ideas, has not applied them"),
    (2, "2 · Beginner: can do simple tasks with help"),
    (3, "3 · Practitioner: works on their own"),
    (4, "4 · Advanced: handles hard cases and guides others"),
    (5, "5 · Expert: can teach experts"),
]
LEVEL_LABELS = dict(LEVELS)


class WantPriority(models.IntegerChoices):
    NONE = 0, "Not now"
    LOW = 1, "Low"
    MEDIUM = 2, "Medium"
    HIGH = 3, "High"


class AssessmentSource(models.TextChoices):
    SELF = "self", "Self-assessment"
    PARTNER = "partner", "Partner's view"
    CHECK_IN = "check_in", "Check-in"
    IMPORT = "import", "Import"
    # Written when a catalogue merge raises the surviving entry's level, so that a person's latest
    # assessment always matches their inventory.
    MERGE = "merge", "Catalogue merge"


class Skill(models.Model):
    name = models.CharField(max_length=120)
    category = models.CharField(max_length=20, choices=SkillCategory.choices)
    description = models.CharField(max_length=300, blank=True)
    aliases = models.CharField(
        max_length=300, blank=True, help_text="Other names people search for, comma-separated (e.g. k8s, kube)."
    )
    retired_at = models.DateTimeField(null=True, blank=True)
    merged_into = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="merged_from"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(Lower("name"), name="skill_name_ci_unique"),
            models.CheckConstraint(condition=~Q(merged_into=models.F("id")), name="skill_not_merged_into_itself"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_active(self) -> bool:
        return self.retired_at is None


class SuggestionStatus(models.TextChoices):
    PENDING = "pending", "Waiting for HR"
    APPROVED = "approved", "Added to the catalogue"
    MERGED = "merged", "Matched to an existing skill"
    REJECTED = "rejected", "Declined"


class SkillSuggestion(models.Model):
    """A skill an employee misses in the catalogue; HR approves it, maps it to one, or declines."""

    name = models.CharField(max_length=120)
    category = models.CharField(max_length=20, choices=SkillCategory.choices)
    description = models.CharField(max_length=300, blank=True)
    suggested_by = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="skill_suggestions")
    status = models.CharField(max_length=10, choices=SuggestionStatus.choices, default=SuggestionStatus.PENDING)
    skill = models.ForeignKey(Skill, null=True, blank=True, on_delete=models.SET_NULL, related_name="suggestions")
    decided_by = models.ForeignKey("accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    note = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.name


class SkillEntry(models.Model):
    """One line of a person's inventory: how good they are, whether they want to learn, can teach."""

    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="skill_entries")
    skill = models.ForeignKey(Skill, on_delete=models.CASCADE, related_name="entries")
    level = models.PositiveSmallIntegerField(choices=LEVELS, default=0)
    want_priority = models.PositiveSmallIntegerField(choices=WantPriority.choices, default=WantPriority.NONE)
    can_teach = models.BooleanField(default=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["skill__name"]
        constraints = [
            models.UniqueConstraint(fields=["participant", "skill"], name="skillentry_one_per_skill"),
            models.CheckConstraint(condition=Q(level__lte=5), name="skillentry_level_range"),
            models.CheckConstraint(condition=Q(want_priority__lte=3), name="skillentry_priority_range"),
        ]
        indexes = [models.Index(fields=["skill", "level"], name="skillentry_skill_level")]

    def __str__(self) -> str:
        return f"{self.participant_id}: {self.skill_id} at {self.level}"


class Assessment(models.Model):
    """A dated level for one skill of one person. Never edited: growth is read from the history."""

    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="assessments")
    skill = models.ForeignKey(Skill, on_delete=models.CASCADE, related_name="assessments")
    level = models.PositiveSmallIntegerField(choices=LEVELS)
    source = models.CharField(max_length=10, choices=AssessmentSource.choices)
    assessed_by = models.ForeignKey(
        Participant, null=True, blank=True, on_delete=models.SET_NULL, related_name="assessments_given"
    )
    assessed_at = models.DateTimeField()

    class Meta:
        ordering = ["assessed_at", "id"]
        constraints = [models.CheckConstraint(condition=Q(level__lte=5), name="assessment_level_range")]
        indexes = [
            models.Index(fields=["participant", "skill", "assessed_at"], name="assessment_history"),
            # The dashboards' start and latest level per goal: a person's own latest level on a
            # skill at a moment, read from the index alone (level last, ordered by date then id).
            models.Index(
                fields=["participant", "skill", "assessed_at", "id", "level"],
                condition=~Q(source="partner"),
                name="assessment_own_history",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.participant_id}: {self.skill_id} at {self.level} ({self.source})"
