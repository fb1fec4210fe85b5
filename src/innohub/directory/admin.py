"""Operators' admin for the directory. Editors work in the workspace; saves here still bump the record's
version (so a workspace form open at the same time reports a conflict) and refresh its search text."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import F
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TabbedTranslationAdmin
from unfold.admin import ModelAdmin, TabularInline

from innohub.core.errors import DomainError
from innohub.core.forms import PhoneFormMixin
from innohub.directory import services
from innohub.directory.models import (
    ClaimRequest,
    Organisation,
    OrganisationMember,
    OrganisationRelation,
    Person,
    PersonRelation,
    Tag,
)


class PhoneAdminForm(PhoneFormMixin, forms.ModelForm):
    """The admin builds the Meta (model, fields); this adds the phone rule the services apply."""


class OrganisationMemberInline(TabularInline):
    model = OrganisationMember
    extra = 0
    autocomplete_fields = ["user"]
    fields = ["user", "role", "created_at"]
    readonly_fields = ["created_at"]


class RelationInline(TabularInline):
    model = OrganisationRelation
    fk_name = "source"
    extra = 0
    autocomplete_fields = ["target"]
    fields = ["kind", "target", "since_year", "note"]


class PersonRelationInline(TabularInline):
    """Mentors, advisers, founders and investors of the organisation (person → organisation)."""

    model = PersonRelation
    fk_name = "organisation"
    extra = 0
    autocomplete_fields = ["person"]
    fields = ["kind", "person", "since_year", "until_year", "note"]


class OrganisationTiesInline(TabularInline):
    """The organisations the person mentors, advises, founded or invested in."""

    model = PersonRelation
    fk_name = "person"
    extra = 0
    autocomplete_fields = ["organisation"]
    fields = ["kind", "organisation", "since_year", "until_year", "note"]


@admin.register(Organisation)
class OrganisationAdmin(ModelAdmin, TabbedTranslationAdmin):
    list_display = ["name", "kind", "center", "province", "tax_code", "visibility", "updated_at"]
    list_filter = ["kind", "visibility", "center", "province"]
    search_fields = ["name", "name_en", "short_name", "tax_code", "slug"]
    autocomplete_fields = ["center", "tags"]
    readonly_fields = ["uuid", "version", "created_by", "created_at", "updated_at"]
    form = PhoneAdminForm
    exclude = ["search_text", "name_key", "shared_with"]
    list_select_related = ["center", "province"]
    inlines = [OrganisationMemberInline, RelationInline, PersonRelationInline]
    date_hierarchy = "updated_at"

    def save_model(self, request: HttpRequest, obj: Organisation, form: Any, change: bool) -> None:
        if change:
            obj.version = F("version") + 1  # type: ignore[assignment]
        elif obj.created_by_id is None:
            obj.created_by = request.user  # type: ignore[assignment]
        super().save_model(request, obj, form, change)
        obj.refresh_from_db()

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        services.refresh_organisation_index(form.instance)


@admin.register(Person)
class PersonAdmin(ModelAdmin, TabbedTranslationAdmin):
    list_display = ["full_name", "title", "organisation", "center", "visibility", "is_overseas_vietnamese"]
    list_filter = ["visibility", "is_overseas_vietnamese", "center"]
    search_fields = ["full_name", "email", "slug"]
    autocomplete_fields = ["center", "organisation", "user", "tags"]
    readonly_fields = ["uuid", "version", "created_by", "created_at", "updated_at"]
    form = PhoneAdminForm
    exclude = ["search_text", "name_key", "shared_with"]
    list_select_related = ["organisation", "center"]
    inlines = [OrganisationTiesInline]

    def save_model(self, request: HttpRequest, obj: Person, form: Any, change: bool) -> None:
        if change:
            obj.version = F("version") + 1  # type: ignore[assignment]
        elif obj.created_by_id is None:
            obj.created_by = request.user  # type: ignore[assignment]
        super().save_model(request, obj, form, change)
        obj.refresh_from_db()

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        services.refresh_person_index(form.instance)


@admin.register(OrganisationRelation)
class OrganisationRelationAdmin(ModelAdmin):
    list_display = ["source", "kind", "target", "since_year"]
    list_filter = ["kind"]
    search_fields = ["source__name", "target__name"]
    autocomplete_fields = ["source", "target"]
    list_select_related = ["source", "target"]


@admin.register(PersonRelation)
class PersonRelationAdmin(ModelAdmin):
    list_display = ["person", "kind", "organisation", "since_year", "until_year"]
    list_filter = ["kind"]
    search_fields = ["person__full_name", "organisation__name"]
    autocomplete_fields = ["person", "organisation"]
    list_select_related = ["person", "organisation"]


@admin.register(ClaimRequest)
class ClaimRequestAdmin(ModelAdmin):
    list_display = ["organisation", "user", "status", "created_at", "decided_by", "decided_at"]
    list_filter = ["status"]
    search_fields = ["organisation__name", "user__email"]
    readonly_fields = [
        "organisation",
        "user",
        "message",
        "status",
        "decided_by",
        "decided_at",
        "created_at",
        "version",
    ]
    list_select_related = ["organisation", "user", "decided_by"]
    actions = ["approve", "reject"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # users claim a profile from its page

    def _decide(self, request: HttpRequest, queryset: Any, approve: bool) -> None:
        done = 0
        for claim in queryset.filter(status=ClaimRequest.Status.PENDING):
            try:
                services.decide_claim(claim, actor=request.user, approve=approve)
                done += 1
            except DomainError as exc:
                messages.error(request, str(exc.message))
        messages.success(request, _("%(count)s claims decided.") % {"count": done})

    @admin.action(description=_("Approve the selected claims"))
    def approve(self, request: HttpRequest, queryset: Any) -> None:
        self._decide(request, queryset, True)

    @admin.action(description=_("Reject the selected claims"))
    def reject(self, request: HttpRequest, queryset: Any) -> None:
        self._decide(request, queryset, False)


@admin.register(Tag)
class TagAdmin(ModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
