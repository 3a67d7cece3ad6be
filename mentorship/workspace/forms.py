"""Forms of the workspace. They check shapes; the services decide (dates, membership, uniqueness)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import forms
from django.utils import timezone

from mentorship.core.forms import model_choice_field
from mentorship.mentorships.models import Mentorship
from mentorship.participants.models import Participant
from mentorship.workspace.models import (
    FitAnswer,
    Goal,
    GoalStatus,
    MentoringSession,
    SessionFormat,
)
from mentorship.workspace.services import EARLY_REASONS, MAX_CADENCE, MAX_MINUTES, MIN_CADENCE, MIN_MINUTES
from skills.models import LEVELS, Skill

LEVEL_CHOICES = [("", "Choose a level"), *((str(value), label) for value, label in LEVELS)]
SCORES = [(5, "5 · Excellent"), (4, "4 · Good"), (3, "3 · OK"), (2, "2 · Poor"), (1, "1 · Not useful")]
YES_NO = [("yes", "Yes"), ("no", "No")]


class DateInput(forms.DateInput):
    input_type = "date"


class GoalForm(forms.Form):
    learner = forms.ModelChoiceField(
        queryset=Participant.objects.none(), empty_label=None, label="Whose goal is it?", required=False
    )
    title = forms.CharField(
        max_length=200,
        label="Goal",
        help_text="Specific and observable, e.g. “Run the team retrospective on my own”.",
    )
    skill = forms.ModelChoiceField(
        queryset=Skill.objects.none(), required=False, empty_label="No skill (a goal of another kind)"
    )
    from_level = forms.TypedChoiceField(
        choices=[("", "Current level in the inventory"), *LEVEL_CHOICES[1:]],
        coerce=int,
        empty_value=None,
        required=False,
        label="From level",
        help_text="Left empty, the goal starts at the learner's level in their skill inventory.",
    )
    target_level = forms.TypedChoiceField(
        choices=LEVEL_CHOICES, coerce=int, empty_value=None, required=False, label="Target level"
    )
    due_on = forms.DateField(widget=DateInput, label="Due date", help_text="By when you want to get there.")
    status = forms.ChoiceField(choices=GoalStatus.choices, required=False)
    progress_notes = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=4000)

    def __init__(
        self, *args: Any, mentorship: Mentorship, learners: list[Participant], goal: Goal | None, **kwargs: Any
    ):
        super().__init__(*args, **kwargs)
        learner = model_choice_field(self, "learner")
        learner.queryset = Participant.objects.filter(pk__in=[p.pk for p in learners]).select_related("user")
        skills = Skill.objects.filter(retired_at=None)
        if goal is not None and goal.skill_id:
            skills = Skill.objects.filter(retired_at=None) | Skill.objects.filter(pk=goal.skill_id)
        model_choice_field(self, "skill").queryset = skills.order_by("name")
        if goal is not None or len(learners) == 1:
            del self.fields["learner"]  # the learner of a goal does not change; only reciprocal pairs choose
        if goal is None:
            del self.fields["status"]
        self.learners = learners

    def chosen_learner(self) -> Participant:
        chosen = self.cleaned_data.get("learner")
        return chosen if chosen is not None else self.learners[0]


class GoalProgressForm(forms.Form):
    status = forms.ChoiceField(choices=GoalStatus.choices)
    progress_notes = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=4000, label="Progress notes"
    )


class AgreementForm(forms.Form):
    cadence_days = forms.IntegerField(
        min_value=MIN_CADENCE,
        max_value=MAX_CADENCE,
        label="Meet every (days)",
        help_text=f"From {MIN_CADENCE} (weekly) to {MAX_CADENCE} days.",
    )
    meeting_channel = forms.CharField(
        max_length=200, required=False, label="Where you meet", help_text="A room, a video link or a chat channel."
    )


class SessionForm(forms.Form):
    held_on = forms.DateField(widget=DateInput, label="Date")
    duration_minutes = forms.IntegerField(
        min_value=MIN_MINUTES, max_value=MAX_MINUTES, initial=60, label="Length (minutes)"
    )
    format = forms.ChoiceField(choices=SessionFormat.choices, widget=forms.RadioSelect, initial=SessionFormat.MEETING)
    skills = forms.ModelMultipleChoiceField(
        queryset=Skill.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        label="Skills you worked on",
        help_text="The skills of your goals.",
    )
    shared_notes = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        max_length=4000,
        help_text="What you covered and what you will try before next time. Both of you see these.",
    )
    private_note = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=4000,
        label="Private note",
        help_text="Only you will ever see this: not your partner, not HR.",
    )

    def __init__(self, *args: Any, skill_ids: Iterable[int], with_private_note: bool = True, **kwargs: Any):
        super().__init__(*args, **kwargs)
        model_choice_field(self, "skills").queryset = Skill.objects.filter(pk__in=list(skill_ids)).order_by("name")
        self.fields["held_on"].widget.attrs["max"] = timezone.localdate().isoformat()
        if not with_private_note:
            del self.fields["private_note"]

    @classmethod
    def initial_from(cls, session: MentoringSession) -> dict[str, Any]:
        return {
            "held_on": session.held_on,
            "duration_minutes": session.duration_minutes,
            "format": session.format,
            "skills": [skill.pk for skill in session.skills.all()],
            "shared_notes": session.shared_notes,
        }


class PrivateNoteForm(forms.Form):
    text = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=4000,
        label="Your private note",
        help_text="Only you see this. Leave it empty to delete it.",
    )


class RatingForm(forms.Form):
    score = forms.TypedChoiceField(choices=SCORES, coerce=int, widget=forms.RadioSelect, label="How useful was it?")
    learned = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=2000, label="What I learned"
    )
    improve = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=2000,
        label="What would make it better",
    )


class FitCheckForm(forms.Form):
    answer = forms.ChoiceField(choices=FitAnswer.choices, widget=forms.RadioSelect, label="How does the pairing fit?")
    comment = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=2000,
        help_text="Optional. With “not a fit”, HR reads this to find you a better match.",
    )


class CheckInForm(forms.Form):
    relationship_rating = forms.TypedChoiceField(
        choices=SCORES, coerce=int, widget=forms.RadioSelect, label="How well does the relationship work?"
    )
    would_recommend = forms.TypedChoiceField(
        choices=YES_NO,
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
        label="Would you recommend this program to a colleague?",
    )
    comment = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=2000)

    def __init__(
        self,
        *args: Any,
        own_skills: list[Skill],
        partner_skills: list[Skill],
        partner_name: str,
        current: dict[int, int],
        **kwargs: Any,
    ):
        super().__init__(*args, **kwargs)
        fields: dict[str, forms.Field] = {}
        for skill in own_skills:
            fields[f"own_{skill.pk}"] = forms.TypedChoiceField(
                choices=LEVEL_CHOICES,
                coerce=int,
                label=f"Your level in {skill.name} now",
                initial=current.get(skill.pk, ""),
            )
        for skill in partner_skills:
            fields[f"partner_{skill.pk}"] = forms.TypedChoiceField(
                choices=[("", "I prefer not to say"), *LEVEL_CHOICES[1:]],
                coerce=int,
                empty_value=None,
                required=False,
                label=f"{partner_name}'s level in {skill.name}, as you see it",
            )
        self.fields = {**fields, **self.fields}
        self.own_skills, self.partner_skills = own_skills, partner_skills

    def own_levels(self) -> dict[int, int]:
        return {skill.pk: self.cleaned_data[f"own_{skill.pk}"] for skill in self.own_skills}

    def partner_levels(self) -> dict[int, int]:
        levels = {skill.pk: self.cleaned_data.get(f"partner_{skill.pk}") for skill in self.partner_skills}
        return {pk: level for pk, level in levels.items() if level is not None}

    def own_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.fields if name.startswith("own_")]

    def partner_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.fields if name.startswith("partner_")]


class EndForm(forms.Form):
    outcome = forms.ChoiceField(
        choices=[("completed", "We completed it"), ("early", "We are ending it early")],
        widget=forms.RadioSelect,
        label="How does it end?",
    )
    reason = forms.ChoiceField(
        choices=[("", "Choose a reason")] + [(r.value, r.label) for r in EARLY_REASONS],
        required=False,
        label="Why are you ending early?",
        help_text="Only when ending early. HR uses this to improve matching.",
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("outcome") == "early" and not data.get("reason"):
            self.add_error("reason", "Tell us why it ended early: choose a reason from the list.")
        return data
