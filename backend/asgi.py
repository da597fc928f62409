"""ASGI entry point: HTTP through Django, WebSocket GraphQL through Channels at /graphql/.

A composition root (with backend.schema and backend.urls): here the layers are put together,
so the API layer's WebSocket consumer is given the accounts app's sessions instead of importing
them (CONTRIBUTING.md, "Layers").
"""

import gc
import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "backend.settings")
django_asgi_app = get_asgi_application()

from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from django.urls import get_resolver, path  # noqa: E402

from backend.accounts.services.tokens import (  # noqa: E402
    access_token_authenticate,
    access_token_session_user,
)
from backend.body_limit import BodyLimitMiddleware  # noqa: E402
from backend.graphql.websocket import GraphQLWebSocketConsumer  # noqa: E402
from backend.schema import schema  # noqa: E402

# No origin check: the socket authenticates with a token in connection_init, never a cookie,
# so a page on another site gains nothing by opening one.
application = ProtocolTypeRouter(
    {
        # Oversized bodies are refused before Django reads (and spools) them.
        "http": BodyLimitMiddleware(django_asgi_app),
        "websocket": URLRouter(
            [
                path(
                    "graphql/",
                    GraphQLWebSocketConsumer.as_asgi(
                        schema=schema,
                        authenticate=access_token_authenticate,
                        session_user=access_token_session_user,
                    ),
                )
            ]
        ),
    }
)

# Everything loaded so far (Django, the URLconf and its views, the GraphQL schema) lives as long
# as the process. Frozen, the cyclic collector stops walking those objects again on every full
# collection: tens of milliseconds of a big request such as a district map.
get_resolver().url_patterns  # noqa: B018 - imports every view now, not at the first request
gc.freeze()
