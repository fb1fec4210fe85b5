from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from innohub.content import services
from innohub.content.models import NewsArticle
from innohub.content.selectors import get_news_for, news_for
from innohub.core.errors import Conflict, Forbidden, InvalidTransition, NotFound, ValidationFailed
from tests.content.factories import NewsArticleFactory
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_create_cleans_html_and_makes_a_folded_unique_slug(network, make_member):
    staff = make_member(network["hanoi"], "center_staff")
    first = services.create_news_article(
        actor=staff,
        center=network["hanoi"],
        title_vi="Đổi mới sáng tạo ở Hà Nội",
        body_vi='<p onclick="x()">Xin chào</p><script>alert(1)</script>',
    )
    second = services.create_news_article(
        actor=staff, center=network["hanoi"], title_vi="Đổi mới sáng tạo ở Hà Nội"
    )
    assert first.slug == "doi-moi-sang-tao-o-ha-noi"
    assert second.slug == "doi-moi-sang-tao-o-ha-noi-2"
    assert "<script" not in first.body_vi and "onclick" not in first.body_vi
    assert "Xin chào" in first.body_vi
    assert first.status == NewsArticle.Status.DRAFT
    assert first.created_by == staff


def test_title_is_required(network, make_member):
    staff = make_member(network["hanoi"], "center_staff")
    with pytest.raises(ValidationFailed) as exc:
        services.create_news_article(actor=staff, center=network["hanoi"], title_vi="   ")
    assert "title" in exc.value.fields


def test_only_staff_of_the_center_or_above_may_write_news(network, make_member):
    outsider = make_member(network["haiphong"], "center_staff")
    reviewer = make_member(network["hanoi"], "reviewer")
    regional_staff = make_member(network["regional"], "center_staff")
    for user in (outsider, reviewer, UserFactory()):
        with pytest.raises(Forbidden):
            services.create_news_article(actor=user, center=network["hanoi"], title_vi="Tin")
    # Staff roles apply to the centers below (the regional center's staff write Hà Nội news).
    article = services.create_news_article(actor=regional_staff, center=network["hanoi"], title_vi="Tin")
    assert article.center == network["hanoi"]


def test_publish_and_unpublish_transitions(network, make_member):
    staff = make_member(network["hanoi"], "center_staff")
    article = services.create_news_article(actor=staff, center=network["hanoi"], title_vi="Tin mới")
    with pytest.raises(InvalidTransition):
        services.unpublish_news_article(article, actor=staff)
    published = services.publish_news_article(article, actor=staff)
    assert published.status == NewsArticle.Status.PUBLISHED
    assert published.published_at is not None
    assert published.version == article.version + 1
    with pytest.raises(InvalidTransition):
        services.publish_news_article(published, actor=staff)
    draft = services.unpublish_news_article(published, actor=staff)
    assert draft.status == NewsArticle.Status.DRAFT


def test_stale_update_is_refused(network, make_member):
    staff = make_member(network["hanoi"], "center_staff")
    article = services.create_news_article(actor=staff, center=network["hanoi"], title_vi="Tin")
    services.update_news_article(article, actor=staff, expected_version=article.version, title_en="News")
    with pytest.raises(Conflict):
        services.update_news_article(article, actor=staff, expected_version=article.version, title_en="Old")
    article.refresh_from_db()
    assert article.title_en == "News"


def test_update_refuses_fields_it_does_not_own(network, make_member):
    staff = make_member(network["hanoi"], "center_staff")
    article = services.create_news_article(actor=staff, center=network["hanoi"], title_vi="Tin")
    with pytest.raises(ValidationFailed):
        services.update_news_article(article, actor=staff, status="published")


def test_news_for_shows_only_published_due_and_visible(network, make_member):
    public = NewsArticleFactory(center=network["hanoi"])
    NewsArticleFactory(center=network["hanoi"], status=NewsArticle.Status.DRAFT)
    NewsArticleFactory(center=network["hanoi"], published_at=timezone.now() + timedelta(days=1))
    internal = NewsArticleFactory(center=network["hanoi"], visibility="center")
    assert list(news_for(AnonymousUser())) == [public]
    staff = make_member(network["hanoi"], "center_staff")
    assert set(news_for(staff)) == {public, internal}
    with pytest.raises(NotFound):
        get_news_for(AnonymousUser(), internal.slug)


def test_news_for_a_center_includes_the_centers_below(network):
    hanoi = NewsArticleFactory(center=network["hanoi"])
    regional = NewsArticleFactory(center=network["regional"])
    NewsArticleFactory(center=network["national"])
    assert set(news_for(AnonymousUser(), center_paths=[network["regional"].path])) == {hanoi, regional}
    assert list(news_for(AnonymousUser(), center_paths=[network["hanoi"].path])) == [hanoi]
