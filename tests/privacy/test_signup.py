"""Sign-up asks for consent per purpose: the required one must be ticked, the others are optional
and never ticked in advance."""

from __future__ import annotations

import pytest
from django.urls import reverse

from innohub.accounts.models import User
from innohub.privacy.models import Consent

pytestmark = pytest.mark.django_db

PASSWORD = "Rất-khó-đoán-42"


def _sign_up(client, email: str, **consents: str):
    data = {"email": email, "password1": PASSWORD, "password2": PASSWORD, **consents}
    return client.post(reverse("account_signup"), data)


def test_signup_form_shows_one_unticked_box_per_purpose(client):
    html = client.get("/accounts/signup/").content.decode()
    for code in ("account", "directory_profile", "communications", "partner_sharing"):
        assert f'name="consent_{code}"' in html
    assert "checked" not in html.split('name="consent_account"')[1].split(">")[0]


def test_signup_records_the_ticked_consents_with_source_signup(client):
    response = _sign_up(client, "hoa@example.vn", consent_account="on", consent_communications="on")
    assert response.status_code == 302, response.content.decode()[:2000]
    user = User.objects.get(email="hoa@example.vn")
    consents = {c.purpose.code: c for c in Consent.objects.filter(user=user).select_related("purpose")}
    assert set(consents) == {"account", "communications"}, "unticked purposes are not consented"
    assert all(c.granted and c.source == "signup" and c.text_version for c in consents.values())


def test_signup_without_the_required_consent_creates_no_account(client):
    response = _sign_up(client, "khong@example.vn", consent_communications="on")
    assert response.status_code == 200
    assert not User.objects.filter(email="khong@example.vn").exists()
    assert 'id="id_consent_account_error"' in response.content.decode()
    assert not Consent.objects.exists()
