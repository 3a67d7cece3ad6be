from typing import Any

from django import forms

from mentorship.core.forms import choice_field, model_choice_field
from skills.models import LEVELS, Skill, SkillCategory, SkillEntry, WantPriority

# The level list reads "3 · Practitioner" in the select and its description sits under it, in
# full: a dropdown option cut off at the select's width ("4 · Advanced: handles hard ca…") helps nobody.
LEVEL_NAMES = [(value, label.split(":")[0]) for value, label in LEVELS]
LEVEL_DESCRIPTIONS = {value: label.split(": ", 1)[1].capitalize() + "." for value, label in LEVELS}

CATEGORY_FILTER_CHOICES = [("", "All categories"), *SkillCategory.choices]
STATE_CHOICES = [("active", "In use"), ("retired", "Retired or merged"), ("all", "All")]


class SkillForm(forms.Form):
    name = forms.CharField(max_length=120)
    category = forms.ChoiceField(choices=SkillCategory.choices)
    description = forms.CharField(
        max_length=300, required=False, help_text="One line that tells people what the skill covers."
    )
    aliases = forms.CharField(
        max_length=300,
        required=False,
        label="Other names",
        help_text="Comma-separated names people might search for, e.g. k8s, kube.",
    )

    @classmethod
    def for_skill(cls, skill: Skill, data: Any = None) -> "SkillForm":
        initial = {"name": skill.name, "category": skill.category, "description": skill.description}
        return cls(data, initial={**initial, "aliases": skill.aliases})


class CatalogueFilterForm(forms.Form):
    q = forms.CharField(required=False, max_length=100, label="Search the catalogue")
    category = forms.ChoiceField(choices=CATEGORY_FILTER_CHOICES, required=False)
    state = forms.ChoiceField(choices=STATE_CHOICES, required=False, label="Show")

    def filters(self) -> dict[str, str]:
        data = self.cleaned_data if self.is_valid() else {}
        return {
            "query": data.get("q", ""),
            "category": data.get("category", ""),
            "state": data.get("state") or "active",
        }


class MergeForm(forms.Form):
    target = forms.ModelChoiceField(queryset=Skill.objects.none(), widget=forms.HiddenInput)

    def __init__(self, *args: Any, source: Skill, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_choice_field(self, "target").queryset = Skill.objects.filter(retired_at=None).exclude(pk=source.pk)
        self.fields["target"].error_messages["invalid_choice"] = "Choose an active skill other than this one to keep."


class InventoryEntryForm(forms.Form):
    """One row of the inventory editor. Labels name the skill so every input is findable by label."""

    level = forms.TypedChoiceField(choices=LEVEL_NAMES, coerce=int)
    want_priority = forms.TypedChoiceField(choices=WantPriority.choices, coerce=int, initial=WantPriority.NONE)
    can_teach = forms.BooleanField(required=False)

    def __init__(self, *args: Any, skill: Skill, entry: SkillEntry | None = None, **kwargs: Any) -> None:
        if entry is not None:
            kwargs.setdefault(
                "initial", {"level": entry.level, "want_priority": entry.want_priority, "can_teach": entry.can_teach}
            )
        kwargs["auto_id"] = f"%s-{skill.pk}"  # ids unique per row: level-12, want_priority-12, ...
        super().__init__(*args, **kwargs)
        self.skill = skill
        level = self.fields["level"]
        level.label = f"Level for {skill.name}"
        level.error_messages["required"] = f"Choose your level for {skill.name}."
        if entry is None:
            # A new line has no level until the person picks one: a default 0 would be a false assessment.
            choice_field(self, "level").choices = [("", "Choose your level…"), *LEVEL_NAMES]
        level.widget.attrs["aria-describedby"] = f"level-help-{skill.pk}"
        self.fields["want_priority"].label = f"Want to learn {skill.name}"
        self.fields["can_teach"].label = f"I can teach {skill.name}"

    def level_description(self) -> str:
        """The chosen level in words, shown under the select (the form's value, else the entry's)."""
        value: Any = self.data.get("level") if self.is_bound else self.initial.get("level")
        try:
            return LEVEL_DESCRIPTIONS[int(value)]
        except (TypeError, ValueError, KeyError):
            return "Pick the level that fits best; each one is described in “What the levels mean”."


class SuggestionForm(forms.Form):
    name = forms.CharField(max_length=120, label="Skill name")
    category = forms.ChoiceField(choices=SkillCategory.choices)
    description = forms.CharField(
        max_length=300, required=False, label="What it covers", help_text="One line is enough."
    )


class ApproveSuggestionForm(SkillForm):
    """HR may polish the wording before the skill enters the catalogue."""


class RejectSuggestionForm(forms.Form):
    note = forms.CharField(
        max_length=300, label="Reason for the colleague", help_text="They see this next to their suggestion."
    )


class MapSuggestionForm(forms.Form):
    skill = forms.ModelChoiceField(queryset=Skill.objects.filter(retired_at=None), widget=forms.HiddenInput)
    note = forms.CharField(max_length=300, required=False)
