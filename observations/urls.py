"""Routes of the observations app. Include in backend/urls.py as:

path("observations/", include("observations.urls")),
"""

from django.urls import path, re_path

from . import views

app_name = "observations"

urlpatterns = [
    # Only a signed token leads to a file: no storage name, no listing, ever.
    path("photos/<str:token>.jpg", views.photo_file, name="photo-file"),
    # The tool kinds' JSON Schemas, as committed under schema/tool-kinds/.
    re_path(
        r"^tool-kinds/(?P<name>[a-z_]+\.(?:definition|entry)\.json)$",
        views.tool_kind_schema,
        name="tool-kind-schema",
    ),
    re_path(
        r"^calendar/(?P<secret>[A-Za-z0-9_-]{43})\.ics$",
        views.calendar_feed,
        name="calendar-feed",
    ),
]
