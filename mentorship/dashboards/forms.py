"""The dashboard filters. They arrive by GET, so a filtered view is a link that can be shared."""

from collections.abc import Collection
from datetime import date
from typing import Any

from django import forms

from mentorship.core.forms import choice_field
from mentorship.programs.models import ProgramKind


def _optional_int(value: str) -> int | None:
    return int(value) if value else None


class FilterForm(forms.Form):
    program = forms.TypedChoiceField(required=False, coerce=int, empty_value=None, label="Program")
    kind = forms.ChoiceField(
        required=False, label="Kind of program", choices=[("", "Every kind"), *ProgramKind.choices]
    )
    unit = forms.TypedChoiceField(
        required=False,
        coerce=int,
        empty_value=None,
        label="Org unit",
        help_text="Includes its sub-units.",
        widget=forms.Select(attrs={"data-searchable": "units"}),
    )
    start = forms.DateField(required=False, label="From", widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(required=False, label="To", widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(
        self,
        *args: Any,
        programs: list[tuple[int, str]] | None = None,
        units: list[tuple[int, str]],
        kinds: Collection[str] | None = None,
        dates: bool = True,
        **kwargs: Any,
    ) -> None:
        """`programs`, `units`, `kinds`: the values offered (None: no program or kind filter;
        `kinds` None: every kind). `dates`: whether the date range is offered at all."""
        super().__init__(*args, **kwargs)
        if programs is None:
            del self.fields["program"]
            del self.fields["kind"]
        else:
            choice_field(self, "program").choices = [("", "Every program"), *programs]
            if kinds is not None:
                choice_field(self, "kind").choices = [
                    ("", "Every kind"),
                    *((value, label) for value, label in ProgramKind.choices if value in kinds),
                ]
        choice_field(self, "unit").choices = [("", "Every unit"), *units]
        if not dates:
            del self.fields["start"]
            del self.fields["end"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start: date | None = data.get("start")
        end: date | None = data.get("end")
        if start and end and start > end:
            self.add_error("end", "The end date must be on or after the start date.")
        return data

    def filters(self) -> dict[str, Any]:
        """The valid filters, or none at all when the form has errors (shown above the page)."""
        if not self.is_bound or not self.is_valid():
            return {}
        return {name: value for name, value in self.cleaned_data.items() if value not in (None, "")}
