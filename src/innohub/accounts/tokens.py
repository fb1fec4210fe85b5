"""Personal API tokens: create (the raw token is shown once), revoke, authenticate.

Only the SHA-256 of a token is stored. Tokens carry 256 bits of randomness, so a plain (unsalted,
fast) hash is enough: nobody can brute-force the preimage, and the hash is a unique indexed column,
so authentication is one query. `last_used_at` is written at most once a minute per token, so a busy
client does not turn every read into a write.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from innohub.accounts.models import ApiToken
from innohub.core.errors import Forbidden, InvalidTransition, ValidationFailed

LAST_USED_RESOLUTION = timedelta(minutes=1)
MAX_ACTIVE_TOKENS = 50
PREFIX_LENGTH = 10  # "ih_" + 7 characters: enough to recognise a token in a list, useless to guess it


def _may_manage(actor: Any, user: Any) -> bool:
    return getattr(actor, "pk", None) is not None and (actor.pk == user.pk or actor.is_superuser)


@transaction.atomic
def create_api_token(
    user: Any,
    *,
    actor: Any,
    name: str,
    scope: str = ApiToken.Scope.READ,
    expires_at: datetime | None = None,
) -> tuple[ApiToken, str]:
    """Returns the token and its raw value; the raw value is never stored and cannot be shown again."""
    if not _may_manage(actor, user):
        raise Forbidden()
    errors: dict[str, list[str]] = {}
    name = (name or "").strip()
    if not name:
        errors["name"] = [_("The name is required.")]
    elif len(name) > ApiToken._meta.get_field("name").max_length:  # type: ignore[operator]
        errors["name"] = [_("The name is too long.")]
    if scope not in ApiToken.Scope.values:
        errors["scope"] = [_("Choose one of: %(choices)s.") % {"choices": ", ".join(ApiToken.Scope.values)}]
    if expires_at is not None:
        if timezone.is_naive(expires_at):
            expires_at = timezone.make_aware(expires_at)
        if expires_at <= timezone.now():
            errors["expires_at"] = [_("The expiry date must be in the future.")]
    if errors:
        raise ValidationFailed(fields=errors)
    now = timezone.now()
    active = ApiToken.objects.filter(user=user, revoked_at__isnull=True).exclude(expires_at__lte=now)
    if active.count() >= MAX_ACTIVE_TOKENS:
        raise ValidationFailed(
            _("You have %(count)s active tokens; revoke one before creating another.")
            % {"count": MAX_ACTIVE_TOKENS},
            code="too_many_tokens",
        )
    raw = ApiToken.generate()
    token = ApiToken.objects.create(
        user=user,
        name=name,
        key_prefix=raw[:PREFIX_LENGTH],
        key_hash=ApiToken.hash_key(raw),
        scope=scope,
        expires_at=expires_at,
    )
    return token, raw


@transaction.atomic
def revoke_api_token(token: ApiToken, *, actor: Any) -> ApiToken:
    locked = ApiToken.objects.select_for_update().select_related("user").get(pk=token.pk)
    if not _may_manage(actor, locked.user):
        raise Forbidden()
    if locked.revoked_at is not None:
        raise InvalidTransition(_("This token has already been revoked."))
    locked.revoked_at = timezone.now()
    locked.save(update_fields=["revoked_at"])
    return locked


def find_active_token(raw: str) -> ApiToken | None:
    """The active token whose raw value is `raw` (with its user loaded), or None."""
    if not raw or not raw.startswith(ApiToken.PREFIX) or len(raw) > 200:
        return None
    token = ApiToken.objects.select_related("user").filter(key_hash=ApiToken.hash_key(raw)).first()
    if token is None or not token.is_active or not token.user.is_active:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token


def authenticate_token(raw: str) -> Any:
    """The user a raw token belongs to, or None if it is unknown, expired or revoked."""
    token = find_active_token(raw)
    return token.user if token is not None else None
