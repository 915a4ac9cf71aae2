"""The big tables' repeated parts, rendered in Python: a roster row, a register row's
day cells.

A department's roster has hundreds of rows of about twenty values each, and a register
page 50 rows of 31 day cells; rendered by the template language they took two thirds of
their pages' time, and Django's escaping helpers most of the rest (docs/performance.md).
These build the same markup with the standard library's `html.escape` (what Django's
escaping uses underneath); the templates show where each goes:
`{% roster_row employee statuses saved_row %}`, `{% register_cells row %}`.
"""

from html import escape

from django import template
from django.urls import reverse
from django.utils.safestring import mark_safe

register = template.Library()

ROW = (
    '<tr id="row-{code}" class="roster-row{invalid}" data-seen="{seen}">'
    '<td data-label="Employee" class="cell-title"><div><a href="{url}">{name}</a>'
    '<span class="muted">{code} · {department}</span></div></td>'
    '<td><fieldset class="status-picker" aria-label="Status of {name}"'
    ' aria-describedby="roster-keys{described_by}">'
    '<input type="hidden" name="seen_{code}" value="{seen}">{radios}</fieldset>'
    "{unmarked}{errors}</td>"
    '<td class="cell-actions"><button type="submit" class="button small row-save" name="only"'
    ' value="{code}" hx-post="{mark_url}">Save<span class="visually-hidden"> {name}</span>'
    "</button>{saved}</td></tr>"
)
RADIO = (
    '<label><input type="radio" name="status_{code}" value="{value}"{checked}>'
    "<span>{label}</span></label>"
)
UNMARKED = '<span class="badge badge-unmarked">Not marked</span>'
SAVED = '<span class="saved-mark" role="status">Saved</span>'


# Reversed once per page, not once per row: the profile link of any employee is this
# URL with their code in place of the slot (codes are letters, digits, "-" and "_").
CODE_SLOT = "CODE-SLOT"


def _per_page(context, statuses) -> dict:
    """What every row of a page shares, worked out on the first row."""
    shared = context.render_context.get("roster_row")
    if shared is None:
        shared = context.render_context["roster_row"] = {
            "mark_url": escape(reverse("attendance:mark")),
            "profile_url": escape(reverse("profiles:detail", args=[CODE_SLOT])),
            "statuses": [(escape(value), escape(str(label))) for value, label in statuses],
        }
    return shared


@register.simple_tag(takes_context=True)
def roster_row(context, employee, statuses, saved=False):
    """One employee's row: name, the status picker (with what was seen, to detect a
    concurrent change), a "Not marked" badge, refusals, and the one-row save button."""
    shared = _per_page(context, statuses)
    code = escape(employee.employee_id)
    radios = "".join(
        RADIO.format(
            code=code,
            value=value,
            checked=" checked" if value == employee.selected else "",
            label=label,
        )
        for value, label in shared["statuses"]
    )
    errors = ""
    if employee.errors:
        messages = "".join(f"<p>{escape(str(error))}</p>" for error in employee.errors)
        errors = f'<div class="errorlist" id="error-{code}">{messages}</div>'
    return mark_safe(
        ROW.format(
            code=code,
            invalid=" row-invalid" if employee.errors else "",
            seen=escape(employee.seen),
            url=shared["profile_url"].replace(CODE_SLOT, code),
            name=escape(employee.full_name),
            department=escape(employee.department_name),
            described_by=f" error-{code}" if employee.errors else "",
            radios=radios,
            unmarked="" if employee.seen else UNMARKED,
            errors=errors,
            mark_url=shared["mark_url"],
            saved=SAVED if saved else "",
        )
    )


CELL = '<td class="cell {kind}" title="{title}">{text}</td>'


@register.simple_tag
def register_cells(row):
    """A register row's day cells: the status code, with the status, day and note as the
    cell's title."""
    return mark_safe(
        "".join(
            CELL.format(kind=escape(cell.kind), title=escape(cell.title), text=escape(cell.text))
            for cell in row.cells
        )
    )
