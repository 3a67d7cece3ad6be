from typing import Any

from django import forms

from mentorship.core.forms import choice_field, model_choice_field
from mentorship.participants.models import OrgUnit
from pairing.models import ProposalStatus


class ProposalFilterForm(forms.Form):
    q = forms.CharField(label="Search names", required=False, max_length=100)
    score_min = forms.FloatField(label="Score from", required=False, min_value=0, max_value=100)
    score_max = forms.FloatField(label="Score to", required=False, min_value=0, max_value=100)
    unit = forms.ModelChoiceField(
        label="Org unit", queryset=OrgUnit.objects.none(), required=False, empty_label="Any unit"
    )
    status = forms.ChoiceField(label="Status", required=False, choices=[("", "Any status"), *ProposalStatus.choices])

    def __init__(self, *args: Any, unit_choices: list[tuple[int, str]] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = model_choice_field(self, "unit")
        field.queryset = OrgUnit.objects.all()
        if unit_choices is not None:
            field.choices = [("", "Any unit"), *unit_choices]

    def clean(self) -> dict[str, object]:
        cleaned = super().clean() or {}
        low, high = cleaned.get("score_min"), cleaned.get("score_max")
        if low is not None and high is not None and low > high:
            self.add_error("score_max", "The upper score must not be below the lower one.")
        return cleaned


class ManualPairForm(forms.Form):
    mentor = forms.TypedChoiceField(label="Mentor", coerce=int)
    mentee = forms.TypedChoiceField(label="Mentee", coerce=int)
    confirm = forms.BooleanField(
        label="I know this pair breaks the rules listed above; make it anyway.", required=False
    )

    def __init__(
        self,
        *args: Any,
        mentors: list[tuple[int, str]],
        mentees: list[tuple[int, str]],
        general: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        choice_field(self, "mentor").choices = [("", "Choose a person"), *mentors]
        choice_field(self, "mentee").choices = [("", "Choose a person"), *mentees]
        if general:
            self.fields["mentor"].label = "First person (teaches)"
            self.fields["mentee"].label = "Second person (learns)"

    def clean(self) -> dict[str, object]:
        cleaned = super().clean() or {}
        if cleaned.get("mentor") is not None and cleaned.get("mentor") == cleaned.get("mentee"):
            self.add_error("mentee", "Choose two different people.")
        return cleaned


class ResponseForm(forms.Form):
    decision = forms.ChoiceField(choices=[("accept", "Accept"), ("decline", "Decline")], widget=forms.HiddenInput)
    reason = forms.CharField(
        label="Reason (optional, only HR sees it)",
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    @property
    def accepted(self) -> bool:
        return bool(self.cleaned_data["decision"] == "accept")


class RequestForm(forms.Form):
    mentor = forms.IntegerField(widget=forms.HiddenInput)
    message = forms.CharField(
        label="A short note to them (optional)",
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class RunStartForm(forms.Form):
    raise_floor = forms.BooleanField(
        label="Raise the weakest pair",
        required=False,
        widget=forms.CheckboxInput(attrs={"aria-describedby": "id_raise_floor_help"}),
        help_text="Fairness first: the highest floor at which as many people still pair, then the best "
        "total above it. The run shows what it cost in total score and how much the weakest pair gained.",
    )
