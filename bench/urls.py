from django.urls import path

from . import baseline_views

urlpatterns = [
    path("me", baseline_views.me),
]
