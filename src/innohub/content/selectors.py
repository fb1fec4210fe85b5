"""Reads of news: only published articles the user may see, newest first."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from innohub.content.models import NewsArticle
from innohub.core.errors import NotFound


def news_for(user: Any, *, center_paths: list[str] | None = None) -> QuerySet[NewsArticle]:
    """Published, visible news; `center_paths` limits it to those centers and the centers below them."""
    qs = NewsArticle.objects.published().visible_to(user).select_related("center")
    if center_paths is not None:
        cond = Q()
        for path in center_paths:
            cond |= Q(center__path__startswith=path)
        qs = qs.filter(cond) if center_paths else qs.none()
    return qs.order_by("-published_at", "-pk")


def get_news_for(user: Any, slug: str) -> NewsArticle:
    article = news_for(user).filter(slug=slug).first()
    if article is None:
        raise NotFound()
    return article
