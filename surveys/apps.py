from django.apps import AppConfig


class SurveysConfig(AppConfig):
    name = "surveys"

    def ready(self):
        from notifications import periodic

        from . import checks  # noqa: F401 (registers the deployment checks)
        from .jobs import SURVEY_OPENING_SECONDS, open_closed_surveys

        # The reminder worker runs it between rounds (notifications sits below surveys).
        periodic.register("surveys.open", open_closed_surveys, every_seconds=SURVEY_OPENING_SECONDS)

        import logging

        from .student_pages import StudentPagesLogFilter

        # The server's access log would tie a student's address to the code in the address
        # they opened and to the minute they answered: it keeps no line for their pages.
        # A filter on the logger (not a handler) outlives uvicorn configuring its handlers.
        logging.getLogger("uvicorn.access").addFilter(StudentPagesLogFilter())
