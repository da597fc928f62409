"""Shared pieces of the staff admin."""

from django.contrib import admin
from django.contrib.admin.forms import AdminAuthenticationForm
from django.core.exceptions import ValidationError

from backend.accounts.errors import AccountError


class ViewOnlyAdmin(admin.ModelAdmin):
    """Staff may look but not add, change or delete here: what it shows is evidence, or
    changes only in the app, where its rules are checked."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ThrottledAdminLoginForm(AdminAuthenticationForm):
    """The admin's sign-in, throttled by the same limiter and counts as the phone's sign-in
    (backend/accounts/services/sign_in.py), so staff passwords get no more guesses here."""

    def clean(self):
        from backend.accounts.services.sign_in import throttle_reserve
        from backend.client_address import client_address

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
