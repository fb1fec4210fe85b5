"""The personal-data journey in a real browser, in the Vietnamese and the English UI: a founder signs
up (giving the required consent), gives and withdraws an optional consent, downloads a copy of their
data and finds themselves in it, then deletes their account, reads what was kept and why, and can no
longer sign in.

Buttons are found by their form's action or their element id (the same in every language); English
wording is asserted on the English UI, where it is the source text.
"""

from __future__ import annotations

import json
import re
import zipfile
from pathlib import Path
from typing import Any

import pytest

from innohub.accounts.models import User
from innohub.privacy import selectors as privacy_selectors
from innohub.privacy import services as privacy_services
from innohub.privacy.defaults import ACCOUNT, COMMUNICATIONS
from innohub.privacy.models import DataRequest
from tests.e2e.test_journey import EMAIL, PASSWORD, sign_up

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def consent_card(page: Any, code: str) -> Any:
    return page.locator(f"#purpose-{code}")


def consent_states(user: Any) -> dict[str, bool]:
    return {state.purpose.code: state.granted for state in privacy_selectors.purposes_for(user)}


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_consent_copy_of_my_data_and_account_deletion(
    live_server: Any, page: Any, screenshot: Any, tmp_path: Path, lang: str
) -> None:
    from playwright.sync_api import expect

    base = live_server.url
    prefix = "" if lang == "vi" else "/en"

    # 1. Sign up: the account's required consent is recorded with the account.
    user = sign_up(page, f"{base}{prefix}")
    assert privacy_services.missing_required_consents(user) == []

    # 2. The privacy page lists every purpose; the account one is given and cannot be withdrawn here.
    page.goto(f"{base}{prefix}/workspace/account/privacy/")
    expect(page.locator("html")).to_have_attribute("lang", lang)
    account = consent_card(page, ACCOUNT)
    expect(account).to_have_attribute("data-granted", "1")
    expect(account.locator("button[type=submit]")).to_have_count(0)
    if lang == "en":
        expect(page.get_by_role("heading", level=1)).to_have_text("Privacy and my personal data")

    # 3. Give, then withdraw, the optional consent to communications.
    communications = consent_card(page, COMMUNICATIONS)
    expect(communications).to_have_attribute("data-granted", "0")
    communications.locator("button[type=submit]").click()
    expect(consent_card(page, COMMUNICATIONS)).to_have_attribute("data-granted", "1")
    expect(page.get_by_role("status").filter(has_text=re.compile(".+")).first).to_be_visible()
    consent_card(page, COMMUNICATIONS).locator("button[type=submit]").click()
    expect(consent_card(page, COMMUNICATIONS)).to_have_attribute("data-granted", "0")
    states = consent_states(user)
    assert states[COMMUNICATIONS] is False and states[ACCOUNT] is True

    # 4. A copy of my data: prepared (the test task backend runs it at once), then downloaded.
    page.locator("form[action$='/privacy/export/'] button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/privacy/export/[0-9a-f-]{36}/$"))
    link = page.locator("#download-link")
    expect(link).to_be_visible()
    with page.expect_download() as download_info:
        link.click()
    archive = tmp_path / "copy.zip"
    download_info.value.save_as(archive)
    with zipfile.ZipFile(archive) as zf:
        data = json.loads(zf.read("data.json"))
    dumped = json.dumps(data, ensure_ascii=False)
    assert EMAIL in dumped
    assert COMMUNICATIONS in dumped  # the consent history travels with the copy
    assert DataRequest.objects.filter(user=user, kind="export", status="done").exists()

    # 5. Delete the account: the page says what is deleted and what is kept, and asks for the password.
    page.goto(f"{base}{prefix}/workspace/account/privacy/delete/")
    expect(page.locator("#erase-deleted li").first).to_be_visible()
    expect(page.locator("#erase-kept dt").first).to_be_visible()
    form = page.locator("form[method=post]").filter(has=page.locator("input[name=password]"))
    form.locator("input[name=password]").fill("not-my-password")
    form.locator("input[name=confirm]").check()
    form.locator("button[type=submit]").click()
    expect(page.locator("#erased")).to_have_count(0)  # a wrong password deletes nothing
    assert User.objects.get(pk=user.pk).is_active
    form = page.locator("form[method=post]").filter(has=page.locator("input[name=password]"))
    form.locator("input[name=password]").fill(PASSWORD)
    form.locator("input[name=confirm]").check()
    form.locator("button[type=submit]").click()
    expect(page.locator("#erased")).to_be_visible()
    if lang == "en":
        expect(page.get_by_role("heading", level=1)).to_have_text("Your account was deleted")
        expect(page.get_by_role("heading", name="Kept, and why")).to_be_visible()
    screenshot(page, f"privacy-journey-{lang}")

    erased = User.objects.get(pk=user.pk)
    assert privacy_services.is_erased(erased)
    assert not User.objects.filter(email=EMAIL).exists()

    # 6. The old credentials no longer open anything.
    page.goto(f"{base}{prefix}/accounts/login/")
    login = page.locator("form").filter(has=page.locator("input[name=password]"))
    login.locator("input[name=login]").fill(EMAIL)
    login.locator("input[name=password]").fill(PASSWORD)
    login.locator("button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
    page.goto(f"{base}{prefix}/workspace/account/privacy/")
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
