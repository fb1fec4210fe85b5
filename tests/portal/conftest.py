from __future__ import annotations

import pytest

from innohub.directory.services import create_organisation, create_person
from innohub.taxonomy.models import Province


@pytest.fixture
def provinces(db):
    """Two provinces from the taxonomy migration, with centroids set (the map needs them)."""
    hanoi = Province.objects.get(code="01")
    hcm = Province.objects.get(code="79")
    Province.objects.filter(pk=hanoi.pk).update(latitude=21.03, longitude=105.85)
    Province.objects.filter(pk=hcm.pk).update(latitude=10.78, longitude=106.7)
    hanoi.refresh_from_db()
    hcm.refresh_from_db()
    return {"hanoi": hanoi, "hcm": hcm}


@pytest.fixture
def make_org(db):
    """Organisations through the service, so search columns are filled as in production."""

    def _make(center, name, **fields):
        fields.setdefault("kind", "startup")
        fields.setdefault("visibility", "public")
        return create_organisation(actor=None, center=center, check_duplicates=False, name_vi=name, **fields)

    return _make


@pytest.fixture
def make_person(db):
    def _make(center, full_name, **fields):
        fields.setdefault("visibility", "public")
        return create_person(actor=None, center=center, full_name=full_name, **fields)

    return _make
