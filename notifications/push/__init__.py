"""Push notifications to phones: message/result types and interchangeable back-ends.

* :class:`~.fcm.FCMBackend` sends through Firebase Cloud Messaging (production);
* :class:`~.console.ConsoleBackend` logs what would be sent (development);
* :class:`~.memory.MemoryBackend` records messages and answers scripted outcomes (tests).

``FCMBackend`` is imported lazily so that development and tests that never touch Firebase do not
pay for importing ``google-auth`` (and firebase-admin only loads for ``FCM_TRANSPORT=sdk``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .base import PushBackend, PushMessage, PushOutcome, PushResult, TokenKind
from .console import ConsoleBackend
from .memory import MemoryBackend

if TYPE_CHECKING:
    from .fcm import FCMBackend

__all__ = [
    "ConsoleBackend",
    "FCMBackend",
    "MemoryBackend",
    "PushBackend",
    "PushMessage",
    "PushOutcome",
    "PushResult",
    "TokenKind",
]

_LAZY = {"FCMBackend"}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        from . import fcm

        return getattr(fcm, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
