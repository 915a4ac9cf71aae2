from django import template
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe

from core.formats import format_weekday_day

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


@register.filter
def duration(value) -> str:
    """A timedelta in words: "15 minutes", "1 hour 30 minutes"."""
    minutes = max(int(value.total_seconds() // 60), 1)
    hours, minutes = divmod(minutes, 60)
    parts = []
    if hours:
        parts.append(f"{hours} hour{'s' if hours != 1 else ''}")
    if minutes:
        parts.append(f"{minutes} minute{'s' if minutes != 1 else ''}")
    return " ".join(parts)


@register.filter
def weekday_date(value) -> str:
    """Wed 2 Dec 2026: a day with its weekday, for headings and confirmations."""
    return format_weekday_day(value) if value else ""


@register.filter
def number(value) -> str:
    """A count with thousands separated: 12,345."""
    try:
        return f"{int(value):,}"
    except (TypeError, ValueError):
        return value


@register.filter
def breakable(value) -> str:
    """An email address that may wrap before its @ and after its dots, never mid-word."""
    text = conditional_escape(value)
    return mark_safe(text.replace("@", "<wbr>@").replace(".", ".<wbr>"))  # noqa: S308 (escaped)
