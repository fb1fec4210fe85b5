"""Helpers of the calls, forms and applications tests: an open call with a form, an organisation the
applicant is a member of, uploads."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from innohub.directory.models import OrganisationMember
from innohub.programs.models import FormField, FormSection
from tests.factories import OrganisationFactory, UserFactory
from tests.programs.factories import CallFactory, ProgrammeFactory

PDF = b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"


def make_call(center, *, eligibility: dict | None = None, quotas: list | None = None, **fields: Any):
    programme = fields.pop("programme", None) or ProgrammeFactory(center=center)
    fields.setdefault("opens_at", timezone.now() - dt.timedelta(days=5))
    fields.setdefault("closes_at", timezone.now() + dt.timedelta(days=10))
    return CallFactory(programme=programme, eligibility=eligibility or {}, quotas=quotas or [], **fields)


def add_questions(call, *specs: dict[str, Any], title: str = "Thông tin chung") -> list[FormField]:
    section = FormSection.objects.create(call=call, title_vi=title, position=call.sections.count() + 1)
    out = []
    for n, spec in enumerate(specs, start=1):
        spec = {"label_vi": spec.get("label_vi") or spec["key"].replace("_", " "), **spec}
        out.append(FormField.objects.create(section=section, position=n, **spec))
    return out


def member_org(center, user=None, **fields: Any):
    """An organisation (public, startup by default) with `user` (a new one if None) as its owner."""
    fields.setdefault("kind", "startup")
    org = OrganisationFactory(center=center, **fields)
    user = user or UserFactory()
    OrganisationMember.objects.create(organisation=org, user=user, role="owner")
    return org, user


def upload(name: str = "deck.pdf", content: bytes = PDF) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


def docx_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()
