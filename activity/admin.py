from auditlog.admin import LogEntryAdmin
from auditlog.models import LogEntry
from django.contrib import admin

from accounts.scoping import scope_for

from .selectors import visible_entries

admin.site.unregister(LogEntry)


@admin.register(LogEntry)
class ScopedLogEntryAdmin(LogEntryAdmin):
    """The audit log in the admin: a department-limited user sees the entries the activity
    page shows them, and no others."""

    def get_queryset(self, request):
        entries = super().get_queryset(request)
        scope = scope_for(request.user)
        if scope.is_limited:
            entries = entries.filter(pk__in=visible_entries(scope=scope).values("pk"))
        return entries
