"""The one relaxation of the Content-Security-Policy (settings CONTENT_SECURITY_POLICY): the staff admin.

django-unfold draws the admin with Alpine.js, whose standard build evaluates its `x-data` expressions
with `new Function`: without 'unsafe-eval' the admin's menus, theme and filters stop working. Only
/ops/admin/ (staff only) gets it; inline scripts stay forbidden there too, and every other page keeps
script-src 'self'. The API docs need nothing: ninja's Swagger page loads its scripts from static files.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache

from django.http import HttpRequest, HttpResponseBase
from django.urls import reverse

ADMIN_SCRIPT_SOURCES = {"script-src": ["'unsafe-eval'"]}


@cache
def admin_prefix() -> str:
    return reverse("admin:index")


class AdminPolicyMiddleware:
    """Goes after csp.middleware.CSPMiddleware, which reads the update from the response."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        if request.path_info.startswith(admin_prefix()):
            response._csp_update = ADMIN_SCRIPT_SOURCES  # type: ignore[attr-defined]
        return response
