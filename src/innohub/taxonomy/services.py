"""Every write to the reference taxonomies (CONVENTIONS.md §2): the API, and any future workspace page,
call these. The shipped data is loaded in bulk by `taxonomy.loader` (no per-row audit for that).

Taxonomies are the shared vocabulary of every center, so only platform administrators change them.
Each write runs in a transaction, locks the row it changes, validates the row with `full_clean`
(uniqueness included) and is recorded by django-auditlog with the actor set here, so API and CLI
writes are attributed too. Saving or deleting clears the selectors' per-process cache through the
taxonomy app's signals.
"""

from __future__ import annotations

from contextlib import nullcontext
from typing import Any, TypeVar

from auditlog.context import set_actor
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import ProtectedError, RestrictedError
from django.utils.translation import gettext as _

from innohub.accounts.access import scope_for
from innohub.core.errors import Forbidden, InvalidTransition, ValidationFailed
from innohub.taxonomy.models import (
    Commune,
    Country,
    LegacyProvince,
    Province,
    ReadinessLevel,
    ScienceField,
    Sector,
    Stage,
)

M = TypeVar("M", bound=models.Model)


def key_fields(model: type[models.Model]) -> set[str]:
    """The unique fields of a term (code, codename, level, ISO codes). They are set once, at creation:
    importers, API clients and other instances refer to terms by them."""
    return {f.name for f in model._meta.concrete_fields if f.unique and not f.primary_key}


def _editable_fields(model: type[models.Model]) -> set[str]:
    return {f.name for f in model._meta.concrete_fields if not f.primary_key} - key_fields(model)


def _require_platform_admin(actor: Any) -> None:
    if actor is not None and not scope_for(actor).is_platform_admin:
        raise Forbidden(_("Only platform administrators may change reference data."))


def _actor_context(actor: Any) -> Any:
    return set_actor(actor) if getattr(actor, "pk", None) else nullcontext()


def _validation_failed(exc: ValidationError) -> ValidationFailed:
    if hasattr(exc, "error_dict"):
        fields = {k: [str(m) for e in v for m in e.messages] for k, v in exc.error_dict.items()}
    else:
        fields = {"__all__": [str(m) for m in exc.messages]}
    return ValidationFailed(fields=fields)


def _check_parent(obj: models.Model) -> None:
    """A sector or field of science may not sit below itself (directly or through its children)."""
    parent = getattr(obj, "parent", None)
    seen: set[int] = set()
    while parent is not None:
        if parent.pk == obj.pk or parent.pk in seen:
            raise ValidationFailed(
                fields={"parent": [_("A term cannot be placed under itself or one of its children.")]}
            )
        seen.add(parent.pk)
        parent = parent.parent


def _save(obj: M, *, actor: Any, update_fields: list[str] | None = None) -> M:
    try:
        obj.full_clean()
    except ValidationError as exc:
        raise _validation_failed(exc) from None
    if obj.pk and hasattr(obj, "parent_id"):
        _check_parent(obj)
    with _actor_context(actor):
        obj.save(update_fields=update_fields)
    return obj


@transaction.atomic
def _create(model: type[M], *, actor: Any, **fields: Any) -> M:
    _require_platform_admin(actor)
    return _save(model(**fields), actor=actor)


@transaction.atomic
def _update(obj: M, *, actor: Any, **fields: Any) -> M:
    _require_platform_admin(actor)
    refused = sorted(set(fields) - _editable_fields(type(obj)))
    if refused:
        raise ValidationFailed(fields={k: [_("This field cannot be changed here.")] for k in refused})
    locked = type(obj)._default_manager.select_for_update().get(pk=obj.pk)
    for key, value in fields.items():
        setattr(locked, key, value)
    if not fields:
        return locked
    # Every column is saved: modeltranslation keeps `name` in step with `name_<language>`, and guessing
    # which columns a translated field touches is not worth the risk on rows this small.
    return _save(locked, actor=actor)


