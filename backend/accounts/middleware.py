"""Authenticate API requests from `Authorization: Bearer <token>`.

The API takes no session cookies, so it needs no CSRF token and a browser page cannot act for a
signed-in teacher. The admin keeps Django's sessions.
"""

from .services.tokens import access_token_authenticate

# Paths authenticated by bearer token only (no session cookie): the API and the benchmark's
# hand-written twins of it.
API_PREFIXES = ("/graphql", "/bench/baseline/")


class BearerTokenMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.access_token = None
        header = request.headers.get("Authorization", "")
        if request.path.startswith(API_PREFIXES):
            from django.contrib.auth.models import AnonymousUser

            request.user = AnonymousUser()
            scheme, _, raw = header.partition(" ")
            if scheme.lower() == "bearer" and raw.strip():
                found = access_token_authenticate(raw_token=raw.strip())
                if found is None:
                    return _unauthenticated(request)
                request.user, request.access_token = found
        return self.get_response(request)


def _unauthenticated(request):
    import json

    from django.http import HttpResponse

    body = {
        "errors": [
            {
                "message": "The token is invalid, expired or revoked. Sign in again.",
                "extensions": {"code": "UNAUTHENTICATED"},
            }
        ]
    }
    response = HttpResponse(json.dumps(body), status=401, content_type="application/json")
    response["WWW-Authenticate"] = 'Bearer error="invalid_token"'
    return response
