"""Writes of application forms: sections and typed questions, their order, options and conditions.

Every change locks the call, so two staff editing the same form are applied one after the other.
The form can change while the call is a draft or open; once someone has submitted, questions keep
their key and kind and cannot be removed (submitted answers refer to them) — labels, help, options
and the required flag can still be corrected.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils.text import slugify
from django.utils.translation import gettext as _

from innohub.core.errors import InvalidTransition, ValidationFailed
from innohub.core.text import fold
from innohub.programs import answers
from innohub.programs.models import Application, Call, FieldKind, FormField, FormSection
from innohub.programs.services.calls import lock_call
from innohub.programs.services.programmes import require_manage
from innohub.programs.states import record_event

SECTION_FIELDS = ("title_vi", "title_en", "help_text_vi", "help_text_en")
FIELD_TEXT = ("label_vi", "label_en", "help_text_vi", "help_text_en")


def _editable_call(call: Call, actor: Any) -> Call:
    locked = lock_call(call)
    require_manage(actor, locked)
    if locked.status not in (Call.Status.DRAFT, Call.Status.PUBLISHED):
        raise InvalidTransition(_("The form can only change while the call is a draft or open."))
    return locked


def structure_locked(call: Call) -> bool:
    """Someone submitted: keys and kinds are fixed and questions are kept."""
    return call.applications.exclude(status=Application.Status.DRAFT).exists()


def _clean_texts(fields: dict[str, Any], keys: tuple[str, ...], required: str) -> dict[str, Any]:
    unknown = set(fields) - set(keys)
    if unknown:
        raise ValidationFailed(fields={k: [_("This field is not accepted.")] for k in sorted(unknown)})
    out = {k: (v or "").strip() for k, v in fields.items()}
    if required in out and not out[required]:
        raise ValidationFailed(fields={required: [_("This field is required.")]})
    return out


def _next_position(qs: Any) -> int:
    return (qs.aggregate(m=Max("position"))["m"] or 0) + 1


# --- sections -------------------------------------------------------------------------------------


@transaction.atomic
def add_section(call: Call, *, actor: Any, **fields: Any) -> FormSection:
    locked = _editable_call(call, actor)
    fields = _clean_texts(dict(fields), SECTION_FIELDS, "title_vi")
    if not fields.get("title_vi"):
        raise ValidationFailed(fields={"title_vi": [_("This field is required.")]})
    section = FormSection.objects.create(
        call=locked, position=_next_position(locked.sections.all()), **fields
    )
    record_event("form.section_added", actor=actor, call=locked, section=section.pk)
    return section


@transaction.atomic
def update_section(section: FormSection, *, actor: Any, **fields: Any) -> FormSection:
    locked_call = _editable_call(section.call, actor)
    fields = _clean_texts(dict(fields), SECTION_FIELDS, "title_vi")
    section = FormSection.objects.get(pk=section.pk)
    for key, value in fields.items():
        setattr(section, key, value)
    section.save(update_fields=list(fields))
    record_event("form.section_changed", actor=actor, call=locked_call, section=section.pk)
    return section


@transaction.atomic
def delete_section(section: FormSection, *, actor: Any) -> None:
    locked_call = _editable_call(section.call, actor)
    section = FormSection.objects.get(pk=section.pk)
    keys = list(section.fields.values_list("key", flat=True))
    if keys and structure_locked(locked_call):
        raise InvalidTransition(
            _("Applications were submitted with this section's questions; it cannot be removed now.")
        )
    _refuse_if_controlling(locked_call, keys, exclude_section=section.pk)
    record_event("form.section_removed", actor=actor, call=locked_call, section=section.pk, keys=keys)
    section.delete()


def _reorder(items: list[Any], ordered_ids: list[int]) -> None:
    by_id = {item.pk: item for item in items}
    if sorted(ordered_ids) != sorted(by_id):
        raise ValidationFailed(fields={"ids": [_("Send every item of the list exactly once.")]})
    for position, pk in enumerate(ordered_ids, start=1):
        item = by_id[pk]
        if item.position != position:
            item.position = position
            item.save(update_fields=["position"])


@transaction.atomic
def reorder_sections(call: Call, ordered_ids: list[int], *, actor: Any) -> None:
    locked = _editable_call(call, actor)
    _reorder(list(locked.sections.all()), ordered_ids)
    record_event("form.sections_reordered", actor=actor, call=locked)


@transaction.atomic
def move_section(section: FormSection, direction: str, *, actor: Any) -> None:
    """One step up or down (the buttons of the form builder)."""
    locked = _editable_call(section.call, actor)
    ids = list(locked.sections.values_list("pk", flat=True))
    _reorder(list(locked.sections.all()), _moved(ids, section.pk, direction))
    record_event("form.sections_reordered", actor=actor, call=locked)


def _moved(ids: list[int], pk: int, direction: str) -> list[int]:
    index = ids.index(pk)
    other = index - 1 if direction == "up" else index + 1
    if 0 <= other < len(ids):
        ids[index], ids[other] = ids[other], ids[index]
    return ids


# --- questions ------------------------------------------------------------------------------------


def _fields_by_key(call: Call, *, exclude_pk: int | None = None) -> dict[str, FormField]:
    qs = FormField.objects.filter(section__call=call)
    if exclude_pk:
        qs = qs.exclude(pk=exclude_pk)
    return {f.key: f for f in qs}


def _key_for(label: str, existing: set[str]) -> str:
    base = slugify(fold(label)).replace("-", "_")[:50].strip("_") or "question"
    if not base[0].isalpha():
        base = f"q_{base}"
    key, n = base, 1
    while key in existing:
        n += 1
        key = f"{base}_{n}"
    return key


def _clean_field(fields: dict[str, Any], *, call: Call, current: FormField | None) -> dict[str, Any]:
    allowed = {*FIELD_TEXT, "key", "kind", "required", "options", "condition"}
    unknown = set(fields) - allowed
    if unknown:
        raise ValidationFailed(fields={k: [_("This field is not accepted.")] for k in sorted(unknown)})
    out: dict[str, Any] = {}
    errors: dict[str, list[str]] = {}
    for key in FIELD_TEXT:
        if key in fields:
            out[key] = (fields[key] or "").strip()
    if (current is None or "label_vi" in out) and not out.get("label_vi"):
        errors.setdefault("label_vi", []).append(_("This field is required."))
    others = _fields_by_key(call, exclude_pk=current.pk if current else None)
    kind = fields.get("kind", current.kind if current else None)
    if kind not in FieldKind.values:
        errors.setdefault("kind", []).append(_("Choose a kind of question."))
    if "key" in fields or current is None:
        key = (fields.get("key") or "").strip() or _key_for(out.get("label_vi") or "", set(others))
        if not answers.KEY_RE.match(key):
            errors.setdefault("key", []).append(
                _("Use lower-case letters, digits and _; start with a letter (e.g. team_size).")
            )
        elif key in others:
            errors.setdefault("key", []).append(
                _("Another question of this form has the key “%(key)s”.") % {"key": key}
            )
        out["key"] = key
    if "required" in fields:
        out["required"] = bool(fields["required"])
    if errors:
        raise ValidationFailed(fields=errors)
    if "kind" in fields:
        out["kind"] = kind
    if "options" in fields or "kind" in fields or current is None:
        options = fields.get("options", current.options if current else {})
        if current is not None and "kind" in fields and kind != current.kind and "options" not in fields:
            options = {}
        out["options"] = answers.validate_options(str(kind), options)
    if "condition" in fields:
        own_key = out.get("key") or (current.key if current else "")
        out["condition"] = answers.validate_condition(fields["condition"], own_key=own_key, fields=others)
    return out


def _refuse_if_controlling(call: Call, keys: list[str], *, exclude_section: int | None = None) -> None:
    """A question that others depend on cannot be removed or renamed from under them."""
    if not keys:
        return
    dependants = [
        f
        for f in FormField.objects.filter(section__call=call).exclude(section_id=exclude_section or 0)
        if (f.condition or {}).get("field") in keys and f.key not in keys
    ]
    if dependants:
        raise ValidationFailed(
            _("Other questions are shown depending on this one: %(labels)s. Change their conditions first.")
            % {"labels": ", ".join(f"“{f.label}”" for f in dependants)},
            code="has_dependants",
        )


@transaction.atomic
def add_field(section: FormSection, *, actor: Any, **fields: Any) -> FormField:
    locked_call = _editable_call(section.call, actor)
    section = FormSection.objects.get(pk=section.pk)
    fields.setdefault("kind", FieldKind.TEXT)
    clean = _clean_field(dict(fields), call=locked_call, current=None)
    field = FormField.objects.create(section=section, position=_next_position(section.fields.all()), **clean)
    record_event("form.field_added", actor=actor, call=locked_call, key=field.key, kind=field.kind)
    return field


@transaction.atomic
def update_field(field: FormField, *, actor: Any, **fields: Any) -> FormField:
    locked_call = _editable_call(field.section.call, actor)
    current = FormField.objects.get(pk=field.pk)
    clean = _clean_field(dict(fields), call=locked_call, current=current)
    renamed = "key" in clean and clean["key"] != current.key
    rekinded = "kind" in clean and clean["kind"] != current.kind
    if (renamed or rekinded) and structure_locked(locked_call):
        raise InvalidTransition(
            _("Applications were submitted with this question; its key and kind cannot change now."),
            fields={"key" if renamed else "kind": [_("This can no longer be changed.")]},
        )
    if renamed:
        _refuse_if_controlling(locked_call, [current.key])
    for key, value in clean.items():
        setattr(current, key, value)
    current.save(update_fields=list(clean))
    record_event("form.field_changed", actor=actor, call=locked_call, key=current.key, fields=sorted(clean))
    return current


@transaction.atomic
def delete_field(field: FormField, *, actor: Any) -> None:
    locked_call = _editable_call(field.section.call, actor)
    current = FormField.objects.get(pk=field.pk)
    if structure_locked(locked_call):
        raise InvalidTransition(
            _("Applications were submitted with this question; it cannot be removed now.")
        )
    _refuse_if_controlling(locked_call, [current.key])
    record_event("form.field_removed", actor=actor, call=locked_call, key=current.key)
    current.delete()


@transaction.atomic
def reorder_fields(section: FormSection, ordered_ids: list[int], *, actor: Any) -> None:
    locked_call = _editable_call(section.call, actor)
    _reorder(list(FormField.objects.filter(section_id=section.pk)), ordered_ids)
    record_event("form.fields_reordered", actor=actor, call=locked_call, section=section.pk)


@transaction.atomic
def move_field(field: FormField, direction: str, *, actor: Any) -> None:
    locked_call = _editable_call(field.section.call, actor)
    siblings = list(FormField.objects.filter(section_id=field.section_id))
    ids = [f.pk for f in siblings]
    _reorder(siblings, _moved(ids, field.pk, direction))
    record_event("form.fields_reordered", actor=actor, call=locked_call, section=field.section_id)
