"""Routes of the networks app, included by the root URLconf under `networks/`:

path("networks/", include("networks.urls")),
"""

from django.urls import path

from . import views

app_name = "networks"

urlpatterns = [
    path("maps/<str:token>", views.map_image, name="map-image"),
    path("map-data/<str:token>", views.map_download, name="map-download"),
]
