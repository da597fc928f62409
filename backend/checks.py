"""Deployment checks of our own, run by `manage.py check --deploy`."""

from django.conf import settings
from django.core.checks import Warning, register


@register(deploy=True)
def redis_configured(app_configs, **kwargs):
    if settings.REDIS_URL:
        return []
    return [
        Warning(
            "REDIS_URL is not set: live updates and rate limits stay inside one process.",
            hint="Set REDIS_URL when running more than one API process.",
            id="backend.W001",
        )
    ]
