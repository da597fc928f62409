"""The in-process channel layer takes sends from another thread (the embedded reminder worker
of `manage.py serve`, issue 18 item 5) and hands them to the loop of the sockets that read."""

import asyncio
import threading
import time

import pytest
from asgiref.sync import async_to_sync

from backend.graphql.layers import InProcessChannelLayer

pytestmark = [pytest.mark.asyncio]


async def _send_from_a_worker_thread(layer) -> float:
    """A reader waits on this loop; a thread with its own loop sends. Seconds until read."""
    channel = await layer.new_channel()
    await layer.group_add("user.1", channel)
    reading = asyncio.ensure_future(layer.receive(channel))
    await asyncio.sleep(0.05)

    def worker():
        async_to_sync(layer.group_send)("user.1", {"type": "graphql.event", "n": 1})

    started = time.monotonic()
    thread = threading.Thread(target=worker)
    thread.start()
    try:
        message = await asyncio.wait_for(reading, 3)
        elapsed = time.monotonic() - started
    except TimeoutError:
        return float("inf")
    finally:
        await asyncio.to_thread(thread.join, 5)  # never block the loop the send may need
    assert message == {"type": "graphql.event", "n": 1}
    return elapsed


async def test_a_send_from_another_thread_reaches_the_reader_at_once():
    # Why the subclass exists: channels' stock InMemoryChannelLayer touches the reader's queue
    # from the sending thread, and the reader's loop is not woken (it hears at its next timer,
    # if ever). Not asserted here: whether the stock layer happens to wake depends on whatever
    # else the test loop has scheduled, so such a test fails or passes by load.
    # The bound is what a woken reader meets even on a loaded CI machine (0.56 s seen with
    # eight jobs on two CPUs); a reader that is not woken waits out the 3 s and reads inf.
    assert await _send_from_a_worker_thread(InProcessChannelLayer()) < 2


# --- Redis: a cancelled read ends -------------------------------------------------------------

REDIS_URL = __import__("os").environ.get("REDIS_URL", "")
needs_redis = pytest.mark.skipif(not REDIS_URL, reason="needs Redis (REDIS_URL); CI runs it")


def _redis_layer(**options):
    from backend.graphql.layers import RedisChannelLayer

    return RedisChannelLayer(hosts=[REDIS_URL], blocking_read_seconds=0.2, **options)


async def _cancel_a_waiting_read(layer) -> None:
    channel = await layer.new_channel()
    reading = asyncio.ensure_future(layer.receive(channel))
    await asyncio.sleep(0.05)
    reading.cancel()
    with pytest.raises(asyncio.CancelledError):
        await asyncio.wait_for(reading, 3)


@needs_redis
async def test_a_cancelled_read_on_redis_ends():
    # What a socket's receive task meets when its client goes: cancelled while Redis blocks.
    layer = _redis_layer()
    try:
        for _ in range(20):
            await _cancel_a_waiting_read(layer)
    finally:
        await layer.flush()


@needs_redis
async def test_a_cancellation_redis_py_swallows_still_ends_the_read(monkeypatch):
    # redis-py can turn a cancellation during a blocking read into a dropped connection, which
    # its retry mends by blocking again; channels-redis then asks again when the read comes back
    # empty, for ever (a socket's task that never ended hung CI's event loop at teardown). Here
    # the read swallows every cancellation, the worst case: the layer must still stop.
    layer = _redis_layer()
    from redis.asyncio import Redis

    real_bzpopmin = Redis.bzpopmin

    async def swallowing_bzpopmin(self, keys, timeout=0):
        try:
            return await real_bzpopmin(self, keys, timeout=timeout)
        except asyncio.CancelledError:
            return None

    monkeypatch.setattr(Redis, "bzpopmin", swallowing_bzpopmin)
    try:
        await _cancel_a_waiting_read(layer)
    finally:
        monkeypatch.undo()
        await layer.flush()
