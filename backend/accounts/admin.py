from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin

from .models import AccessToken, District, Invitation, School, User


@admin.register(District)
class DistrictAdmin(admin.ModelAdmin):
    list_display = ("name", "slug")
    search_fields = ("name",)
    prepopulated_fields = {"slug": ("name",)}


@admin.register(School)
class SchoolAdmin(admin.ModelAdmin):
    list_display = ("name", "district", "time_zone")
    list_filter = ("district",)
    search_fields = ("name",)


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    ordering = ("full_name",)
    list_display = ("email", "full_name", "school", "coordinated_district", "is_teacher_leader")
    list_filter = ("is_teacher_leader", "is_staff", "is_active", "school__district")
    search_fields = ("email", "full_name")
    list_select_related = ("school", "coordinated_district")
    fieldsets = (
        (None, {"fields": ("email", "password", "full_name")}),
        ("Belongs to", {"fields": ("school", "coordinated_district", "is_teacher_leader")}),
        ("Staff", {"fields": ("is_active", "is_staff", "is_superuser", "groups")}),
        ("Dates", {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (None, {"classes": ("wide",), "fields": ("email", "full_name", "password1", "password2")}),
    )


@admin.register(AccessToken)
class AccessTokenAdmin(admin.ModelAdmin):
    list_display = ("user", "device_name", "created_at", "last_used_at", "revoked_at")
    list_select_related = ("user",)
    search_fields = ("user__email", "device_name")
    readonly_fields = ("user", "token_hash", "device_name", "created_at", "last_used_at")
    actions = ["revoke"]

    def has_add_permission(self, request):
        return False

    @admin.action(description="Revoke the selected sessions")
    def revoke(self, request, queryset):
        from .services.tokens import access_token_revoke

        for token in queryset.select_related("user"):
            access_token_revoke(actor=token.user, token=token)


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ("email", "school", "invited_by", "created_at", "expires_at", "accepted_at")
    list_select_related = ("school", "invited_by")
    search_fields = ("email",)
    readonly_fields = ("code_hash", "accepted_user", "accepted_at")
