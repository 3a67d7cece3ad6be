from __future__ import annotations

from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile

from mentorship.imports import services
from mentorship.imports.parsing import IGNORE, LABELS

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.0f} MB" if size >= 1024 * 1024 else f"{size / 1024:.0f} KB"


class UploadForm(forms.Form):
    # Empty files are let through: the checks explain them along with every other problem.
    file = forms.FileField(
        label="CSV or Excel file",
        allow_empty_file=True,
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.txt,.xlsx,text/csv," + XLSX_TYPE}),
    )
    full_list = forms.BooleanField(
        label="This file lists every employee",
        required=False,
        help_text="People in the app who are not in the file are then shown as leavers in the preview; "
        "confirming deactivates them (no sign-in, out of programs, their mentorships end). Nothing is deleted, "
        "and anyone listed again later is reactivated.",
    )
    review_columns = forms.BooleanField(
        label="Let me check how each column is read first",
        required=False,
        help_text="Otherwise you are asked only when a column is not recognised.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = (
            f"Exported from your HR system, up to {_megabytes(services.max_bytes())}. "
            "Nothing is saved until you have checked the preview and confirmed."
        )

    def clean_file(self) -> UploadedFile[bytes]:
        upload: UploadedFile[bytes] = self.cleaned_data["file"]
        limit = services.max_bytes()
        # Checked before reading, so an oversized upload never reaches memory or the database.
        if upload.size is not None and upload.size > limit:
            raise forms.ValidationError(
                f"The file is {_megabytes(upload.size)}; the limit is {_megabytes(limit)}. "
                "Split it into smaller files and import them one after another."
            )
        return upload


class ColumnsForm(forms.Form):
    """How each column of the file is read: a field, or ignored. One select per column."""

    def __init__(self, *args: Any, columns: list[dict[str, object]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [(IGNORE, "Ignore this column"), *LABELS.items()]
        self.columns = columns
        for index, column in enumerate(columns):
            header = str(column["header"]).strip() or f"Column {index + 1} (no name)"
            how = column["how"]
            hint = {
                "recognised": "Recognised by its name.",
                "remembered": "As you chose for this header before.",
                "not used": "Recognised; the app does not use it.",
                "unknown": "Not recognised: choose what it holds, or ignore it.",
            }.get(str(how), "")
            self.fields[f"column_{index}"] = forms.ChoiceField(
                label=f"“{header}”",
                choices=choices,
                required=False,
                initial=column["field"] or IGNORE,
                help_text=hint + (" Several columns may be read as Department: they are joined widest first."
                                  if column["field"] == "department" else ""),
            )  # fmt: skip

    def fields_chosen(self) -> list[str]:
        return [self.cleaned_data.get(f"column_{index}") or IGNORE for index in range(len(self.columns))]


class ConfirmForm(forms.Form):
    invite = forms.BooleanField(
        label="Email the new people an invitation to set their password",
        required=False,
        help_text="Existing people are never emailed. Without an invitation, new people can use "
        "“Forgot password” on the sign-in page.",
    )
    new_units_ok = forms.BooleanField(
        label="Yes, create the new units directly below the organisation root listed above",
        required=False,
    )
    leavers_ok = forms.BooleanField(
        label="Yes, the people listed as leaving have left: deactivate them",
        required=False,
    )

    def __init__(self, *args: Any, job: object = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not getattr(job, "new_top_level", None):
            del self.fields["new_units_ok"]
        if not getattr(job, "leavers", None):
            del self.fields["leavers_ok"]
