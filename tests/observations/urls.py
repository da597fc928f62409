"""The root URLconf with the observations routes, for tests until backend/urls.py includes
them (`path("observations/", include("observations.urls"))`)."""

from django.urls import include, path

from backend.urls import urlpatterns as root_patterns

urlpatterns = list(root_patterns)
if not any(getattr(p, "namespace", None) == "observations" for p in urlpatterns):
    urlpatterns.append(path("observations/", include("observations.urls")))
