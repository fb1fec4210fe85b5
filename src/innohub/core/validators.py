"""Validation of Vietnamese identifiers. python-stdnum handles enterprise tax codes (MST); the 12-digit
personal identification number (CCCD, used as personal tax code since July 2025) needs our own rule."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import phonenumbers
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


#: where a number written without a country code is from: the centers and their people are in Vietnam
PHONE_DEFAULT_REGION = "VN"


def validate_phone(value: str) -> str:
    """A phone number as people write it ("0912 345 678", "024.3826.4567", "+82 2-312-3456") →
    its international form ("+84 912 345 678"), which every reader can dial and a spreadsheet does
    not take for a number. Without a country code a number is read as Vietnamese. Raises
    ValidationError with a translated reason. Uses Google's libphonenumber data (ADR 0009)."""
    text = (value or "").strip()
    if not text:
        return ""
    try:
        number = phonenumbers.parse(text, PHONE_DEFAULT_REGION)
    except phonenumbers.NumberParseException:
        number = None
    if number is None or not phonenumbers.is_valid_number(number):
        raise ValidationError(
            _(
                "Not a phone number we can dial: write it with its area or mobile prefix (024 3826 4567, "
                "0912 345 678) or, outside Vietnam, with its country code (+82 2 312 3456)."
            ),
            code="invalid_phone",
        )
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


def phone_link(value: str) -> str:
    """The `tel:` form (E.164, "+842438264567") of a stored number; "" when it does not parse
    (numbers saved before they were validated are shown as written, without a link)."""
    try:
        number = phonenumbers.parse(value or "", PHONE_DEFAULT_REGION)
    except phonenumbers.NumberParseException:
        return ""
    if not phonenumbers.is_possible_number(number):
        return ""
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def clean_field(
    fields: dict[str, Any], key: str, validator: Callable[[str], str], errors: dict[str, list[str]]
) -> None:
    """For services: `fields[key]`, when given and not blank, replaced by `validator`'s normalised
    form, or its translated messages added to `errors[key]`."""
    if not fields.get(key):
        return
    try:
        fields[key] = validator(fields[key])
    except ValidationError as exc:
        errors.setdefault(key, []).extend(str(m) for m in exc.messages)


def check_phone(fields: dict[str, Any]) -> None:
    """`fields["phone"]` normalised in place, or ValidationFailed naming the field."""
    from innohub.core.errors import ValidationFailed

    errors: dict[str, list[str]] = {}
    clean_field(fields, "phone", validate_phone, errors)
    if errors:
        raise ValidationFailed(fields=errors)


def normalise_stored_phones(model: Any, *, batch: int = 2000) -> int:
    """Rewrite the `phone` of existing rows in the form `validate_phone` stores (for data migrations;
    ADR 0009). A number that cannot be dialled is left as written, to be corrected at its next edit.
    Returns how many rows changed."""
    changed = []
    for obj in model.objects.exclude(phone="").only("pk", "phone").iterator(chunk_size=batch):
        try:
            normal = validate_phone(obj.phone)
        except ValidationError:
            continue
        if normal != obj.phone:
            obj.phone = normal
            changed.append(obj)
    model.objects.bulk_update(changed, ["phone"], batch_size=batch)
    return len(changed)


def normalise_phones_operation(app_label: str, *model_names: str) -> Any:
    """The data-migration step that runs `normalise_stored_phones` on the historical models."""
    from django.db import migrations

    def forwards(apps: Any, schema_editor: Any) -> None:
        for name in model_names:
            normalise_stored_phones(apps.get_model(app_label, name))

    return migrations.RunPython(forwards, migrations.RunPython.noop)
