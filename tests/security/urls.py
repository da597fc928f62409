"""The root URLconf with every app's plain HTTP routes (photo links, map pictures, feeds), for
tests until backend/urls.py includes them all."""

from django.urls import include, path

from backend.urls import urlpatterns as root_patterns

urlpatterns = list(root_patterns)
for prefix, module in (
    ("observations/", "observations.urls"),
    ("networks/", "networks.urls"),
):
    namespace = module.split(".")[0]
    if not any(getattr(p, "namespace", None) == namespace for p in urlpatterns):
        urlpatterns.append(path(prefix, include(module)))
