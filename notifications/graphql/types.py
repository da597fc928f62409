"""GraphQL types for the inbox, devices and preferences."""

import graphene
from django.db.models import QuerySet
from graphene_django import DjangoObjectType

from backend.graphql.types import CountableConnection

from ..models import ALWAYS_DELIVERED_KINDS, Device, Kind, Notification, Status
from ..recipients import RecipientSettings
from .enums import DevicePlatform, NotificationKind, PushTokenKind


def inbox_scope(user, queryset: QuerySet) -> QuerySet:
    """What of `queryset` is in `user`'s inbox (node lookups and lists alike)."""
    if not user.is_authenticated:
        return queryset.none()
    return queryset.filter(recipient=user, delivered_at__isnull=False).exclude(
        status=Status.CANCELLED
    )


class NotificationTarget(graphene.ObjectType):
    """What a notification is about, for the app to open (a deep link)."""

    type = graphene.String(
        required=True, description="The GraphQL type of the object, e.g. Visit or Survey."
    )
    id = graphene.ID(required=True, description="The object's global id, for `node(id:)`.")


class NotificationType(DjangoObjectType):
    """A reminder or piece of news in your inbox. It was also pushed to your phones unless
    that kind is turned off or no phone is registered."""

    kind = graphene.Field(NotificationKind, required=True, description="What it is about.")
    title = graphene.String(required=True, description="The headline, as pushed.")
    body = graphene.String(required=True, description="The text, as pushed.")
    target = graphene.Field(
        NotificationTarget, description="The object to open; null when there is none."
    )
    delivered_at = graphene.DateTime(required=True, description="When it reached your inbox.")
    read_at = graphene.DateTime(description="When you read it; null while unread.")
    is_read = graphene.Boolean(required=True, description="True once read.")

    class Meta:
        model = Notification
        name = "Notification"
        interfaces = (graphene.relay.Node,)
        fields = ("id", "title", "body", "delivered_at", "read_at")
        connection_class = CountableConnection

    @classmethod
    def get_queryset(cls, queryset, info):
        return inbox_scope(info.context.user, queryset)

    @staticmethod
    def resolve_kind(root: Notification, info):
        return root.kind

    @staticmethod
    def resolve_target(root: Notification, info):
        if not root.target_type or not root.target_id:
            return None
        return NotificationTarget(type=root.target_type, id=root.target_id)

    @staticmethod
    def resolve_is_read(root: Notification, info):
        return root.read_at is not None


class DeviceType(DjangoObjectType):
    """A phone registered for push notifications. The token itself is not shown."""

    platform = graphene.Field(DevicePlatform, required=True, description="iOS or Android.")
    token_kind = graphene.Field(
        PushTokenKind, required=True, description="Which Firebase identifier it registered."
    )
    app_version = graphene.String(required=True, description="The app version it last sent.")
    locale = graphene.String(required=True, description="The locale it last sent, e.g. en-US.")
    last_seen_at = graphene.DateTime(required=True, description="Last registration.")
    is_current = graphene.Boolean(
        required=True, description="True for the device of the session making this request."
    )

    class Meta:
        model = Device
        name = "Device"
        interfaces = (graphene.relay.Node,)
        fields = ("id", "platform", "token_kind", "app_version", "locale", "last_seen_at")

    @classmethod
    def get_queryset(cls, queryset, info):
        user = info.context.user
        if not user.is_authenticated:
            return queryset.none()
        return queryset.filter(user=user, active=True)

    @staticmethod
    def resolve_platform(root: Device, info):
        return root.platform

    @staticmethod
    def resolve_token_kind(root: Device, info):
        return root.token_kind

    @staticmethod
    def resolve_is_current(root: Device, info):
        current = info.context.access_token
        return current is not None and root.access_token_id == current.pk


class NotificationKindPreference(graphene.ObjectType):
    """Whether one kind of notification is pushed to you."""

    kind = graphene.Field(NotificationKind, required=True, description="The kind.")
    description = graphene.String(required=True, description="What it is, in English.")
    enabled = graphene.Boolean(
        required=True, description="Pushed when on; always in the inbox either way."
    )
    can_disable = graphene.Boolean(required=True, description="False for kinds always pushed.")


class NotificationPreferencesType(graphene.ObjectType):
    """Your notification settings, with the defaults filled in."""

    class Meta:
        name = "NotificationPreferences"

    kinds = graphene.List(
        graphene.NonNull(NotificationKindPreference),
        required=True,
        description="Every kind and whether it is pushed.",
    )
    quiet_hours_enabled = graphene.Boolean(
        required=True,
        description="When on, a reminder due in quiet hours is pushed when they end.",
    )
    quiet_hours_start = graphene.Time(
        required=True, description="Local time quiet hours begin (default 21:00)."
    )
    quiet_hours_end = graphene.Time(
        required=True, description="Local time quiet hours end (default 07:00)."
    )
    time_zone = graphene.String(
        required=True,
        description="The IANA zone reminders and quiet hours follow: your school's, or for "
        "people without a school the one set here (else their district's).",
    )

    @staticmethod
    def resolve_kinds(root: RecipientSettings, info):
        return [
            NotificationKindPreference(
                kind=kind.value,
                description=kind.label,
                enabled=root.wants(kind.value),
                can_disable=kind not in ALWAYS_DELIVERED_KINDS,
            )
            for kind in Kind
        ]


class NotificationReceivedEvent(graphene.ObjectType):
    """A notification reached your inbox. Hints may be missed while offline: on reconnect,
    refetch `myNotifications`."""

    notification = graphene.Field(
        NotificationType, required=True, description="The notification, as now stored."
    )
    unread_count = graphene.Int(required=True, description="Your unread notifications now.")
