"""One error format for the whole API: `{"code": str, "message": str, "fields": {field: [messages]}}`.

Services raise `innohub.core.errors.DomainError` subclasses; ninja raises its own errors for bad input
and failed authentication; pydantic raises ValidationError when a handler validates data itself;
Django raises Http404, PermissionDenied, ProtectedError and, for an oversized or malformed request,
RequestDataTooBig and other SuspiciousOperations. Every one of them is turned into the same JSON
shape here (405 and unknown paths are answered in config/api.py), with a message translated into the request's language
(LocaleMiddleware has already picked it from Accept-Language). Unexpected exceptions are logged and
answered with a bare `server_error`: no traceback ever leaves the server.
"""

from __future__ import annotations

import logging
from typing import Any

from django.core.exceptions import PermissionDenied, RequestDataTooBig, SuspiciousOperation
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError
from django.db.models import ProtectedError, RestrictedError
from django.http import Http404, HttpRequest, HttpResponse
from django.http.multipartparser import MultiPartParserError
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from ninja import NinjaAPI, Schema
from ninja.errors import HttpError
from ninja.errors import ValidationError as NinjaValidationError
from pydantic import ValidationError as PydanticValidationError

from innohub.core import db_outage
from innohub.core.errors import DomainError

logger = logging.getLogger("innohub.api")


class ErrorOut(Schema):
    """Every error response of the API."""

    code: str
    message: str
    fields: dict[str, list[str]] = {}


class NotAuthenticated(DomainError):
    code = "not_authenticated"
    status = 401
    default_message = _("Authentication credentials were not provided or are not valid.")


class CsrfFailed(DomainError):
    code = "csrf_failed"
    status = 403
    default_message = _(
        "The CSRF check failed. Send the X-CSRFToken header with session authentication, or use an API token."
    )


class BodyNotAnObject(ValueError):
    """Raised by the API's body parser (config/api.py) for JSON that is not an object.

    ninja wraps whatever the parser raises into a bare 400; `http_error` below recognises this cause and
    answers a 422 naming the problem instead. Without the check, ninja's schemas (which read attributes
    from any value) would take `"x"` or `[1]` as an empty object and fill in the defaults.
    """


class TextHasNul(ValueError):
    """Raised by the API's body parser (config/api.py) for a JSON string holding a NUL character, which
    PostgreSQL cannot store (psycopg refuses it with a ValueError: a 500 before this check)."""


def has_nul(value: Any) -> bool:
    """Whether a parsed JSON value (or a query dict's lists) holds a NUL character in a key or a string."""
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(has_nul(k) or has_nul(v) for k, v in value.items())
    if isinstance(value, list | tuple):
        return any(has_nul(v) for v in value)
    return False


def nul_response(api: NinjaAPI, request: HttpRequest) -> HttpResponse:
    return error_response(
        api,
        request,
        422,
        "validation_error",
        _("Some fields are not valid."),
        {"__all__": [str(_("Text must not contain NUL characters."))]},
    )


# Status codes ninja (or Django) signal without a domain error, mapped to our codes and messages.
_HTTP_CODES: dict[int, tuple[str, Any]] = {
    400: ("bad_request", _("The request could not be read. Send valid JSON.")),
    401: ("not_authenticated", NotAuthenticated.default_message),
    403: ("forbidden", _("You do not have permission to do this.")),
    404: ("not_found", _("Not found.")),
    405: ("method_not_allowed", _("This method is not allowed here.")),
    409: ("conflict", _("This request conflicts with the current state of the record.")),
    413: ("too_large", _("The request body is too large.")),
    429: ("rate_limited", _("Too many requests. Try again later.")),
}

# Translated messages for the pydantic error types a client meets most; others keep pydantic's text.
_VALIDATION_MESSAGES: dict[str, Any] = {
    "missing": _("This field is required."),
    "string_type": _("Enter a text value."),
    "string_too_short": _("This value is too short."),
    "string_too_long": _("This value is too long."),
    "int_parsing": _("Enter a whole number."),
    "int_type": _("Enter a whole number."),
    "int_from_float": _("Enter a whole number."),
    "float_parsing": _("Enter a number."),
    "decimal_parsing": _("Enter a number."),
    "bool_parsing": _("Enter true or false."),
    "greater_than_equal": _("Ensure this value is greater than or equal to %(ge)s."),
    "greater_than": _("Ensure this value is greater than %(gt)s."),
    "less_than_equal": _("Ensure this value is less than or equal to %(le)s."),
    "less_than": _("Ensure this value is less than %(lt)s."),
    "literal_error": _("Choose one of: %(expected)s."),
    "enum": _("Choose one of: %(expected)s."),
    "list_type": _("Enter a list of values."),
    "dict_type": _("Enter an object."),
    "datetime_parsing": _("Enter a date and time (ISO 8601)."),
    "datetime_from_date_parsing": _("Enter a date and time (ISO 8601)."),
    "date_parsing": _("Enter a date (YYYY-MM-DD)."),
    "uuid_parsing": _("Enter a valid UUID."),
    "url_parsing": _("Enter a valid URL."),
    "extra_forbidden": _("This field is not accepted."),
}

