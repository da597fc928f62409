"""Who has the app open, so the worker sends live hints only to them.

Most reminders reach people whose app is closed (that is why they are pushed), and a hint
through the Redis channel layer costs about a third of a millisecond of CPU each, more than the
rest of delivering a notification. So an open `notificationReceived` subscription marks its
user present in the shared cache (Redis in production) and refreshes the mark while it lives;
the worker reads the marks of a whole round in one `get_many` and announces only to them.

The mark expires on its own (TTL), so a closed app costs at most one wasted hint. A hint missed
in the moment between subscribing and joining the group is recovered as every hint is: the app
refetches. If the cache cannot answer, everyone is announced to (fail open).
"""

import asyncio
import logging
from collections.abc import Iterable

from django.core.cache import cache

logger = logging.getLogger("notifications.presence")

PRESENCE_SECONDS = 90
REFRESH_SECONDS = 30


def presence_key(user_id: int) -> str:
    return f"notifications:listening:{user_id}"


async def mark_present(user_id: int) -> None:
    await cache.aset(presence_key(user_id), 1, timeout=PRESENCE_SECONDS)


async def stay_present(user_id: int) -> None:
    """Refresh the mark until cancelled (when the subscription ends)."""
    while True:
        await asyncio.sleep(REFRESH_SECONDS)
        try:
            await mark_present(user_id)
        except Exception:
            logger.warning("Could not refresh the presence of user %s", user_id, exc_info=True)


def present(user_ids: Iterable[int]) -> set[int]:
    """Which of `user_ids` have the app open (all of them if the cache cannot say)."""
    user_ids = set(user_ids)
    try:
        marks = cache.get_many([presence_key(user_id) for user_id in user_ids])
    except Exception:
        logger.warning("Presence unknown (cache unavailable); announcing to all", exc_info=True)
        return user_ids
    return {user_id for user_id in user_ids if presence_key(user_id) in marks}
