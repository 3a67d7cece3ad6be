from __future__ import annotations

from django import forms
from django.core.files.uploadedfile import UploadedFile

from mentorship.imports import services


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.0f} MB" if size >= 1024 * 1024 else f"{size / 1024:.0f} KB"


class UploadForm(forms.Form):
    # Empty files are let through: the checks explain them along with every other problem.
    file = forms.FileField(
        label="CSV file",
        allow_empty_file=True,
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.txt,text/csv"}),
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
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


class ConfirmForm(forms.Form):
    invite = forms.BooleanField(
        label="Email the new people an invitation to set their password",
        required=False,
        help_text="Existing people are never emailed. Without an invitation, new people can use "
        "“Forgot password” on the sign-in page.",
    )