#: names of handler parameters that carry a request body; they are dropped from error field paths
BODY_PARAM_NAMES = {"payload"}

#: the class name ninja gives the models it validates a handler's *answer* with (ninja/operation.py)
NINJA_RESPONSE_MODEL = "NinjaResponseSchema"


def error_body(code: str, message: Any, fields: dict[str, list[str]] | None = None) -> dict[str, Any]:
    return {
        "code": code,
        "message": str(message),
        "fields": {k: [str(m) for m in v] for k, v in (fields or {}).items()},
    }


def error_response(
    api: NinjaAPI,
    request: HttpRequest,
    status: int,
    code: str,
    message: Any,
    fields: dict[str, list[str]] | None = None,
) -> HttpResponse:
    response = api.create_response(request, error_body(code, message, fields), status=status)
    if status == 401:
        response["WWW-Authenticate"] = 'Bearer realm="api"'
    return response


def _field_path(loc: list[Any] | tuple[Any, ...]) -> str:
    parts = list(loc)
    if parts and parts[0] in ("body", "query", "path", "header", "cookie", "form", "file"):
        parts = parts[1:]
    if parts and parts[0] in BODY_PARAM_NAMES:
        parts = parts[1:]
    return ".".join(str(p) for p in parts) or "__all__"


def _validation_message(error: dict[str, Any]) -> str:
    template = _VALIDATION_MESSAGES.get(error.get("type", ""))
    if template is None:
        msg = str(error.get("msg", "")) or gettext("Enter a valid value.")
        # pydantic prefixes custom ValueErrors with "Value error, "; the rest is our own (translated) text
        return msg.removeprefix("Value error, ")
    ctx = {k: str(v) for k, v in (error.get("ctx") or {}).items()}
    try:
        return str(template) % ctx if "%(" in str(template) else str(template)
    except (KeyError, ValueError):
        return str(error.get("msg", template))


def validation_fields(errors: list[dict[str, Any]]) -> dict[str, list[str]]:
    fields: dict[str, list[str]] = {}
    for error in errors:
        fields.setdefault(_field_path(error.get("loc", ())), []).append(_validation_message(error))
    return fields


