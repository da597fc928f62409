"""PDSA cycles and measures appear here as metadata only (stage, dates, counts): what a teacher
planned, predicted and learned, and the data they counted, are theirs alone (design §4), so no
text field or value is shown, and nothing can be added, changed or deleted here. Library
entries likewise: who shared which cycle with whom and when, never the snapshot, questions or
answers (they are for the teachers in the entry's scope)."""

from django.contrib import admin
from django.db.models import Count

from backend.admin_base import ViewOnlyAdmin

from .models import LibraryEntry, Measure, Pdsa


@admin.register(Pdsa)
class PdsaAdmin(ViewOnlyAdmin):
    list_display = ("id", "owner", "cycle_number", "stage", "revision", "created_at")
    list_filter = ("stage",)
    fields = (
        "owner",
        "cycle_number",
        "stage",
        "do_started_on",
        "do_ended_on",
        "revision",
        "created_at",
        "updated_at",
    )


@admin.register(Measure)
class MeasureAdmin(ViewOnlyAdmin):
    list_display = ("id", "owner", "better", "point_count", "created_at")
    list_filter = ("better",)
    fields = ("owner", "better", "baseline_count", "created_at")

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(points_total=Count("points"))

    @admin.display(description="points")
    def point_count(self, obj) -> int:
        return obj.points_total


@admin.register(LibraryEntry)
class LibraryEntryAdmin(ViewOnlyAdmin):
    list_display = ("id", "owner", "pdsa", "scope", "published_at", "unpublished_at")
    list_filter = ("scope",)
    fields = (
        "owner",
        "pdsa",
        "scope",
        "school",
        "district",
        "committed_to_answer_at",
        "published_at",
        "unpublished_at",
    )
