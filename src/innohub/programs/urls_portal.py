"""Public pages of calls for applications and published results (mounted in the portal namespace)."""

from django.urls import URLPattern, URLResolver, path

from innohub.programs.views import portal

urlpatterns: list[URLPattern | URLResolver] = [
    path("", portal.call_list, name="calls"),
    path("<slug:slug>/", portal.call_detail, name="call-detail"),
]

# Published results of a call (review helper: programs/views/results.py).
from innohub.programs.views import results as _results  # noqa: E402

urlpatterns += [path("<slug:call_slug>/results/", _results.call_results, name="call-results")]
