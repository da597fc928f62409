"""Enums the app gets as native types; values and descriptions come from the models."""

from backend.graphql.enums import choices_enum

from ..models import DeviceTokenKind, Kind, Platform

NotificationKind = choices_enum(
    "NotificationKind",
    Kind,
    "What a notification is about. Each kind can be turned off in the preferences.",
)

DevicePlatform = choices_enum("DevicePlatform", Platform, "The phone's operating system.")

PushTokenKind = choices_enum(
    "PushTokenKind",
    DeviceTokenKind,
    "Which Firebase identifier the app registered.",
    {
        "REGISTRATION_TOKEN": "An FCM registration token (FirebaseMessaging.getToken()).",
        "FID": "A Firebase installation id (getId()).",
    },
)
