"""Routes of the improvement app, included by the root URLconf under `improvement/`."""

from django.urls import path

from . import views

app_name = "improvement"

urlpatterns = [
    path("charts/<str:token>", views.run_chart_image, name="run-chart-image"),
    path("library/photos/<str:token>", views.library_photo, name="library-photo"),
]
