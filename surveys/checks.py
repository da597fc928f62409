"""Deployment checks of the surveys app, run by `manage.py check --deploy`."""

from django.conf import settings
from django.core.checks import Error, register
from django.core.exceptions import ImproperlyConfigured


@register(deploy=True)
def sealing_key_configured(app_configs, **kwargs):
    """Without its key no response can be submitted (nor a closed survey opened)."""
    if settings.DEBUG:
        return []
    if not settings.SURVEY_SEALING_KEY:
        return [
            Error(
                "SURVEY_SEALING_KEY is not set: survey responses cannot be sealed.",
                hint="Generate one with `manage.py survey_sealing_key` and keep it outside the "
                "database and its backups.",
                id="surveys.E001",
            )
        ]
    from .sealing import _keys

    try:
        _keys()
    except ImproperlyConfigured as exc:
        return [Error(str(exc), id="surveys.E002")]
    return []
