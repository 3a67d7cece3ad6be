import zoneinfo
from functools import cache

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q, Value
from django.db.models.functions import Coalesce

from mentorship.participants.orgtree import OrgTree


class CareerLevel(models.IntegerChoices):
    ENTRY = 1, "1 · Entry"
    ASSOCIATE = 2, "2 · Associate"
    PROFESSIONAL = 3, "3 · Professional"
    SENIOR = 4, "4 · Senior"
    LEAD = 5, "5 · Lead / Principal"
    DIRECTOR = 6, "6 · Director"
    EXECUTIVE = 7, "7 · Executive"


LANGUAGES = [
    ("en", "English"),
    ("de", "German"),
    ("fr", "French"),
    ("es", "Spanish"),
    ("it", "Italian"),
    ("nl", "Dutch"),
    ("pt", "Portuguese"),
    ("pl", "Polish"),
    ("sv", "Swedish"),
    ("ja", "Japanese"),
    ("zh", "Chinese"),
    ("hi", "Hindi"),
    ("ar", "Arabic"),
]
LANGUAGE_NAMES = dict(LANGUAGES)

# The work-style questionnaire: each answer runs from the left anchor (1) to the right (5).
# Pairing uses the answers for a similarity factor, so changing a question changes matching.
WORK_STYLE_QUESTIONS = [
    ("ws_structure", "How do you like meetings to run?", "A set agenda", "An open conversation"),
    ("ws_pace", "How do you like to learn something new?", "Step by step", "Dive in and experiment"),
    ("ws_feedback", "How do you prefer feedback?", "Gentle and private", "Direct and immediate"),
    ("ws_contact", "How often do you like to be in touch?", "Only at sessions", "Quick messages in between"),
    ("ws_focus", "What should mentoring focus on?", "The job at hand", "Long-term career"),
]


@cache
def timezone_names() -> list[str]:
    return sorted(zoneinfo.available_timezones() - {"localtime", "Factory"})


def validate_timezone(value: str) -> None:
    if value not in timezone_names():
        raise ValidationError("%(value)s is not a known time zone.", params={"value": value})


def validate_languages(value: object) -> None:
    if not isinstance(value, list) or not all(code in LANGUAGE_NAMES for code in value):
        raise ValidationError("Choose languages from the list.")


class OrgUnit(models.Model):
    """A department, team or other unit; units form one tree through `parent`, under one
    organisation root (the only unit without a parent). See `orgtree` for levels and paths."""

    name = models.CharField(max_length=120)
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="children")

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["parent", "name"], name="orgunit_unique_name_in_parent"),
            models.UniqueConstraint(fields=["name"], condition=Q(parent=None), name="orgunit_unique_root_name"),
            # One organisation, one root: every unit without a parent indexes the same value.
            models.UniqueConstraint(Coalesce("parent", Value(0)), condition=Q(parent=None), name="orgunit_one_root"),
            models.CheckConstraint(condition=~Q(parent=F("id")), name="orgunit_not_own_parent"),
        ]

    def __str__(self) -> str:
        return self.name


def _level_check(field: str, low: int, high: int) -> models.CheckConstraint:
    return models.CheckConstraint(
        condition=Q(**{f"{field}__isnull": True}) | Q(**{f"{field}__gte": low, f"{field}__lte": high}),
        name=f"participant_{field}_range",
    )


def _answer() -> "models.PositiveSmallIntegerField[int | None, int | None]":
    """One work-style answer, 1 to 5; empty until the person answers."""
    validators = [MinValueValidator(1), MaxValueValidator(5)]
    return models.PositiveSmallIntegerField(null=True, blank=True, validators=validators)


class Participant(models.Model):
    """The profile of one person in the organisation. Names and email live on the user."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="participant")
    job_title = models.CharField(max_length=120, blank=True)
    org_unit = models.ForeignKey(OrgUnit, null=True, blank=True, on_delete=models.SET_NULL, related_name="members")
    manager = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="reports")
    career_level = models.PositiveSmallIntegerField(choices=CareerLevel.choices, null=True, blank=True)
    years_experience = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MaxValueValidator(60)], help_text="Years of work experience."
    )
    timezone = models.CharField(max_length=64, default="UTC", validators=[validate_timezone])
    languages = models.JSONField(default=list, blank=True, validators=[validate_languages])
    availability_hours = models.PositiveSmallIntegerField(
        "availability (hours per month)",
        default=4,
        validators=[MaxValueValidator(40)],
        help_text="Hours a month you can give to mentoring.",
    )
    bio = models.TextField(max_length=1000, blank=True)
    ws_structure = _answer()
    ws_pace = _answer()
    ws_feedback = _answer()
    ws_contact = _answer()
    ws_focus = _answer()
    hire_date = models.DateField(null=True, blank=True)
    onboarded_at = models.DateTimeField(null=True, blank=True)
    # Set when a full-list import no longer lists the person: their account is deactivated, their
    # enrollments withdrawn and their mentorships ended. Cleared when a later file lists them again.
    left_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["user__last_name", "user__first_name", "id"]
        constraints = [
            models.CheckConstraint(condition=~Q(manager=F("id")), name="participant_not_own_manager"),
            _level_check("career_level", 1, 7),
            models.CheckConstraint(condition=Q(years_experience__lte=60), name="participant_years_range"),
            models.CheckConstraint(condition=Q(availability_hours__lte=40), name="participant_availability_range"),
            *(_level_check(name, 1, 5) for name, *_ in WORK_STYLE_QUESTIONS),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return self.user.get_full_name() or self.user.email

    @property
    def language_names(self) -> list[str]:
        return [LANGUAGE_NAMES.get(code, code) for code in self.languages]

    @property
    def work_style(self) -> list[tuple[str, str, str, int | None]]:
        """(question, left anchor, right anchor, answer) for each question."""
        return [(q, left, right, getattr(self, name)) for name, q, left, right in WORK_STYLE_QUESTIONS]


def org_unit_labels() -> dict[int, str]:
    """Each unit's full path ("Acme / Engineering / Platform"), from one query."""
    tree = OrgTree.load()
    return {pk: tree.label(pk, with_root=True) for pk in tree.names}
