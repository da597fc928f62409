from django.contrib import admin

from .models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """Read-only for staff: the log is evidence, so nobody edits or deletes it here."""

    list_display = ("created_at", "action", "actor", "target_type", "target_id", "request_id")
    list_filter = ("action",)
    search_fields = ("actor__email", "target_id", "request_id")
    list_select_related = ("actor",)
    date_hierarchy = "created_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_view_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_staff
