"""Answers to an application form: the options each kind of field takes, conditional fields, how a raw
value (from an HTML form or a JSON body) becomes a stored answer, what a submission lacks, and the
checks on uploaded files (extension *and* content, size).

Stored answers (`Application.answers`, `ApplicationVersion.answers`) by kind:

- text, long_text: a string; number: a number; date: "YYYY-MM-DD"
- money: {"amount": number, "currency": "VND"}
- choice: the chosen value; multi_choice: a list of values
- team: [{"name": …, "role": …, "email": …}]
- organisation: {"uuid": …, "slug": …, "name": …} (a directory organisation the applicant can see)
- file: not in the answers — files are ApplicationFile rows; a submitted version lists them.

Drafts are saved partially and never checked for required fields; a value of the wrong type is refused
(the rest of the form is kept). Submission checks required fields among the fields that apply.
"""

from __future__ import annotations

import datetime as dt
import re
import zipfile
from collections.abc import Callable, Iterable, Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.template.defaultfilters import filesizeformat
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from innohub.core.errors import ValidationFailed
from innohub.programs.models import Currency, FieldKind

TEXT_MAX = 500
LONG_TEXT_MAX = 20_000
MONEY_MAX = Decimal("1e15")
NUMBER_MAX = Decimal("1e15")
TEAM_MAX = 50
DEFAULT_FILE_MB = 10
MAX_FILE_MB = 50
MAX_FILES = 20
KEY_RE = re.compile(r"^[a-z][a-z0-9_]{0,63}$")


class AnswerError(Exception):
    """One field's value is not acceptable; the message is translated."""


# --- uploaded files: extension and content ---------------------------------------------------------


