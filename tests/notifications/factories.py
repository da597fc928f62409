"""Notifications, devices and preferences for tests."""

from datetime import timedelta

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from notifications.models import (
    Device,
    DeviceTokenKind,
    Kind,
    Notification,
    NotificationPreference,
    Platform,
)
from tests.factories import TeacherFactory


class NotificationFactory(DjangoModelFactory):
    """A reminder that fell due a minute ago."""

    class Meta:
        model = Notification

    recipient = factory.SubFactory(TeacherFactory)
    kind = Kind.VISIT_TOMORROW
    key = factory.Sequence(lambda n: f"visit:{n}:tomorrow:user")
    title = "Visit tomorrow"
    body = "You visit Room 12 tomorrow at 9:00."
    target_type = "Visit"
    target_id = factory.Sequence(lambda n: f"VmlzaXQ6{n}")
    due_at = factory.LazyFunction(lambda: timezone.now() - timedelta(minutes=1))


class DeliveredNotificationFactory(NotificationFactory):
    """Already in the inbox."""

    status = "SENT"
    attempts = 1
    delivered_at = factory.LazyAttribute(lambda o: o.due_at)
    sent_at = factory.LazyAttribute(lambda o: o.due_at)


class DeviceFactory(DjangoModelFactory):
    class Meta:
        model = Device

    user = factory.SubFactory(TeacherFactory)
    token = factory.Sequence(lambda n: f"fcm-token-{n:04d}")
    token_kind = DeviceTokenKind.REGISTRATION_TOKEN
    platform = Platform.ANDROID
    app_version = "1.0.0"
    locale = "en-US"


class PreferenceFactory(DjangoModelFactory):
    class Meta:
        model = NotificationPreference

    user = factory.SubFactory(TeacherFactory)
