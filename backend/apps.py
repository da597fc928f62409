from django.apps import AppConfig


class BackendConfig(AppConfig):
    name = "backend"
    verbose_name = "Service"

    def ready(self):
        from . import checks  # noqa: F401 (registers the deployment checks)
