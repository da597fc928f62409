"""Live events: written after the database commit, fanned out through the channel layer.

The database stays the truth; an event is a hint that carries ids so a client can refetch.
Group names are plain strings like `user.42` or `cohort.7`.
"""

import logging

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction

logger = logging.getLogger("backend.events")

EVENT_MESSAGE_TYPE = "graphql.event"


def broadcast(group: str, event: str, payload: dict | None = None) -> None:
    """Send `event` to everyone listening on `group` once the current transaction commits."""
    message = {"type": EVENT_MESSAGE_TYPE, "group": group, "event": event, "payload": payload or {}}
    transaction.on_commit(lambda: _send(group, message))


def _send(group: str, message: dict) -> None:
    layer = get_channel_layer()
    if layer is None:
        return
    try:
        async_to_sync(layer.group_send)(group, message)
    except Exception:
        # A dropped hint must never fail the write that caused it; clients refetch on reconnect.
        logger.exception("Could not broadcast %s to %s", message["event"], group)
