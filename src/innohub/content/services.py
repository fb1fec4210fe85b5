"""Every write to news articles (CONVENTIONS.md §2).

Permissions (accounts/roles.py): "content.change" in the article's center to write, edit and delete
drafts; "content.publish" to put an article on the portal or take it off. The staff roles hold both,
and they apply to the centers below (a regional center's staff write its provinces' news).
"""

from __future__ import annotations

from contextlib import nullcontext
from datetime import datetime
from typing import Any

from auditlog.context import set_actor
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from innohub.accounts.access import can
from innohub.content.models import NewsArticle
from innohub.core.errors import Conflict, Forbidden, InvalidTransition, ValidationFailed
from innohub.core.models import Visibility
from innohub.core.sanitize import clean_html
from innohub.core.text import fold

#: the permissions that allow writing and publishing a center's news (see module docstring)
CHANGE_PERMISSION = "content.change"
PUBLISH_PERMISSION = "content.publish"

EDITABLE_FIELDS = {
    "title_vi",
    "title_en",
    "summary_vi",
    "summary_en",
    "body_vi",
    "body_en",
    "cover_image",
    "cover_alt",
    "visibility",
    "published_at",
}


def can_edit_news(user: Any, *, center_id: int) -> bool:
    return can(user, CHANGE_PERMISSION, center_id=center_id)


def can_publish_news(user: Any, *, center_id: int) -> bool:
    return can(user, PUBLISH_PERMISSION, center_id=center_id)


def _check(actor: Any, center_id: int, permission: str = CHANGE_PERMISSION) -> None:
    if actor is not None and not can(actor, permission, center_id=center_id):
        raise Forbidden()


def _actor_context(actor: Any) -> Any:
    return set_actor(actor) if actor is not None else nullcontext()


def _clean_fields(fields: dict[str, Any]) -> dict[str, Any]:
    for plain, vi in (("title", "title_vi"), ("summary", "summary_vi"), ("body", "body_vi")):
        if plain in fields and vi not in fields:
            fields[vi] = fields.pop(plain)
    unknown = set(fields) - EDITABLE_FIELDS
    if unknown:
        raise ValidationFailed(
            fields={k: [str(_("This field cannot be set here."))] for k in sorted(unknown)}
        )
    errors: dict[str, list[str]] = {}
    for key in ("title_vi", "title_en", "summary_vi", "summary_en", "cover_alt"):
        if key in fields:
            fields[key] = (fields[key] or "").strip()
    for key in ("body_vi", "body_en"):
        if key in fields:
            fields[key] = clean_html(fields[key])
    if "title_vi" in fields and not fields["title_vi"]:
        errors.setdefault("title", []).append(str(_("The title is required.")))
    if "visibility" in fields and fields["visibility"] not in Visibility.values:
        errors.setdefault("visibility", []).append(str(_("Choose a valid visibility.")))
    if errors:
        raise ValidationFailed(fields=errors)
    return fields


def _unique_slug(text: str, *, exclude_pk: int | None = None) -> str:
    base = slugify(fold(text))[:200] or "news"
    slug, n = base, 1
    qs = NewsArticle.objects.all()
    if exclude_pk:
        qs = qs.exclude(pk=exclude_pk)
    while qs.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


@transaction.atomic
def create_news_article(*, actor: Any, center: Any, **fields: Any) -> NewsArticle:
    """A draft; `publish_news_article` puts it on the portal."""
    _check(actor, center.pk)
    fields = _clean_fields(fields)
    if not fields.get("title_vi"):
        raise ValidationFailed(fields={"title": [str(_("The title is required."))]})
    with _actor_context(actor):
        article = NewsArticle(
            center=center, created_by=actor if getattr(actor, "pk", None) else None, **fields
        )
        article.slug = _unique_slug(fields["title_vi"])
        article.save()
    return article


@transaction.atomic
def update_news_article(
    article: NewsArticle, *, actor: Any, expected_version: int | None = None, **fields: Any
) -> NewsArticle:
    locked = NewsArticle.objects.select_for_update().get(pk=article.pk)
    _check(actor, locked.center_id)
    if expected_version is not None and locked.version != expected_version:
        raise Conflict()
    fields = _clean_fields(fields)
    with _actor_context(actor):
        for key, value in fields.items():
            setattr(locked, key, value)
        locked.version = F("version") + 1
        locked.save(update_fields=[*fields, "version", "updated_at"])
        locked.refresh_from_db()
    return locked


@transaction.atomic
def publish_news_article(
    article: NewsArticle, *, actor: Any, published_at: datetime | None = None
) -> NewsArticle:
    """Publish now, or at `published_at` (the portal shows it from then on)."""
    locked = NewsArticle.objects.select_for_update().get(pk=article.pk)
    _check(actor, locked.center_id, PUBLISH_PERMISSION)
    if locked.status == NewsArticle.Status.PUBLISHED:
        raise InvalidTransition(_("This article is already published."))
    if not getattr(locked, "title_vi", ""):
        raise ValidationFailed(fields={"title": [str(_("The title is required."))]})
    with _actor_context(actor):
        locked.status = NewsArticle.Status.PUBLISHED
        locked.published_at = published_at or locked.published_at or timezone.now()
        locked.version = F("version") + 1
        locked.save(update_fields=["status", "published_at", "version", "updated_at"])
        locked.refresh_from_db()
    return locked


@transaction.atomic
def unpublish_news_article(article: NewsArticle, *, actor: Any) -> NewsArticle:
    locked = NewsArticle.objects.select_for_update().get(pk=article.pk)
    _check(actor, locked.center_id, PUBLISH_PERMISSION)
    if locked.status != NewsArticle.Status.PUBLISHED:
        raise InvalidTransition(_("This article is not published."))
    with _actor_context(actor):
        locked.status = NewsArticle.Status.DRAFT
        locked.version = F("version") + 1
        locked.save(update_fields=["status", "version", "updated_at"])
        locked.refresh_from_db()
    return locked


@transaction.atomic
def delete_news_article(article: NewsArticle, *, actor: Any) -> None:
    locked = NewsArticle.objects.select_for_update().get(pk=article.pk)
    _check(actor, locked.center_id)
    if locked.status == NewsArticle.Status.PUBLISHED:
        # Taking an article off the portal is a publishing decision, not an editing one.
        _check(actor, locked.center_id, PUBLISH_PERMISSION)
    with _actor_context(actor):
        locked.delete()
