from django.urls import path

from . import baseline_views

urlpatterns = [
    path("me", baseline_views.me),
    path("my-week", baseline_views.my_week),
    path("cohort/<int:pk>", baseline_views.cohort),
    path("survey-report/<int:pk>", baseline_views.survey_report),
    path("inbox", baseline_views.inbox),
    path("network-map/district/<int:pk>", baseline_views.network_map),
]
