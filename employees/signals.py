"""Receivers that keep cached figures true after single saves and deletes of employees and
departments (pages, the admin, cascades). Module-level functions: a signal holds its
receivers by weak reference."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from .models import Department, Employee
from .versions import employees_changed


@receiver([post_save, post_delete], sender=Employee, dispatch_uid="employees-version-employee")
@receiver([post_save, post_delete], sender=Department, dispatch_uid="employees-version-department")
def forget_head_counts(sender, **kwargs):
    employees_changed()
