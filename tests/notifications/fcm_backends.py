"""Helpers of the FCMBackend tests (their fixtures are in conftest.py)."""

from __future__ import annotations

from notifications.push import PushMessage


def msg(token: str, **kwargs) -> PushMessage:
    return PushMessage(token=token, title="Observation tomorrow", body="Room 12 at 9:00", **kwargs)
