from django.apps import AppConfig


class SurveysConfig(AppConfig):
    name = "surveys"

    def ready(self):
        from notifications import periodic

        from . import checks  # noqa: F401 (registers the deployment checks)
        from .jobs import SURVEY_OPENING_SECONDS, open_closed_surveys

        # The reminder worker runs it between rounds (notifications sits below surveys).
        periodic.register("surveys.open", open_closed_surveys, every_seconds=SURVEY_OPENING_SECONDS)
