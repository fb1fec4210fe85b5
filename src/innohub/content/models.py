"""News published by a center on its portal and, when public, on the national portal."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from innohub.core.models import TimeStampedModel, Visibility
from innohub.core.visibility import VisibleQuerySet


class NewsQuerySet(VisibleQuerySet["NewsArticle"]):
    def published(self) -> NewsQuerySet:
        """Published and already due: an article scheduled for tomorrow is not shown today."""
        from django.utils import timezone

        return self.filter(status=NewsArticle.Status.PUBLISHED, published_at__lte=timezone.now())


class NewsArticle(TimeStampedModel):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")

    center = models.ForeignKey(
        "centers.Center", on_delete=models.PROTECT, related_name="news", verbose_name=_("center")
    )
    title = models.CharField(max_length=255, verbose_name=_("title"))
    slug = models.SlugField(max_length=255, unique=True, verbose_name=_("slug"))
    summary = models.TextField(blank=True, verbose_name=_("summary"))
    # Sanitised HTML (innohub.core.sanitize.clean_html), written only by services.
    body = models.TextField(blank=True, verbose_name=_("body"))
    cover_image = models.ImageField(upload_to="news/%Y/", blank=True, verbose_name=_("cover image"))
    cover_alt = models.CharField(max_length=255, blank=True, verbose_name=_("cover image description"))
    status = models.CharField(
        max_length=16, choices=Status.choices, default=Status.DRAFT, db_index=True, verbose_name=_("status")
    )
    published_at = models.DateTimeField(null=True, blank=True, db_index=True, verbose_name=_("published at"))
    visibility = models.CharField(
        max_length=16,
        choices=Visibility.choices,
        default=Visibility.PUBLIC,
        db_index=True,
        verbose_name=_("visibility"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    shared_with = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="+")

    objects = NewsQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "-created_at"]
        verbose_name = _("news article")
        verbose_name_plural = _("news articles")
        indexes = [models.Index(fields=["status", "published_at"], name="news_status_pub_idx")]

    def __str__(self) -> str:
        return self.title
