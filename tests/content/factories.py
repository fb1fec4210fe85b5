"""Factories for news (rows written directly: tests of the services use the services)."""

from __future__ import annotations

from datetime import timedelta

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from innohub.content.models import NewsArticle
from tests.factories import CenterFactory


class NewsArticleFactory(DjangoModelFactory):
    class Meta:
        model = NewsArticle

    center = factory.SubFactory(CenterFactory)
    title_vi = factory.Sequence(lambda n: f"Tin tức đổi mới sáng tạo số {n}")
    title_en = factory.Sequence(lambda n: f"Innovation news number {n}")
    summary_vi = "Tóm tắt bản tin."
    summary_en = "News summary."
    body_vi = "<p>Nội dung bản tin.</p>"
    body_en = "<p>News body.</p>"
    slug = factory.Sequence(lambda n: f"news-{n}")
    status = NewsArticle.Status.PUBLISHED
    published_at = factory.LazyFunction(lambda: timezone.now() - timedelta(hours=1))
    visibility = "public"
