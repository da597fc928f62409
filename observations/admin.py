"""Staff views of the reflection cycle.

Staff run the service; they are not the visit's people, so the admin shows logistics (who,
when, status, cycle) and never a visit's content: no SLQ text, notes, entries or reflection
text. Changes go through the same services as the API.
"""

from django.contrib import admin, messages
from django.db.models import Q

from .models import (
    BellPeriod,
    ReflectionSheet,
    Sharing,
    StudentLearningQuestion,
    TimetablePeriod,
    Tool,
    Visit,
    VisitParticipant,
    VisitStatus,
)
from .services.tools import tool_library_sync
from .services.visits import visit_cancel


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class VisitParticipantInline(admin.TabularInline):
    model = VisitParticipant
    fields = ("person", "role", "starts_at", "ends_at", "is_active")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Visit)
class VisitAdmin(ReadOnlyAdmin):
    list_display = ("id", "host", "school", "cycle_number", "starts_at", "status", "revision")
    list_filter = ("status", "school", "cycle_number")
    list_select_related = ("host", "school")
    search_fields = ("host__full_name", "host__email")
    date_hierarchy = "starts_at"
    # Logistics only: the SLQ, tool, notes and data are the visit's people's.
    fields = (
        "host",
        "proposed_by",
        "school",
        "cohort",
        "cycle_number",
        "starts_at",
        "ends_at",
        "status",
        "status_changed_by",
        "revision",
        "accepted_at",
        "completed_at",
        "closed_at",
        "created_at",
    )
    readonly_fields = fields
    inlines = [VisitParticipantInline]
    actions = ["cancel_visits"]

    def has_change_permission(self, request, obj=None):
        # Needed for actions; every field is read only.
        return request.user.is_staff

    @admin.action(description="Cancel the selected visits (tells their people)")
    def cancel_visits(self, request, queryset):
        cancelled = 0
        for visit in queryset.filter(status__in=[VisitStatus.PROPOSED, VisitStatus.ACCEPTED]):
            visit_cancel(
                actor=request.user,
                visit=visit,
                reason="Cancelled by the service's staff.",
                as_staff=True,
            )
            cancelled += 1
        self.message_user(request, f"Cancelled {cancelled} visit(s).", messages.SUCCESS)


@admin.register(StudentLearningQuestion)
class StudentLearningQuestionAdmin(ReadOnlyAdmin):
    list_display = ("id", "host", "created_at", "retired_at")
    list_select_related = ("host",)
    search_fields = ("host__full_name", "host__email")
    fields = ("host", "crafted_with", "replaces", "created_at", "retired_at")
    readonly_fields = fields


@admin.register(ReflectionSheet)
class ReflectionSheetAdmin(ReadOnlyAdmin):
    list_display = ("id", "host", "cycle_number", "facilitator", "shared_with_cohort", "created_at")
    list_filter = ("cycle_number", "shared_with_cohort")
    list_select_related = ("host", "facilitator")
    fields = ("visit", "host", "facilitator", "cycle_number", "shared_with_cohort", "created_at")
    readonly_fields = fields


@admin.register(Tool)
class ToolAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "owner", "sharing", "library_key", "updated_at")
    list_filter = ("kind", "sharing")
    list_select_related = ("owner",)
    search_fields = ("name", "library_key", "owner__email")
    # Library and shared templates only. A private tool, or one crafted for an SLQ, is part of
    # that visit's content (its categories and prompts spell out the question): like the SLQ
    # text, it is not shown. Edits go through the services (the API), which validate
    # definitions: here everything is read only.
    readonly_fields = (
        "kind",
        "name",
        "description",
        "definition",
        "owner",
        "school",
        "sharing",
        "library_key",
        "example_questions",
        "copied_from",
        "slq",
        "created_at",
        "updated_at",
    )
    actions = ["sync_library"]

    def has_add_permission(self, request):
        return False

    def get_queryset(self, request):
        templates = Q(sharing=Sharing.LIBRARY) | (~Q(sharing=Sharing.PRIVATE) & Q(slq__isnull=True))
        return super().get_queryset(request).filter(templates)

    @admin.action(description="Refresh the starter library from the app's code")
    def sync_library(self, request, queryset):
        created = tool_library_sync()
        self.message_user(request, f"Library refreshed ({created} new).", messages.SUCCESS)


@admin.register(BellPeriod)
class BellPeriodAdmin(admin.ModelAdmin):
    list_display = ("school", "name", "start_time", "end_time")
    list_filter = ("school",)
    list_select_related = ("school",)


@admin.register(TimetablePeriod)
class TimetablePeriodAdmin(admin.ModelAdmin):
    list_display = ("person", "weekday", "start_time", "end_time", "kind", "label", "room")
    list_filter = ("kind", "weekday")
    list_select_related = ("person",)
    search_fields = ("person__email", "person__full_name")
    raw_id_fields = ("person", "bell_period")
