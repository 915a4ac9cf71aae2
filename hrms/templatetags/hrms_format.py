from django import template

register = template.Library()


@register.filter
def rate(value) -> str:
    """An attendance rate to one decimal, or "no data" when nothing counts."""
    if value is None:
        return "no data"
    return f"{value:.1f}%"


@register.filter
def get(mapping, key):
    """Look up `key` in a dict (template access to keys held in variables)."""
    return mapping.get(key, "") if mapping else ""
