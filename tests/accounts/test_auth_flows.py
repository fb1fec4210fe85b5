"""Sign-up, sign-in, lockout and password reset through allauth and django-axes, as a user meets them."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.core import mail
from django.test import override_settings
from django.urls import reverse

from innohub.accounts.models import User
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "Pass-word-123"


def test_sign_up_then_sign_in(client):
    response = client.post(
        reverse("account_signup"),
        {
            "email": "Lan.Nguyen@Example.vn",
            "password1": "Rất-khó-đoán-42",
            "password2": "Rất-khó-đoán-42",
            "consent_account": "on",  # the required consent (innohub.privacy)
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    user = User.objects.get(email="lan.nguyen@example.vn")
    assert user.check_password("Rất-khó-đoán-42")
    client.post(reverse("account_logout"))
    assert client.get(reverse("workspace:home")).status_code == 302  # signed out again

    response = client.post(
        reverse("account_login"), {"login": "lan.nguyen@example.vn", "password": "Rất-khó-đoán-42"}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("workspace:home")
    home = client.get(reverse("workspace:home"))
    assert home.status_code == 200
    assert "lan.nguyen@example.vn" in home.content.decode()


def test_sign_up_rejects_short_password_with_message(client):
    response = client.post(
        reverse("account_signup"), {"email": "a@example.vn", "password1": "short", "password2": "short"}
    )
    assert response.status_code == 200
    assert not User.objects.filter(email="a@example.vn").exists()
    assert "is-invalid" in response.content.decode() or "invalid-feedback" in response.content.decode()


# allauth has its own failed-login rate limit (an empty dict keeps its defaults; False turns it off):
# switched off here so that the axes lockout itself is what is tested.
@override_settings(ACCOUNT_RATE_LIMITS=False)
def test_lockout_after_failure_limit(client):
    user = UserFactory(email="khoa@example.vn")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        response = client.post(reverse("account_login"), {"login": user.email, "password": "wrong-password"})
        assert response.status_code in (200, 429)
    # Even the right password is refused now, with the lockout page.
    response = client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    assert response.status_code == 429
    assert "account/lockout.html" in [t.name for t in response.templates]
    assert reverse("account_reset_password") in response.content.decode()
    assert "_auth_user_id" not in client.session


@override_settings(ACCOUNT_RATE_LIMITS=False)
def test_failures_below_limit_do_not_lock(client):
    user = UserFactory(email="minh@example.vn")
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        client.post(reverse("account_login"), {"login": user.email, "password": "wrong-password"})
    response = client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)


def test_password_reset_by_mail(client):
    assert_password_reset_by_mail(client, UserFactory(email="hoa@example.vn"))


def assert_password_reset_by_mail(client, user):
    mail.outbox.clear()
    response = client.post(reverse("account_reset_password"), {"email": user.email})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [user.email]
    link = re.search(r"https?://[^/\s]+(/accounts/password/reset/key/\S+)", mail.outbox[0].body).group(1)
    response = client.get(link, follow=True)
    assert response.status_code == 200
    form_url = response.redirect_chain[-1][0] if response.redirect_chain else link
    response = client.post(form_url, {"password1": "Mật-khẩu-mới-2025", "password2": "Mật-khẩu-mới-2025"})
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password("Mật-khẩu-mới-2025")


@pytest.mark.parametrize(
    "url_name", ["account_login", "account_signup", "account_reset_password", "account_reset_password_done"]
)
def test_entrance_pages_use_the_project_layout(client, url_name):
    body = client.get(reverse(url_name)).content.decode()
    assert 'id="main"' in body  # base.html
    assert "auth-entrance" in body
    assert "accounts/workspace.css" in body


@pytest.mark.parametrize(
    "url_name", ["account_email", "account_change_password", "mfa_index", "account_logout"]
)
def test_account_management_pages_use_the_project_layout(client, url_name):
    client.force_login(UserFactory())
    response = client.get(reverse(url_name))
    assert response.status_code == 200
    body = response.content.decode()
    assert 'id="main"' in body
    assert "btn btn-primary" in body


def test_totp_activation_page_shows_qr_and_code_field(client):
    user = UserFactory()
    client.force_login(user)
    # allauth asks for the password again before enabling MFA.
    response = client.get(reverse("mfa_activate_totp"), follow=True)
    if "reauthenticate" in response.redirect_chain[-1][0] if response.redirect_chain else False:
        client.post(response.redirect_chain[-1][0], {"password": PASSWORD})
        response = client.get(reverse("mfa_activate_totp"))
    body = response.content.decode()
    assert response.status_code == 200
    assert "data:image/svg+xml" in body
    assert 'name="code"' in body


@override_settings(ACCOUNT_RATE_LIMITS=False)
def test_password_reset_lifts_the_lockout(client):
    user = UserFactory(email="lam@example.vn")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("account_login"), {"login": user.email, "password": "wrong-password"})
    assert (
        client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD}).status_code == 429
    )
    assert_password_reset_by_mail(client, user)
    response = client.post(reverse("account_login"), {"login": user.email, "password": "Mật-khẩu-mới-2025"})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)


@override_settings(ACCOUNT_RATE_LIMITS=False)
def test_lockout_is_per_account_not_per_address(client):
    victim = UserFactory(email="bi.khoa@example.vn")
    other = UserFactory(email="dong.nghiep@example.vn")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("account_login"), {"login": victim.email, "password": "wrong-password"})
    # A colleague behind the same office address still signs in.
    response = client.post(reverse("account_login"), {"login": other.email, "password": PASSWORD})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(other.pk)


def test_sign_in_with_totp_second_factor(client):
    from allauth.mfa.totp.internal.auth import (
        TOTP,
        format_hotp_value,
        generate_totp_secret,
        hotp_value,
        yield_hotp_counters_from_time,
    )

    user = UserFactory(email="mfa@example.vn")
    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    response = client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_authenticate")
    page = client.get(reverse("mfa_authenticate"))
    assert page.status_code == 200
    body = page.content.decode()
    assert 'name="code"' in body and 'id="main"' in body
    assert "_auth_user_id" not in client.session  # not signed in before the second factor

    wrong = client.post(reverse("mfa_authenticate"), {"code": "000000"})
    assert wrong.status_code == 200 and "is-invalid" in wrong.content.decode()
    code = format_hotp_value(hotp_value(secret, next(yield_hotp_counters_from_time())))
    response = client.post(reverse("mfa_authenticate"), {"code": code})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)
