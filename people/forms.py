from django import forms

from accounts.scoping import Scope
from core.forms import QuickSelect
from employees.selectors import department_choices


class InviteManyForm(forms.Form):
    department = forms.ModelChoiceField(
        queryset=None,
        required=False,
        empty_label="Every department",
        widget=QuickSelect,
        help_text="Everyone in it who works here and has no account yet is invited.",
        error_messages={"invalid_choice": "That department does not exist (any more)."},
    )

    def __init__(self, *args, scope: Scope, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = department_choices(scope=scope)