@transaction.atomic
def _delete(obj: models.Model, *, actor: Any) -> None:
    """Refused while organisations, people, centers or other terms still point at the term."""
    _require_platform_admin(actor)
    locked = type(obj)._default_manager.select_for_update().get(pk=obj.pk)
    try:
        with _actor_context(actor):
            locked.delete()
    except (ProtectedError, RestrictedError):
        raise InvalidTransition(
            _("This record is still used by other records and cannot be deleted."), code="protected"
        ) from None


# --- provinces (since 1 July 2025) ------------------------------------------------------------------


def create_province(*, actor: Any, **fields: Any) -> Province:
    return _create(Province, actor=actor, **fields)


def update_province(province: Province, *, actor: Any, **fields: Any) -> Province:
    return _update(province, actor=actor, **fields)


def delete_province(province: Province, *, actor: Any) -> None:
    _delete(province, actor=actor)


# --- former provinces (before July 2025) ------------------------------------------------------------


def create_legacy_province(*, actor: Any, **fields: Any) -> LegacyProvince:
    return _create(LegacyProvince, actor=actor, **fields)


def update_legacy_province(legacy: LegacyProvince, *, actor: Any, **fields: Any) -> LegacyProvince:
    return _update(legacy, actor=actor, **fields)


def delete_legacy_province(legacy: LegacyProvince, *, actor: Any) -> None:
    _delete(legacy, actor=actor)


# --- communes / wards -------------------------------------------------------------------------------


def create_commune(*, actor: Any, **fields: Any) -> Commune:
    return _create(Commune, actor=actor, **fields)


def update_commune(commune: Commune, *, actor: Any, **fields: Any) -> Commune:
    return _update(commune, actor=actor, **fields)


def delete_commune(commune: Commune, *, actor: Any) -> None:
    _delete(commune, actor=actor)


# --- VSIC sectors -----------------------------------------------------------------------------------


def create_sector(*, actor: Any, **fields: Any) -> Sector:
    return _create(Sector, actor=actor, **fields)


def update_sector(sector: Sector, *, actor: Any, **fields: Any) -> Sector:
    return _update(sector, actor=actor, **fields)


def delete_sector(sector: Sector, *, actor: Any) -> None:
    _delete(sector, actor=actor)


# --- fields of science and technology ---------------------------------------------------------------


def create_science_field(*, actor: Any, **fields: Any) -> ScienceField:
    return _create(ScienceField, actor=actor, **fields)


def update_science_field(science_field: ScienceField, *, actor: Any, **fields: Any) -> ScienceField:
    return _update(science_field, actor=actor, **fields)


def delete_science_field(science_field: ScienceField, *, actor: Any) -> None:
    _delete(science_field, actor=actor)


# --- technology readiness levels --------------------------------------------------------------------


def create_readiness_level(*, actor: Any, **fields: Any) -> ReadinessLevel:
    return _create(ReadinessLevel, actor=actor, **fields)


def update_readiness_level(level: ReadinessLevel, *, actor: Any, **fields: Any) -> ReadinessLevel:
    return _update(level, actor=actor, **fields)


def delete_readiness_level(level: ReadinessLevel, *, actor: Any) -> None:
    _delete(level, actor=actor)


# --- startup stages ---------------------------------------------------------------------------------


def create_stage(*, actor: Any, **fields: Any) -> Stage:
    return _create(Stage, actor=actor, **fields)


def update_stage(stage: Stage, *, actor: Any, **fields: Any) -> Stage:
    return _update(stage, actor=actor, **fields)


def delete_stage(stage: Stage, *, actor: Any) -> None:
    _delete(stage, actor=actor)


# --- countries (ISO 3166-1) -------------------------------------------------------------------------


def create_country(*, actor: Any, **fields: Any) -> Country:
    return _create(Country, actor=actor, **fields)


def update_country(country: Country, *, actor: Any, **fields: Any) -> Country:
    return _update(country, actor=actor, **fields)


def delete_country(country: Country, *, actor: Any) -> None:
    _delete(country, actor=actor)
