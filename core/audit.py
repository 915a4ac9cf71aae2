"""The audit trail, kept by django-auditlog: writing it for bulk saves, and putting it in words.

Single saves and deletes (pages, admin, commands) are logged by auditlog's model
signals. Bulk writes send no signals, so the services that make them call
`log_bulk` with the before and after of each row.
"""

import copy
import functools
from collections.abc import Iterable
from dataclasses import dataclass

from auditlog.cid import get_cid
from auditlog.context import auditlog_value
from auditlog.diff import get_field_value, get_fields_in_model, model_instance_diff
from auditlog.models import LogEntry
from auditlog.registry import auditlog
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist
from django.db.models import Field, Model
from django.utils.encoding import smart_str

from .db import insert_many


def audit(*models: type[Model]) -> None:
    """Keep the audit trail of these models' rows: what people change, not the timestamps
    (created_at, updated_at) that every save touches, nor the row of another model that
    points at one through a one-to-one field (not part of this row, and a query to read)."""
    for model in models:
        pointed_at_by = [
            field.name
            for field in model._meta.get_fields()
            if field.one_to_one and field.auto_created and not field.concrete
        ]
        auditlog.register(model, exclude_fields=["created_at", "updated_at", *pointed_at_by])


def snapshot(instance: Model) -> Model:
    """A copy of a row as it is now, to log the change a bulk update makes to it."""
    return copy.copy(instance)


def _remote_addr() -> str | None:
    """The client's address, as the audit middleware noted it for this request."""
    try:
        return auditlog_value.get().get("remote_addr")
    except LookupError:
        return None


def log_event(*, model: type[Model], what: str, actor, remote_addr: str | None = None) -> None:
    """Record something done to `model` records as a whole (a download, an import, a
    lockout), in words, with who did it."""
    LogEntry.objects.create(
        content_type=ContentType.objects.get_for_model(model),
        object_pk="",
        object_repr=what[:200],
        action=LogEntry.Action.ACCESS,
        changes={},
        actor=actor,
        actor_email=getattr(actor, "email", None),
        cid=get_cid(),
        remote_addr=remote_addr or _remote_addr(),
    )


def log_bulk(changes: Iterable[tuple[Model | None, Model]], *, actor=None) -> None:
    """Write one audit log entry per (before, after) pair; before is None for a new row."""
    entries = []
    # The same for every entry: who, from where, in which request.
    who = {
        "actor": actor,
        "actor_email": getattr(actor, "email", None),
        "cid": get_cid(),
        "remote_addr": _remote_addr(),
    }
    for old, new in changes:
        diff = model_instance_diff(old, new) if old is not None else _created_diff(new)
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
                additional_data=new.get_additional_data(),
                **who,
            )
        )
    insert_many(entries)


def _created_diff(new: Model) -> dict | None:
    """What auditlog's model_instance_diff(None, new) answers, with the choice of fields
    made once per model rather than once per row: a tenth of an import's time."""
    fields = _fields_of_created(type(new))
    if fields is None:
        return model_instance_diff(None, new)
    diff = {}
    for field, before in fields:
        after = get_field_value(new, field)
        if before != after:
            diff[field.name] = (smart_str(before), smart_str(after))
    return diff or None


@functools.cache
def _fields_of_created(model: type[Model]) -> list[tuple[Field, str]] | None:
    """The fields model_instance_diff compares for a new row of `model`, each with its
    "before" value; None for a model with masked fields (left to auditlog)."""
    options = auditlog.get_model_fields(model)
    if options["mask_fields"]:
        return None
    fields = get_fields_in_model(model())
    if options["include_fields"]:
        fields = [field for field in fields if field.name in options["include_fields"]]
    if options["exclude_fields"]:
        fields = [field for field in fields if field.name not in options["exclude_fields"]]
    return [(field, get_field_value(None, field)) for field in fields]


@dataclass(frozen=True)
class Change:
    field: str
    old: str
    new: str


HIDDEN_FIELDS = {"id", "employee", "marked_by"}


def describe(entries: Iterable[LogEntry]) -> list[tuple[LogEntry, list[Change]]]:
    """Each entry with its changes in words: field labels, choice labels, and the names of
    the records a foreign key points to (one query per kind of record)."""
    entries = list(entries)
    shown = []  # (entry, [(field, values)])
    wanted: dict[type[Model], set[int]] = {}
    for entry in entries:
        model = entry.content_type.model_class()
        fields = []
        for name, values in (entry.changes_dict or {}).items():
            field = None if name in HIDDEN_FIELDS else _field(model, name)
            if field is None:
                continue
            fields.append((field, values))
            if field.many_to_one:
                wanted.setdefault(field.related_model, set()).update(
                    int(v) for v in values if str(v).isdigit()
                )
        shown.append((entry, fields))
    names = {
        related: {str(pk): str(obj) for pk, obj in related._base_manager.in_bulk(ids).items()}
        for related, ids in wanted.items()
    }
    return [
        (
            entry,
            [
                Change(
                    field=str(field.verbose_name),
                    old=_display(field, old, names),
                    new=_display(field, new, names),
                )
                for field, (old, new) in fields
            ],
        )
        for entry, fields in shown
    ]


def _field(model, name):
    """The model's own (concrete) field of that name, or None for anything else."""
    if model is None:
        return None
    try:
        field = model._meta.get_field(name)
    except FieldDoesNotExist:
        return None
    return field if field.concrete else None


def _display(field, value, names: dict[type[Model], dict[str, str]]) -> str:
    if value in (None, "None", ""):
        return "—"
    if field.choices:
        return str(dict(field.choices).get(value, value))
    if field.many_to_one:
        name = names.get(field.related_model, {}).get(str(value))
        return name or f"{field.verbose_name} #{value} (deleted)"
    if field.get_internal_type() == "BooleanField":
        return "yes" if value == "True" else "no"
    return str(value)
