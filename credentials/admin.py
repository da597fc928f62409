"""Staff edit the catalogue here without code: a credential, a DRAFT version with its
requirements, criteria, skills and prerequisites, then the action "Publish". A published
version cannot change (the database refuses it too); "New version" copies it into a draft.

Pursuits and packets are shown as metadata only (state, attempt, counts, hashes): what a
teacher wrote and the records they chose are theirs, and never appear here.
"""

from django.contrib import admin, messages
from django.core.exceptions import ValidationError

from backend.admin_base import ViewOnlyAdmin

from .models import (
    Credential,
    CredentialSkill,
    CredentialVersion,
    Packet,
    Prerequisite,
    Programme,
    Pursuit,
    RequirementSlot,
    ReviewCriterion,
    Series,
    Skill,
    VersionStatus,
)
from .services.definitions import version_new_draft, version_publish


class DraftOnlyInline:
    """Children of a version are edited only while it is a draft."""

    extra = 0

    def _draft(self, obj) -> bool:
        return obj is None or obj.status == VersionStatus.DRAFT

    def has_add_permission(self, request, obj=None):
        return self._draft(obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return self._draft(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self._draft(obj) and super().has_delete_permission(request, obj)


class SlotInline(DraftOnlyInline, admin.StackedInline):
    model = RequirementSlot
    fields = (
        "key",
        "parent",
        "part",
        "position",
        "kind",
        "title",
        "guidance",
        "spec",
        "consent_from",
        "later_capability",
        "required_when",
    )


class CriterionInline(DraftOnlyInline, admin.StackedInline):
    model = ReviewCriterion
    fields = ("group", "position", "text", "scale", "levels", "slots")


class SkillInline(DraftOnlyInline, admin.TabularInline):
    model = CredentialSkill


class PrerequisiteInline(DraftOnlyInline, admin.TabularInline):
    model = Prerequisite


@admin.register(CredentialVersion)
class CredentialVersionAdmin(admin.ModelAdmin):
    list_display = ("title", "credential", "number", "status", "published_at")
    list_filter = ("status", "credential__programme")
    inlines = (SlotInline, CriterionInline, SkillInline, PrerequisiteInline)
    actions = ("publish", "new_version")
    readonly_fields = ("status", "published_at", "content_sha256", "created_by")

    def has_change_permission(self, request, obj=None):
        if obj is not None and obj.status != VersionStatus.DRAFT:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.status != VersionStatus.DRAFT:
            return False
        return super().has_delete_permission(request, obj)

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)

    @admin.action(description="Publish (retires the version published before)")
    def publish(self, request, queryset):
        for version in queryset:
            try:
                version_publish(version=version)
            except ValidationError as error:
                self.message_user(request, f"{version}: {error.message}", messages.ERROR)
            else:
                self.message_user(request, f"Published {version.title} v{version.number}.")

    @admin.action(description="New version (a draft copy to edit)")
    def new_version(self, request, queryset):
        for version in queryset:
            draft = version_new_draft(version=version, by=request.user)
            self.message_user(request, f"Draft v{draft.number} of {draft.title} made.")


@admin.register(Credential)
class CredentialAdmin(admin.ModelAdmin):
    list_display = ("key", "programme", "position", "tier", "category", "series")
    list_filter = ("programme", "tier", "category")


admin.site.register(Programme)
admin.site.register(Series)
admin.site.register(Skill)


@admin.register(Pursuit)
class PursuitAdmin(ViewOnlyAdmin):
    list_display = ("id", "credential", "state", "revision", "started_at")
    list_filter = ("state", "credential__programme")
    fields = ("credential", "version", "state", "revision", "started_at", "updated_at")


@admin.register(Packet)
class PacketAdmin(ViewOnlyAdmin):
    """Metadata only: the frozen content and files are the teacher's (and, later, assessors')."""

    list_display = ("id", "pursuit", "attempt", "state", "submitted_at")
    list_filter = ("state",)
    fields = ("pursuit", "attempt", "version", "state", "submitted_at", "manifest_sha256")
