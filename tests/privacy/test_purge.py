"""The retention purge: a dry run counts, a real run deletes exactly what is past its period, and a
second run deletes nothing."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.utils import timezone

from innohub.accounts.models import Invitation, Role
from innohub.privacy import services
from innohub.privacy.models import AccessLog, Consent, ConsentPurpose, DataRequest

pytestmark = pytest.mark.django_db


@pytest.fixture
def aged(subject, subject_person, staff, hanoi):
    """One record past its retention period and one within it, of every kind the purge handles."""
    now = timezone.now()
    communications = ConsentPurpose.objects.get(code="communications")  # 30 days
    old = services.withdraw_consent(subject, "communications", actor=subject)
    Consent.objects.filter(pk=old.pk).update(
        withdrawn_at=now - timedelta(days=communications.retention_days + 1)
    )
    services.withdraw_consent(subject, "statistics", actor=subject)  # withdrawn today: kept

    role = Role.objects.get(code="startup_member", center=None)
    for days, email in ((200, "old@example.vn"), (10, "recent@example.vn")):
        Invitation.objects.create(
            email=email, center=hanoi, role=role, token_hash=email, expires_at=now - timedelta(days=days)
        )
    services.log_access(staff, subject_person)
    stale = services.log_access(staff, subject_person)
    AccessLog.objects.filter(pk=stale.pk).update(at=now - timedelta(days=800))

    name = default_storage.save("privacy/exports/test/old.zip", ContentFile(b"zip"))
    DataRequest.objects.create(
        user=subject, kind="export", status="done", result_file=name, completed_at=now - timedelta(days=30)
    )
    DataRequest.objects.create(
        user=subject, kind="export", status="done", result_file="privacy/exports/x/new.zip", completed_at=now
    )
    return name


EXPECTED = {"withdrawn_consents": 1, "expired_invitations": 1, "access_log_entries": 1, "data_exports": 1}


def test_dry_run_counts_and_deletes_nothing(aged):
    report = services.purge_personal_data(dry_run=True)
    assert report.counts == EXPECTED
    assert Consent.objects.filter(granted=False).count() == 2
    assert Invitation.objects.count() == 2 and AccessLog.objects.count() == 2
    assert default_storage.exists(aged)


def test_real_run_deletes_what_is_past_its_period_and_is_idempotent(aged, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        report = services.purge_personal_data()
    assert report.counts == EXPECTED
    assert list(Consent.objects.filter(granted=False).values_list("purpose__code", flat=True)) == [
        "statistics"
    ]
    assert list(Invitation.objects.values_list("email", flat=True)) == ["recent@example.vn"]
    assert AccessLog.objects.count() == 1
    assert not default_storage.exists(aged)
    assert DataRequest.objects.filter(result_file="").count() == 1
    assert Consent.objects.filter(granted=True).count() == 2, "given consents are never purged"

    again = services.purge_personal_data()
    assert again.total == 0


def test_management_command(aged):
    out = StringIO()
    call_command("purge_personal_data", "--dry-run", stdout=out)
    assert "Dry run: 4 records would be deleted." in out.getvalue()
    assert Invitation.objects.count() == 2
    out = StringIO()
    call_command("purge_personal_data", stdout=out)
    assert "4 records deleted." in out.getvalue()
    out = StringIO()
    call_command("purge_personal_data", stdout=out)
    assert "0 records deleted." in out.getvalue()
