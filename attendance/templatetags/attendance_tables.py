"""The big tables' repeated parts, rendered in Python: a roster row, a register row's
day cells.

A department's roster has hundreds of rows of about twenty values each, and a register
page 50 rows of 31 day cells; rendered by the template language they took two thirds of
their pages' time, and Django's escaping helpers most of the rest (docs/performance.md).
These build the same markup with the standard library's `html.escape` (what Django's
escaping uses underneath); the templates show where each goes:
`{% roster_row employee statuses saved_row department %}`, `{% register_cells row %}`.
"""

from html import escape

from django import template
from django.urls import reverse
from django.utils.safestring import mark_safe

register = template.Library()

ROW = (
    '<tr id="row-{code}"{invalid}><th scope="row"><a href="{url}" id="name-{code}">{name}</a>'
    "{unmarked} <small>{code}{department}</small></th>"
    '<td><fieldset aria-labelledby="status-of name-{code}" aria-describedby="roster-keys'
    '{described_by}"><input type="hidden" name="seen_{code}" value="{seen}">{radios}'
    "</fieldset>{errors}</td><td>{saved}</td></tr>\n"
)
RADIO = '<label><input type="radio" name="status_{code}" value="{value}"{checked}>{label}</label>'
UNMARKED = ' <span class="badge">Not marked</span>'
SAVED = '<span class="saved-mark" role="status">Saved</span>'


# Reversed once per page, not once per row: the profile link of any employee is this
# URL with their code in place of the slot (codes are letters, digits, "-" and "_").
CODE_SLOT = "CODE-SLOT"


def _per_page(context, statuses) -> dict:
    """What every row of a page shares, worked out on the first row."""
    shared = context.render_context.get("roster_row")
    if shared is None:
        shared = context.render_context["roster_row"] = {
            "profile_url": escape(reverse("profiles:detail", args=[CODE_SLOT])),
            "statuses": [(escape(value), escape(str(label))) for value, label in statuses],
        }
    return shared


@register.simple_tag(takes_context=True)
def roster_row(context, employee, statuses, saved=False, department=None):
    """One employee's row: name (the row's header, which names its status picker), the
    status picker (with what was seen, to detect a concurrent change), a "Not marked"
    badge and refusals. The department is shown only on a roster of every department.

    A page holds up to ROSTER_PER_PAGE rows: what each repeats is kept short, and what
    they share is said once on the page (`status-of`, `roster-keys`) or styled through
    the roster's table (app.css). A row's own Save button is added by app.js once the row
    has changed: without JavaScript the whole page is saved at once.
    """
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
            invalid=' class="row-invalid"' if employee.errors else "",
            url=shared["profile_url"].replace(CODE_SLOT, code),
            name=escape(employee.full_name),
            department="" if department else f" · {escape(employee.department_name)}",
            unmarked="" if employee.seen else UNMARKED,
            described_by=f" error-{code}" if employee.errors else "",
            seen=escape(employee.seen),
            radios=radios,
            errors=errors,
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
