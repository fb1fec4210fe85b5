"""Rate limits: API token creation, anonymous API reads, API writes (core/ratelimit.py), and the
sign-in / sign-up limits of allauth."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.test import Client, RequestFactory, override_settings
from django.urls import reverse

from innohub.accounts.models import ApiToken
from innohub.accounts.tokens import create_api_token
from innohub.core.ratelimit import RateLimited, check_rate, client_ip, parse_rate, ratelimit
from tests.factories import OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_counters():
    cache.clear()
    yield
    cache.clear()


def limits(**rates: str):
    return override_settings(INNOHUB_RATE_LIMITS_ENABLED=True, INNOHUB_RATE_LIMITS=rates)


def assert_rate_limited(response) -> None:
    assert response.status_code == 429, response.content
    body = response.json()
    assert body["code"] == "rate_limited"
    assert body["message"]
    assert body["fields"] == {}
    assert 1 <= int(response["Retry-After"]) <= 3600


@pytest.mark.parametrize(("rate", "expected"), [("10/m", (10, 60)), ("5/10m", (5, 600)), ("1/d", (1, 86400))])
def test_parse_rate(rate, expected):
    assert parse_rate(rate) == expected


def test_parse_rate_refuses_nonsense():
    with pytest.raises(ValueError, match="count/period"):
        parse_rate("ten per minute")


def test_token_creation_is_limited_per_user():
    user = UserFactory()
    client = Client()
    client.force_login(user)
    url = "/api/v1/accounts/tokens"
    with limits(api_token_create="3/h"):
        for i in range(3):
            response = client.post(url, {"name": f"t{i}"}, content_type="application/json")
            assert response.status_code == 201
        response = client.post(url, {"name": "one too many"}, content_type="application/json")
        assert_rate_limited(response)
        assert ApiToken.objects.filter(user=user).count() == 3  # nothing written past the limit

        other = Client()
        other.force_login(UserFactory())
        assert other.post(url, {"name": "mine"}, content_type="application/json").status_code == 201


def test_anonymous_api_reads_are_limited_per_address():
    OrganisationFactory()
    url = "/api/v1/taxonomy/provinces"
    with limits(api_anonymous="2/m"):
        here = Client(REMOTE_ADDR="203.0.113.7")
        for i in range(2):  # a different query each time: answers from the API read cache are not counted
            assert here.get(url, {"n": i}).status_code == 200
        assert_rate_limited(here.get(url, {"n": "x"}))
        # Another address is counted on its own.
        assert Client(REMOTE_ADDR="203.0.113.8").get(url, {"n": "y"}).status_code == 200


def test_signed_in_and_token_reads_are_not_limited_as_anonymous():
    user = UserFactory()
    _token, raw = create_api_token(user, actor=user, name="reader", scope="read")
    with limits(api_anonymous="1/m"):
        reader = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")
        for i in range(3):
            assert reader.get("/api/v1/taxonomy/provinces", {"n": i}).status_code == 200


def test_api_writes_are_limited_per_token():
    user = UserFactory()
    _token, raw = create_api_token(user, actor=user, name="writer", scope="write")
    writer = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")
    url = "/api/v1/directory/organisations/no-such-organisation"  # counted before the handler runs
    with limits(api_write="2/m"):
        statuses = [writer.delete(url).status_code for _ in range(2)]
        assert 429 not in statuses
        assert_rate_limited(writer.delete(url))
        # Reads with the same token are not writes.
        assert writer.get("/api/v1/accounts/me").status_code == 200


def test_api_writes_are_limited_per_signed_in_user():
    client = Client()
    client.force_login(UserFactory())
    url = "/api/v1/accounts/tokens"
    with limits(api_write="2/m", api_token_create="100/h"):
        for i in range(2):
            assert client.post(url, {"name": f"t{i}"}, content_type="application/json").status_code == 201
        assert_rate_limited(client.post(url, {"name": "t3"}, content_type="application/json"))


def test_no_limit_when_switched_off():
    with override_settings(INNOHUB_RATE_LIMITS_ENABLED=False, INNOHUB_RATE_LIMITS={"x": "1/m"}):
        for _ in range(5):
            check_rate("x", "k")


def test_check_rate_counts_keys_separately_and_says_how_long_to_wait():
    with limits(feedback="1/h"):
        check_rate("feedback", "ip:1")
        check_rate("feedback", "ip:2")
        with pytest.raises(RateLimited) as caught:
            check_rate("feedback", "ip:1")
    assert caught.value.status == 429
    assert 1 <= caught.value.retry_after <= 3601


def test_view_decorator_answers_429_with_retry_after():
    from django.http import HttpResponse

    @ratelimit("feedback")
    def view(request):
        return HttpResponse("ok")

    rf = RequestFactory()
    with limits(feedback="1/m"):
        assert view(rf.post("/feedback/", REMOTE_ADDR="198.51.100.1")).status_code == 200
        response = view(rf.post("/feedback/", REMOTE_ADDR="198.51.100.1"))
    assert response.status_code == 429
    assert int(response["Retry-After"]) >= 1


def test_client_address_ignores_forwarded_for_unless_proxies_are_trusted():
    rf = RequestFactory()
    request = rf.get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="1.2.3.4, 203.0.113.9")
    assert client_ip(request) == "10.0.0.2"  # a client can write any X-Forwarded-For
    with override_settings(INNOHUB_TRUSTED_PROXY_COUNT=1):
        assert client_ip(request) == "203.0.113.9"  # what our one proxy saw, not the spoofable left end


# --- sign-in and sign-up: allauth's limits (base settings) and django-axes ------------------------------


def test_base_settings_limit_sign_in_and_sign_up():
    from innohub.config.settings import base

    assert base.ACCOUNT_RATE_LIMITS["login_failed"]
    assert base.ACCOUNT_RATE_LIMITS["signup"]
    assert base.AXES_FAILURE_LIMIT <= 10


@override_settings(ACCOUNT_RATE_LIMITS={"signup": "2/m/ip"})
def test_sign_up_is_rate_limited_per_address():
    client = Client()
    url = reverse("account_signup")
    for i in range(2):
        data = {"email": f"new{i}@example.vn", "password1": "short", "password2": "short"}
        assert client.post(url, data).status_code == 200  # form errors, but counted
    response = client.post(url, {"email": "new9@example.vn", "password1": "x", "password2": "x"})
    assert response.status_code == 429


@override_settings(ACCOUNT_RATE_LIMITS={"login_failed": "2/m/ip"}, AXES_FAILURE_LIMIT=100)
def test_failed_sign_ins_are_rate_limited_per_address():
    """Past the limit even the right password is refused (allauth answers with a form error, not 429)."""
    user = UserFactory()
    client = Client()
    url = reverse("account_login")
    for _ in range(2):
        assert client.post(url, {"login": user.email, "password": "wrong-password"}).status_code == 200
    response = client.post(url, {"login": user.email, "password": "Pass-word-123"})
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    assert response.context["form"].errors


@override_settings(ACCOUNT_RATE_LIMITS={"login_failed": "3/m/ip"}, AXES_FAILURE_LIMIT=100)
def test_failed_sign_ins_below_the_limit_still_let_the_right_password_in():
    user = UserFactory()
    client = Client()
    url = reverse("account_login")
    for _ in range(2):
        client.post(url, {"login": user.email, "password": "wrong-password"})
    assert client.post(url, {"login": user.email, "password": "Pass-word-123"}).status_code == 302
