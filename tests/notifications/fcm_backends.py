"""Helpers of the FCMBackend tests (their fixtures are in conftest.py)."""

from __future__ import annotations

from notifications.push import PushMessage


class RecordingSleep:
    """Stands in for time.sleep: remembers the waits instead of waiting."""

    def __init__(self) -> None:
        self.calls: list[float] = []

    def __call__(self, seconds: float) -> None:
        self.calls.append(seconds)

    @property
    def total(self) -> float:
        return sum(self.calls)


def msg(token: str, **kwargs) -> PushMessage:
    return PushMessage(token=token, title="Observation tomorrow", body="Room 12 at 9:00", **kwargs)
