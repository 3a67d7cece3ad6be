from django import forms

from mentorship.accounts.models import User
from mentorship.audit.models import Action, AuditEntry

# The trail's program filter offers what an entry's program points at. Taken from the entry's own
# foreign key: programs record to the trail, so audit imports nothing from them.
PROGRAMS = AuditEntry._meta.get_field("program").related_model


class AuditFilterForm(forms.Form):
    person = forms.EmailField(required=False, label="Person (email)")
    program = forms.ModelChoiceField(
        queryset=PROGRAMS._default_manager.order_by("name"), required=False, empty_label="Any"
    )
    action = forms.ChoiceField(choices=[("", "Any"), *Action.choices], required=False)

    def clean_person(self) -> User | None:
        email = self.cleaned_data.get("person")
        if not email:
            return None
        user = User.objects.filter(email__iexact=email).first()
        if user is None:
            raise forms.ValidationError("Nobody has this email address.")
        return user
