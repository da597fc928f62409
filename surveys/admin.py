"""Admin for surveys. No page shows a person next to an answer:

- administrations list their invitees and whether each has responded (the participation side),
  never any response;
- responses and answers (the response side) have no admin page at all. Staff can see who has
  responded to an administration, so one response shown on its own would name its author
  whenever a single person had answered; the only way to read answers is the report, which
  holds figures back below the minimum group size. With no page, Django also never writes a
  LogEntry (who acted on which object, and when) about a response.
"""

from django.contrib import admin

from .models import Administration, Construct, Instrument, Invitee, Item


class ReadOnlyMixin:
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ConstructInline(ReadOnlyMixin, admin.TabularInline):
    model = Construct
    fields = ("position", "key", "title")
    extra = 0


class ItemInline(ReadOnlyMixin, admin.TabularInline):
    model = Item
    fields = ("position", "key", "construct", "format", "scale", "reverse_scored", "prompt")
    extra = 0


@admin.register(Instrument)
class InstrumentAdmin(ReadOnlyMixin, admin.ModelAdmin):
    """Instruments never change once created: the library ships new versions by migration,
    leaders build theirs in the app."""

    list_display = ("title", "kind", "key", "version", "school")
    list_filter = ("kind",)
    list_select_related = ("school",)
    search_fields = ("title", "key")
    inlines = [ConstructInline, ItemInline]


class InviteeInline(ReadOnlyMixin, admin.TabularInline):
    model = Invitee
    fields = ("person", "has_responded")
    readonly_fields = fields
    extra = 0


@admin.register(Administration)
class AdministrationAdmin(ReadOnlyMixin, admin.ModelAdmin):
    """Read-only: launching, editing and cancelling go through the app's services, which move
    reminders along and refuse to reopen a closed survey."""

    list_display = ("title", "kind", "school", "cohort", "opens_at", "closes_at", "cancelled_at")
    list_filter = ("kind",)
    list_select_related = ("school", "cohort")
    search_fields = ("title",)
    fields = (
        "title",
        "kind",
        "instrument",
        "school",
        "cohort",
        "follows",
        "opens_at",
        "closes_at",
        "cancelled_at",
        "created_by",
    )
    readonly_fields = fields
    inlines = [InviteeInline]
