"""The audit trail, kept by django-auditlog: writing it for bulk saves, and reading it.

Single saves and deletes (pages, admin, commands) are logged by auditlog's model
signals. Bulk writes send no signals, so the services that make them call
`log_bulk` with the before and after of each row.
"""

import copy
from collections.abc import Iterable
from dataclasses import dataclass

import django_filters
from auditlog.cid import get_cid
from auditlog.context import auditlog_value
from auditlog.diff import model_instance_diff
from auditlog.models import LogEntry
from django import forms
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist
from django.db.models import Model, Q, QuerySet

from accounts.scoping import Scope

# The models whose history the activity log shows, by the name users know them by.
KINDS = {
    "employee": ("employees", "employee", "Employees"),
    "department": ("employees", "department", "Departments"),
    "attendance": ("attendance", "attendancerecord", "Attendance records"),
    "holiday": ("attendance", "holiday", "Holidays"),
}


def snapshot(instance: Model) -> Model:
    """A copy of a row as it is now, to log the change a bulk update makes to it."""
    return copy.copy(instance)


def log_bulk(changes: Iterable[tuple[Model | None, Model]], *, actor=None) -> None:
    """Write one audit log entry per (before, after) pair; before is None for a new row."""
    try:
        context = auditlog_value.get()
    except LookupError:
        context = {}
    entries = []
    for old, new in changes:
        diff = model_instance_diff(old, new)
        if not diff:
            continue
        entries.append(
            LogEntry(
                content_type=ContentType.objects.get_for_model(new),
                object_pk=str(new.pk),
                object_id=new.pk if isinstance(new.pk, int) else None,
                object_repr=str(new),
                action=LogEntry.Action.CREATE if old is None else LogEntry.Action.UPDATE,
                changes=diff,
                actor=actor,
                actor_email=getattr(actor, "email", None),
                cid=get_cid(),
                remote_addr=context.get("remote_addr"),
                additional_data=new.get_additional_data(),
            )
        )
    LogEntry.objects.bulk_create(entries, batch_size=500)


def _content_types() -> dict[str, ContentType]:
    return {
        key: ContentType.objects.get_by_natural_key(app_label, model)
        for key, (app_label, model, _) in KINDS.items()
    }


def visible_entries(*, scope: Scope) -> QuerySet[LogEntry]:
    """The log entries of HRMS records that the user's department scope lets them see."""
    types = _content_types()
    entries = LogEntry.objects.filter(content_type__in=types.values())
    if scope.is_limited:
        entries = entries.filter(
            Q(additional_data__department__in=list(scope.department_ids))
            | Q(content_type=types["holiday"])
        )
    return entries.select_related("actor", "content_type").order_by("-timestamp", "-pk")


def employee_history(employee) -> QuerySet[LogEntry]:
    """Changes to an employee and to their attendance records."""
    types = _content_types()
    return (
        LogEntry.objects.filter(
            Q(content_type=types["employee"], object_pk=str(employee.pk))
            | Q(content_type=types["attendance"], additional_data__employee=str(employee.pk))
        )
        .select_related("actor", "content_type")
        .order_by("-timestamp", "-pk")
    )


@dataclass(frozen=True)
class Change:
    field: str
    old: str
    new: str


HIDDEN_FIELDS = {"id", "employee", "marked_by"}


def describe(entries: Iterable[LogEntry]) -> list[tuple[LogEntry, list[Change]]]:
    """Each entry with its changes in words: field labels, choice labels, department names."""
    from employees.models import Department

    entries = list(entries)
    department_ids = {
        value
        for entry in entries
        for name, values in (entry.changes_dict or {}).items()
        if name == "department"
        for value in values
        if value not in (None, "None")
    }
    names = {
        str(pk): name
        for pk, name in Department.objects.filter(
            pk__in=[int(v) for v in department_ids if str(v).isdigit()]
        ).values_list("pk", "name")
    }
    described = []
    for entry in entries:
        model = entry.content_type.model_class()
        changes = []
        for name, values in (entry.changes_dict or {}).items():
            if name in HIDDEN_FIELDS:
                continue
            field = _field(model, name)
            if field is None:
                continue
            old, new = (_display(field, value, names) for value in values)
            changes.append(
                Change(field=str(field.verbose_name) if field else name, old=old, new=new)
            )
        described.append((entry, changes))
    return described


def _field(model, name):
    """The model's own (concrete) field of that name, or None for anything else."""
    if model is None:
        return None
    try:
        field = model._meta.get_field(name)
    except FieldDoesNotExist:
        return None
    return field if field.concrete else None


def _display(field, value, department_names: dict[str, str]) -> str:
    if value in (None, "None", ""):
        return "—"
    if field.choices:
        return str(dict(field.choices).get(value, value))
    if field.name == "department":
        return department_names.get(str(value), f"department #{value} (deleted)")
    if field.get_internal_type() == "BooleanField":
        return "yes" if value == "True" else "no"
    return str(value)


class ActivityFilter(django_filters.FilterSet):
    """The activity log's filters: who, which kind of record, what happened, when."""

    user = django_filters.ModelChoiceFilter(
        field_name="actor",
        queryset=get_user_model().objects.order_by("username"),
        empty_label="Anyone",
        label="Who",
    )
    kind = django_filters.ChoiceFilter(
        choices=[(key, label) for key, (_, _, label) in KINDS.items()],
        method="by_kind",
        empty_label="Every kind",
        label="Record",
    )
    action = django_filters.ChoiceFilter(
        choices=[
            (LogEntry.Action.CREATE, "Added"),
            (LogEntry.Action.UPDATE, "Changed"),
            (LogEntry.Action.DELETE, "Deleted"),
        ],
        empty_label="Any change",
        label="Change",
    )
    start = django_filters.DateFilter(
        field_name="timestamp",
        lookup_expr="date__gte",
        label="From",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    end = django_filters.DateFilter(
        field_name="timestamp",
        lookup_expr="date__lte",
        label="To",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    class Meta:
        model = LogEntry
        fields = ["user", "kind", "action", "start", "end"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.form.auto_id = "filter_%s"
        self.form.label_suffix = ""

    def by_kind(self, queryset, name, value):
        return queryset.filter(content_type=_content_types()[value])
