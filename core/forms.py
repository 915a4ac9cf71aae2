from django import forms
from django.core.exceptions import ValidationError
from django.forms.renderers import TemplatesSetting

# A date field as the browser's date picker.
DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class FormRenderer(TemplatesSetting):
    """Render every form field with the project's field template (label, help, errors)."""

    field_template_name = "includes/field.html"


def add_service_errors(form, error: ValidationError, *, field: str | None = None) -> None:
    """Show a service's refusal in the form: beside the fields it names, else beside `field`."""
    if hasattr(error, "error_dict"):
        for name, errors in error.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(field, error)
