from __future__ import annotations

import pytest

from innohub.taxonomy.models import Province


@pytest.fixture
def hanoi_province(db):
    # The taxonomy may be loaded by a data migration; create the province only if it is not.
    province, _created = Province.objects.get_or_create(
        code="01", defaults={"name": "Hà Nội", "name_vi": "Hà Nội", "codename": "ha-noi"}
    )
    return province


@pytest.fixture
def staff(network, make_member):
    return make_member(network["hanoi"], "center_staff")
