"""What resolvers see as `info.context`, over HTTP and over WebSocket alike."""

from django.contrib.auth.models import AnonymousUser


class GraphQLContext:
    """The caller (`user`, `access_token`), per-request dataloaders and, on a WebSocket,
    `listen(group)` to wait for events and `scope` (the ASGI scope: the caller's address)."""

    def __init__(self, *, user=None, access_token=None, request=None, listen=None, scope=None):
        self.user = user if user is not None else AnonymousUser()
        self.access_token = access_token
        self.request = request
        self.listen = listen
        self.scope = scope
        self.loaders: dict = {}
        # time.monotonic() past which a query stops (set by `execution.execute_prepared`).
        self.deadline: float | None = None
        # Fields a query has resolved so far (`execution.CostMeter`, set by execute_prepared).
        self.cost_meter = None

    @property
    def request_id(self) -> str:
        from backend.request_id import current_request_id

        return current_request_id()

    def loader(self, loader_class):
        """One dataloader instance per class per request, so batches span the whole query."""
        loader = self.loaders.get(loader_class)
        if loader is None:
            loader = self.loaders[loader_class] = loader_class(self)
        return loader
