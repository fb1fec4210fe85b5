"""Writes of programmes: create, change, and their life cycle (draft → active → archived).

Programmes have no selection audit trail of their own (ApplicationEvent belongs to a call); their
changes are kept by django-auditlog with the actor set here, so API and CLI writes are attributed too.
"""

from __future__ import annotations

from contextlib import nullcontext
from decimal import Decimal
from typing import Any

from auditlog.context import set_actor
from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils.text import slugify
from django.utils.translation import gettext as _

from innohub.accounts.access import can
from innohub.core.errors import Conflict, Forbidden, InvalidTransition, ValidationFailed
from innohub.core.models import Visibility
from innohub.core.sanitize import clean_html
from innohub.core.text import fold
from innohub.programs import access
from innohub.programs import permissions as P
from innohub.programs.models import Currency, Programme, ProgrammeKind

#: slugs that would shadow a workspace path under /workspace/programmes/
RESERVED_SLUGS = frozenset(
    {
        "new",
        "calls",
        "applications",
        "my",
        "apply",
        "rounds",
        "reviews",
        "review",
        "reviewer",
        "selection",
        "results",
        "assignments",
        "assignment",
        "conflicts",
        "panels",
        "decisions",
        "letters",
        "appeals",
        "participants",
        "export",
    }
)

PROGRAMME_TRANSITIONS: dict[str, tuple[str, ...]] = {
    Programme.Status.DRAFT: (Programme.Status.ACTIVE, Programme.Status.ARCHIVED),
    Programme.Status.ACTIVE: (Programme.Status.ARCHIVED,),
    Programme.Status.ARCHIVED: (Programme.Status.ACTIVE,),
}

PROGRAMME_TEXT = ("title_vi", "title_en", "summary_vi", "summary_en")
PROGRAMME_HTML = ("description_vi", "description_en")
PROGRAMME_FIELDS = (
    *PROGRAMME_TEXT,
    *PROGRAMME_HTML,
    "kind",
    "languages",
    "budget_amount",
    "budget_currency",
    "starts_on",
    "ends_on",
    "visibility",
)


def actor_context(actor: Any) -> Any:
    """django-auditlog attributes the changes in this block to `actor` (when it is a user)."""
    return set_actor(actor) if getattr(actor, "pk", None) else nullcontext()


def unique_slug(model: Any, text: str, *, exclude_pk: int | None = None, wanted: str | None = None) -> str:
    base = slugify(fold(wanted or text))[:200] or "item"
    if base in RESERVED_SLUGS:
        base = f"{base}-1"
    qs = model.objects.all()
    if exclude_pk:
        qs = qs.exclude(pk=exclude_pk)
    slug, n = base, 1
    while qs.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


def require_manage(actor: Any, obj: Any) -> None:
    if actor is not None and not access.can_manage(actor, obj):
        raise Forbidden(_("Only the staff of the programme's center can change it."))


def _clean(fields: dict[str, Any], *, creating: bool) -> dict[str, Any]:
    unknown = set(fields) - set(PROGRAMME_FIELDS)
    if unknown:
        raise ValidationFailed(fields={k: [_("This field is not accepted.")] for k in sorted(unknown)})
    errors: dict[str, list[str]] = {}
    for key in PROGRAMME_TEXT:
        if key in fields:
            fields[key] = (fields[key] or "").strip()
    for key in PROGRAMME_HTML:
        if key in fields:
            fields[key] = clean_html(fields[key] or "")
    if (creating or "title_vi" in fields) and not fields.get("title_vi"):
        errors.setdefault("title_vi", []).append(_("The title is required."))
    if "kind" in fields and fields["kind"] not in ProgrammeKind.values:
        errors.setdefault("kind", []).append(_("Choose a kind of programme."))
    if "visibility" in fields and fields["visibility"] not in Visibility.values:
        errors.setdefault("visibility", []).append(_("Choose a visibility."))
    if "budget_currency" in fields and fields["budget_currency"] not in Currency.values:
        errors.setdefault("budget_currency", []).append(
            _("Choose a currency among %(codes)s.") % {"codes": ", ".join(Currency.values)}
        )
    if fields.get("budget_amount") is not None and Decimal(str(fields["budget_amount"])) < 0:
        errors.setdefault("budget_amount", []).append(_("This value cannot be negative."))
    if "languages" in fields:
        codes = {code for code, _name in settings.LANGUAGES}
        languages = list(dict.fromkeys(fields["languages"] or []))
        if any(code not in codes for code in languages):
            errors.setdefault("languages", []).append(
                _("Languages must be among %(codes)s.") % {"codes": ", ".join(sorted(codes))}
            )
        fields["languages"] = languages
    if errors:
        raise ValidationFailed(fields=errors)
    return fields


