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


@pytest.mark.parametrize(
    ("model_admin", "instance"),
    [
        ("centers", lambda network, org: Center.objects.get(pk=network["hanoi"].pk)),
        ("organisations", lambda network, org: org),
        ("users", lambda network, org: UserFactory()),
    ],
)
def test_admin_forms_check_phone_numbers_as_the_services_do(network, model_admin, instance):
    """The admin saves models directly (no service): its forms carry the phone rule themselves."""
    from django.forms.models import model_to_dict

    from innohub.accounts.models import User
    from innohub.directory.models import Organisation
    from innohub.directory.services import create_organisation

    org = create_organisation(
        actor=None, center=network["hanoi"], kind="startup", name_vi="Sao Mai", check_duplicates=False
    )
    obj = instance(network, org)
    model = {"centers": Center, "organisations": Organisation, "users": User}[model_admin]
    request = RequestFactory().get("/")
    request.user = UserFactory(is_staff=True, is_superuser=True)
    form_class = admin.site._registry[model].get_form(request, obj)
    data = {k: v for k, v in model_to_dict(obj).items() if v is not None}
    for key, value in data.items():
        if isinstance(value, list):
            data[key] = [getattr(v, "pk", v) for v in value]
    bad = form_class(data={**data, "phone": "12"}, instance=obj)
    assert not bad.is_valid() and list(bad.errors) == ["phone"]
    good = form_class(data={**data, "phone": "(024) 3826 4567"}, instance=obj)
    assert good.is_valid(), good.errors
    assert good.cleaned_data["phone"] == "+84 24 3826 4567"
