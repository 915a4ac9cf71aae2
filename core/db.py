"""Saving model instances so that every database rule reaches the user as a message, and
saving many at once cheaply."""

import hashlib
import itertools
from collections import defaultdict
from collections.abc import Iterable, Iterator
from contextlib import contextmanager

from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.db import IntegrityError, connection, models, transaction
from django.db.models import Q
from django.db.models.functions import Trim
from django.http import Http404


def save_validated(instance: models.Model) -> None:
    """Check the instance against all its model rules, then save it.

    The database has the last word: when a constraint fails at save time (two
    requests creating the same code at the same moment), the rules are checked
    again so the user gets the same message as for any other duplicate.
    """
    instance.full_clean()
    try:
        with transaction.atomic():
            instance.save()
    except IntegrityError:
        instance.full_clean()
        raise ValidationError(
            "This change clashes with another one saved at the same moment. "
            "Reload the page and try again.",
            code="conflict",
        ) from None


def filled_in(field: str, *, name: str, message: str) -> models.CheckConstraint:
    """A constraint that a text field is not blank and has no spaces around it."""
    return models.CheckConstraint(
        condition=~Q(**{field: ""}) & Q(**{field: Trim(field)}),
        name=name,
        violation_error_message=message,
    )


def delete_once(instance: models.Model) -> None:
    """Delete a row that others may be deleting at the same moment: exactly one of them
    deletes it (and its deletion is logged once); the others get the model's DoesNotExist.

    The row is locked first (on SQLite the write transaction already serialises them), so
    a second request waits, then finds it gone. Call it inside a transaction.
    """
    type(instance)._base_manager.select_for_update().get(pk=instance.pk).delete()


@contextmanager
def deleted_meanwhile_is_404(what: str):
    """In a view: a row that someone else deleted a moment ago (`delete_once`) answers
    404, saying so."""
    try:
        yield
    except ObjectDoesNotExist:
        raise Http404(f"Someone else deleted this {what} a moment ago.") from None


def insert_many(objs: list[models.Model], *, batch_size: int = 500, binary: bool = False) -> None:
    """Insert new rows of one model: on PostgreSQL by COPY (no SQL for Python to build,
    nothing to quote: 100,000 rows in seconds rather than a minute), elsewhere by
    bulk_create. Keys the database makes (an AutoField) are not read back: for models
    whose key is set in Python (a UUID), or whose rows are not used again (log entries).
    A clash with a constraint raises IntegrityError, as bulk_create does.

    `binary` sends the rows in PostgreSQL's binary format: bytes go as they are instead of
    as hex text for the server to parse (an upload of 10 MB is stored in a quarter of the
    time). Only for columns whose types psycopg knows by name (integers, text, uuid,
    bytea, ...)."""
    if not objs:
        return
    model = type(objs[0])
    if connection.vendor != "postgresql":
        model._base_manager.bulk_create(objs, batch_size=batch_size)
        return
    fields = [
        field
        for field in model._meta.concrete_fields
        if not field.generated and not (field.primary_key and field.db_returning)
    ]
    quote = connection.ops.quote_name
    sql = (
        f"COPY {quote(model._meta.db_table)} ({', '.join(quote(f.column) for f in fields)}) "
        f"FROM STDIN{' (FORMAT BINARY)' if binary else ''}"
    )
    with (
        connection.cursor() as cursor,
        connection.wrap_database_errors,
        cursor.cursor.copy(sql) as copy,
    ):
        if binary:  # "varchar(10)" is psycopg's "varchar"
            copy.set_types([field.db_type(connection).split("(")[0] for field in fields])
        for obj in objs:
            obj._prepare_related_fields_for_save(operation_name="insert_many")
            copy.write_row(
                [field.get_db_prep_save(field.pre_save(obj, True), connection) for field in fields]
            )
    for obj in objs:
        obj._state.adding, obj._state.db = False, connection.alias


# More distinct sets of values than this, and one bulk_update is cheaper than the UPDATEs.
MAX_UPDATE_GROUPS = 20
# Ids per UPDATE ... WHERE id IN (...), well inside every database's parameter limit.
IDS_PER_UPDATE = 1000


def update_many(records: list[models.Model], fields: list[str]) -> None:
    """Save `fields` of already-loaded `records`: one UPDATE per distinct set of values.

    A day's roster changes hundreds of rows to at most five statuses; Django's
    bulk_update would send one CASE per row and field, which costs far more to build
    and to run than a handful of `UPDATE ... WHERE id IN (...)`. Rows with many
    distinct values (an import with a note on every row) use bulk_update.
    """
    if not records:
        return
    model = type(records[0])
    attnames = [model._meta.get_field(name).attname for name in fields]
    groups: dict[tuple, list] = defaultdict(list)
    for record in records:
        groups[tuple(getattr(record, attname) for attname in attnames)].append(record.pk)
    if len(groups) > MAX_UPDATE_GROUPS:
        model._base_manager.bulk_update(records, fields, batch_size=IDS_PER_UPDATE)
        return
    for values, ids in groups.items():
        for start in range(0, len(ids), IDS_PER_UPDATE):
            model._base_manager.filter(pk__in=ids[start : start + IDS_PER_UPDATE]).update(
                **dict(zip(attnames, values, strict=True))
            )


def batched(values: Iterable, size: int) -> Iterator[list]:
    """`values` in lists of at most `size` (itertools.batched, from Python 3.12): for
    lookups of many values, since a query's parameters are limited (SQLite: 32,766)."""
    values = iter(values)
    while batch := list(itertools.islice(values, size)):
        yield batch


def one_writer_at_a_time(name: str) -> None:
    """Inside a transaction: wait until no other transaction holds `name`, and hold it to
    the end of this one. For rules that span rows no constraint can express (no loop in
    the reporting lines): two writers that each check, then write, could otherwise each
    pass a check the other's write breaks. On PostgreSQL an advisory lock; SQLite lets
    one transaction write at a time anyway."""
    if not connection.in_atomic_block:
        raise RuntimeError("one_writer_at_a_time() needs a transaction.")
    if connection.vendor == "postgresql":
        key = int.from_bytes(hashlib.sha256(name.encode()).digest()[:8], "big", signed=True)
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [key])
