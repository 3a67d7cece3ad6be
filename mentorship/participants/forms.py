from collections.abc import Iterator
from typing import Any, cast

from django import forms
from django.forms.models import ModelChoiceIterator

from mentorship.core.forms import choice_field
from mentorship.participants.models import (
    LANGUAGES,
    WORK_STYLE_QUESTIONS,
    CareerLevel,
    OrgUnit,
    Participant,
    org_unit_labels,
    timezone_names,
)

# Onboarding walks through the profile in these steps; the profile page edits them all at once.
STEPS: list[tuple[str, list[str]]] = [
    ("About you", ["first_name", "last_name", "job_title", "org_unit", "manager_email"]),
    (
        "Experience and availability",
        ["career_level", "years_experience", "timezone", "languages", "availability_hours"],
    ),
    ("How you like to work", [*(name for name, *_ in WORK_STYLE_QUESTIONS), "bio"]),
]
ALL_FIELDS = [name for _, fields in STEPS for name in fields]


class _ByPathIterator(ModelChoiceIterator[OrgUnit]):
    """Units in the order of their full path: "Engineering / Data" next to "Engineering / Platform",
    not next to "Sales / Data" (as sorting by the last part would put it)."""

    def __iter__(self) -> Iterator[tuple[Any, Any]]:
        field = cast("OrgUnitChoiceField", self.field)
        if field.empty_label is not None:
            yield ("", field.empty_label)
        labels = field.labels()
        for unit in sorted(self.queryset, key=lambda unit: labels.get(unit.pk, unit.name).casefold()):
            yield self.choice(unit)


class OrgUnitChoiceField(forms.ModelChoiceField[OrgUnit]):
    iterator = _ByPathIterator

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("widget", forms.Select(attrs={"data-searchable": "departments and teams"}))
        super().__init__(queryset=OrgUnit.objects.all(), **kwargs)
        self._labels: dict[int, str] | None = None

    def labels(self) -> dict[int, str]:
        if self._labels is None:
            self._labels = org_unit_labels()
        return self._labels

    def label_from_instance(self, obj: OrgUnit) -> str:
        return self.labels().get(obj.pk, obj.name)


class ProfileForm(forms.Form):
    first_name = forms.CharField(max_length=150)
    last_name = forms.CharField(max_length=150)
    job_title = forms.CharField(max_length=120, required=False)
    org_unit = OrgUnitChoiceField(required=False, label="Department or team", empty_label="Not listed")
    manager_email = forms.EmailField(
        required=False,
        label="Your manager's work email",
        help_text="Leave empty if you have no manager in the organisation.",
    )
    career_level = forms.TypedChoiceField(choices=CareerLevel.choices, coerce=int, widget=forms.RadioSelect)
    years_experience = forms.IntegerField(min_value=0, max_value=60, label="Years of work experience")
    timezone = forms.ChoiceField(
        choices=[], label="Time zone", widget=forms.Select(attrs={"data-searchable": "time zones"})
    )
    languages = forms.MultipleChoiceField(
        choices=LANGUAGES, widget=forms.CheckboxSelectMultiple, help_text="Languages you can mentor in."
    )
    availability_hours = forms.IntegerField(
        min_value=0, max_value=40, label="Hours a month for mentoring", help_text="Two to six is typical."
    )
    bio = forms.CharField(widget=forms.Textarea(attrs={"rows": 4}), max_length=1000, required=False)

    def __init__(self, *args: Any, participant: Participant, fields: list[str] | None = None, **kwargs: Any) -> None:
        kwargs.setdefault("initial", initial_for(participant))
        super().__init__(*args, **kwargs)
        self.participant = participant
        choice_field(self, "timezone").choices = [(name, name.replace("_", " ")) for name in timezone_names()]
        if participant.onboarded_at is None:
            # A new profile has UTC only because the field needs a value: the browser knows better.
            self.fields["timezone"].widget.attrs["data-guess-timezone"] = ""
        for name, question, left, right in WORK_STYLE_QUESTIONS:
            self.fields[name] = forms.TypedChoiceField(
                label=question,
                choices=[(i, str(i)) for i in range(1, 6)],
                coerce=int,
                widget=forms.RadioSelect(attrs={"class": "scale"}),
                help_text=f"1 = {left}, 5 = {right}",
            )
        keep = fields or ALL_FIELDS
        for name in list(self.fields):
            if name not in keep:
                del self.fields[name]

    def clean_manager_email(self) -> Participant | None:
        email = self.cleaned_data.get("manager_email", "").strip()
        if not email:
            return None
        manager = Participant.objects.select_related("user").filter(user__email__iexact=email).first()
        if manager is None:
            raise forms.ValidationError(
                "Nobody with that email is registered yet. Check the spelling, or leave it empty."
            )
        if manager.pk == self.participant.pk:
            raise forms.ValidationError("You cannot be your own manager.")
        return manager

    def profile_data(self) -> dict[str, Any]:
        """Cleaned values under the model's field names, for `participant_update`."""
        data = dict(self.cleaned_data)
        if "manager_email" in data:
            data["manager"] = data.pop("manager_email")
        return data


def initial_for(participant: Participant) -> dict[str, Any]:
    initial: dict[str, Any] = {
        "first_name": participant.user.first_name,
        "last_name": participant.user.last_name,
        "manager_email": participant.manager.user.email if participant.manager else "",
        "org_unit": participant.org_unit_id,
    }
    for name in ALL_FIELDS:
        if name not in initial and hasattr(participant, name):
            initial[name] = getattr(participant, name)
    return initial
