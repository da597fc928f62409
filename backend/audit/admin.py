from django.contrib import admin

from backend.admin_base import ViewOnlyAdmin

from .models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(ViewOnlyAdmin):
    """Read-only for staff: the log is evidence, so nobody edits or deletes it here."""

    list_display = ("created_at", "action", "actor", "target_type", "target_id", "request_id")
    list_filter = ("action",)
    search_fields = ("actor__email", "target_id", "request_id")
    list_select_related = ("actor",)
    date_hierarchy = "created_at"

    def has_view_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_staff
