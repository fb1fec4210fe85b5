"""Validation of Vietnamese identifiers. python-stdnum handles enterprise tax codes (MST); the 12-digit
personal identification number (CCCD, used as personal tax code since July 2025) needs our own rule."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from stdnum.exceptions import ValidationError as StdnumError
from stdnum.vn import mst

_PERSONAL_ID = re.compile(r"^\d{12}$")
# First three digits of a CCCD: province of birth registration (001–096); fourth: century and sex (0–9).
_MAX_PROVINCE_PREFIX = 96


def normalise_tax_code(value: str) -> str:
    """Digits with the branch suffix kept as "-NNN" (0101234567-001)."""
    raw = re.sub(r"[\s.]", "", value or "")
    return raw


def validate_personal_id(value: str) -> str:
    value = re.sub(r"\s", "", value or "")
    if not _PERSONAL_ID.match(value):
        raise ValidationError(_("A personal ID number has exactly 12 digits."), code="invalid_personal_id")
    if not 1 <= int(value[:3]) <= _MAX_PROVINCE_PREFIX:
        raise ValidationError(
            _("The first three digits of a personal ID number must be a province code (001–096)."),
            code="invalid_personal_id",
        )
    return value


def validate_tax_code(value: str) -> str:
    """Accept a 10-digit enterprise code, a 13-digit branch code (10 + 3, with or without dash) or a
    12-digit personal ID. Returns the normalised form; raises ValidationError with a translated reason."""
    raw = normalise_tax_code(value)
    digits = raw.replace("-", "")
    if not digits.isdigit():
        raise ValidationError(
            _("A tax code contains only digits (and an optional dash before a branch suffix)."),
            code="invalid_tax_code",
        )
    if len(digits) == 12:
        return validate_personal_id(digits)
    if len(digits) not in (10, 13):
        raise ValidationError(
            _("A tax code has 10 digits (13 for a branch), or 12 for a personal ID; this one has %(n)d.")
            % {"n": len(digits)},
            code="invalid_tax_code",
        )
    try:
        mst.validate(digits)
    except StdnumError:
        raise ValidationError(_("This tax code's check digit is wrong."), code="invalid_tax_code") from None
    return digits if len(digits) == 10 else f"{digits[:10]}-{digits[10:]}"