def _zip_has(upload: Any, member_prefix: str) -> bool:
    try:
        upload.seek(0)
        with zipfile.ZipFile(upload) as archive:
            return any(name.startswith(member_prefix) for name in archive.namelist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return False
    finally:
        upload.seek(0)


def _is_text(head: bytes) -> bool:
    if b"\x00" in head:
        return False
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        return exc.start >= len(head) - 3  # a character cut by the end of the sample
    return True


OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP = b"PK\x03\x04"

#: extension -> (content type, check of the first bytes (and the file for zip-based formats))
FILE_TYPES: dict[str, tuple[str, Callable[[bytes, Any], bool]]] = {
    "pdf": ("application/pdf", lambda head, f: head.startswith(b"%PDF-")),
    "png": ("image/png", lambda head, f: head.startswith(b"\x89PNG\r\n\x1a\n")),
    "jpg": ("image/jpeg", lambda head, f: head.startswith(b"\xff\xd8\xff")),
    "jpeg": ("image/jpeg", lambda head, f: head.startswith(b"\xff\xd8\xff")),
    "webp": ("image/webp", lambda head, f: head[:4] == b"RIFF" and head[8:12] == b"WEBP"),
    "docx": (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        lambda head, f: head.startswith(ZIP) and _zip_has(f, "word/"),
    ),
    "xlsx": (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        lambda head, f: head.startswith(ZIP) and _zip_has(f, "xl/"),
    ),
    "pptx": (
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        lambda head, f: head.startswith(ZIP) and _zip_has(f, "ppt/"),
    ),
    "doc": ("application/msword", lambda head, f: head.startswith(OLE)),
    "xls": ("application/vnd.ms-excel", lambda head, f: head.startswith(OLE)),
    "ppt": ("application/vnd.ms-powerpoint", lambda head, f: head.startswith(OLE)),
    "zip": ("application/zip", lambda head, f: head.startswith(ZIP)),
    "txt": ("text/plain", lambda head, f: _is_text(head)),
    "csv": ("text/csv", lambda head, f: _is_text(head)),
    "mp4": ("video/mp4", lambda head, f: head[4:8] == b"ftyp"),
}
DEFAULT_FILE_TYPES = ["pdf"]


def file_types(field: Any) -> list[str]:
    return list((field.options or {}).get("types") or DEFAULT_FILE_TYPES)


def file_limit_bytes(field: Any) -> int:
    return int(float((field.options or {}).get("max_mb") or DEFAULT_FILE_MB) * 1024 * 1024)


def max_files(field: Any) -> int:
    return int((field.options or {}).get("max_files") or 1)


def check_upload(field: Any, upload: Any) -> tuple[str, str]:
    """(extension, content type) of an acceptable upload for a file field; ValidationFailed naming the
    field otherwise. The extension must be allowed and the content must be what the extension says."""
    name = str(getattr(upload, "name", "") or "")
    ext = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    allowed = file_types(field)
    label = str(field.label)

    def fail(message: str) -> ValidationFailed:
        return ValidationFailed(message, fields={field.key: [message]}, code="invalid_file")

    if ext not in allowed:
        raise fail(
            _("“%(name)s” is not an accepted type for “%(field)s”. Accepted: %(types)s.")
            % {"name": name, "field": label, "types": ", ".join(t.upper() for t in allowed)}
        )
    limit = file_limit_bytes(field)
    size = int(getattr(upload, "size", 0) or 0)
    if size > limit:
        raise fail(
            _("“%(name)s” is %(size)s; the limit for “%(field)s” is %(limit)s.")
            % {"name": name, "size": filesizeformat(size), "field": label, "limit": filesizeformat(limit)}
        )
    if size == 0:
        raise fail(_("“%(name)s” is empty.") % {"name": name})
    upload.seek(0)
    head = upload.read(8192)
    upload.seek(0)
    content_type, sniff = FILE_TYPES[ext]
    if not sniff(head, upload):
        raise fail(
            _("The content of “%(name)s” is not a %(type)s file. Save it as %(type)s and upload it again.")
            % {"name": name, "type": ext.upper()}
        )
    return ext, content_type


# --- options of each kind of field ---------------------------------------------------------------


def choice_label(choice: Mapping[str, Any]) -> str:
    language = (get_language() or "vi").split("-")[0]
    return str(
        choice.get(f"label_{language}") or choice.get("label_vi") or choice.get("label_en") or choice["value"]
    )


def choices(field: Any) -> list[tuple[str, str]]:
    return [(str(c["value"]), choice_label(c)) for c in (field.options or {}).get("choices", [])]


def currencies(field: Any) -> list[str]:
    options = field.options or {}
    if options.get("currencies"):
        return list(options["currencies"])
    return [options.get("currency") or Currency.VND]


def _bound(value: Any, errors: list[str], name: str, *, integer: bool = False) -> Any:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        errors.append(_("“%(name)s” must be a number.") % {"name": name})
        return None
    if integer and int(value) != value:
        errors.append(_("“%(name)s” must be a whole number.") % {"name": name})
        return None
    return int(value) if int(value) == value else value


def validate_options(kind: str, options: Any) -> dict[str, Any]:
    """The options of a field of `kind`, normalised; ValidationFailed on `options` otherwise."""
    if kind not in FieldKind.values:
        raise ValidationFailed(fields={"kind": [_("Unknown kind of field: %(kind)s.") % {"kind": kind}]})
    options = dict(options or {})
    errors: list[str] = []
    out: dict[str, Any] = {}
    allowed_keys = {
        FieldKind.TEXT: {"max_length", "placeholder"},
        FieldKind.LONG_TEXT: {"max_length", "placeholder"},
        FieldKind.NUMBER: {"min", "max", "integer", "unit"},
        FieldKind.MONEY: {"currency", "currencies", "min", "max"},
        FieldKind.DATE: {"min", "max"},
        FieldKind.CHOICE: {"choices", "widget"},
        FieldKind.MULTI_CHOICE: {"choices", "max_selected"},
        FieldKind.FILE: {"types", "max_mb", "max_files"},
        FieldKind.TEAM: {"min", "max"},
        FieldKind.ORGANISATION: set(),
    }[FieldKind(kind)]
    extra = sorted(set(options) - allowed_keys)
    if extra:
        errors.append(_("Options not used by this kind of field: %(keys)s.") % {"keys": ", ".join(extra)})
    if kind in (FieldKind.TEXT, FieldKind.LONG_TEXT):
        cap = TEXT_MAX if kind == FieldKind.TEXT else LONG_TEXT_MAX
        length = _bound(options.get("max_length"), errors, "max_length", integer=True)
        if length is not None:
            if not 1 <= length <= cap:
                errors.append(_("“max_length” must be between 1 and %(cap)s.") % {"cap": cap})
            else:
                out["max_length"] = length
        if options.get("placeholder"):
            out["placeholder"] = str(options["placeholder"])[:200]
    elif kind in (FieldKind.NUMBER, FieldKind.MONEY, FieldKind.TEAM):
        integer = kind == FieldKind.TEAM or bool(options.get("integer"))
        low = _bound(options.get("min"), errors, "min", integer=integer)
        high = _bound(options.get("max"), errors, "max", integer=integer)
        if low is not None and high is not None and low > high:
            errors.append(_("“min” cannot be greater than “max”."))
        if kind == FieldKind.TEAM and (
            (low is not None and low < 0) or (high is not None and high > TEAM_MAX)
        ):
            errors.append(_("A team has between 0 and %(max)s members.") % {"max": TEAM_MAX})
        for key, value in (("min", low), ("max", high)):
            if value is not None:
                out[key] = value
        if kind == FieldKind.NUMBER:
            if options.get("integer"):
                out["integer"] = True
            if options.get("unit"):
                out["unit"] = str(options["unit"])[:32]
        if kind == FieldKind.MONEY:
            wanted = options.get("currencies") or (
                [options["currency"]] if options.get("currency") else ["VND"]
            )
            if not isinstance(wanted, list) or not wanted or any(c not in Currency.values for c in wanted):
                errors.append(
                    _("Currencies must be among %(codes)s.") % {"codes": ", ".join(Currency.values)}
                )
            elif len(wanted) == 1:
                out["currency"] = wanted[0]
            else:
                out["currencies"] = list(dict.fromkeys(wanted))
    elif kind == FieldKind.DATE:
        for key in ("min", "max"):
            if options.get(key):
                try:
                    out[key] = dt.date.fromisoformat(str(options[key])).isoformat()
                except ValueError:
                    errors.append(_("“%(name)s” must be a date (YYYY-MM-DD).") % {"name": key})
        if out.get("min") and out.get("max") and out["min"] > out["max"]:
            errors.append(_("“min” cannot be greater than “max”."))
    elif kind in (FieldKind.CHOICE, FieldKind.MULTI_CHOICE):
        raw = options.get("choices")
        if not isinstance(raw, list) or not raw:
            errors.append(_("Give at least one choice."))
        else:
            seen: set[str] = set()
            items = []
            for n, choice in enumerate(raw, start=1):
                if isinstance(choice, str):  # a bare label: its value is the label itself
                    choice = {"value": choice, "label_vi": choice}
                if not isinstance(choice, Mapping) or not str(choice.get("value", "")).strip():
                    errors.append(_("Choice %(n)s needs a value.") % {"n": n})
                    continue
                value = str(choice["value"]).strip()[:100]
                if value in seen:
                    errors.append(_("Two choices have the value “%(value)s”.") % {"value": value})
                    continue
                seen.add(value)
                label_vi = str(choice.get("label_vi") or "").strip()[:255]
                label_en = str(choice.get("label_en") or "").strip()[:255]
                if not label_vi and not label_en:
                    errors.append(_("Choice “%(value)s” needs a label.") % {"value": value})
                items.append({"value": value, "label_vi": label_vi or label_en, "label_en": label_en})
            out["choices"] = items
        if kind == FieldKind.CHOICE and options.get("widget") in ("radio", "select"):
            out["widget"] = options["widget"]
        if kind == FieldKind.MULTI_CHOICE and options.get("max_selected") is not None:
            most = _bound(options.get("max_selected"), errors, "max_selected", integer=True)
            if most is not None and most >= 1:
                out["max_selected"] = most
    elif kind == FieldKind.FILE:
        types = options.get("types") or DEFAULT_FILE_TYPES
        if not isinstance(types, list) or any(str(t).lower().lstrip(".") not in FILE_TYPES for t in types):
            errors.append(_("File types must be among %(types)s.") % {"types": ", ".join(sorted(FILE_TYPES))})
        else:
            out["types"] = list(dict.fromkeys(str(t).lower().lstrip(".") for t in types))
        size = options.get("max_mb", DEFAULT_FILE_MB)
        if isinstance(size, bool) or not isinstance(size, (int, float)) or not 0 < size <= MAX_FILE_MB:
            errors.append(_("“max_mb” must be more than 0 and at most %(max)s.") % {"max": MAX_FILE_MB})
        else:
            out["max_mb"] = size
        count = options.get("max_files", 1)
        if isinstance(count, bool) or not isinstance(count, int) or not 1 <= count <= MAX_FILES:
            errors.append(_("“max_files” must be between 1 and %(max)s.") % {"max": MAX_FILES})
        else:
            out["max_files"] = count
    if errors:
        raise ValidationFailed(fields={"options": errors})
    return out


def validate_condition(condition: Any, *, own_key: str, fields: Mapping[str, Any]) -> dict[str, Any]:
    """{"field": key, "equals": value} or {"field": key, "in": [values]}: `key` is another field of the
    same form; a chain of conditions may not loop back."""
    if not condition:
        return {}
    if not isinstance(condition, Mapping):
        raise ValidationFailed(fields={"condition": [_("Enter an object.")]})
    errors: list[str] = []
    key = condition.get("field")
    if set(condition) - {"field", "equals", "in"}:
        errors.append(_("A condition has “field” and “equals” or “in”."))
    if key == own_key:
        errors.append(_("A field cannot depend on itself."))
    elif key not in fields:
        errors.append(_("There is no field “%(key)s” in this form.") % {"key": key})
    if ("equals" in condition) == ("in" in condition):
        errors.append(_("Give either “equals” or “in”."))
    if "in" in condition and not isinstance(condition.get("in"), list):
        errors.append(_("“in” takes a list of values."))
    if not errors:  # follow the chain from the controlling field: it must not come back here
        seen = {own_key}
        current = fields.get(str(key))
        while current is not None and (current.condition or {}).get("field"):
            if current.key in seen:
                break
            seen.add(current.key)
            nxt = current.condition["field"]
            if nxt == own_key:
                errors.append(_("These conditions depend on each other in a loop."))
                break
            current = fields.get(nxt)
    if errors:
        raise ValidationFailed(fields={"condition": errors})
    out: dict[str, Any] = {"field": key}
    if "equals" in condition:
        out["equals"] = condition["equals"]
    else:
        out["in"] = list(condition["in"])
    return out


# --- conditions -------------------------------------------------------------------------------------


def _matches(answer: Any, condition: Mapping[str, Any]) -> bool:
    wanted = [condition["equals"]] if "equals" in condition else list(condition.get("in") or [])
    wanted_text = {str(w) for w in wanted}
    if answer is None or answer == "" or answer == []:
        return False
    if isinstance(answer, list):  # multi-choice: any chosen value
        return any(str(a) in wanted_text for a in answer)
    if isinstance(answer, Mapping):
        answer = answer.get("amount", answer.get("uuid"))
    if isinstance(answer, (int, float)) and not isinstance(answer, bool):
        for w in wanted:
            try:
                if Decimal(str(w)) == Decimal(str(answer)):
                    return True
            except InvalidOperation:
                continue
        return False
    return str(answer) in wanted_text


def applicable_keys(fields: Iterable[Any], answers: Mapping[str, Any]) -> set[str]:
    """Keys of the fields that apply given the answers: unconditional fields, and conditional ones whose
    controlling field applies and has a matching answer."""
    by_key = {f.key: f for f in fields}
    memo: dict[str, bool] = {}

    def applies(key: str, depth: int = 0) -> bool:
        if key in memo:
            return memo[key]
        field = by_key.get(key)
        if field is None or depth > len(by_key):
            return False
        cond = field.condition or {}
        result = True
        if cond.get("field"):
            result = applies(cond["field"], depth + 1) and _matches(answers.get(cond["field"]), cond)
        memo[key] = result
        return result

    return {key for key in by_key if applies(key)}


# --- values ------------------------------------------------------------------------------------------


def _number(raw: Any) -> Decimal:
    if isinstance(raw, bool):
        raise AnswerError(_("Enter a number."))
    text = str(raw).strip().replace("\u00a0", "").replace(" ", "")
    # "1.500.000" and "1,500,000" as people type them: group separators are dropped; a single comma
    # followed by one or two digits is the Vietnamese decimal comma.
    if re.fullmatch(r"-?\d{1,3}([.,]\d{3})+", text) and not re.fullmatch(r"-?\d{1,3}[.,]\d{3}", text):
        text = re.sub(r"[.,]", "", text)
    elif re.fullmatch(r"-?\d+,\d{1,2}", text):
        text = text.replace(",", ".")
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise AnswerError(_("Enter a number.")) from None
    if not value.is_finite():
        raise AnswerError(_("Enter a number."))
    return value


def _as_json_number(value: Decimal) -> int | float:
    return int(value) if value == value.to_integral_value() else float(value)


def _check_bounds(value: Decimal, options: Mapping[str, Any]) -> None:
    low, high = options.get("min"), options.get("max")
    if low is not None and value < Decimal(str(low)):
        raise AnswerError(_("Enter %(min)s or more.") % {"min": low})
    if high is not None and value > Decimal(str(high)):
        raise AnswerError(_("Enter %(max)s or less.") % {"max": high})


def is_empty(value: Any) -> bool:
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    if isinstance(value, (list, tuple)):
        return len(value) == 0
    if isinstance(value, Mapping):
        if "amount" in value:
            return is_empty(value.get("amount"))
        return not any(not is_empty(v) for v in value.values())
    return False


def clean_value(field: Any, raw: Any, *, user: Any = None) -> Any:
    """The stored form of `raw` for `field`, or None for an empty answer; AnswerError otherwise."""
    kind = field.kind
    options = field.options or {}
    if is_empty(raw):
        return None
    if kind in (FieldKind.TEXT, FieldKind.LONG_TEXT):
        if not isinstance(raw, (str, int, float)) or isinstance(raw, bool):
            raise AnswerError(_("Enter a text value."))
        text = str(raw).replace("\r\n", "\n").strip()
        cap = options.get("max_length") or (TEXT_MAX if kind == FieldKind.TEXT else LONG_TEXT_MAX)
        if len(text) > cap:
            raise AnswerError(
                _("Keep this to %(max)s characters (it has %(count)s).") % {"max": cap, "count": len(text)}
            )
        if kind == FieldKind.TEXT and "\n" in text:
            text = " ".join(text.split())
        return text
    if kind == FieldKind.NUMBER:
        value = _number(raw)
        if abs(value) > NUMBER_MAX:
            raise AnswerError(_("This number is too large."))
        if options.get("integer") and value != value.to_integral_value():
            raise AnswerError(_("Enter a whole number."))
        _check_bounds(value, options)
        return _as_json_number(value)
    if kind == FieldKind.MONEY:
        allowed = currencies(field)
        if isinstance(raw, Mapping):
            amount_raw, currency = raw.get("amount"), raw.get("currency") or allowed[0]
        else:
            amount_raw, currency = raw, allowed[0]
        if is_empty(amount_raw):
            return None
        if currency not in allowed:
            raise AnswerError(_("Choose a currency among %(codes)s.") % {"codes": ", ".join(allowed)})
        amount = _number(amount_raw)
        if amount < 0:
            raise AnswerError(_("An amount cannot be negative."))
        if amount > MONEY_MAX:
            raise AnswerError(_("This amount is too large."))
        if amount.as_tuple().exponent < -2:  # type: ignore[operator]
            raise AnswerError(_("Use at most two decimals."))
        _check_bounds(amount, options)
        return {"amount": _as_json_number(amount), "currency": currency}
    if kind == FieldKind.DATE:
        if isinstance(raw, dt.datetime):
            raw = raw.date()
        try:
            day = raw if isinstance(raw, dt.date) else dt.date.fromisoformat(str(raw).strip())
        except ValueError:
            raise AnswerError(_("Enter a date (YYYY-MM-DD).")) from None
        if options.get("min") and day.isoformat() < options["min"]:
            raise AnswerError(_("Enter %(min)s or later.") % {"min": options["min"]})
        if options.get("max") and day.isoformat() > options["max"]:
            raise AnswerError(_("Enter %(max)s or earlier.") % {"max": options["max"]})
        return day.isoformat()
    if kind == FieldKind.CHOICE:
        allowed_values = {v for v, _label in choices(field)}
        if isinstance(raw, (list, dict)) or str(raw) not in allowed_values:
            raise AnswerError(_("Choose one of the listed options."))
        return str(raw)
    if kind == FieldKind.MULTI_CHOICE:
        items = raw if isinstance(raw, (list, tuple)) else [raw]
        values = [v for v, _label in choices(field)]
        picked = [str(i) for i in items if not is_empty(i)]
        unknown = [p for p in picked if p not in values]
        if unknown or any(isinstance(i, (list, dict)) for i in items):
            raise AnswerError(_("Choose among the listed options."))
        most = options.get("max_selected")
        if most and len(set(picked)) > most:
            raise AnswerError(_("Choose at most %(max)s options.") % {"max": most})
        return [v for v in values if v in set(picked)]  # in the form's order
    if kind == FieldKind.TEAM:
        return _clean_team(raw, options)
    if kind == FieldKind.ORGANISATION:
        return _clean_organisation(raw, user)
    if kind == FieldKind.FILE:
        raise AnswerError(_("Upload files with the upload button; they are not part of the answers."))
    raise AnswerError(_("Unknown kind of field."))


def _clean_team(raw: Any, options: Mapping[str, Any]) -> list[dict[str, str]] | None:
    if not isinstance(raw, (list, tuple)):
        raise AnswerError(_("Enter a list of team members."))
    members: list[dict[str, str]] = []
    for n, row in enumerate(raw, start=1):
        if not isinstance(row, Mapping):
            raise AnswerError(_("Team member %(n)s: enter a name and a role.") % {"n": n})
        name = str(row.get("name") or "").strip()[:200]
        role = str(row.get("role") or "").strip()[:200]
        email = str(row.get("email") or "").strip()[:254]
        if not (name or role or email):
            continue
        if not name:
            raise AnswerError(_("Team member %(n)s: enter a name.") % {"n": n})
        if email:
            try:
                validate_email(email)
            except ValidationError:
                raise AnswerError(
                    _("Team member %(n)s: the email address is not valid.") % {"n": n}
                ) from None
        members.append({"name": name, "role": role, "email": email})
    if not members:
        return None
    high = options.get("max") or TEAM_MAX
    if len(members) > high:
        raise AnswerError(_("List at most %(max)s team members.") % {"max": high})
    return members


def _clean_organisation(raw: Any, user: Any) -> dict[str, str]:
    import uuid as uuid_module

    from innohub.directory.models import Organisation

    key = raw.get("uuid") or raw.get("slug") if isinstance(raw, Mapping) else raw
    text = str(key or "").strip()
    # a pasted portal address: keep its last path segment (the slug)
    if "/" in text:
        text = [part for part in text.split("/") if part][-1] if text.strip("/") else ""
    try:
        lookup: dict[str, Any] = {"uuid": uuid_module.UUID(text)}
    except ValueError:
        lookup = {"slug": text}
    org = Organisation.objects.visible_to(user).filter(**lookup).only("uuid", "slug", "name").first()
    if org is None:
        raise AnswerError(
            _("No organisation you can see in the directory has the address “%(key)s”.") % {"key": text}
        )
    return {"uuid": str(org.uuid), "slug": org.slug, "name": org.name}


def clean_answers(
    fields: Iterable[Any], data: Mapping[str, Any], *, user: Any = None
) -> tuple[dict[str, Any], dict[str, list[str]]]:
    """(clean answers, errors) for the keys present in `data` (a partial save); unknown keys and file
    fields are errors. An empty value cleans to None (the answer is removed)."""
    by_key = {f.key: f for f in fields}
    clean: dict[str, Any] = {}
    errors: dict[str, list[str]] = {}
    for key, raw in data.items():
        field = by_key.get(key)
        if field is None:
            errors[key] = [_("There is no question “%(key)s” in this form.") % {"key": key}]
            continue
        try:
            clean[key] = clean_value(field, raw, user=user)
        except AnswerError as exc:
            errors[key] = [str(exc)]
    return clean, errors


def submission_errors(
    fields: Iterable[Any], answers: Mapping[str, Any], file_counts: Mapping[str, int], *, user: Any = None
) -> dict[str, list[str]]:
    """What keeps the answers from being submitted: missing required answers among the fields that
    apply, stored answers no longer valid (the form changed), file counts over the limit."""
    fields = list(fields)
    applicable = applicable_keys(fields, answers)
    errors: dict[str, list[str]] = {}
    for field in fields:
        if field.key not in applicable:
            continue
        if field.kind == FieldKind.FILE:
            count = file_counts.get(field.key, 0)
            if field.required and count == 0:
                errors[field.key] = [_("Upload a file for “%(label)s”.") % {"label": field.label}]
            elif count > max_files(field):
                errors[field.key] = [
                    _("Upload at most %(max)s files for “%(label)s”.")
                    % {"max": max_files(field), "label": field.label}
                ]
            continue
        value = answers.get(field.key)
        if is_empty(value):
            if field.required:
                errors[field.key] = [_("“%(label)s” is required.") % {"label": field.label}]
            continue
        try:
            clean_value(field, value, user=user)
        except AnswerError as exc:
            errors[field.key] = [str(exc)]
        else:
            if field.kind == FieldKind.TEAM:
                low = (field.options or {}).get("min")
                if low and len(value or []) < low:
                    errors[field.key] = [_("List at least %(min)s team members.") % {"min": low}]
    return errors


def applicable_answers(fields: Iterable[Any], answers: Mapping[str, Any]) -> dict[str, Any]:
    """The answers of the fields that apply (what a submitted version keeps)."""
    fields = list(fields)
    keep = applicable_keys(fields, answers)
    return {k: v for k, v in answers.items() if k in keep and not is_empty(v)}


def display_value(field: Any, value: Any) -> str:
    """An answer in words for pages and exports (choice labels, amounts with their currency)."""
    from django.utils.formats import number_format

    if is_empty(value):
        return ""
    kind = field.kind if field is not None else None
    if kind == FieldKind.CHOICE:
        return dict(choices(field)).get(str(value), str(value))
    if kind == FieldKind.MULTI_CHOICE:
        labels = dict(choices(field))
        return "; ".join(labels.get(str(v), str(v)) for v in value)
    if kind == FieldKind.MONEY and isinstance(value, Mapping):
        return f"{number_format(value.get('amount') or 0, force_grouping=True)} {value.get('currency', '')}".strip()
    if kind == FieldKind.TEAM and isinstance(value, list):
        return "; ".join(
            " – ".join(p for p in (m.get("name", ""), m.get("role", "")) if p)
            for m in value
            if isinstance(m, Mapping)
        )
    if kind == FieldKind.ORGANISATION and isinstance(value, Mapping):
        return str(value.get("name") or value.get("slug") or "")
    if isinstance(value, list):
        return "; ".join(str(v) for v in value)
    return str(value)
