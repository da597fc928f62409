"""Test back-end: keeps every message in memory and answers configurable outcomes per token."""

from __future__ import annotations

import itertools
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from .base import PushBackend, PushMessage, PushOutcome, PushResult, check_messages

__all__ = ["MemoryBackend"]


@dataclass
class _Rule:
    outcome: PushOutcome
    error: str | None
    retry_after: float | None
    remaining: int | None  # None: applies forever


class MemoryBackend(PushBackend):
    """Records messages instead of sending them; tests read :attr:`messages` / :attr:`sent`.

    By default every message is SENT. :meth:`set_outcome` makes a token answer another outcome
    (for example UNREGISTERED to test token deactivation), optionally only for its next ``times``
    sends, which imitates a transient failure that later recovers.
    """

    name = "memory"

    def __init__(self, outcomes: Mapping[str, PushOutcome] | None = None) -> None:
        self._lock = threading.Lock()
        self._rules: dict[str, _Rule] = {}
        self._ids = itertools.count(1)
        self.messages: list[PushMessage] = []
        """Every message given to :meth:`send`, in order, whatever its outcome."""
        self.results: list[PushResult] = []
        """The result returned for each entry of :attr:`messages`."""
        self.batches: list[list[PushMessage]] = []
        """The argument of each :meth:`send` call, to assert on batching."""
        for token, outcome in (outcomes or {}).items():
            self.set_outcome(token, outcome)

    def set_outcome(
        self,
        token: str,
        outcome: PushOutcome,
        *,
        error: str | None = None,
        retry_after: float | None = None,
        times: int | None = None,
    ) -> None:
        """Make ``token`` answer ``outcome`` (for its next ``times`` sends, or always if None)."""
        if times is not None and times < 1:
            raise ValueError("times must be a positive number of sends, or None for always")
        if outcome is not PushOutcome.SENT and error is None:
            error = f"{outcome.name} (memory back-end)"
        with self._lock:
            self._rules[token] = _Rule(PushOutcome(outcome), error, retry_after, times)

    def clear(self) -> None:
        """Forget recorded messages and configured outcomes."""
        with self._lock:
            self._rules.clear()
            self.messages.clear()
            self.results.clear()
            self.batches.clear()

    @property
    def sent(self) -> list[PushMessage]:
        """The messages whose outcome was SENT, in order."""
        with self._lock:
            return [m for m, r in zip(self.messages, self.results, strict=True) if r.ok]

    def sent_to(self, token: str) -> list[PushMessage]:
        """The messages delivered (SENT) to ``token``."""
        return [m for m in self.sent if m.token == token]

    def send(self, messages: Sequence[PushMessage]) -> list[PushResult]:
        """Record ``messages`` and answer the configured outcome for each token."""
        checked = check_messages(messages)
        with self._lock:
            results = [self._answer(message) for message in checked]
            self.batches.append(checked)
            self.messages.extend(checked)
            self.results.extend(results)
        return results

    def _answer(self, message: PushMessage) -> PushResult:
        rule = self._rules.get(message.token)
        if rule is None or rule.outcome is PushOutcome.SENT:
            message_id = f"memory-{next(self._ids)}"
            return PushResult(message.token, PushOutcome.SENT, message_id=message_id)
        if rule.remaining is not None:
            rule.remaining -= 1
            if rule.remaining == 0:
                del self._rules[message.token]
        return PushResult(
            message.token, rule.outcome, error=rule.error, retry_after=rule.retry_after
        )
