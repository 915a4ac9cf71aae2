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
