"""Reads: a person's inbox and devices."""

from django.db.models import QuerySet

from .models import Device, Notification, Status


def inbox_for(user, *, unread: bool | None = None) -> QuerySet[Notification]:
    """The notifications `user` has received, newest first. Future reminders and cancelled
    ones are not in it."""
    if not user.is_authenticated:
        return Notification.objects.none()
    queryset = (
        Notification.objects.filter(recipient=user, delivered_at__isnull=False)
        .exclude(status=Status.CANCELLED)
        .order_by("-delivered_at", "-id")
    )
    if unread is True:
        queryset = queryset.filter(read_at__isnull=True)
    elif unread is False:
        queryset = queryset.filter(read_at__isnull=False)
    return queryset


def unread_count(user) -> int:
    return inbox_for(user, unread=True).count()


def devices_of(user) -> QuerySet[Device]:
    if not user.is_authenticated:
        return Device.objects.none()
    return Device.objects.filter(user=user, active=True).order_by("-last_seen_at", "-id")
