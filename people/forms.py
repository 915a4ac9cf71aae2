import re

from django import forms

from accounts.scoping import Scope
from core.forms import QuickSelect
from employees.selectors import department_choices

from .selectors import chosen_employees

# The most codes one invitation job takes.
MOST_CODES = 1000


class InviteManyForm(forms.Form):
    department = forms.ModelChoiceField(
        queryset=None,
        required=False,
        empty_label="Every department",
        widget=QuickSelect,
        help_text="Everyone in it who works here and has no account yet is invited.",
        error_messages={"invalid_choice": "That department does not exist (any more)."},
    )
    codes = forms.CharField(
        label="Or only these employees",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=(
            "Their employee codes, separated by commas, spaces or new lines (up to "
            f"{MOST_CODES:,}). Someone already invited gets their link again."
        ),
    )

    def __init__(self, *args, scope: Scope, **kwargs):
        super().__init__(*args, **kwargs)
        self.scope = scope
        self.fields["department"].queryset = department_choices(scope=scope)

    def clean_codes(self) -> list[str]:
        codes = list(
            dict.fromkeys(c for c in re.split(r"[\s,;]+", self.cleaned_data["codes"]) if c)
        )
        if len(codes) > MOST_CODES:
            raise forms.ValidationError(
                f"That is {len(codes):,} codes; invite up to {MOST_CODES:,} at a time, "
                "or a whole department."
            )
        found = set(
            chosen_employees(scope=self.scope, codes=codes).values_list("employee_id", flat=True)
        )
        unknown = [code for code in codes if code not in found]
        if unknown:
            shown = ", ".join(unknown[:10]) + (
                f" and {len(unknown) - 10:,} more" if len(unknown) > 10 else ""
            )
            raise forms.ValidationError(
                f"No employee has the code{'s' if len(unknown) > 1 else ''} {shown}."
            )
        return codes

    def clean(self):
        data = super().clean()
        if data.get("department") and data.get("codes"):
            raise forms.ValidationError("Choose a department or list codes, not both.")
        return data