def install_error_handlers(api: NinjaAPI) -> None:
    """Replace ninja's default handlers. The most specific class in an exception's MRO wins."""

    def domain(request: HttpRequest, exc: Any) -> HttpResponse:
        response = error_response(api, request, exc.status, exc.code, exc.message, exc.fields)
        retry_after = getattr(exc, "retry_after", None)  # core.ratelimit.RateLimited (429)
        if retry_after is not None:
            response["Retry-After"] = str(retry_after)
        return response

    def invalid_input(request: HttpRequest, exc: Any) -> HttpResponse:
        return error_response(
            api,
            request,
            422,
            "validation_error",
            _("Some fields are not valid."),
            validation_fields(list(exc.errors)),
        )

    def pydantic_invalid(request: HttpRequest, exc: Any) -> HttpResponse:
        # An answer that fails its own response schema is our bug, not the caller's: a 500.
        if exc.title == NINJA_RESPONSE_MODEL:
            return unexpected(request, exc)
        return error_response(
            api,
            request,
            422,
            "validation_error",
            _("Some fields are not valid."),
            validation_fields(list(exc.errors())),
        )

    def too_large(request: HttpRequest, exc: Any) -> HttpResponse:
        return error_response(api, request, 413, "too_large", _HTTP_CODES[413][1])

    def suspicious(request: HttpRequest, exc: Any) -> HttpResponse:
        logger.warning("Suspicious API request on %s: %s", request.path, exc)
        return error_response(api, request, 400, "bad_request", _("The request could not be read."))

    def unreadable(request: HttpRequest, exc: Any) -> HttpResponse:
        # e.g. `Content-Type: multipart/form-data` without a boundary, met when the CSRF check reads
        # request.POST: the caller's mistake, not ours.
        return error_response(api, request, 400, "bad_request", _("The request could not be read."))

    def django_invalid(request: HttpRequest, exc: Any) -> HttpResponse:
        if hasattr(exc, "error_dict"):
            fields = {k: [str(m) for e in v for m in e.messages] for k, v in exc.error_dict.items()}
        else:
            fields = {"__all__": [str(m) for m in exc.messages]}
        return error_response(api, request, 422, "validation_error", _("Some fields are not valid."), fields)

    def not_found(request: HttpRequest, exc: Any) -> HttpResponse:
        return error_response(api, request, 404, "not_found", _("Not found."))

    def denied(request: HttpRequest, exc: Any) -> HttpResponse:
        return error_response(api, request, 403, "forbidden", _("You do not have permission to do this."))

    def protected(request: HttpRequest, exc: Any) -> HttpResponse:
        return error_response(
            api,
            request,
            409,
            "protected",
            _("This record is still used by other records and cannot be deleted."),
        )

    def integrity(request: HttpRequest, exc: Any) -> HttpResponse:
        logger.warning("API integrity error: %s", exc)
        return error_response(
            api, request, 409, "conflict", _("This change conflicts with data that already exists.")
        )

    def http_error(request: HttpRequest, exc: Any) -> HttpResponse:
        if isinstance(exc.__cause__, BodyNotAnObject):
            return error_response(
                api,
                request,
                422,
                "validation_error",
                _("Some fields are not valid."),
                {"__all__": [str(_("Send a JSON object."))]},
            )
        if isinstance(exc.__cause__, TextHasNul):
            return nul_response(api, request)
        code, message = _HTTP_CODES.get(exc.status_code, ("error", _("The request could not be processed.")))
        return error_response(api, request, exc.status_code, code, message)

    def unavailable(request: HttpRequest, exc: Any) -> HttpResponse:
        # The database went away (restart, failover): a 503 the client may retry (core/db_outage.py).
        logger.error("Database unavailable on API %s %s", request.method, request.path, exc_info=exc)
        response = error_response(api, request, 503, "service_unavailable", db_outage.MESSAGE)
        response["Retry-After"] = str(db_outage.RETRY_AFTER_SECONDS)
        return response

    def unexpected(request: HttpRequest, exc: Any) -> HttpResponse:
        logger.exception("Unhandled API error on %s %s", request.method, request.path, exc_info=exc)
        return error_response(
            api, request, 500, "server_error", _("Something went wrong on our side. Please try again later.")
        )

    api.add_exception_handler(DomainError, domain)
    api.add_exception_handler(NinjaValidationError, invalid_input)
    api.add_exception_handler(PydanticValidationError, pydantic_invalid)
    api.add_exception_handler(RequestDataTooBig, too_large)
    api.add_exception_handler(SuspiciousOperation, suspicious)
    api.add_exception_handler(MultiPartParserError, unreadable)
    api.add_exception_handler(DjangoValidationError, django_invalid)
    api.add_exception_handler(Http404, not_found)
    api.add_exception_handler(PermissionDenied, denied)
    api.add_exception_handler(ProtectedError, protected)
    api.add_exception_handler(RestrictedError, protected)
    api.add_exception_handler(IntegrityError, integrity)
    api.add_exception_handler(HttpError, http_error)
    for outage in db_outage.OUTAGE_ERRORS:
        api.add_exception_handler(outage, unavailable)
    api.add_exception_handler(Exception, unexpected)


# Responses every operation may give; listed in the OpenAPI document through `errors()`.
def errors(*statuses: int) -> dict[int, type[ErrorOut]]:
    return dict.fromkeys(statuses, ErrorOut)


_UNSAFE_METHODS = ("post", "put", "patch", "delete")
_STATUS_DESCRIPTIONS = {
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden",
    413: "Content Too Large",
    422: "Unprocessable Content",
}


def infrastructure_statuses(method: str, operation: dict[str, Any]) -> set[int]:
    """The error statuses any operation may answer before its handler runs, whatever the handler says:

    * 401 — a malformed, unknown, expired or revoked token, even where anonymous callers may read;
    * 403 — a read-scope token, a failed CSRF check or a token on a session-only operation (writes);
    * 400 — an unreadable body (invalid JSON, multipart without a boundary) on a write;
    * 413 — a body over DATA_UPLOAD_MAX_MEMORY_SIZE;
    * 422 — a parameter or body that does not validate.
    """
    statuses: set[int] = set()
    if any(requirement for requirement in operation.get("security", [])):
        statuses.add(401)
    if method in _UNSAFE_METHODS:
        statuses |= {400, 403}
    if "requestBody" in operation:
        statuses |= {400, 413, 422}
    if operation.get("parameters"):
        statuses.add(422)
    return statuses


def document_infrastructure_errors(schema: dict[str, Any]) -> dict[str, Any]:
    """Add the `infrastructure_statuses` an operation does not list yet to its OpenAPI responses, so
    the document names every status a client can meet (checked by tests/fuzz)."""
    for methods in schema.get("paths", {}).values():
        for method, operation in methods.items():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            responses = operation["responses"]
            listed = {int(status) for status in responses}
            for status in sorted(infrastructure_statuses(method, operation) - listed):
                responses[status] = {
                    "description": _STATUS_DESCRIPTIONS[status],
                    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorOut"}}},
                }
    return schema
