"""The project's URLs plus the cohorts app's, as backend/urls.py will include them."""

from django.urls import include, path

from backend.urls import urlpatterns as project_urlpatterns

urlpatterns = [*project_urlpatterns, path("cohorts/", include("cohorts.urls"))]
