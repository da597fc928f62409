"""Staff views of the outbox and devices: read-mostly, for support ("why no push?")."""

from django.contrib import admin
from django.utils import timezone

from .models import Device, Notification, NotificationPreference, Status


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ("kind", "recipient", "due_at", "status", "attempts", "delivered_at", "read_at")
    list_filter = ("status", "kind")
    search_fields = ("key", "recipient__email", "title")
    date_hierarchy = "due_at"
    raw_id_fields = ("recipient",)
    readonly_fields = (
        "key",
        "status",
        "attempts",
        "last_error",
        "claimed_by",
        "claimed_until",
        "delivered_at",
        "sent_at",
        "read_at",
        "created_at",
        "updated_at",
    )
    actions = ["send_again"]

    @admin.action(description="Send again now (failed or skipped ones)")
    def send_again(self, request, queryset):
        # Back to the outbox: the worker pushes it on its next round, to the active devices.
        count = queryset.filter(status__in=[Status.FAILED, Status.SKIPPED]).update(
            status=Status.PENDING, due_at=timezone.now(), attempts=0, last_error=""
        )
        self.message_user(request, f"{count} notification(s) queued again.")


@admin.register(Device)
class DeviceAdmin(admin.ModelAdmin):
    list_display = ("user", "platform", "app_version", "active", "last_seen_at")
    list_filter = ("platform", "active", "token_kind")
    search_fields = ("user__email",)
    raw_id_fields = ("user", "access_token")
    readonly_fields = ("token", "created_at", "last_seen_at", "deactivated_at")


@admin.register(NotificationPreference)
class NotificationPreferenceAdmin(admin.ModelAdmin):
    list_display = ("user", "quiet_hours_enabled", "quiet_hours_start", "quiet_hours_end")
    search_fields = ("user__email",)
    raw_id_fields = ("user",)
