"""The site's urls plus /bench/bare/: a view returning a fixed page, the baseline of benchmarks/portal.py.

The baseline runs through the same middleware stack in the same server, so the ratio measures what the
directory page and the API add on top of Django itself (queries, serialisation, templates)."""

from django.http import HttpRequest, HttpResponse
from django.urls import URLPattern, URLResolver, path

from innohub.config.urls import urlpatterns as site_urlpatterns

ROW = "<tr><td>Công ty Cổ phần Công nghệ Sáng Tạo</td><td>startup</td><td>Hà Nội</td></tr>\n"
BARE_PAGE = ("<!doctype html><html><body><table>\n" + ROW * 20 + "</table></body></html>\n").encode()


def bare(request: HttpRequest) -> HttpResponse:
    return HttpResponse(BARE_PAGE, content_type="text/html; charset=utf-8")


urlpatterns: list[URLPattern | URLResolver] = [
    path("bench/bare/", bare, name="bench-bare"),
    *site_urlpatterns,
]
