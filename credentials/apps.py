from django.apps import AppConfig


class CredentialsConfig(AppConfig):
    name = "credentials"
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = "Micro-credentials"

    def ready(self):
        from notifications import periodic

        from .jobs import PROGRESS_WATCH_SECONDS, progress_watch

        # The reminder worker runs it between rounds (notifications sits below credentials).
        periodic.register(
            "credentials.progress", progress_watch, every_seconds=PROGRESS_WATCH_SECONDS
        )
