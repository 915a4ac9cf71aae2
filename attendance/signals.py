"""Receivers that keep the cached dashboard figures true after single saves and deletes.

They are module-level functions on purpose: a signal holds its receivers by weak
reference, so a function defined inside `ready()` would be garbage-collected and
silently stop being called.
"""

from django.db.models.signals import post_delete, post_save
from django.dispatch import Signal, receiver

from .models import AttendanceRecord, Holiday
from .selectors import figures_changed

# Sent by the services that write HR's marks in bulk (no post_save for each): `records`,
# the records written. Apps above attendance listen (the time clock derives those days
# again), as they listen to post_save and post_delete for single changes.
marks_changed = Signal()


@receiver([post_save, post_delete], sender=AttendanceRecord, dispatch_uid="figures-record")
def forget_the_records_day(sender, instance, **kwargs):
    """A record's own day (a record never moves to another day): pages, the API, the admin,
    deletes that cascade from an employee."""
    figures_changed([instance.date])


@receiver([post_save, post_delete], sender=Holiday, dispatch_uid="figures-holiday")
def forget_every_day(sender, **kwargs):
    """A holiday changes which days are working days: every day's figures."""
    figures_changed()
