"""The `/graphql/` endpoint, following the GraphQL-over-HTTP specification.

POST with `application/json` for everything, GET for queries only. Responses are
`application/graphql-response+json` when the client accepts it (then a request that could not
be executed gets a 4xx status), otherwise `application/json` with status 200 for any
well-formed GraphQL request. Batching is off: one operation per request.
"""

import json
import logging
from functools import partial

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse
from django.utils.decorators import method_decorator
from django.views import View
from django.views.decorators.csrf import csrf_exempt

from backend.json_bytes import json_bytes

from . import pipeline
from .context import GraphQLContext
from .errors import HttpError
from .pipeline import OperationRequest, Refusal
from .uploads import place_files

logger = logging.getLogger("backend.graphql")

GRAPHQL_RESPONSE = "application/graphql-response+json"
JSON = "application/json"


def negotiate(request: HttpRequest) -> str | None:
    """Pick the response media type from Accept; None when we can offer nothing it takes."""
    accept = request.headers.get("Accept", "")
    if not accept.strip():
        return JSON
    offered = []
    for part in accept.split(","):
        media, *params = (p.strip() for p in part.split(";"))
        quality = 1.0
        for param in params:
            if param.startswith("q="):
                try:
                    quality = float(param[2:])
                except ValueError:
                    quality = 0.0
        offered.append((media.lower(), quality))
    best = None
    for media, quality in sorted(offered, key=lambda item: -item[1]):
        if quality <= 0:
            continue
        if media == GRAPHQL_RESPONSE:
            best = GRAPHQL_RESPONSE
        elif media in (JSON, "application/*", "*/*"):
            best = JSON
        if best:
            return best
    return None


@method_decorator(csrf_exempt, name="dispatch")
class GraphQLView(View):
    """Sync on purpose: the ORM is sync, so an async view would only add thread hops."""

    schema = None
    http_method_names = ["get", "post", "options"]

    def dispatch(self, request, *args, **kwargs):
        if request.method == "GET" and self._wants_graphiql(request):
            return self._graphiql(request)
        media_type = negotiate(request)
        if media_type is None:
            return self._error_response(
                HttpError(406, f"Accept {GRAPHQL_RESPONSE} or {JSON}.", "NOT_ACCEPTABLE"), JSON
            )
        try:
            if request.method == "OPTIONS":
                response = HttpResponse(status=204)
                response["Allow"] = "GET, POST, OPTIONS"
                return response
            if request.method not in ("GET", "POST"):
                raise HttpError(
                    405, "Use GET or POST.", "METHOD_NOT_ALLOWED", {"Allow": "GET, POST"}
                )
            params = self._params(request)
            return self._run(request, params, media_type)
        except HttpError as error:
            return self._error_response(error, media_type)

    # --- request parsing ---------------------------------------------------------------
    def _params(self, request: HttpRequest) -> dict:
        if request.method == "GET":
            params = {key: request.GET.get(key) for key in ("query", "operationName")}
            for key in ("variables", "extensions"):
                raw = request.GET.get(key)
                params[key] = self._decode_json(raw, key) if raw else None
        else:
            content_type = request.content_type.lower()
            try:
                if content_type == "multipart/form-data":
                    params = place_files(request)
                elif content_type == JSON:
                    params = self._decode_json(request.body, "body")
                else:
                    raise HttpError(
                        415,
                        "Send the operation as application/json "
                        "(or multipart/form-data for file uploads).",
                        "UNSUPPORTED_MEDIA_TYPE",
                    )
            except RequestDataTooBig as exc:
                raise HttpError(413, "The request body is too large.", "PAYLOAD_TOO_LARGE") from exc
        if isinstance(params, list):
            raise HttpError(400, "Batched operations are not supported; send one at a time.")
        if not isinstance(params, dict):
            raise HttpError(400, "The body must be a JSON object with a `query`.")
        query = params.get("query")
        extensions = params.get("extensions")
        if extensions is not None and not isinstance(extensions, dict):
            raise HttpError(400, "`extensions` must be a JSON object.")
        persisted_hash_only = query is None and bool(extensions) and "persistedQuery" in extensions
        # A hash alone (Apollo's automatic persisted queries) is resolved by the pipeline
        # (persisted.py), for HTTP and WebSocket alike.
        if not persisted_hash_only and (not isinstance(query, str) or not query.strip()):
            raise HttpError(400, "`query` must be a non-empty string.")
        operation_name = params.get("operationName")
        if operation_name is not None and not isinstance(operation_name, str):
            raise HttpError(400, "`operationName` must be a string.")
        variables = params.get("variables")
        if variables is not None and not isinstance(variables, dict):
            raise HttpError(400, "`variables` must be a JSON object.")
        return {
            "query": query,
            "operationName": operation_name,
            "variables": variables,
            "extensions": extensions,
        }

    @staticmethod
    def _decode_json(raw, what: str):
        try:
            return json.loads(raw)
        except (TypeError, ValueError, UnicodeDecodeError) as exc:
            raise HttpError(400, f"The {what} is not valid JSON.") from exc

    # --- execution: the pipeline both transports share (pipeline.py) ----------------------
    def _run(self, request, params, media_type):
        operation = OperationRequest(
            params["query"], params["operationName"], params["variables"], params["extensions"]
        )
        context = GraphQLContext(
            user=request.user,
            access_token=getattr(request, "access_token", None),
            request=request,
        )
        try:
            prepared = pipeline.admit(
                self.schema, operation, context, allow=partial(self._carries, request)
            )
        except Refusal as refusal:
            status = refusal.status if media_type == GRAPHQL_RESPONSE else refusal.status_as_json
            response = self._respond({"errors": refusal.errors}, status, media_type)
            for header, value in refusal.headers.items():
                response[header] = value
            return response
        answer = pipeline.execute(self.schema, prepared, operation, context)
        return self._respond(answer.payload, answer.status, media_type)

    @staticmethod
    def _carries(request, prepared) -> None:
        """HTTP's own rule on kinds: subscriptions need the WebSocket, writes need POST."""
        if prepared.kind == "subscription":
            raise pipeline.refusal(
                "Subscriptions run over the WebSocket at this same path.", "BAD_REQUEST", status=405
            )
        if request.method == "GET" and prepared.kind != "query":
            raise pipeline.refusal(
                "Mutations must be sent with POST.",
                "METHOD_NOT_ALLOWED",
                status=405,
                headers={"Allow": "POST"},
            )

    def _respond(self, payload: dict, status: int, media_type: str) -> HttpResponse:
        body = json_bytes(payload)
        return HttpResponse(body, status=status, content_type=f"{media_type}; charset=utf-8")

    def _error_response(self, error: HttpError, media_type: str) -> HttpResponse:
        body = {"errors": [{"message": str(error), "extensions": {"code": error.code}}]}
        response = self._respond(body, error.status, media_type)
        for header, value in error.headers.items():
            response[header] = value
        return response

    # --- GraphiQL in development ---------------------------------------------------------
    @staticmethod
    def _wants_graphiql(request) -> bool:
        accept = request.headers.get("Accept", "")
        return settings.GRAPHIQL and "text/html" in accept and "query" not in request.GET

    @staticmethod
    def _graphiql(request):
        from graphene_django.views import GraphQLView as GrapheneView

        page = GrapheneView.as_view(graphiql=True, subscription_path=request.path)
        return page(request)
