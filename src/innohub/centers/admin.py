"""Operators' admin for the center network. Creating and moving a center keeps materialised paths
right (centers.services), so the network aggregate stays correct."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import F
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TabbedTranslationAdmin
from unfold.admin import ModelAdmin

from innohub.centers.models import Center
from innohub.centers.services import deactivate_center, move_center
from innohub.core.errors import DomainError
from innohub.core.forms import PhoneFormMixin


class CenterAdminForm(PhoneFormMixin, forms.ModelForm):
    """The admin builds the Meta (model, fields) from CenterAdmin; this adds the tree check."""

    def clean_parent(self) -> Center | None:
        parent = self.cleaned_data.get("parent")
        if parent is not None and self.instance.pk and parent.path.startswith(self.instance.path):
            raise forms.ValidationError(
                _("A center cannot be placed under itself or one of its descendants.")
            )
        return parent


@admin.register(Center)
class CenterAdmin(ModelAdmin, TabbedTranslationAdmin):
    form = CenterAdminForm
    list_display = ["name", "short_name", "kind", "parent", "province", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["name", "short_name", "slug"]
    prepopulated_fields = {"slug": ["short_name"]}
    autocomplete_fields = ["parent"]
    readonly_fields = ["path", "uuid", "version", "created_at", "updated_at"]
    list_select_related = ["parent", "province"]
    actions = ["deactivate"]

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # records and history point at centers: they are deactivated, never deleted

    @admin.action(description=_("Deactivate the selected centers"))
    def deactivate(self, request: HttpRequest, queryset: Any) -> None:
        for center in queryset.order_by("-path"):
            try:
                deactivate_center(center, actor=request.user)
            except DomainError as exc:
                messages.error(request, f"{center}: {exc.message}")

    def save_model(self, request: HttpRequest, obj: Center, form: Any, change: bool) -> None:
        if not change:
            obj.save()
            obj.path = f"{obj.parent.path if obj.parent else '/'}{obj.pk}/"
            obj.save(update_fields=["path"])
            return
        # A change is a new version, as the services count it: a form or API client that read the
        # center before this edit is refused (409) instead of silently undoing it.
        obj.version = F("version") + 1  # type: ignore[assignment]
        if "parent" in form.changed_data:
            new_parent = obj.parent
            obj.parent = Center.objects.get(pk=obj.pk).parent
            obj.save()
            move_center(obj, actor=request.user, parent=new_parent)  # reads the center back
            return
        obj.save()
        obj.refresh_from_db(fields=["version"])
