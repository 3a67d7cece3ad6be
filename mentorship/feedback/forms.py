from typing import Any

from django import forms

from mentorship.feedback.models import EmailChoice
from mentorship.notifications import kinds


class PreferencesForm(forms.Form):
    """One choice per kind of reminder; HR alerts are not offered, so they cannot be silenced."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for kind, label in kinds.CONFIGURABLE.items():
            self.fields[kind] = forms.ChoiceField(label=label, choices=EmailChoice.choices, widget=forms.RadioSelect)
