"""The operators' admin for centers keeps what the services keep: paths and versions."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from django.contrib import admin
from django.test import RequestFactory

from innohub.centers import services
from innohub.centers.admin import CenterAdmin
from innohub.centers.models import Center
from innohub.core.errors import Conflict
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _save(center: Center, changed: list[str]) -> None:
    request = RequestFactory().post("/admin/centers/center/")
    request.user = UserFactory(is_staff=True, is_superuser=True)
    CenterAdmin(Center, admin.site).save_model(request, center, SimpleNamespace(changed_data=changed), True)


def test_an_admin_edit_is_a_new_version_so_a_stale_edit_elsewhere_is_refused(network):
    center = Center.objects.get(pk=network["hanoi"].pk)
    read_before = center.version
    center.phone = "024 3826 4567"
    _save(center, ["phone"])
    assert center.version == read_before + 1
    assert Center.objects.get(pk=center.pk).phone == "024 3826 4567"
    with pytest.raises(Conflict):  # an API client or form that read the center before the admin edit
        services.update_center(center, actor=None, expected_version=read_before, phone="0")
    assert Center.objects.get(pk=center.pk).phone == "024 3826 4567", "the admin's edit is kept"


def test_an_admin_move_rewrites_the_subtree_and_is_a_new_version(network):
    center = Center.objects.get(pk=network["hanoi"].pk)
    read_before = center.version
    center.parent = network["national"]
    _save(center, ["parent"])
    assert center.version == read_before + 1
    assert center.path == f"{center.parent.path}{center.pk}/"
