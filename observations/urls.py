"""Routes of the observations app. Include in backend/urls.py as:

path("observations/", include("observations.urls")),
"""

from django.urls import path, re_path

from backend import signed_links

from . import views

app_name = "observations"

urlpatterns = [
    # Only a link's token leads to a file: no storage name, no listing, ever.
    path("photos/<str:token>.jpg", views.photo_file, name="photo-file"),
    # The tool kinds' JSON Schemas, as committed under schema/tool-kinds/.
    re_path(
        r"^tool-kinds/(?P<name>[a-z_]+\.(?:definition|entry)\.json)$",
        views.tool_kind_schema,
        name="tool-kind-schema",
    ),
    path("calendar/<str:secret>.ics", views.calendar_feed, name="calendar-feed"),
    # Anything else in the links' folders is a link that does not exist, answered as such.
    re_path(r"^(?:photos|calendar)/[^/]+$", signed_links.not_found),
]
