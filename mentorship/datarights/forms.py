from typing import Any

from django import forms


class EraseForm(forms.Form):
    confirm_email = forms.CharField(
        label="Type the person's email address to confirm",
        max_length=254,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )

    def __init__(self, *args: Any, email: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.email = email

    def clean_confirm_email(self) -> str:
        value: str = self.cleaned_data["confirm_email"].strip()
        if value.lower() != self.email.lower():
            raise forms.ValidationError("This is not the person's email address.")
        return value
