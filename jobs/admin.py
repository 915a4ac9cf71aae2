from django.contrib import admin

from .models import Job


@admin.register(Job)
class JobAdmin(admin.ModelAdmin):
    list_display = ["title", "kind", "state", "done", "total", "created_by", "created_at"]
    list_filter = ["state", "kind"]
    search_fields = ["title", "created_by__username"]
    list_select_related = ["created_by"]
    readonly_fields = [field.name for field in Job._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
