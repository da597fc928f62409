"""The API with the benchmark's hand-written twins mounted, as the benchmark's server has it."""

from django.urls import include, path

from backend.urls import urlpatterns as api

urlpatterns = [*api, path("bench/baseline/", include("bench.urls"))]
