"""Staff views of cohorts, meetings and protocols. Changes that have rules (a cohort's
settings, archiving, cancelling) go through the same services as the API; history and
protocols (written in the app, where their rules are checked) are read only.

Staff see what the API would show them: a meeting's logistics and agenda, never its notes."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from backend.admin_base import ViewOnlyAdmin

from .models import (
    AgendaItem,
    Attendance,
    BlueYellowLink,
    Cohort,
    CohortInvitation,
    Meeting,
    MeetingInvitee,
    Membership,
    Protocol,
    ProtocolStep,
)
from .services.cohorts import cohort_archive, cohort_update
from .services.meetings import meeting_cancel


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class MembershipInline(ReadOnlyInline):
    model = Membership
    fields = ("person", "role", "started_at", "ended_at")
    readonly_fields = fields
    ordering = ("ended_at", "role", "started_at")


class LinkInline(ReadOnlyInline):
    model = BlueYellowLink
    fk_name = "cohort"
    fields = ("blue", "yellow", "started_at", "ended_at")
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("blue__person", "yellow__person")


def _run(modeladmin, request, queryset, service, argument: str, done: str):
    count = 0
    for obj in queryset:
        try:
            service(actor=request.user, **{argument: obj})
            count += 1
        except (ValidationError, PermissionDenied) as exc:
            modeladmin.message_user(request, f"{obj}: {exc}", level=messages.ERROR)
    if count:
        modeladmin.message_user(request, f"{count} {done}.")


COHORT_SETTINGS = {
    # form field -> the cohortUpdate input field the service names in its errors
    "name": "name",
    "school_year": "schoolYear",
    "target_blue_count": "targetBlueCount",
    "target_yellow_count": "targetYellowCount",
    "enforce_targets": "enforceTargets",
}


class _DryRun(Exception):
    pass


class CohortAdminForm(forms.ModelForm):
    """A cohort's settings, checked by `cohort_update` as the app's are: the form tries the
    change in a savepoint it always rolls back, and shows the service's refusals on the
    fields they name. `CohortAdmin.save_model` then makes the change through the service."""

    actor = None  # set per request by CohortAdmin.get_form

    class Meta:
        model = Cohort
        fields = list(COHORT_SETTINGS)

    def settings_changed(self) -> dict:
        return {
            name: self.cleaned_data[name] for name in self.changed_data if name in COHORT_SETTINGS
        }

    def clean(self):
        cleaned = super().clean()
        if self.errors or not self.instance.pk:
            return cleaned
        try:
            with transaction.atomic():
                cohort_update(actor=self.actor, cohort=self.instance, **self.settings_changed())
                raise _DryRun
        except _DryRun:
            pass
        except PermissionDenied as exc:
            raise ValidationError(str(exc)) from exc
        except ValidationError as exc:
            fields = {api: form for form, api in COHORT_SETTINGS.items()}
            if not hasattr(exc, "error_dict"):
                raise
            for api_field, errors in exc.error_dict.items():
                self.add_error(fields.get(api_field), errors)
        return cleaned


@admin.register(Cohort)
class CohortAdmin(admin.ModelAdmin):
    list_display = ("name", "school", "school_year", "enforce_targets", "archived_at")
    list_filter = ("school__district", "school_year", "archived_at")
    search_fields = ("name", "school__name")
    list_select_related = ("school",)
    fields = (
        "school",
        "name",
        "school_year",
        "target_blue_count",
        "target_yellow_count",
        "enforce_targets",
        "created_by",
        "created_at",
        "archived_at",
    )
    readonly_fields = ("school", "created_by", "created_at", "archived_at")
    inlines = (MembershipInline, LinkInline)
    actions = ("archive",)

    form = CohortAdminForm

    def has_add_permission(self, request):
        # Cohorts start in the app (cohortCreate), which sets up the leader's membership.
        return False

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        return type(form.__name__, (form,), {"actor": request.user})

    def save_model(self, request, obj, form, change):
        changes = form.settings_changed()
        if changes:
            cohort_update(actor=request.user, cohort=Cohort.objects.get(pk=obj.pk), **changes)

    @admin.action(description="Archive the selected cohorts")
    def archive(self, request, queryset):
        _run(self, request, queryset, cohort_archive, "cohort", "cohorts archived")


class AgendaItemInline(ReadOnlyInline):
    model = AgendaItem
    # No `notes`: what was said stays with the group, as in the API.
    fields = ("position", "title", "minutes", "facilitator", "protocol", "materials")
    readonly_fields = fields


class InviteeInline(ReadOnlyInline):
    model = MeetingInvitee
    fields = ("person", "invited_at")
    readonly_fields = fields


class AttendanceInline(ReadOnlyInline):
    model = Attendance
    fields = ("person", "status", "recorded_by", "recorded_at")
    readonly_fields = fields


@admin.register(Meeting)
class MeetingAdmin(admin.ModelAdmin):
    list_display = ("title", "cohort", "kind", "starts_at", "duration_minutes", "cancelled_at")
    list_filter = ("kind", "cohort__school__district", "cancelled_at")
    search_fields = ("title", "cohort__name")
    list_select_related = ("cohort",)
    date_hierarchy = "starts_at"
    # Logistics only. The notes are the group's (the API shows them to its members alone), so
    # they are left out here; `fields` is explicit because a view-only page otherwise shows
    # every field of the model.
    fields = (
        "cohort",
        "kind",
        "title",
        "starts_at",
        "ends_at",
        "duration_minutes",
        "location",
        "video_url",
        "strict_timing",
        "created_by",
        "created_at",
        "updated_at",
        "cancelled_at",
    )
    readonly_fields = fields
    inlines = (AgendaItemInline, InviteeInline, AttendanceInline)
    actions = ("cancel",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.action(description="Cancel the selected meetings")
    def cancel(self, request, queryset):
        _run(self, request, queryset, meeting_cancel, "meeting", "meetings cancelled")


class ProtocolStepInline(ReadOnlyInline):
    model = ProtocolStep
    fields = ("position", "title", "minutes", "guidance")
    readonly_fields = fields


@admin.register(Protocol)
class ProtocolAdmin(ViewOnlyAdmin):
    """Read only: the programme's library may not change at all, and a school's protocols
    change in the app (protocolUpdate), where their steps and permissions are checked."""

    list_display = ("name", "school", "key")
    list_filter = ("school__district",)
    search_fields = ("name", "key")
    list_select_related = ("school",)
    inlines = (ProtocolStepInline,)


@admin.register(CohortInvitation)
class CohortInvitationAdmin(admin.ModelAdmin):
    list_display = ("invitation", "cohort", "role", "invited_by", "created_at", "membership")
    list_select_related = ("invitation", "cohort", "invited_by", "membership")
    readonly_fields = ("cohort", "invitation", "role", "invited_by", "created_at", "membership")

    def has_add_permission(self, request):
        return False
