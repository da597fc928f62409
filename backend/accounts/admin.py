import re

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.core.exceptions import ValidationError

from backend.client_address import client_address

from .errors import AccountError
from .models import AccessToken, District, Invitation, School, User
from .services.email_domains import district_email_domains_set
from .services.invitations import invitation_create, invitation_decide, invitation_revoke
from .services.sign_in import throttle_reserve


class DistrictAdminForm(forms.ModelForm):
    """A district, with its own e-mail domains set through `district_email_domains_set` (the
    service coordinators use from the app), so its checks and audit entry are the same."""

    email_domains = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=(
            "One domain per line, e.g. district.org. Empty: anyone may be invited. Otherwise "
            "invitations to other addresses wait for a coordinator's approval, and people at "
            "other addresses join cohorts only once approved."
        ),
    )

    class Meta:
        model = District
        fields = ("name", "slug")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial["email_domains"] = "\n".join(
                sorted(self.instance.email_domains.values_list("domain", flat=True))
            )

    def domains(self) -> list[str]:
        raw = self.cleaned_data.get("email_domains") or ""
        return [line for line in re.split(r"[\s,]+", raw) if line]


@admin.register(District)
class DistrictAdmin(admin.ModelAdmin):
    form = DistrictAdminForm
    list_display = ("name", "slug")
    search_fields = ("name",)
    prepopulated_fields = {"slug": ("name",)}
    fields = ("name", "slug", "email_domains")

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        try:
            district_email_domains_set(actor=request.user, district=obj, domains=form.domains())
        except ValidationError as exc:
            # Shown on the next page; the district itself is saved.
            messages.error(request, " ".join(exc.messages))


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


class InvitationAddForm(forms.ModelForm):
    """Staff invite the way the app does: the service makes the one-time code and e-mails it."""

    class Meta:
        model = Invitation
        fields = ("email", "full_name", "school", "coordinated_district", "as_teacher_leader")

    def clean(self):
        data = super().clean()
        if not data.get("school") and not data.get("coordinated_district"):
            raise forms.ValidationError(
                "Choose a school (to invite a teacher) or a district (to invite a coordinator)."
            )
        email = data.get("email")
        if email and User.objects.filter(email__iexact=email).exists():
            self.add_error("email", "This person already has an account.")
        return data


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    """Adding goes through `invitation_create` (code, e-mail, audit); a sent invitation is read
    only and can be withdrawn."""

    list_display = (
        "email",
        "school",
        "invited_by",
        "approval",
        "created_at",
        "expires_at",
        "accepted_at",
    )
    list_select_related = ("school", "invited_by")
    list_filter = ("approval",)
    search_fields = ("email",)
    actions = ["withdraw", "approve", "refuse"]
    sent_fields = (
        "email",
        "full_name",
        "school",
        "coordinated_district",
        "as_teacher_leader",
        "invited_by",
        "created_at",
        "expires_at",
        "accepted_at",
        "accepted_user",
        "revoked_at",
        "approval",
        "approval_decided_by",
        "approval_decided_at",
    )

    def get_form(self, request, obj=None, **kwargs):
        if obj is None:
            kwargs["form"] = InvitationAddForm
        return super().get_form(request, obj, **kwargs)

    def get_fields(self, request, obj=None):
        return InvitationAddForm.Meta.fields if obj is None else self.sent_fields

    def get_readonly_fields(self, request, obj=None):
        return () if obj is None else self.sent_fields

    def save_model(self, request, obj, form, change):
        if change:
            return
        data = form.cleaned_data
        invitation, _code = invitation_create(
            inviter=request.user,
            email=data["email"],
            full_name=data.get("full_name") or "",
            school=data.get("school"),
            coordinated_district=data.get("coordinated_district"),
            as_teacher_leader=data.get("as_teacher_leader", False),
        )
        obj.pk = invitation.pk

    @admin.action(description="Withdraw the selected invitations")
    def withdraw(self, request, queryset):
        for invitation in queryset:
            invitation_revoke(actor=request.user, invitation=invitation)

    def _decide(self, request, queryset, *, approve: bool):
        for invitation in queryset:
            try:
                invitation_decide(actor=request.user, invitation=invitation, approve=approve)
            except ValidationError as exc:
                messages.error(request, f"{invitation}: {' '.join(exc.messages)}")

    @admin.action(description="Approve (outside the district's domains): send the code")
    def approve(self, request, queryset):
        self._decide(request, queryset, approve=True)

    @admin.action(description="Refuse (outside the district's domains)")
    def refuse(self, request, queryset):
        self._decide(request, queryset, approve=False)


class ThrottledAdminLoginForm(AdminAuthenticationForm):
    """The admin's sign-in, throttled by the same limiter and counts as the phone's sign-in
    (backend/accounts/services/sign_in.py), so staff passwords get no more guesses here."""

    def clean(self):
        username = (self.cleaned_data.get("username") or "").strip().lower()
        if not username or not self.cleaned_data.get("password"):
            return super().clean()
        try:
            attempt = throttle_reserve(account_key=username, address=client_address(self.request))
        except ValidationError as exc:
            raise ValidationError(exc.messages[0], code=AccountError.TOO_MANY_ATTEMPTS) from exc
        cleaned = super().clean()  # raises on a wrong password: the slot stays taken
        attempt.succeeded()
        return cleaned
