from django.forms.renderers import TemplatesSetting


class FormRenderer(TemplatesSetting):
    """Render every form field with the project's field template (label, help, errors)."""

    field_template_name = "includes/field.html"
