"""News permissions: "content.change" writes drafts, "content.publish" puts them on the portal.

Holding "directory.change" (startup and organisation members do) no longer lets anyone write a
center's news.
"""

from __future__ import annotations

from importlib import import_module

import pytest
from django.apps import apps as global_apps

from innohub.accounts.access import can, forget_scope
from innohub.accounts.models import Membership, Role
from innohub.accounts.roles import DEFAULT_ROLES
from innohub.content import services
from innohub.content.models import NewsArticle
from innohub.core.errors import Forbidden
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

CONTENT = {"content.change", "content.publish"}
migration = import_module("innohub.accounts.migrations.0003_content_permissions")


def _role(code: str) -> Role:
    return Role.objects.get(code=code, center=None)


def test_staff_roles_hold_the_content_permissions_and_members_do_not():
    by_code = {spec["code"]: set(spec["permissions"]) for spec in DEFAULT_ROLES}
    for code in ("center_admin", "center_staff"):
        assert by_code[code] >= CONTENT
        assert set(_role(code).permissions) >= CONTENT, "the seeded rows match DEFAULT_ROLES"
    for code in ("startup_member", "organisation_member", "reviewer", "mentor", "partner", "public"):
        assert not by_code[code] & CONTENT
        assert not set(_role(code).permissions) & CONTENT
    assert by_code["platform_admin"] == {"*"}


@pytest.mark.parametrize("role_code", ["startup_member", "organisation_member"])
def test_directory_writers_who_are_not_staff_cannot_write_news(network, make_member, role_code):
    member = make_member(network["hanoi"], role_code)
    assert can(member, "directory.change", center_id=network["hanoi"].pk)
    assert not services.can_edit_news(member, center_id=network["hanoi"].pk)
    with pytest.raises(Forbidden):
        services.create_news_article(actor=member, center=network["hanoi"], title_vi="Tin")
    assert not NewsArticle.objects.exists()


def test_content_change_without_publish_writes_drafts_only(network, make_member):
    hanoi = network["hanoi"]
    editor_role = Role.objects.create(
        code="news_editor", name="Biên tập viên", center=hanoi, permissions=["content.change"]
    )
    editor = UserFactory()
    Membership.objects.create(user=editor, center=hanoi, role=editor_role)
    article = services.create_news_article(actor=editor, center=hanoi, title_vi="Bản nháp")
    article = services.update_news_article(article, actor=editor, title_en="Draft")
    with pytest.raises(Forbidden):
        services.publish_news_article(article, actor=editor)
    staff = make_member(hanoi, "center_staff")
    published = services.publish_news_article(article, actor=staff)
    with pytest.raises(Forbidden):
        services.unpublish_news_article(published, actor=editor)
    with pytest.raises(Forbidden):
        services.delete_news_article(published, actor=editor)
    assert NewsArticle.objects.get(pk=article.pk).status == NewsArticle.Status.PUBLISHED
    services.unpublish_news_article(published, actor=staff)
    services.delete_news_article(published, actor=editor)
    assert not NewsArticle.objects.filter(pk=article.pk).exists()


def test_the_migration_adds_the_permissions_to_staff_roles_only(network, make_member):
    staff_role = _role("center_staff")
    staff_role.permissions = [p for p in staff_role.permissions if p not in CONTENT]
    staff_role.save()
    center_staff_copy = Role.objects.create(
        code="can_bo",
        name="Cán bộ",
        center=network["hanoi"],
        permissions=["directory.change", "directory.delete"],
    )
    member_copy = Role.objects.create(
        code="thanh_vien", name="Thành viên", center=network["hanoi"], permissions=["directory.change"]
    )
    staff = make_member(network["hanoi"], "center_staff")
    assert not services.can_edit_news(staff, center_id=network["hanoi"].pk)

    migration.forwards(global_apps, None)

    staff_role.refresh_from_db()
    center_staff_copy.refresh_from_db()
    member_copy.refresh_from_db()
    assert set(staff_role.permissions) >= CONTENT
    assert len(staff_role.permissions) == len(set(staff_role.permissions)), "no duplicates"
    assert set(center_staff_copy.permissions) >= CONTENT
    assert member_copy.permissions == ["directory.change"]
    assert _role("platform_admin").permissions == ["*"]
    forget_scope(staff)
    assert services.can_edit_news(staff, center_id=network["hanoi"].pk)

    migration.forwards(global_apps, None)  # idempotent
    staff_role.refresh_from_db()
    assert sorted(staff_role.permissions).count("content.change") == 1

    migration.backwards(global_apps, None)
    staff_role.refresh_from_db()
    assert not set(staff_role.permissions) & CONTENT
