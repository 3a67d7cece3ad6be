"""What a pair does together: goals, the session log, confidential ratings, fit and check-ins.

Skill levels re-assessed at check-ins are not stored here but as `skills.Assessment` rows
(source "check_in" for oneself, "partner" for the partner's view), so growth is read from one
history whatever produced it.
"""

from django.db import models
from django.db.models import F, Q

from mentorship.mentorships.models import Mentorship
from mentorship.participants.models import Participant
from skills.models import LEVELS, Skill


class GoalStatus(models.TextChoices):
    OPEN = "open", "In progress"
    ACHIEVED = "achieved", "Achieved"
    DROPPED = "dropped", "Dropped"


class Goal(models.Model):
    """An agreed goal: specific (a skill, from a level to a target) and time-bound (a due date)."""

    mentorship = models.ForeignKey(Mentorship, on_delete=models.CASCADE, related_name="goals")
    # Whose growth the goal is about: the mentee in traditional, reverse and peer programs; in a
    # reciprocal skill swap each of the two learns something, so either may be the learner.
    learner = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="goals")
    skill = models.ForeignKey(Skill, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    title = models.CharField(max_length=200, help_text="What will be different, e.g. “Build a pivot table unaided”.")
    from_level = models.PositiveSmallIntegerField(choices=LEVELS, null=True, blank=True)
    target_level = models.PositiveSmallIntegerField(choices=LEVELS, null=True, blank=True)
    due_on = models.DateField(null=True, blank=True)
    progress_notes = models.TextField(blank=True)
    status = models.CharField(max_length=8, choices=GoalStatus.choices, default=GoalStatus.OPEN)
    created_by = models.ForeignKey(Participant, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(from_level=None) | Q(target_level=None) | Q(target_level__gt=F("from_level")),
                name="goal_target_above_start",
            ),
            models.CheckConstraint(
                condition=(Q(from_level=None) | Q(from_level__lte=5)) & (Q(target_level=None) | Q(target_level__lte=5)),
                name="goal_levels_range",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class SessionFormat(models.TextChoices):
    MEETING = "meeting", "Meeting"
    WORKING = "working", "Working session"
    SHADOWING = "shadowing", "Shadowing (the mentee watches the mentor work)"
    REVERSE_SHADOWING = "reverse_shadowing", "Reverse shadowing (the senior watches the junior work)"


class MentoringSession(models.Model):
    """One meeting of the pair. Either person logs it; the other confirms or corrects it."""

    mentorship = models.ForeignKey(Mentorship, on_delete=models.CASCADE, related_name="sessions")
    held_on = models.DateField()
    duration_minutes = models.PositiveSmallIntegerField(default=60)
    format = models.CharField(max_length=20, choices=SessionFormat.choices, default=SessionFormat.MEETING)
    skills = models.ManyToManyField(Skill, blank=True, related_name="+", help_text="Skills you worked on.")
    shared_notes = models.TextField(blank=True, help_text="Both of you see these.")
    logged_by = models.ForeignKey(Participant, on_delete=models.PROTECT, related_name="+")
    confirmed_by = models.ForeignKey(Participant, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    confirmed_at = models.DateTimeField(null=True, blank=True)
    # Set when the partner (not the person who logged it) changed the shared details before confirming.
    corrected_by = models.ForeignKey(Participant, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    corrected_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-held_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(duration_minutes__gte=5, duration_minutes__lte=480), name="session_duration_range"
            ),
        ]
        indexes = [models.Index(fields=["mentorship", "held_on"], name="session_by_pair_date")]

    def __str__(self) -> str:
        return f"session of {self.mentorship_id} on {self.held_on}"


class PrivateNote(models.Model):
    """Notes only their author ever sees: not the partner, not HR, not managers."""

    session = models.ForeignKey(MentoringSession, on_delete=models.CASCADE, related_name="private_notes")
    author = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="+")
    text = models.TextField()
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["session", "author"], name="private_note_one_per_author")]

    def __str__(self) -> str:
        return f"private note on {self.session_id}"


class SessionRating(models.Model):
    """Confidential: visible to its author and the program's HR owners only, never to the partner
    and never individually to managers."""

    session = models.ForeignKey(MentoringSession, on_delete=models.CASCADE, related_name="ratings")
    rater = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="session_ratings")
    score = models.PositiveSmallIntegerField()
    learned = models.TextField(blank=True, help_text="What did you learn or take away?")
    improve = models.TextField(blank=True, help_text="What would make the next session better?")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["session", "rater"], name="rating_one_per_person_per_session"),
            models.CheckConstraint(condition=Q(score__gte=1, score__lte=5), name="rating_score_range"),
        ]

    def __str__(self) -> str:
        return f"rating of {self.session_id} by {self.rater_id}"


class FitAnswer(models.TextChoices):
    GOOD = "good", "Good fit"
    UNDECIDED = "undecided", "Still deciding"
    NOT_A_FIT = "not_a_fit", "Not a fit"


class FitCheck(models.Model):
    """Asked once after the first session; "not a fit" alerts HR and offers a re-match."""

    mentorship = models.ForeignKey(Mentorship, on_delete=models.CASCADE, related_name="fit_checks")
    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="+")
    answer = models.CharField(max_length=10, choices=FitAnswer.choices)
    comment = models.TextField(blank=True)
    answered_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["mentorship", "participant"], name="fit_check_one_per_person")]

    def __str__(self) -> str:
        return f"{self.answer} for {self.mentorship_id}"


class CheckInKind(models.TextChoices):
    MIDPOINT = "midpoint", "Midpoint check-in"
    FINAL = "final", "Final check-in"


class CheckIn(models.Model):
    mentorship = models.ForeignKey(Mentorship, on_delete=models.CASCADE, related_name="check_ins")
    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="check_ins")
    kind = models.CharField(max_length=8, choices=CheckInKind.choices)
    relationship_rating = models.PositiveSmallIntegerField(help_text="How well does the relationship work, 1 to 5?")
    would_recommend = models.BooleanField(help_text="Would you recommend this program to a colleague?")
    comment = models.TextField(blank=True)
    submitted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["submitted_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["mentorship", "participant", "kind"], name="check_in_once_per_kind"),
            models.CheckConstraint(
                condition=Q(relationship_rating__gte=1, relationship_rating__lte=5), name="check_in_rating_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} check-in of {self.participant_id}"
