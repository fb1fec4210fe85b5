"""Operators' admin: processing purposes are edited here; consents, requests and the access log are
read-only records (they change only through privacy.services)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from modeltranslation.admin import TabbedTranslationAdmin
from unfold.admin import ModelAdmin

from innohub.privacy.models import AccessLog, Consent, ConsentPurpose, DataRequest


@admin.register(ConsentPurpose)
class ConsentPurposeAdmin(ModelAdmin, TabbedTranslationAdmin):
    list_display = ["code", "name", "required", "retention_days", "text_version", "active", "position"]
    list_filter = ["required", "active"]
    search_fields = ["code", "name"]

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # consents point to it; deactivate instead


class _ReadOnly(ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Consent)
class ConsentAdmin(_ReadOnly):
    list_display = ["user", "purpose", "granted", "text_version", "granted_at", "withdrawn_at", "source"]
    list_filter = ["purpose", "granted", "source"]
    search_fields = ["user__email"]
    list_select_related = ["user", "purpose"]


@admin.register(DataRequest)
class DataRequestAdmin(_ReadOnly):
    list_display = ["user", "kind", "status", "created_at", "completed_at", "handled_by"]
    list_filter = ["kind", "status"]
    search_fields = ["user__email"]
    list_select_related = ["user", "handled_by"]
    exclude = ["result_file"]


@admin.register(AccessLog)
class AccessLogAdmin(_ReadOnly):
    list_display = ["at", "actor", "action", "record_type", "record_id", "subject_user", "channel"]
    list_filter = ["action", "record_type", "channel"]
    search_fields = ["actor__email", "subject_user__email", "record_id"]
    list_select_related = ["actor", "subject_user"]
    date_hierarchy = "at"
