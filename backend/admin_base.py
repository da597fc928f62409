"""Shared pieces of the staff admin."""

from django.contrib import admin


class ViewOnlyAdmin(admin.ModelAdmin):
    """Staff may look but not add, change or delete here: what it shows is evidence, or
    changes only in the app, where its rules are checked."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
