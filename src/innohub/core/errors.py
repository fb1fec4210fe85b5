"""Domain errors. Services raise them; the API and views turn them into translated messages.

Every error carries a stable machine code, a human message (already translated at raise time,
lazily) and optional per-field messages, matching the API error format {"code","message","fields"}.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _


class DomainError(Exception):
    code = "invalid"
    status = 400
    default_message: Any = _("The request could not be processed.")

    def __init__(
        self, message: Any = None, *, fields: dict[str, list[str]] | None = None, code: str | None = None
    ):
        self.message = message if message is not None else self.default_message
        self.fields = fields or {}
        if code:
            self.code = code
        super().__init__(str(self.message))


class ValidationFailed(DomainError):
    code = "validation_error"
    status = 422
    default_message = _("Some fields are not valid.")


class NotFound(DomainError):
    code = "not_found"
    status = 404
    default_message = _("Not found.")


class Forbidden(DomainError):
    code = "forbidden"
    status = 403
    default_message = _("You do not have permission to do this.")


class Conflict(DomainError):
    code = "conflict"
    status = 409
    default_message = _(
        "This record was changed by someone else since you opened it. Reload it and apply your change again."
    )


class InvalidTransition(DomainError):
    code = "invalid_state"
    status = 409
    default_message = _("This action is not allowed in the record's current state.")
