"""API schemas of centers. The tree travels as the parent's slug; provinces as their codes."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import URLValidator, validate_email
from django.utils.translation import gettext as _
from ninja import Field, Schema
from pydantic import field_validator

from innohub.centers.models import CenterKind
from innohub.core.api.schemas import TermOut


class CenterOut(Schema):
    uuid: UUID
    slug: str
    name: str
    name_vi: str | None = None
    name_en: str | None = None
    short_name: str
    kind: str
    kind_label: str
    parent: str | None = Field(None, description="Slug of the parent center; null for a root.")
    depth: int = Field(..., description="0 for a root center, 1 for its children, …")
    province: TermOut | None = None
    website: str
    email: str
    phone: str
    is_active: bool
    updated_at: datetime
    version: int

    @staticmethod
    def resolve_kind_label(obj: Any) -> str:
        return str(obj.get_kind_display())

    @staticmethod
    def resolve_parent(obj: Any) -> str | None:
        return obj.parent.slug if obj.parent_id else None

    @staticmethod
    def resolve_depth(obj: Any) -> int:
        return max(0, obj.path.strip("/").count("/"))


class CenterDetailOut(CenterOut):
    description: str
    description_vi: str | None = None
    description_en: str | None = None
    children: list[str] = Field(..., description="Slugs of the active centers directly below.")
    created_at: datetime

    @staticmethod
    def resolve_description(obj: Any) -> str:
        return obj.description or ""

    @staticmethod
    def resolve_children(obj: Any) -> list[str]:
        return [c.slug for c in obj.children.all() if c.is_active]


class _CenterFields(Schema):
    name_en: str | None = Field(None, max_length=255)
    short_name: str | None = Field(None, max_length=64)
    province: str | None = Field(None, description="Province code.")
    description_vi: str | None = None
    description_en: str | None = None
    website: str | None = Field(None, max_length=200)
    email: str | None = Field(None, max_length=254)
    phone: str | None = Field(None, max_length=32)

    @field_validator("website")
    @classmethod
    def check_website(cls, value: str | None) -> str | None:
        if value:
            try:
                URLValidator(schemes=["http", "https"])(value)
            except DjangoValidationError:
                raise ValueError(_("Enter a valid URL starting with http:// or https://.")) from None
        return value

    @field_validator("email")
    @classmethod
    def check_email(cls, value: str | None) -> str | None:
        if value:
            try:
                validate_email(value)
            except DjangoValidationError:
                raise ValueError(_("Enter a valid email address.")) from None
        return value


class CenterIn(_CenterFields):
    slug: str = Field(..., min_length=1, max_length=64, pattern=r"^[-a-z0-9]+$")
    name_vi: str = Field(..., min_length=1, max_length=255)
    kind: CenterKind
    parent: str | None = Field(None, description="Slug of the parent center (omit for a root center).")


class CenterPatch(_CenterFields):
    version: int = Field(..., description="The `version` you read; a stale version is refused with 409.")
    slug: str | None = Field(None, min_length=1, max_length=64, pattern=r"^[-a-z0-9]+$")
    name_vi: str | None = Field(None, min_length=1, max_length=255)
    kind: CenterKind | None = None
    parent: str | None = Field(None, description="Slug of the new parent center; null makes it a root.")
