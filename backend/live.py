"""Live events: every group and event the server announces is named here, and sent from here.

An event is a hint written after the database commit and fanned out through the channel layer
(Redis in production) to the sockets listening on its group; it carries ids only, and the
database stays the truth (a client refetches). A write calls `broadcast(group, event, payload)`
inside its transaction; a subscription does `async for event in info.context.listen(group)`.

A new event: a constant below and, when it goes to a new kind of listener, a group function
here; the app keeps what builds its payload (e.g. `observations.services.events`).
This module is part of the foundation: it imports no app and nothing of the API layer.
"""

import logging

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction

logger = logging.getLogger("backend.events")

# The channel-layer message type; Channels calls the consumer's `graphql_event` for it.
EVENT_MESSAGE_TYPE = "graphql.event"


# --- groups: who listens ----------------------------------------------------------------------
def user_group(user_id: int) -> str:
    """One person's apps: their visits and their inbox."""
    return f"user.{user_id}"


def token_group(token_id: int) -> str:
    """One session (access token): the socket that signed in with it hears its revocation."""
    return f"token.{token_id}"


def cohort_group(cohort_id: int) -> str:
    """A cohort's members: its memberships and meetings."""
    return f"cohort.{cohort_id}"


def survey_group(administration_id: int) -> str:
    """Whoever watches a survey administration's response count."""
    return f"survey.{administration_id}"


# --- events: what happened (the `event` key of each payload) -----------------------------------
SESSION_REVOKED = "session_revoked"  # token_group: the session was signed out; the socket closes
VISIT_CHANGED = "visit_changed"  # user_group of each participant (observations)
NOTIFICATION_RECEIVED = "notification_received"  # user_group of the recipient (notifications)
COHORT_CHANGED = "cohort_changed"  # cohort_group (cohorts)
RESPONSE_COUNT = "response_count"  # survey_group (surveys)
SURVEY_WINDOW_CHANGED = "survey_window_changed"  # survey_group: closed now or extended (surveys)


def event_message(group: str, event: str, payload: dict | None = None) -> dict:
    """The channel-layer message for `event` on `group` (for callers that send in bulk)."""
    return {"type": EVENT_MESSAGE_TYPE, "group": group, "event": event, "payload": payload or {}}


def broadcast(group: str, event: str, payload: dict | None = None) -> None:
    """Send `event` to everyone listening on `group` once the current transaction commits."""
    message = event_message(group, event, payload)
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
