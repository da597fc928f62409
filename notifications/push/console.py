"""Development back-end: logs what would be sent instead of contacting a push service."""

from __future__ import annotations

import itertools
import json
import logging
import threading
from collections.abc import Sequence

from .base import PushBackend, PushMessage, PushOutcome, PushResult, check_messages

__all__ = ["ConsoleBackend", "redact_token"]

_logger = logging.getLogger(__name__)


def redact_token(token: str) -> str:
    """Shorten a device token for logs: enough to tell tokens apart, not enough to reuse one."""
    if len(token) <= 12:
        return "…" + token[-4:]
    return f"{token[:4]}…{token[-6:]}"


class ConsoleBackend(PushBackend):
    """Logs every message at ``level`` and reports it SENT.

    Used by ``make run`` so a developer sees the notifications a reminder job would push without
    Firebase credentials. Tokens are redacted because development logs get pasted into tickets.
    """

    name = "console"

    def __init__(self, logger: logging.Logger | None = None, level: int = logging.INFO) -> None:
        self._logger = logger or _logger
        self._level = level
        self._ids = itertools.count(1)
        self._lock = threading.Lock()

    def send(self, messages: Sequence[PushMessage]) -> list[PushResult]:
        """Log each message and return SENT results with ``console-<n>`` message ids."""
        results = []
        for message in check_messages(messages):
            with self._lock:
                message_id = f"console-{next(self._ids)}"
            self._logger.log(
                self._level,
                "push %s to %s: %r / %r data=%s collapse_key=%s tag=%s thread_id=%s",
                message_id,
                redact_token(message.token),
                message.title,
                message.body,
                json.dumps(dict(message.data), sort_keys=True, ensure_ascii=False),
                message.collapse_key,
                message.tag,
                message.thread_id,
            )
            results.append(PushResult(message.token, PushOutcome.SENT, message_id=message_id))
        return results
