"""The version of the employee data: figures kept in a cache that depend on who is
employed where (the dashboard's head counts) are kept under it, and any change to an
employee or a department gives it a new one, in the cache every process shares."""

import uuid

from django.core.cache import cache
from django.db import transaction

EMPLOYEES_VERSION = "employees:version"


def employees_changed() -> None:
    """Called on every save or delete of an employee or department (signals.py), and by the
    bulk writes, which send no signals. A new version at once, and again at the commit:
    another process that read the old rows in between kept them under the first one."""
    _new_version()
    transaction.on_commit(_new_version)


def employees_version() -> str:
    """The current version. A cache that lost it (restarted, emptied) gets a new one:
    figures kept under the one before may be out of date."""
    version = cache.get(EMPLOYEES_VERSION)
    if version is None:
        cache.add(EMPLOYEES_VERSION, uuid.uuid4().hex[:12], None)
        version = cache.get(EMPLOYEES_VERSION)
    return version


def _new_version() -> None:
    cache.set(EMPLOYEES_VERSION, uuid.uuid4().hex[:12], None)
