"""The privacy pages as people meet them, and which administrators see whose open requests."""

from __future__ import annotations

import pytest
from django.urls import reverse

from innohub.privacy import services

pytestmark = pytest.mark.django_db


def test_privacy_page_in_english_shows_purposes_and_choices(client, subject):
    client.force_login(subject)
    response = client.get("/en" + reverse("workspace:privacy"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Publishing your profile in the ecosystem directory" in html
    assert 'data-purpose="account" data-granted="1"' in html
    assert 'data-purpose="communications" data-granted="0"' in html
    assert "Decree 13/2023/ND-CP" in html
    assert reverse("workspace:privacy-export-start") in html
    assert reverse("workspace:privacy") in client.get(reverse("workspace:home")).content.decode(), "nav link"


def test_privacy_page_in_vietnamese_by_default(client, subject):
    client.force_login(subject)
    html = client.get(reverse("workspace:privacy")).content.decode()
    assert "Công bố hồ sơ trong danh bạ hệ sinh thái" in html


def test_open_requests_are_seen_by_the_administrators_of_the_persons_center(client, network, make_member):
    hanoi, haiphong = network["hanoi"], network["haiphong"]
    lonely = make_member(hanoi, "center_admin", full_name="Quản trị Duy Nhất")
    data_request, _report = services.request_erasure(lonely, actor=lonely)
    other_admin_hanoi = make_member(hanoi, "center_admin")
    admin_haiphong = make_member(haiphong, "center_admin")
    decide = reverse("workspace:privacy-request-decide", kwargs={"uuid": data_request.uuid})

    client.force_login(admin_haiphong)
    assert str(data_request.uuid) not in client.get(reverse("workspace:privacy-requests")).content.decode()
    assert client.post(decide, {f"r{data_request.pk}-decision": "process"}).status_code == 404

    client.force_login(other_admin_hanoi)
    assert str(data_request.uuid) in client.get(reverse("workspace:privacy-requests")).content.decode()
    # with a second administrator in place the request can now be carried out
    client.post(decide, {f"r{data_request.pk}-decision": "process"})
    data_request.refresh_from_db()
    assert data_request.status == "done"
