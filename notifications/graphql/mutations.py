"""Registering phones, reading the inbox, and preferences."""

import graphene

from backend.graphql.ids import load_node
from backend.graphql.mutations import BaseMutation
from backend.graphql.permissions import SignedIn

from ..models import DeviceTokenKind
from ..recipients import settings_for
from ..selectors import unread_count
from ..services.devices import device_register, device_unregister
from ..services.inbox import (
    notification_mark_read,
    notification_send_test,
    notifications_mark_all_read,
)
from ..services.preferences import preferences_update
from .enums import DevicePlatform, NotificationKind, PushTokenKind
from .errors import NotificationError
from .types import DeviceType, NotificationPreferencesType, NotificationType


def _value(member):
    """Graphene 3 passes enum input as enum members; services take the stored values."""
    return getattr(member, "value", member)


class DeviceRegisterInput(graphene.InputObjectType):
    """This phone's push address, sent at every start of the app and when Firebase rotates
    it."""

    token = graphene.String(
        required=True, description="The FCM registration token or Firebase installation id."
    )
    token_kind = PushTokenKind(
        default_value=DeviceTokenKind.REGISTRATION_TOKEN.value,
        description="Which of the two `token` is (default REGISTRATION_TOKEN).",
    )
    platform = DevicePlatform(required=True, description="The phone's operating system.")
    app_version = graphene.String(description="The app's version, e.g. 1.4.2.")
    locale = graphene.String(description="The phone's locale, e.g. en-US.")


class DeviceRegister(BaseMutation):
    """Register this phone for push notifications. Registering again is harmless; a token
    registered by another account (a shared phone) moves to yours; signing out removes it."""

    device = graphene.Field(DeviceType, description="The registered device.")

    class Arguments:
        input = DeviceRegisterInput(required=True, description="The phone's push address.")

    class Meta:
        permission = SignedIn
        error_type = NotificationError

    @classmethod
    def perform(cls, info, input):
        device = device_register(
            user=info.context.user,
            access_token=info.context.access_token,
            token=input.token,
            token_kind=_value(input.token_kind) or DeviceTokenKind.REGISTRATION_TOKEN.value,
            platform=_value(input.platform),
            app_version=input.app_version or "",
            locale=input.locale or "",
        )
        return {"device": device}


class DeviceUnregisterInput(graphene.InputObjectType):
    """Which phone stops receiving pushes."""

    token = graphene.String(required=True, description="The token the phone registered.")


class DeviceUnregister(BaseMutation):
    """Stop pushing to a phone of yours (notifications turned off on it). The inbox is
    unchanged."""

    removed = graphene.Boolean(description="False if no device of yours had this token.")

    class Arguments:
        input = DeviceUnregisterInput(required=True, description="The phone's token.")

    class Meta:
        permission = SignedIn
        error_type = NotificationError

    @classmethod
    def perform(cls, info, input):
        return {"removed": bool(device_unregister(user=info.context.user, token=input.token))}


class NotificationMarkReadInput(graphene.InputObjectType):
    """Which notification you read."""

    notification_id = graphene.ID(required=True, description="Global id of the notification.")


class NotificationMarkRead(BaseMutation):
    """Mark one notification read (again is harmless)."""

    notification = graphene.Field(NotificationType, description="The notification.")
    unread_count = graphene.Int(description="Your unread notifications now.")

    class Arguments:
        input = NotificationMarkReadInput(required=True, description="Which notification.")

    class Meta:
        permission = SignedIn
        error_type = NotificationError

    @classmethod
    def perform(cls, info, input):
        user = info.context.user
        notification = load_node(
            info, input.notification_id, NotificationType, field="notificationId"
        )
        notification = notification_mark_read(user=user, notification=notification)
        return {"notification": notification, "unread_count": unread_count(user)}


class NotificationMarkAllRead(BaseMutation):
    """Mark everything in your inbox read."""

    marked_count = graphene.Int(description="How many notifications were unread.")
    unread_count = graphene.Int(description="Your unread notifications now (0).")

    class Meta:
        permission = SignedIn
        error_type = NotificationError

    @classmethod
    def perform(cls, info):
        user = info.context.user
        marked = notifications_mark_all_read(user=user)
        return {"marked_count": marked, "unread_count": unread_count(user)}


class NotificationKindToggleInput(graphene.InputObjectType):
    """Turn one kind of notification on or off."""

    kind = NotificationKind(required=True, description="The kind.")
    enabled = graphene.Boolean(required=True, description="Pushed when true.")


class NotificationPreferencesUpdateInput(graphene.InputObjectType):
    """What to change; what is left out stays as it is."""

    kinds = graphene.List(
        graphene.NonNull(NotificationKindToggleInput),
        description="Kinds to turn on or off.",
    )
    quiet_hours_enabled = graphene.Boolean(description="Turn quiet hours on or off.")
    quiet_hours_start = graphene.Time(description="Local time quiet hours begin, e.g. 21:00.")
    quiet_hours_end = graphene.Time(description="Local time quiet hours end, e.g. 07:00.")
    time_zone = graphene.String(
        description="IANA zone for people without a school (coordinators); empty to clear. "
        "A teacher's reminders always follow their school's zone."
    )


class NotificationPreferencesUpdate(BaseMutation):
    """Change which kinds are pushed and your quiet hours."""

    preferences = graphene.Field(NotificationPreferencesType, description="Your settings now.")

    class Arguments:
        input = NotificationPreferencesUpdateInput(required=True, description="The changes.")

    class Meta:
        permission = SignedIn
        error_type = NotificationError

    @classmethod
    def perform(cls, info, input):
        user = info.context.user
        kinds = {_value(toggle.kind): toggle.enabled for toggle in input.kinds or ()}
        preferences_update(
            user=user,
            kinds=kinds,
            quiet_hours_enabled=input.quiet_hours_enabled,
            quiet_hours_start=input.quiet_hours_start,
            quiet_hours_end=input.quiet_hours_end,
            time_zone=input.time_zone,
        )
        return {"preferences": settings_for(user)}


class NotificationSendTest(BaseMutation):
    """Push a test notification to all your phones now (quiet hours do not apply), to check
    that notifications reach them. A few per hour."""

    notification_id = graphene.ID(
        description="Global id of the notification; it reaches your inbox within seconds."
    )

    class Meta:
        permission = SignedIn
        error_type = NotificationError

    @classmethod
    def perform(cls, info):
        notification = notification_send_test(user=info.context.user)
        return {
            "notification_id": graphene.relay.Node.to_global_id("Notification", notification.pk)
        }


class NotificationMutationFields(graphene.ObjectType):
    device_register = DeviceRegister.Field(description=DeviceRegister.__doc__)
    device_unregister = DeviceUnregister.Field(description=DeviceUnregister.__doc__)
    notification_mark_read = NotificationMarkRead.Field(description=NotificationMarkRead.__doc__)
    notification_mark_all_read = NotificationMarkAllRead.Field(
        description=NotificationMarkAllRead.__doc__
    )
    notification_preferences_update = NotificationPreferencesUpdate.Field(
        description=NotificationPreferencesUpdate.__doc__
    )
    notification_send_test = NotificationSendTest.Field(description=NotificationSendTest.__doc__)
