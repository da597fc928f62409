"""Root fields of the notifications app: inbox, devices, preferences, live inbox updates."""

import asyncio

import graphene
from channels.db import database_sync_to_async
from graphene_django import DjangoConnectionField

from backend.graphql.permissions import SignedIn, requires
from backend.live import NOTIFICATION_RECEIVED, user_group

from ..models import Device, Notification
from ..presence import mark_present, stay_present
from ..recipients import settings_for
from ..selectors import unread_count
from .mutations import NotificationMutationFields
from .types import (
    DeviceType,
    NotificationPreferencesType,
    NotificationReceivedEvent,
    NotificationType,
    inbox_scope,
)


class NotificationQueries(graphene.ObjectType):
    my_notifications = DjangoConnectionField(
        NotificationType,
        unread=graphene.Boolean(description="Only unread (true) or only read (false) ones."),
        description="Your inbox, newest first: every notification that reached you.",
    )
    unread_notification_count = graphene.Int(
        required=True, description="How many notifications in your inbox are unread."
    )
    notification_preferences = graphene.Field(
        NotificationPreferencesType,
        required=True,
        description="Which kinds are pushed to you, and your quiet hours.",
    )
    my_devices = graphene.List(
        graphene.NonNull(DeviceType),
        required=True,
        description="Your phones that receive push notifications, most recently seen first.",
    )

    @staticmethod
    @requires(SignedIn)
    def resolve_my_notifications(root, info, unread=None, **kwargs):
        queryset = inbox_scope(info.context.user, Notification.objects.all())
        if unread is not None:
            queryset = queryset.filter(read_at__isnull=unread)
        return queryset.order_by("-delivered_at", "-id")

    @staticmethod
    @requires(SignedIn)
    def resolve_unread_notification_count(root, info):
        return unread_count(info.context.user)

    @staticmethod
    @requires(SignedIn)
    def resolve_notification_preferences(root, info):
        return settings_for(info.context.user)

    @staticmethod
    @requires(SignedIn)
    def resolve_my_devices(root, info):
        return list(
            DeviceType.get_queryset(Device.objects.all(), info).order_by("-last_seen_at", "-id")
        )


class NotificationMutations(NotificationMutationFields):
    pass


class NotificationSubscriptions(graphene.ObjectType):
    notification_received = graphene.Field(
        NotificationReceivedEvent,
        required=True,
        description="Fires when a notification reaches your inbox (when it becomes due), "
        "whether or not it is also pushed. Refetch `myNotifications` after a reconnect.",
    )

    @staticmethod
    @requires(SignedIn)
    async def subscribe_notification_received(root, info):
        user = info.context.user
        await mark_present(user.pk)  # the worker announces only to people with the app open
        refresher = asyncio.ensure_future(stay_present(user.pk))
        try:
            async for event in info.context.listen(user_group(user.pk)):
                if event.get("event") != NOTIFICATION_RECEIVED:
                    continue
                found = await database_sync_to_async(_load_received)(user, event["notification_id"])
                if found is not None:
                    yield found
        finally:
            refresher.cancel()


def _load_received(user, notification_id) -> NotificationReceivedEvent | None:
    notification = inbox_scope(user, Notification.objects.all()).filter(pk=notification_id).first()
    if notification is None:  # cancelled since, or a stale hint: the database decides
        return None
    return NotificationReceivedEvent(notification=notification, unread_count=unread_count(user))
