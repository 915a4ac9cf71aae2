"""The calendar of who is out: whom, which period, around which date; and the calendar
feed's buttons."""

import datetime

from django import forms
from django.utils import timezone

from accounts.scoping import Scope
from core.forms import DATE_WIDGET, QuickSelect
from employees.models import Department
from employees.selectors import department_choices

from .calendar import VIEWS, WEEK

EVERYONE, TEAM = "all", "team"


class CalendarForm(forms.Form):
    """Read from the query string; anything left out takes its default (everyone the user
    may see, this week)."""

    who = forms.ChoiceField(
        label="Who",
        widget=QuickSelect,
        error_messages={"invalid_choice": "Choose whom to show from the list."},
    )
    view = forms.ChoiceField(
        label="Show",
        choices=VIEWS,
        widget=QuickSelect,
        error_messages={"invalid_choice": "Choose a day, a week or a month."},
    )
    date = forms.DateField(
        label="Around",
        widget=DATE_WIDGET,
        error_messages={"invalid": "Enter the date as YYYY-MM-DD, for example 2026-03-31."},
    )

    def __init__(self, data=None, *, scope: Scope, **kwargs):
        data = data.copy() if data is not None else {}
        defaults = {"who": EVERYONE, "view": WEEK, "date": timezone.localdate().isoformat()}
        for name, value in defaults.items():
            if not data.get(name):
                data[name] = value
        kwargs.setdefault("auto_id", "calendar_%s")
        kwargs.setdefault("label_suffix", "")
        super().__init__(data, **kwargs)
        self.departments = {d.pk: d for d in department_choices(scope=scope)}
        self.fields["who"].choices = [
            (EVERYONE, "Everyone you can see"),
            (TEAM, "My team"),
            ("Departments", [(str(pk), d.name) for pk, d in self.departments.items()]),
        ]

    def clean_date(self) -> datetime.date:
        day = self.cleaned_data["date"]
        if not datetime.date(1900, 1, 1) <= day <= datetime.date(9000, 12, 31):
            raise forms.ValidationError("Choose a date between 1900 and 9000.", code="range")
        return day

    @property
    def department(self) -> Department | None:
        """The department chosen, if one is."""
        who = self.cleaned_data.get("who", EVERYONE)
        return self.departments[int(who)] if who.isdigit() else None


class FeedForm(forms.Form):
    """The calendar feed's buttons: make a new address (replacing any), or revoke it."""

    action = forms.ChoiceField(
        choices=[("create", "Create"), ("revoke", "Revoke")],
        error_messages={
            "required": "Choose to create or to revoke the feed.",
            "invalid_choice": "Choose to create or to revoke the feed.",
        },
    )
