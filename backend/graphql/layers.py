"""The channel layers live events travel on: Redis across processes, memory within one.

`RedisChannelLayer` is channels-redis's with its blocking read made configurable. Each socket's
receive loop waits for a message in a Redis BZPOPMIN of `brpop_timeout` seconds (5, a class
attribute), then asks again. redis-py (5 and later) also times every read out after
`socket_timeout`, 5 s by default: the same 5 s. The two raced; when the client's timer won,
the read raised redis's TimeoutError, the consumer treated it as Redis being down and closed
the socket with 1013, so an idle subscription died every ~5 s, and sooner under load, when
the event loop ran the reply late. The root fix is that the socket timeout always outlasts
the blocking read (settings.py passes both and refuses a timeout that does not); the timeout
stays finite so a Redis that vanishes without a reset is still noticed.

A cancelled read must also end. redis-py can lose a cancellation that lands while a blocking
read waits: the read's connection is dropped, the drop surfaces as a ConnectionError, redis-py's
own retry reconnects and blocks again, and channels-redis's receive loop asks again whenever the
read comes back empty. The socket's receive task then never finishes: a consumer that has gone
keeps a Redis connection polling for ever, and whoever waits for the task (a server shutting
down, a test's event loop closing) waits for ever too. `_brpop_with_clean` below checks, after
every read, whether its task was asked to stop, and stops.

`InProcessChannelLayer` is the in-memory layer made safe to call from another thread. The
in-memory layer's queues belong to the event loop of the server that reads them; the embedded
reminder worker (`manage.py serve` without Redis, see serve.py) runs in a thread of the same
process with its own loop, so its sends are handed to the server's loop instead of touching
those queues from the wrong thread.
"""

import asyncio

from channels.layers import InMemoryChannelLayer
from channels_redis.core import RedisChannelLayer as BaseRedisChannelLayer


class RedisChannelLayer(BaseRedisChannelLayer):
    def __init__(self, *, blocking_read_seconds: float = 5, **config):
        super().__init__(**config)
        # BZPOPMIN takes a decimal timeout (Redis >= 6); 0 would block forever.
        self.brpop_timeout = blocking_read_seconds

    async def _brpop_with_clean(self, index, channel, timeout):
        task = asyncio.current_task()
        try:
            member = await super()._brpop_with_clean(index, channel, timeout)
        except Exception as error:
            if task is not None and task.cancelling():
                # The cancellation came back as a connection error: it is still a cancellation.
                raise asyncio.CancelledError() from error
            raise
        if task is not None and task.cancelling():
            # Swallowed on the way (see the module's docstring). A message popped here stays in
            # the channel's backup queue, where the next read of this channel puts it back.
            raise asyncio.CancelledError()
        return member


class InProcessChannelLayer(InMemoryChannelLayer):
    """In-memory, for one process; sends from other threads run on the readers' loop."""

    def __init__(self, **config):
        super().__init__(**config)
        self._loop: asyncio.AbstractEventLoop | None = None

    def _owner(self, *, reader: bool) -> asyncio.AbstractEventLoop | None:
        """The loop to run on when it is not the current one (None: run here)."""
        current = asyncio.get_running_loop()
        owner = self._loop
        if owner is None or owner is current or owner.is_closed() or not owner.is_running():
            # The loop that reads (the server's consumers) owns the queues; one that has
            # stopped (a test's) hands them to the next. A sender's short-lived loop (the
            # worker's async_to_sync) never becomes owner: nothing could be forwarded to it.
            if reader:
                self._loop = current
            return None
        return owner

    async def _on_owner(self, method, *args, reader: bool = False):
        owner = self._owner(reader=reader)
        if owner is None:
            return await method(*args)
        return await asyncio.wrap_future(asyncio.run_coroutine_threadsafe(method(*args), owner))

    async def send(self, channel, message):
        return await self._on_owner(super().send, channel, message)

    async def receive(self, channel):
        return await self._on_owner(super().receive, channel, reader=True)

    async def group_add(self, group, channel):
        return await self._on_owner(super().group_add, group, channel, reader=True)

    async def group_discard(self, group, channel):
        return await self._on_owner(super().group_discard, group, channel, reader=True)

    async def group_send(self, group, message):
        return await self._on_owner(super().group_send, group, message)

    async def flush(self):
        return await self._on_owner(super().flush)
