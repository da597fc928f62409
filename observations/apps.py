from django.apps import AppConfig
from django.db import connections
from django.db.models.signals import post_migrate


def _seed_tool_library(sender, using="default", **kwargs):
    # Reference data: present after every migrate and after a test database flush.
    from .models import Tool
    from .services.tools import tool_library_sync

    if Tool._meta.db_table not in connections[using].introspection.table_names():
        return  # migrated backwards past the tools table
    tool_library_sync()


class ObservationsConfig(AppConfig):
    name = "observations"

    def ready(self):
        post_migrate.connect(
            _seed_tool_library, sender=self, dispatch_uid="observations.tool_library"
        )
