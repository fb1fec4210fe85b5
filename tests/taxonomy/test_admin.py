from __future__ import annotations

import pytest
from django.urls import reverse

from innohub.accounts.models import User

pytestmark = pytest.mark.django_db

MODELS = [
    "province",
    "legacyprovince",
    "commune",
    "sector",
    "sciencefield",
    "readinesslevel",
    "stage",
    "country",
]


@pytest.fixture
def operator_client(client):
    user = User.objects.create_superuser(email="ops@example.vn", password="Pass-word-123")
    client.force_login(user)
    return client


@pytest.mark.parametrize("model", MODELS)
def test_changelists_open_and_search(operator_client, model):
    url = reverse(f"admin:taxonomy_{model}_changelist")
    assert operator_client.get(url).status_code == 200
    assert operator_client.get(url, {"q": "Hà"}).status_code == 200


def test_province_changelist_shows_former_codes(operator_client, django_assert_max_num_queries):
    url = reverse("admin:taxonomy_province_changelist")
    with django_assert_max_num_queries(12):
        response = operator_client.get(url, {"q": "79"})
    assert response.status_code == 200
    assert "74, 77, 79" in response.content.decode()


def test_province_change_page_lists_merged_former_provinces(operator_client):
    from innohub.taxonomy.models import Province

    hcmc = Province.objects.get(code="79")
    response = operator_client.get(reverse("admin:taxonomy_province_change", args=[hcmc.pk]))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Bình Dương" in body and "Bà Rịa - Vũng Tàu" in body
