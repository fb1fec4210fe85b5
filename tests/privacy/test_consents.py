"""Consent per purpose: give, withdraw, the required purpose, a changed text, and what withdrawing
the directory-profile consent changes at once."""

from __future__ import annotations

import pytest
from auditlog.models import LogEntry
from django.urls import reverse

from innohub.core.errors import Forbidden, InvalidTransition
from innohub.privacy import services
from innohub.privacy.models import Consent, ConsentPurpose
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_default_purposes_are_seeded_with_both_languages():
    purposes = {p.code: p for p in ConsentPurpose.objects.all()}
    assert set(purposes) >= {
        "account",
        "directory_profile",
        "programme_applications",
        "communications",
        "statistics",
        "partner_sharing",
    }
    assert [p.code for p in purposes.values() if p.required] == ["account"]
    for p in purposes.values():
        assert p.name_vi and p.name_en and p.name_vi != p.name_en
        assert p.description_vi and p.description_en and p.legal_basis_en
        assert p.retention_days > 0


def test_grant_then_withdraw_keeps_the_proof():
    user = UserFactory()
    consent = services.grant_consent(user, "communications", actor=user)
    assert consent.granted and consent.granted_at is not None and consent.withdrawn_at is None
    assert consent.text_version == consent.purpose.text_version
    granted_at = consent.granted_at

    consent = services.withdraw_consent(user, "communications", actor=user)
    consent.refresh_from_db()
    assert not consent.granted and consent.withdrawn_at is not None
    assert consent.granted_at == granted_at, "when and to which text consent had been given stays"
    assert Consent.objects.filter(user=user).count() == 1
    # the history of the choice is in the audit log
    assert LogEntry.objects.get_for_object(consent).count() == 2


@pytest.mark.usefixtures("english")  # asserts the English message
def test_withdrawing_the_required_purpose_is_refused_with_an_explanation():
    user = UserFactory()
    services.grant_consent(user, "account", actor=user)
    with pytest.raises(InvalidTransition) as exc:
        services.withdraw_consent(user, "account", actor=user)
    assert exc.value.code == "consent_required"
    assert "account must be closed" in str(exc.value.message)
    assert Consent.objects.get(user=user, purpose__code="account").granted


def test_required_withdrawal_message_on_the_page_in_english(client):
    user = UserFactory()
    services.grant_consent(user, "account", actor=user)
    client.force_login(user)
    url = "/en" + reverse("workspace:privacy-consent", kwargs={"code": "account"})
    response = client.post(url, {"granted": "0"}, follow=True)
    assert response.status_code == 200
    assert "account must be closed" in response.content.decode()
    assert Consent.objects.get(user=user, purpose__code="account").granted


def test_nobody_else_changes_my_consent():
    user, other = UserFactory(), UserFactory()
    with pytest.raises(Forbidden):
        services.grant_consent(user, "communications", actor=other)
    assert not Consent.objects.filter(user=user).exists()


def test_a_changed_text_asks_for_consent_again():
    user = UserFactory()
    services.grant_consent(user, "account", actor=user)
    assert services.missing_required_consents(user) == []
    ConsentPurpose.objects.filter(code="account").update(text_version="2")
    assert [p.code for p in services.missing_required_consents(user)] == ["account"]
    consent = services.grant_consent(user, "account", actor=user)
    assert consent.text_version == "2"
    assert services.missing_required_consents(user) == []


def test_withdrawing_directory_consent_takes_the_profile_off_the_portal(subject, subject_person):
    assert subject_person.visibility == "public"
    services.withdraw_consent(subject, "directory_profile", actor=subject)
    subject_person.refresh_from_db()
    assert subject_person.visibility == "center"


def test_toggle_on_the_page(client):
    user = UserFactory()
    client.force_login(user)
    url = reverse("workspace:privacy-consent", kwargs={"code": "communications"})
    assert client.post(url, {"granted": "1"}).status_code == 302
    assert Consent.objects.get(user=user, purpose__code="communications").granted
    page = client.get(reverse("workspace:privacy")).content.decode()
    assert 'data-purpose="communications" data-granted="1"' in page
    assert client.post(url, {"granted": "0"}).status_code == 302
    assert not Consent.objects.get(user=user, purpose__code="communications").granted
    assert client.post(url, {}).status_code == 400, "an unclear choice changes nothing"
    unknown = reverse("workspace:privacy-consent", kwargs={"code": "no-such-purpose"})
    assert client.post(unknown, {"granted": "1"}).status_code == 404


def test_privacy_page_asks_existing_accounts_for_the_required_consent(client):
    user = UserFactory()  # created before consent was recorded
    client.force_login(user)
    page = client.get(reverse("workspace:privacy")).content.decode()
    assert 'id="missing-consent"' in page
    services.grant_consent(user, "account", actor=user)
    assert 'id="missing-consent"' not in client.get(reverse("workspace:privacy")).content.decode()
