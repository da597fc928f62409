"""Enums the app gets as native types; values and descriptions come from the models."""

import graphene

from ..models import DeviceTokenKind, Kind, Platform


def _enum(name: str, description: str, members: list[tuple[str, str, str]]):
    """A graphene enum whose values are described (the SDL the mobile team reads)."""
    descriptions = {member: text for member, _value, text in members}

    class Described:
        @property
        def description(self):
            return descriptions[self.name]

    return graphene.Enum(
        name,
        [(member, value) for member, value, _text in members],
        type=Described,
        description=description,
    )


NotificationKind = _enum(
    "NotificationKind",
    "What a notification is about. Each kind can be turned off in the preferences.",
    [(kind.name, kind.value, kind.label) for kind in Kind],
)

DevicePlatform = _enum(
    "DevicePlatform",
    "The phone's operating system.",
    [(platform.name, platform.value, platform.label) for platform in Platform],
)

PushTokenKind = _enum(
    "PushTokenKind",
    "Which Firebase identifier the app registered.",
    [
        (
            "REGISTRATION_TOKEN",
            DeviceTokenKind.REGISTRATION_TOKEN.value,
            "An FCM registration token (FirebaseMessaging.getToken()).",
        ),
        ("FID", DeviceTokenKind.FID.value, "A Firebase installation id (getId())."),
    ],
)
