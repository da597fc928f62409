"""Routes of the credentials app, included by the root URLconf under `credentials/`."""

from django.urls import path

from . import views

app_name = "credentials"

urlpatterns = [
    path("packets/pdf/<str:token>", views.packet_pdf, name="packet-pdf"),
    path("packets/zip/<str:token>", views.packet_zip, name="packet-zip"),
    path("packets/json/<str:token>", views.packet_json, name="packet-json"),
]
