"""Rate limits counted in Django's cache: one helper for the API and, later, the public forms.

A limit is a named scope with a rate in settings.INNOHUB_RATE_LIMITS (``"10/h"``: ten hits per
fixed hour window; periods ``s``, ``m``, ``h``, ``d``, optionally with a count: ``"5/10m"``) and a key
saying who is counted (``"user:42"``, ``"token:7"``, ``ip_key(request)``). Over the limit,
`check_rate` raises `RateLimited` — a DomainError, so the API answers it as
``429 {"code": "rate_limited", "message": …, "fields": {}}`` with a ``Retry-After`` header
(core/api/errors.py).

Where it is used:

* ``api_token_create`` — POST /api/v1/accounts/tokens, per user (accounts/api.py);
* ``api_anonymous`` — anonymous API reads, per client address; ``api_write`` — unsafe API methods, per
  token or per signed-in user (core/api/auth.py). Anonymous reads answered from the short-lived API
  cache (core/api/cache.py) are not counted: they cost nothing.

Sign-in and sign-up are limited by allauth (ACCOUNT_RATE_LIMITS) and django-axes, not here.

For an HTML form (the feedback form, for example), call `check_rate` in the view before the service
and turn the exception into a form error, or wrap the view with `ratelimit`, which answers a plain 429
with ``Retry-After``::

    try:
        check_rate("feedback", ip_key(request))
    except RateLimited as exc:
        form.add_error(None, exc.message)

Counters are fixed windows (a burst of up to twice the rate is possible across a window boundary:
simple and cheap, two cache calls per hit). Tests turn limits on with
``override_settings(INNOHUB_RATE_LIMITS_ENABLED=True, INNOHUB_RATE_LIMITS={...})``.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _

from innohub.core.errors import DomainError

_PERIODS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
_RATE = re.compile(r"^\s*(\d+)\s*/\s*(\d*)\s*([smhd])\s*$")


class RateLimited(DomainError):
    code = "rate_limited"
    status = 429
    default_message = _("Too many requests. Try again in %(seconds)s seconds.")

    def __init__(self, retry_after: int, message: Any = None) -> None:
        self.retry_after = max(1, int(retry_after))
        super().__init__(message or (self.default_message % {"seconds": self.retry_after}))


def parse_rate(rate: str) -> tuple[int, int]:
    """``"10/m"`` → (10, 60); ``"5/10m"`` → (5, 600)."""
    match = _RATE.match(rate)
    if match is None:
        raise ValueError(f"Rate {rate!r} is not of the form 'count/period', e.g. '10/m' or '5/10m'.")
    count, multiplier, unit = match.groups()
    return int(count), int(multiplier or 1) * _PERIODS[unit]


def configured_rate(scope: str) -> str | None:
    if not getattr(settings, "INNOHUB_RATE_LIMITS_ENABLED", True):
        return None
    return getattr(settings, "INNOHUB_RATE_LIMITS", {}).get(scope) or None


def hit(scope: str, key: str, rate: str) -> int | None:
    """Count one hit; return the seconds to wait if it is over the limit, else None."""
    limit, period = parse_rate(rate)
    now = time.time()
    window = int(now // period)
    cache_key = f"ratelimit:{scope}:{key}:{period}:{window}"
    # add() then incr(): atomic on Redis and memcached, and per process on the local-memory cache.
    cache.add(cache_key, 0, timeout=period + 1)
    try:
        count = cache.incr(cache_key)
    except ValueError:  # expired between the two calls
        cache.add(cache_key, 1, timeout=period + 1)
        count = 1
    if count > limit:
        return int((window + 1) * period - now) + 1
    return None


def check_rate(scope: str, key: str) -> None:
    """Count a hit for `key` in `scope` and raise RateLimited when over the configured limit."""
    rate = configured_rate(scope)
    if rate is None:
        return
    wait = hit(scope, key, rate)
    if wait is not None:
        raise RateLimited(wait)


def client_ip(request: HttpRequest) -> str:
    proxies = getattr(settings, "INNOHUB_TRUSTED_PROXY_COUNT", 0)
    if proxies > 0:
        forwarded = [a.strip() for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if a.strip()]
        if len(forwarded) >= proxies:
            return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR", "") or "unknown"


def ip_key(request: HttpRequest) -> str:
    return f"ip:{client_ip(request)}"


def ratelimit(scope: str, key: Callable[[HttpRequest], str] = ip_key) -> Callable[..., Any]:
    """Decorator for a plain Django view: over the limit, a 429 text answer with Retry-After."""

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            try:
                check_rate(scope, key(request))
            except RateLimited as exc:
                return too_many_requests(exc)
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


def too_many_requests(exc: RateLimited) -> HttpResponse:
    response = HttpResponse(str(exc.message), status=429, content_type="text/plain; charset=utf-8")
    response["Retry-After"] = str(exc.retry_after)
    return response
