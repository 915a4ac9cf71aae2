from django import forms

from .models import Direction


class ClockForm(forms.Form):
    """The clock button: which way, and the key that makes a second tap the same punch."""

    direction = forms.ChoiceField(
        choices=[(Direction.IN, "Clock in"), (Direction.OUT, "Clock out")],
        error_messages={
            "required": "Clock in or clock out.",
            "invalid_choice": "Clock in or clock out.",
        },
    )
    key = forms.UUIDField(
        error_messages={
            "required": "Reload the page and try again.",
            "invalid": "Reload the page and try again.",
        }
    )