def _check_dates(starts_on: Any, ends_on: Any) -> None:
    if starts_on and ends_on and ends_on < starts_on:
        raise ValidationFailed(fields={"ends_on": [_("The end date cannot be before the start date.")]})


@transaction.atomic
def create_programme(
    *, actor: Any, center: Any, partners: list[Any] | None = None, slug: str | None = None, **fields: Any
) -> Programme:
    if actor is not None and not can(actor, P.MANAGE, center_id=center.pk):
        raise Forbidden(_("Only the staff of a center can create its programmes."))
    fields = _clean(dict(fields), creating=True)
    fields.setdefault("kind", ProgrammeKind.INCUBATION)
    _check_dates(fields.get("starts_on"), fields.get("ends_on"))
    with actor_context(actor):
        programme = Programme(
            center=center, created_by=actor if getattr(actor, "pk", None) else None, **fields
        )
        programme.slug = unique_slug(Programme, fields["title_vi"], wanted=slug)
        programme.save()
        if partners:
            programme.partners.set(partners)
    return programme


@transaction.atomic
def update_programme(
    programme: Programme,
    *,
    actor: Any,
    expected_version: int | None = None,
    partners: list[Any] | None = None,
    **fields: Any,
) -> Programme:
    locked = Programme.objects.select_for_update().get(pk=programme.pk)
    require_manage(actor, locked)
    if expected_version is not None and locked.version != expected_version:
        raise Conflict()
    if locked.status == Programme.Status.ARCHIVED:
        raise InvalidTransition(_("An archived programme cannot be changed; make it active again first."))
    fields = _clean(dict(fields), creating=False)
    _check_dates(fields.get("starts_on", locked.starts_on), fields.get("ends_on", locked.ends_on))
    with actor_context(actor):
        for key, value in fields.items():
            setattr(locked, key, value)
        locked.version = F("version") + 1  # type: ignore[assignment]
        locked.save(update_fields=[*fields, "version", "updated_at"])
        if partners is not None:
            locked.partners.set(partners)
    locked.refresh_from_db()
    return locked


@transaction.atomic
def set_programme_status(
    programme: Programme, status: str, *, actor: Any, expected_version: int | None = None
) -> Programme:
    locked = Programme.objects.select_for_update().get(pk=programme.pk)
    require_manage(actor, locked)
    if expected_version is not None and locked.version != expected_version:
        raise Conflict()
    if status not in PROGRAMME_TRANSITIONS.get(locked.status, ()):
        labels = dict(Programme.Status.choices)
        raise InvalidTransition(
            _("This cannot be done while the %(record)s is “%(state)s” (it would become “%(target)s”).")
            % {
                "record": Programme._meta.verbose_name,
                "state": labels.get(locked.status, locked.status),
                "target": labels.get(status, status),
            }
        )
    if status == Programme.Status.ARCHIVED:
        from innohub.programs.models import Call

        open_calls = locked.calls.filter(status=Call.Status.PUBLISHED).count()
        if open_calls:
            raise InvalidTransition(
                _("Close or archive the programme's %(count)s published calls before archiving it.")
                % {"count": open_calls}
            )
    with actor_context(actor):
        locked.status = status
        locked.version = F("version") + 1  # type: ignore[assignment]
        locked.save(update_fields=["status", "version", "updated_at"])
    locked.refresh_from_db()
    return locked


def publish_programme(programme: Programme, *, actor: Any, expected_version: int | None = None) -> Programme:
    return set_programme_status(
        programme, Programme.Status.ACTIVE, actor=actor, expected_version=expected_version
    )


def archive_programme(programme: Programme, *, actor: Any, expected_version: int | None = None) -> Programme:
    return set_programme_status(
        programme, Programme.Status.ARCHIVED, actor=actor, expected_version=expected_version
    )


@transaction.atomic
def delete_programme(programme: Programme, *, actor: Any) -> None:
    """Only a draft programme without calls: anything else is kept for the record (archive it)."""
    locked = Programme.objects.select_for_update().get(pk=programme.pk)
    require_manage(actor, locked)
    if locked.status != Programme.Status.DRAFT or locked.calls.exists():
        raise InvalidTransition(_("Only a draft programme without calls can be deleted; archive it instead."))
    with actor_context(actor):
        locked.delete()
