"""Small helpers the workspace views share: the 403 page and domain errors onto forms.

Unknown and invisible records are the same 404 (Http404); a visible record the user may not act on is
a 403 page that says so in the user's language.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from innohub.core.errors import DomainError, Forbidden


def forbidden(request: HttpRequest, message: Any = None) -> HttpResponse:
    return render(
        request,
        "accounts/forbidden.html",
        {"message": message or Forbidden.default_message},
        status=403,
    )


def apply_domain_error(
    form: forms.BaseForm, exc: DomainError, aliases: Mapping[str, str] | None = None
) -> None:
    """Put a service's per-field messages on the matching form fields (service field names may differ
    from form field names: `aliases` maps them) and its main message on the form."""
    aliases = aliases or {}
    for key, messages in (exc.fields or {}).items():
        name = aliases.get(key, key)
        target = name if name in form.fields else None
        for message in messages:
            form.add_error(target, str(message))
    default = str(type(exc).default_message)
    if str(exc.message) != default or not exc.fields:
        form.add_error(None, str(exc.message))


def error_status(exc: DomainError) -> int:
    """Form re-renders use 200 for validation problems (browsers and HTMX expect it) and the domain
    status for conflicts and state errors."""
    return 200 if exc.status in (400, 422) else exc.status
