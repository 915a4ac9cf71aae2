from django import forms

from .models import Kind

# How each kind reads after "Email me when …".
EMAIL_WHEN = {
    Kind.REQUEST_SUBMITTED: "a request waits for my approval",
    Kind.REQUEST_DECIDED: "my request is approved or rejected",
    Kind.APPROVAL_REMINDER: "requests have been waiting for my approval for days",
    Kind.CLOCK_OUT_REMINDER: "I seem to have forgotten to clock out",
}


class EmailPreferencesForm(forms.Form):
    wanted = forms.MultipleChoiceField(
        label="Email me when …",
        choices=[(kind.value, EMAIL_WHEN.get(kind, kind.label)) for kind in Kind],
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text="Whatever you choose, every notification is in your list here.",
    )
