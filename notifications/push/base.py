"""Types shared by every push back-end, and the interface they implement.

The rest of the application (workers, GraphQL mutations, tests) talks only to these types, so the
delivery mechanism (Firebase in production, the console in development, memory in tests) can be
swapped without touching callers.
"""

from __future__ import annotations

import abc
import enum
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from types import TracebackType
from typing import Self

__all__ = [
    "FCM_RESERVED_DATA_KEYS",
    "PushBackend",
    "PushMessage",
    "PushOutcome",
    "PushResult",
    "TokenKind",
    "check_messages",
]

# FCM rejects the whole message (INVALID_ARGUMENT) when a data payload uses these keys, so they
# are refused when the message is built, where the programming error is easy to find.
FCM_RESERVED_DATA_KEYS = frozenset({"from", "notification", "message_type"})
_FCM_RESERVED_DATA_PREFIXES = ("google", "gcm")


class PushOutcome(enum.StrEnum):
    """What happened to one message, and therefore what the caller must do next."""

    SENT = "sent"
    """Accepted by the push service."""
    UNREGISTERED = "unregistered"
    """The app was uninstalled or the token expired: deactivate the token."""
    INVALID_TOKEN = "invalid_token"  # noqa: S105 - an outcome name, not a secret
    """The token is malformed or belongs to another sender: deactivate the token."""
    TRANSIENT = "transient"
    """Could not be sent even after retries: mark failed with the reason, or retry later."""
    FAILED = "failed"
    """Permanent failure that is not the token's fault (bad payload, bad credentials, ...)."""

    @property
    def deactivates_token(self) -> bool:
        """True when the device token must no longer be used."""
        return self in (PushOutcome.UNREGISTERED, PushOutcome.INVALID_TOKEN)


class TokenKind(enum.StrEnum):
    """Which kind of device identifier :attr:`PushMessage.token` holds.

    FCM deprecated registration tokens in favour of Firebase Installation IDs in 2026
    (firebase-admin 7.7 warns on ``Message.token``); both still deliver. Firebase advises against
    mixing the two registration APIs on one device, so the kind travels with each token.
    """

    REGISTRATION_TOKEN = "registration_token"  # noqa: S105 - FirebaseMessaging.getToken()
    FID = "fid"  # FirebaseInstallations.getId()


@dataclass(frozen=True, slots=True)
class PushMessage:
    """One notification for one device token.

    ``data`` is the key/value payload the app reads (FCM only accepts strings there).
    ``collapse_key`` lets a newer notification replace an undelivered older one with the same key
    (Android ``collapse_key``, iOS ``apns-collapse-id``); ``thread_id`` groups notifications on
    iOS (``aps.thread-id``). ``token_kind`` says whether ``token`` is an FCM registration token
    (the default) or a Firebase Installation ID.

    ``tag`` makes the phone replace a notification it already shows with the same tag (Android
    notification ``tag``, iOS ``apns-collapse-id``) without making the message collapsible.
    The worker tags each push with its notification's key, so the rare second push after a
    worker crash replaces the first instead of showing twice. A collapse key would do that too,
    but FCM keeps only four collapse keys per offline Android device, so one key per
    notification would drop reminders queued for a phone that was switched off.
    """

    token: str
    title: str
    body: str
    data: Mapping[str, str] = field(default_factory=dict, hash=False)
    collapse_key: str | None = None
    thread_id: str | None = None
    token_kind: TokenKind = TokenKind.REGISTRATION_TOKEN
    tag: str | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.token, str) or not self.token:
            raise ValueError("PushMessage.token must be a non-empty string")
        if not isinstance(self.title, str) or not isinstance(self.body, str):
            raise ValueError("PushMessage.title and PushMessage.body must be strings")
        for key, value in self.data.items():
            if not isinstance(key, str) or not isinstance(value, str):
                raise ValueError(f"PushMessage.data must map str to str, got {key!r}: {value!r}")
            if key in FCM_RESERVED_DATA_KEYS or key.startswith(_FCM_RESERVED_DATA_PREFIXES):
                raise ValueError(f"PushMessage.data key {key!r} is reserved by FCM")
        for name in ("collapse_key", "thread_id", "tag"):
            if not isinstance(getattr(self, name), str | None):
                raise ValueError(f"PushMessage.{name} must be a string or None")
        # APNs rejects an apns-collapse-id longer than 64 bytes, which would fail the message.
        if self.collapse_key is not None and len(self.collapse_key.encode()) > 64:
            raise ValueError("PushMessage.collapse_key must be at most 64 bytes")
        if self.tag is not None and len(self.tag.encode()) > 64:
            raise ValueError("PushMessage.tag must be at most 64 bytes")
        object.__setattr__(self, "token_kind", TokenKind(self.token_kind))
        # A private copy: the caller mutating its dict afterwards must not change a queued message.
        object.__setattr__(self, "data", dict(self.data))


@dataclass(frozen=True, slots=True)
class PushResult:
    """The outcome for one :class:`PushMessage`, returned in the same position as the message.

    ``error`` is a human-readable reason for anything but SENT. ``retry_after`` (seconds) is set
    when the push service asked to wait before trying again, so a caller that re-queues a
    TRANSIENT message knows when.
    """

    token: str
    outcome: PushOutcome
    message_id: str | None = None
    error: str | None = None
    retry_after: float | None = None

    @property
    def ok(self) -> bool:
        """True when the message was accepted by the push service."""
        return self.outcome is PushOutcome.SENT

    @property
    def deactivates_token(self) -> bool:
        """True when the caller must deactivate the device token."""
        return self.outcome.deactivates_token


class PushBackend(abc.ABC):
    """Sends push notifications.

    Contract for implementations: :meth:`send` returns exactly one :class:`PushResult` per message,
    in the same order, and reports delivery problems through the results instead of raising, so
    one bad token never loses the outcome of the others. It raises only for programming errors
    (for example a list that does not hold :class:`PushMessage` objects).
    """

    name: str = "push"

    @abc.abstractmethod
    def send(self, messages: Sequence[PushMessage]) -> list[PushResult]:
        """Send ``messages`` and return their results in the same order."""

    def close(self) -> None:  # noqa: B027 - optional hook, most back-ends hold no resources
        """Release network connections and other resources; the back-end is unusable after."""

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


def check_messages(messages: Sequence[PushMessage]) -> list[PushMessage]:
    """Return ``messages`` as a list, refusing anything that is not a :class:`PushMessage`.

    Shared by the back-ends so they all fail the same way on a programming error.
    """
    if isinstance(messages, (str, bytes, PushMessage)):
        raise TypeError("send() takes a sequence of PushMessage, not a single value")
    checked = list(messages)
    for message in checked:
        if not isinstance(message, PushMessage):
            raise TypeError(f"send() takes PushMessage objects, got {type(message).__name__}")
    return checked
