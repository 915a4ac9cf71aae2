from django import forms
from django.contrib.auth import authenticate
from django.core.exceptions import ValidationError


class CodeForm(forms.Form):
    """A code from the authenticator app, or a recovery code."""

    code = forms.CharField(
        label="Code",
        max_length=32,
        help_text="The 6-digit code your authenticator app shows, or one of your recovery codes.",
        error_messages={"required": "Enter the code your authenticator app shows."},
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "autocapitalize": "none",
                "spellcheck": "false",
                "autofocus": True,
            }
        ),
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)

    def clean_code(self) -> str:
        """As typed or copied: spaces and dashes between the characters do not count."""
        code = "".join(self.cleaned_data["code"].split()).replace("-", "").lower()
        if not code.isalnum() or not code.isascii():
            raise ValidationError(
                "A code has only letters and digits. Enter it as your app shows it.",
                code="invalid",
            )
        return code


class EnrolForm(CodeForm):
    """The first code of a newly added authenticator app, which proves it works."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["code"]
        field.help_text = "The 6-digit code the app shows for HRMS Lite once it is added."
        # Not focused at once: the steps above it come first.
        field.widget.attrs.pop("autofocus")
        field.widget.attrs.update(inputmode="numeric", maxlength="12")

    def clean_code(self) -> str:
        code = super().clean_code()
        if not code.isdigit() or len(code) != 6:
            raise ValidationError("Enter the 6 digits the app shows.", code="invalid")
        return code


class PasswordConfirmForm(forms.Form):
    """The user's current password, asked before turning two-factor sign-in off. Checked
    as a sign-in is (django-axes counts wrong ones), so a borrowed session cannot guess it."""

    password = forms.CharField(
        label="Your password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        error_messages={"required": "Enter your password to turn two-factor sign-in off."},
    )

    def __init__(self, *args, request, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.request = request

    def clean_password(self) -> str:
        password = self.cleaned_data["password"]
        user = self.request.user
        checked = authenticate(self.request, username=user.get_username(), password=password)
        if checked is None or checked.pk != user.pk:
            raise ValidationError("That is not your password.", code="wrong_password")
        return password
