"""Each day's result is derived again when one of its inputs changes: a punch, a void,
HR's mark (made, changed or taken away), a holiday, who works which pattern, or a
pattern's rules. The derivation runs in the background (tasks.derive_again) once the
change is committed; the quarter-hourly task (tasks.derive_days) derives yesterday and
today in any case. A device import derives its days itself (tasks.import_punches).

Module-level functions on purpose: a signal holds its receivers by weak reference.
"""

import datetime

from django.db import transaction
from django.db.models.signals import post_delete, post_save, pre_save
from django.dispatch import receiver
from django.utils import timezone

from attendance.models import AttendanceRecord, Holiday
from attendance.signals import marks_changed
from employees.models import Employee

from .models import (
    DepartmentPattern,
    PatternAssignment,
    Punch,
    PunchVoid,
    WorkPatternDay,
)

# A change to a pattern's rules or to a department's default pattern derives this many
# days back again: the current and the previous month's days, which payroll still reads.
# Older days keep their results until derived again (manage.py derive_days).
RULE_CHANGE_DAYS = 62


def derive_later(first: datetime.date, last: datetime.date, employee_ids=None) -> None:
    """Derive the days from `first` to `last` again once this change is committed."""
    from .tasks import derive_again

    ids = None if employee_ids is None else sorted({str(pk) for pk in employee_ids})
    if ids == []:
        return
    key = (first, last, None if ids is None else tuple(ids))
    # Once per transaction: the admin saving a pattern's seven days queues one derivation.
    connection = transaction.get_connection()
    for _, queued, _ in connection.run_on_commit:
        if getattr(queued, "derives", None) == key and not queued.done:
            return

    def enqueue():
        enqueue.done = True
        derive_again.enqueue(first.isoformat(), last.isoformat(), ids)

    enqueue.done = False
    enqueue.derives = key
    transaction.on_commit(enqueue)


def _around(instant: datetime.datetime) -> tuple[datetime.date, datetime.date]:
    """The days a punch may belong to: its own, and the day before (a night shift)."""
    day = timezone.localdate(instant)
    return day - datetime.timedelta(days=1), day + datetime.timedelta(days=1)


@receiver(post_save, sender=Punch, dispatch_uid="derive-punch")
def punch_saved(sender, instance, created, raw=False, **kwargs):
    if created and not raw:
        derive_later(*_around(instance.at), [instance.employee_id])


@receiver(post_save, sender=PunchVoid, dispatch_uid="derive-void")
def void_saved(sender, instance, created, raw=False, **kwargs):
    if created and not raw:
        punch = instance.punch
        derive_later(*_around(punch.at), [punch.employee_id])


@receiver([post_save, post_delete], sender=AttendanceRecord, dispatch_uid="derive-marked")
def mark_changed(sender, instance, raw=False, origin=None, **kwargs):
    """HR marked a day (it is theirs now: no longer an exception) or took their mark away
    (the punches decide it again). Not when the records go with their employee: nobody's
    days are left to derive."""
    if instance.source != AttendanceRecord.Source.HAND or raw:
        return
    if origin is not None and getattr(origin, "model", type(origin)) is not AttendanceRecord:
        return
    derive_later(instance.date, instance.date, [instance.employee_id])


@receiver(marks_changed, dispatch_uid="derive-marked-in-bulk")
def marks_changed_in_bulk(sender, records, **kwargs):
    """A roster, a range or a file of HR's marks: their days, for their people."""
    if records:
        days = [record.date for record in records]
        derive_later(min(days), max(days), [record.employee_id for record in records])


@receiver(pre_save, sender=Holiday, dispatch_uid="derive-holiday-moved")
def holiday_moving(sender, instance, raw=False, **kwargs):
    if instance.pk and not raw:
        before = Holiday.objects.filter(pk=instance.pk).values_list("date", flat=True).first()
        if before and before != instance.date:
            derive_later(before, before)


@receiver([post_save, post_delete], sender=Holiday, dispatch_uid="derive-holiday")
def holiday_changed(sender, instance, raw=False, **kwargs):
    if not raw:
        derive_later(instance.date, instance.date)


@receiver([post_save, post_delete], sender=PatternAssignment, dispatch_uid="derive-assignment")
def assignment_changed(sender, instance, raw=False, **kwargs):
    """A change applies from its date: those days on, for that employee."""
    if not raw:
        derive_later(instance.starts_on, timezone.localdate(), [instance.employee_id])


@receiver([post_save, post_delete], sender=DepartmentPattern, dispatch_uid="derive-default")
def default_changed(sender, instance, raw=False, **kwargs):
    if not raw:
        people = Employee.objects.filter(department_id=instance.department_id)
        derive_later(*_recent(), list(people.values_list("pk", flat=True)))


@receiver([post_save, post_delete], sender=WorkPatternDay, dispatch_uid="derive-rule")
def rule_changed(sender, instance, raw=False, **kwargs):
    if not raw:
        derive_later(*_recent())


def _recent() -> tuple[datetime.date, datetime.date]:
    today = timezone.localdate()
    return today - datetime.timedelta(days=RULE_CHANGE_DAYS), today
