"""The root URLconf with the networks routes, for tests until backend/urls.py includes them."""

from django.urls import include, path

from backend.urls import urlpatterns as root_patterns

urlpatterns = list(root_patterns)
if not any(getattr(p, "namespace", None) == "networks" for p in urlpatterns):
    urlpatterns.append(path("networks/", include("networks.urls")))
