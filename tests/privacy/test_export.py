"""A copy of my data: the archive's contents (and what must never be in it), the background task with
its progress, and that nobody else can download it."""

from __future__ import annotations

import io
import json
import zipfile

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from innohub.core.models import TaskProgress
from innohub.privacy import services
from innohub.privacy.models import AccessLog, DataRequest
from tests.factories import UserFactory
from tests.privacy.conftest import PERSONAL_ID

pytestmark = pytest.mark.django_db

TOP_LEVEL_KEYS = {
    "profile",
    "memberships",
    "consents",
    "api_tokens",
    "invitations",
    "organisations",
    "directory_person",
    "profile_claims",
    "programmes",
    "data_requests",
    "access_log",
}


@pytest.fixture
def application(subject):
    """Lan's organisation applied to a call; she uploaded a pitch deck and received a letter."""
    from innohub.directory.models import OrganisationMember
    from innohub.programs.models import ApplicationFile, Letter
    from tests.programs.factories import ApplicationFactory

    org = OrganisationMember.objects.get(user=subject).organisation
    app = ApplicationFactory(organisation=org, created_by=subject, answers={"pitch": "Lúa thông minh"})
    stored = ApplicationFile(
        application=app, field_key="deck", original_name="pitch-deck.pdf", size=12, uploaded_by=subject
    )
    stored.file.save("pitch-deck.pdf", ContentFile(b"%PDF-1.4 deck"), save=True)
    Letter.objects.create(
        application=app, recipient=subject, outcome="accepted", subject="Kết quả", body="Chúc mừng"
    )
    return app


def _archive(content: bytes) -> tuple[dict, zipfile.ZipFile]:
    archive = zipfile.ZipFile(io.BytesIO(content))
    return json.loads(archive.read("data.json")), archive


def test_export_holds_my_data_and_only_mine(subject, subject_person, other_user, staff, application):
    services.log_access(staff, subject_person, channel="workspace")
    data, archive = _archive(services.export_user_data(subject))
    assert set(data) >= TOP_LEVEL_KEYS
    assert data["profile"]["email"] == "lan.founder@example.vn"
    assert data["profile"]["phone"] == "+84 912 345 678"
    assert [m["center"] for m in data["memberships"]] == ["ha-noi"]
    assert {c["purpose"] for c in data["consents"]} == {"account", "directory_profile"}
    assert data["directory_person"]["personal_id"] == PERSONAL_ID
    assert data["organisations"][0]["name"] == "Công ty Lúa Vàng"
    assert data["organisations"][0]["my_role"] == "owner"
    assert [t["name"] for t in data["api_tokens"]] == ["script"]
    assert data["programmes"]["applications"][0]["answers"] == {"pitch": "Lúa thông minh"}
    assert data["programmes"]["letters"][0]["body"] == "Chúc mừng"
    assert [e["by"] for e in data["access_log"]] == ["Cán bộ Hà"]
    # the uploaded file is in the archive
    deck = [n for n in archive.namelist() if n.startswith("files/application_files/")]
    assert len(deck) == 1 and deck[0].endswith("pitch-deck.pdf")
    assert archive.read(deck[0]) == b"%PDF-1.4 deck"
    assert "README.txt" in archive.namelist()


def test_export_has_no_secrets_and_nobody_elses_data(subject, subject_person, other_user):
    text = json.dumps(_archive(services.export_user_data(subject))[0])
    for secret_key in ('"password"', '"key_hash"', '"token_hash"'):
        assert secret_key not in text
    assert subject.password not in text
    from innohub.accounts.models import ApiToken

    for token in ApiToken.objects.all():
        assert token.key_hash not in text
    for foreign in (
        "minh.other@example.vn",
        "Trần Văn Minh",
        "minh.private@example.vn",
        "079088000111",
        "other-script",
    ):
        assert foreign not in text


def test_export_page_runs_the_task_and_only_the_owner_downloads(
    client, subject, subject_person, other_user, django_capture_on_commit_callbacks
):
    client.force_login(subject)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("workspace:privacy-export-start"))
    data_request = DataRequest.objects.get(user=subject, kind="export")
    assert response.status_code == 302
    assert response["Location"] == reverse("workspace:privacy-export", kwargs={"uuid": data_request.uuid})
    assert data_request.status == "done" and data_request.result_size > 0
    progress = TaskProgress.objects.get(pk=data_request.progress_id)
    assert progress.kind == "privacy.export" and progress.status == "succeeded" and progress.owner == subject
    assert progress.task_result_id

    page = client.get(response["Location"]).content.decode()
    download = reverse("workspace:privacy-export-download", kwargs={"uuid": data_request.uuid})
    assert download in page and "hx-trigger" not in page, "a finished export stops polling"
    file_response = client.get(download)
    assert file_response.status_code == 200
    assert file_response["Cache-Control"] == "private, no-store"
    data, _archive_file = _archive(b"".join(file_response.streaming_content))
    assert data["profile"]["email"] == "lan.founder@example.vn"

    # another user, and even a platform administrator, get the same 404 as for a missing copy
    for intruder in (other_user, UserFactory(is_superuser=True, is_staff=True)):
        client.force_login(intruder)
        for name in ("privacy-export", "privacy-export-progress", "privacy-export-download"):
            url = reverse(f"workspace:{name}", kwargs={"uuid": data_request.uuid})
            assert client.get(url).status_code == 404, (intruder, name)


def test_progress_partial_polls_while_running(client, subject):
    progress = services.progress_api.start_progress("privacy.export", owner=subject)
    data_request = DataRequest.objects.create(user=subject, kind="export", progress=progress)
    client.force_login(subject)
    html = client.get(
        reverse("workspace:privacy-export-progress", kwargs={"uuid": data_request.uuid})
    ).content
    assert b'hx-trigger="every 1s"' in html
    download = reverse("workspace:privacy-export-download", kwargs={"uuid": data_request.uuid})
    assert client.get(download).status_code == 404, "nothing to download before it is done"


def test_a_second_request_while_one_runs_returns_the_running_one(subject):
    first = services.request_export(subject, actor=subject)
    assert services.request_export(subject, actor=subject).pk == first.pk
    assert DataRequest.objects.filter(user=subject).count() == 1


def test_export_is_not_an_access_by_someone_else(subject, subject_person):
    services.export_user_data(subject)
    assert not AccessLog.objects.exists()
