from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _seed_protocol_library(sender, using="default", **kwargs):
    # Reference data, like contenttypes: present after every migrate and after a test flush.
    from .protocol_library import protocol_library_seed

    protocol_library_seed()


class CohortsConfig(AppConfig):
    name = "cohorts"

    def ready(self):
        post_migrate.connect(
            _seed_protocol_library, sender=self, dispatch_uid="cohorts.protocol_library"
        )
