"""Django's loaddata, writing no history: a restored backup brings its own audit trail.

Saves are loaded "raw" (AUDITLOG_DISABLE_ON_RAW_SAVE), but many-to-many links (a user's
roles, a department limit) are set afterwards and would each be logged again.
"""

from auditlog.context import disable_auditlog
from django.core.management.commands.loaddata import Command as LoadDataCommand


class Command(LoadDataCommand):
    def handle(self, *fixture_labels, **options):
        with disable_auditlog():
            return super().handle(*fixture_labels, **options)
