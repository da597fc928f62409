"""Include in backend/urls.py as: path("cohorts/", include("cohorts.urls"))."""

from django.urls import path

from . import views

app_name = "cohorts"

urlpatterns = [
    path(
        "meetings/agenda/<str:token>/",
        views.printable_agenda,
        name="printable-agenda",
    ),
]
