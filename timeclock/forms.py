from django import forms
from django.conf import settings

from attendance.models import AttendanceRecord

from .models import DayOutcome, Direction, Resolution, validate_kiosk_pin, validate_time_zone
from .services import Location


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
    # Filled in by the browser when the deployment asks for the location and the person
    # allows it; anything unusable is left out, never an error.
    latitude = forms.DecimalField(required=False, min_value=-90, max_value=90)
    longitude = forms.DecimalField(required=False, min_value=-180, max_value=180)
    accuracy = forms.IntegerField(required=False, min_value=0, max_value=10_000_000)

    def location(self) -> Location | None:
        """The browser's location, if it gave a usable one."""
        data = self.cleaned_data
        if data.get("latitude") is None or data.get("longitude") is None:
            return None
        return Location(
            latitude=round(data["latitude"], 6),
            longitude=round(data["longitude"], 6),
            accuracy_m=data.get("accuracy"),
        )

    def clean(self):
        data = super().clean()
        for name in ("latitude", "longitude", "accuracy"):
            if name in self.errors:  # unusable: left out
                del self.errors[name]
                data[name] = None
        return data


class PunchImportForm(forms.Form):
    file = forms.FileField(
        label="Punch log (CSV or TXT)",
        error_messages={"required": "Choose a file to import.", "empty": "The file is empty."},
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.txt,.dat,text/csv,text/plain"}),
    )
    time_zone = forms.CharField(
        label="Time zone of the device's clock",
        max_length=64,
        validators=[validate_time_zone],
        help_text="Times in the file that carry no offset are read on this clock.",
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.fields["time_zone"].initial = settings.TIME_ZONE

    def clean_time_zone(self):
        value = self.cleaned_data["time_zone"].strip()
        if not value:
            raise forms.ValidationError("Give the device's time zone, e.g. Europe/London.")
        return value


class ResolveForm(forms.Form):
    """How to resolve a day's exception, and why. The choices fit the day: adding a
    check-out only where one is missing, excusing only where someone was late or left
    early."""

    action = forms.ChoiceField(
        label="Resolve by",
        widget=forms.RadioSelect,
        error_messages={"required": "Choose how to resolve it."},
    )
    checkout_at = forms.DateTimeField(
        label="They left at",
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text="For adding the check-out.",
    )
    status = forms.ChoiceField(
        label="Mark the day",
        required=False,
        choices=[("", "Choose a status"), *AttendanceRecord.Status.choices],
        help_text="For marking the day by hand: it wins over the punches.",
    )
    note = forms.CharField(
        label="Why",
        max_length=200,
        error_messages={"required": "Say why: it is kept with the day."},
    )

    def __init__(self, *args, outcome, **kwargs):
        super().__init__(*args, **kwargs)
        Action = Resolution.Action
        choices = []
        if outcome.status == DayOutcome.Status.MISSING_CHECKOUT:
            choices.append((Action.CHECKOUT_ADDED, "Add the check-out"))
        choices.append((Action.MARKED, "Mark the day by hand"))
        if outcome.late_minutes or outcome.early_minutes:
            choices.append((Action.EXCUSED, "Excuse the late arrival or early leaving"))
        choices.append((Action.ACCEPTED, "Accept it as it is"))
        self.fields["action"].choices = choices

    def clean(self):
        data = super().clean()
        action = data.get("action")
        if action == Resolution.Action.MARKED and not data.get("status"):
            self.add_error("status", "Choose the day's status.")
        if action == Resolution.Action.CHECKOUT_ADDED and not data.get("checkout_at"):
            self.add_error("checkout_at", "Enter the time they left.")


class KioskForm(forms.Form):
    """The office kiosk: who (employee code and PIN), which way (the button pressed), and
    the key that makes a second tap the same punch."""

    code = forms.CharField(
        label="Employee code",
        max_length=50,
        error_messages={"required": "Type your employee code."},
        widget=forms.TextInput(
            attrs={
                "autocomplete": "off",
                "autocapitalize": "characters",
                "spellcheck": "false",
                "autofocus": True,
            }
        ),
    )
    pin = forms.CharField(
        label="PIN",
        max_length=8,
        strip=False,
        error_messages={"required": "Type your PIN.", "max_length": "A PIN is 4 to 8 digits."},
        widget=forms.PasswordInput(
            attrs={"inputmode": "numeric", "autocomplete": "off", "pattern": "[0-9]*"}
        ),
    )
    direction = ClockForm.base_fields["direction"]
    key = ClockForm.base_fields["key"]

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)

    def people_fields(self):
        """The fields a person fills in (the buttons give the direction, the page the key)."""
        return [self["code"], self["pin"]]

    def clean_code(self):
        return self.cleaned_data["code"].strip().upper()


class KioskPinForm(forms.Form):
    """An employee's own kiosk PIN, set or changed after typing their account's password."""

    password = forms.CharField(
        label="Your password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        error_messages={"required": "Type your password, to show it is you."},
    )
    pin = forms.CharField(
        label="New PIN",
        strip=False,
        help_text="4 to 8 digits; not one digit repeated nor a run like 1234.",
        widget=forms.PasswordInput(
            attrs={"inputmode": "numeric", "autocomplete": "off", "pattern": "[0-9]*"}
        ),
        validators=[validate_kiosk_pin],
        error_messages={"required": "Choose a PIN of 4 to 8 digits."},
    )
    pin_again = forms.CharField(
        label="New PIN again",
        strip=False,
        widget=forms.PasswordInput(
            attrs={"inputmode": "numeric", "autocomplete": "off", "pattern": "[0-9]*"}
        ),
        error_messages={"required": "Type the new PIN again."},
    )

    def __init__(self, *args, user, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_password(self):
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError("That is not your password.", code="password")
        return password

    def clean(self):
        data = super().clean()
        if data.get("pin") and data.get("pin_again") and data["pin"] != data["pin_again"]:
            self.add_error("pin_again", "The two PINs differ: type the same PIN twice.")
        return data
