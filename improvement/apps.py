from django.apps import AppConfig


class ImprovementConfig(AppConfig):
    name = "improvement"
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = "Improvement science"
