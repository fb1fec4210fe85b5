"""Operators' view of news (staff write news in the workspace). Writes go through the services."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TabbedTranslationAdmin
from unfold.admin import ModelAdmin

from innohub.content import services
from innohub.content.models import NewsArticle
from innohub.core.errors import DomainError
from innohub.core.sanitize import clean_html


@admin.register(NewsArticle)
class NewsArticleAdmin(ModelAdmin, TabbedTranslationAdmin):
    list_display = ("title", "center", "status", "visibility", "published_at", "updated_at")
    list_filter = ("status", "visibility", "center")
    search_fields = ("title_vi", "title_en", "slug")
    readonly_fields = ("slug", "status", "version", "created_by", "created_at", "updated_at")
    filter_horizontal = ("shared_with",)
    date_hierarchy = "published_at"
    actions = ("publish_selected", "unpublish_selected")

    def save_model(self, request: HttpRequest, obj: NewsArticle, form: Any, change: bool) -> None:
        if not change:
            data = {
                k: form.cleaned_data.get(k)
                for k in services.EDITABLE_FIELDS
                if k in form.cleaned_data and k != "published_at"
            }
            created = services.create_news_article(actor=request.user, center=obj.center, **data)
            obj.pk, obj.slug = created.pk, created.slug
            obj.refresh_from_db()
            return
        # Body HTML is cleaned here as in the services; the version bump keeps open forms honest.
        for field in ("body_vi", "body_en"):
            setattr(obj, field, clean_html(getattr(obj, field)))
        obj.version = (obj.version or 0) + 1
        super().save_model(request, obj, form, change)

    @admin.action(description=_("Publish selected articles"))
    def publish_selected(self, request: HttpRequest, queryset: QuerySet[NewsArticle]) -> None:
        self._run(request, queryset, services.publish_news_article)

    @admin.action(description=_("Unpublish selected articles"))
    def unpublish_selected(self, request: HttpRequest, queryset: QuerySet[NewsArticle]) -> None:
        self._run(request, queryset, services.unpublish_news_article)

    def _run(self, request: HttpRequest, queryset: QuerySet[NewsArticle], action: Any) -> None:
        done = 0
        for article in queryset:
            try:
                action(article, actor=request.user)
                done += 1
            except DomainError as exc:
                self.message_user(request, f"{article}: {exc.message}", messages.WARNING)
        self.message_user(request, _("%(count)s articles updated.") % {"count": done}, messages.SUCCESS)
