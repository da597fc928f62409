"""The push back-end named by the settings (PUSH_BACKEND: console, memory or fcm)."""

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from .push import ConsoleBackend, MemoryBackend, PushBackend


def push_backend_from_settings(
    name: str | None = None, *, max_connections: int | None = None
) -> PushBackend:
    """`max_connections` sizes the FCM connection pool: batch size x sender threads."""
    name = name or settings.NOTIFICATIONS_PUSH_BACKEND
    if name == "console":
        return ConsoleBackend()
    if name == "memory":
        return MemoryBackend()
    if name == "fcm":
        if not settings.FIREBASE_CREDENTIALS_FILE:
            raise ImproperlyConfigured(
                "PUSH_BACKEND=fcm needs FIREBASE_CREDENTIALS_FILE: the path of the Firebase "
                "service-account JSON (see notifications/README.md)."
            )
        from .push import FCMBackend

        return FCMBackend(
            settings.FIREBASE_CREDENTIALS_FILE,
            fcm_base_url=settings.FCM_BASE_URL or None,
            http_timeout=settings.FCM_HTTP_TIMEOUT_SECONDS,
            batch_size=min(settings.NOTIFICATIONS_WORKER["batch_size"], 500),
            max_connections=max_connections,
            transport=settings.FCM_TRANSPORT,
            proxy_url=settings.FCM_PROXY_URL or None,
            ca_file=settings.FCM_CA_BUNDLE or None,
        )
    raise ImproperlyConfigured(f"Unknown push back-end {name!r}: use console, memory or fcm.")
