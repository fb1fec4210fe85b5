"""The database went away during a request (a restart, a failover, a killed connection).

The page says so — a translated 503 with Retry-After — instead of the generic 500, and the API answers
`{"code": "service_unavailable", …}` (core/api/errors.py). Nothing else is needed to recover: Django
closes a connection that raised at the end of the request, and CONN_HEALTH_CHECKS (settings/base.py)
replaces a persistent connection that died between requests before it is used, so the next request
works as soon as the database is back.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template import loader
from django.utils.translation import gettext_lazy as _

logger = logging.getLogger("innohub.db_outage")

#: seconds a client is told to wait before trying again
RETRY_AFTER_SECONDS = 10
OUTAGE_ERRORS = (OperationalError, InterfaceError)
MESSAGE = _("The service is briefly unavailable. Please try again in a moment.")


def service_unavailable(request: HttpRequest) -> HttpResponse:
    accept = request.headers.get("Accept", "")
    if request.path.startswith("/api/") or ("application/json" in accept and "text/html" not in accept):
        response: HttpResponse = JsonResponse(
            {"code": "service_unavailable", "message": str(MESSAGE), "fields": {}}, status=503
        )
    else:
        # No request context: the context processors could need the database that just failed.
        response = HttpResponse(loader.get_template("503.html").render({"message": MESSAGE}), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


class DatabaseUnavailableMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, OUTAGE_ERRORS):
            return None
        logger.error("database unavailable on %s %s", request.method, request.path, exc_info=exception)
        return service_unavailable(request)
