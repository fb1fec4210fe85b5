"""Operators' admin for programmes, calls, forms and applications. Staff work in the workspace; here
applications and their versions are read-only (they are changed by their applicants through services),
and the audit trail cannot be edited."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from modeltranslation.admin import TabbedTranslationAdmin, TranslationTabularInline
from unfold.admin import ModelAdmin, TabularInline

from innohub.programs.models import (
    Application,
    ApplicationEvent,
    ApplicationFile,
    ApplicationVersion,
    Call,
    FormField,
    FormSection,
    Programme,
)


@admin.register(Programme)
class ProgrammeAdmin(ModelAdmin, TabbedTranslationAdmin):
    list_display = ["title", "kind", "center", "status", "visibility", "updated_at"]
    list_filter = ["kind", "status", "visibility", "center"]
    search_fields = ["title", "title_en", "slug"]
    autocomplete_fields = ["center", "partners"]
    readonly_fields = ["uuid", "version", "created_by", "created_at", "updated_at"]
    exclude = ["shared_with"]


class FormFieldInline(TabularInline, TranslationTabularInline):
    model = FormField
    extra = 0
    fields = ["position", "key", "kind", "label", "required", "options", "condition"]


@admin.register(FormSection)
class FormSectionAdmin(ModelAdmin, TabbedTranslationAdmin):
    list_display = ["title", "call", "position"]
    search_fields = ["title", "call__title"]
    autocomplete_fields = ["call"]
    inlines = [FormFieldInline]


@admin.register(Call)
class CallAdmin(ModelAdmin, TabbedTranslationAdmin):
    list_display = ["title", "programme", "status", "opens_at", "closes_at"]
    list_filter = ["status", "programme__kind", "programme__center"]
    search_fields = ["title", "title_en", "slug", "programme__title"]
    autocomplete_fields = ["programme"]
    readonly_fields = ["uuid", "version", "created_by", "created_at", "updated_at", "results_published_at"]


class ReadOnlyInline(TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class VersionInline(ReadOnlyInline):
    model = ApplicationVersion
    fields = ["number", "submitted_at", "submitted_by", "answers"]
    readonly_fields = fields


class FileInline(ReadOnlyInline):
    model = ApplicationFile
    fields = ["field_key", "original_name", "content_type", "size", "uploaded_at"]
    readonly_fields = fields


@admin.register(Application)
class ApplicationAdmin(ModelAdmin):
    list_display = ["reference", "organisation", "call", "status", "submitted_at", "submitted_version"]
    list_filter = ["status", "call__programme__center", "call"]
    search_fields = ["reference", "organisation__name", "call__title"]
    inlines = [VersionInline, FileInline]
    exclude = ["search_text"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return [f.name for f in Application._meta.fields if f.name != "search_text"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


@admin.register(ApplicationEvent)
class ApplicationEventAdmin(ModelAdmin):
    list_display = ["created_at", "action", "call", "application", "actor"]
    list_filter = ["action"]
    search_fields = ["action", "application__reference", "call__title"]
    date_hierarchy = "created_at"

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return [f.name for f in ApplicationEvent._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
