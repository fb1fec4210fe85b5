"""Operators' admin (unfold) for users, roles, memberships, invitations and API tokens.

Daily work happens in the workspace; here platform operators fix data. Membership changes still go
through accounts.services, so a center cannot lose its last administrator from the admin either.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.models import Group
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TabbedTranslationAdmin
from unfold.admin import ModelAdmin, TabularInline
from unfold.forms import AdminPasswordChangeForm, UserChangeForm, UserCreationForm

from innohub.accounts import services
from innohub.accounts.models import ApiToken, Invitation, Membership, Role, User
from innohub.core.errors import DomainError
from innohub.core.forms import PhoneFormMixin


class EmailUserCreationForm(UserCreationForm):
    class Meta(UserCreationForm.Meta):  # type: ignore[name-defined,misc]
        model = User
        fields = ("email",)


class EmailUserChangeForm(PhoneFormMixin, UserChangeForm):
    class Meta(UserChangeForm.Meta):  # type: ignore[name-defined,misc]
        model = User
        fields = "__all__"


class MembershipInline(TabularInline):
    model = Membership
    fk_name = "user"
    extra = 0
    autocomplete_fields = ["center", "role"]
    fields = ["center", "role", "created_at"]
    readonly_fields = ["created_at"]


@admin.register(User)
class UserAdmin(DjangoUserAdmin, ModelAdmin):
    form = EmailUserChangeForm
    add_form = EmailUserCreationForm
    change_password_form = AdminPasswordChangeForm
    ordering = ["email"]
    list_display = ["email", "full_name", "preferred_language", "is_staff", "is_active", "last_login"]
    list_filter = ["is_staff", "is_superuser", "is_active", "preferred_language"]
    search_fields = ["email", "full_name", "phone"]
    readonly_fields = ["last_login", "date_joined"]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (
            _("Personal info"),
            {"fields": ("full_name", "first_name", "last_name", "phone", "preferred_language")},
        ),
        (
            _("Permissions"),
            {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")},
        ),
        (_("Important dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "password1", "password2")}),)
    inlines = [MembershipInline]

    def get_inlines(self, request: HttpRequest, obj: Any) -> list:
        return [] if obj is None else list(self.inlines)  # memberships after the user exists


admin.site.unregister(Group)


@admin.register(Group)
class GroupAdmin(ModelAdmin):
    search_fields = ["name"]
    filter_horizontal = ["permissions"]


@admin.register(Role)
class RoleAdmin(ModelAdmin, TabbedTranslationAdmin):
    list_display = ["code", "name", "center", "is_system", "applies_to_descendants"]
    list_filter = ["is_system", "applies_to_descendants", "center"]
    search_fields = ["code", "name"]
    autocomplete_fields = ["center"]

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return not (obj is not None and obj.is_system) and super().has_delete_permission(request, obj)


@admin.register(Membership)
class MembershipAdmin(ModelAdmin):
    list_display = ["user", "center", "role", "created_at"]
    list_filter = ["role", "center__kind"]
    search_fields = ["user__email", "user__full_name", "center__name", "center__slug"]
    autocomplete_fields = ["user", "center", "role"]
    readonly_fields = ["uuid", "created_at", "updated_at", "version"]
    list_select_related = ["user", "center", "role"]

    def save_model(self, request: HttpRequest, obj: Membership, form: Any, change: bool) -> None:
        if change and "role" in form.changed_data:
            new_role = obj.role
            current = Membership.objects.get(pk=obj.pk)
            try:
                services.change_member_role(current, actor=request.user, role=new_role)
            except DomainError as exc:
                messages.error(request, str(exc.message))
            return
        super().save_model(request, obj, form, change)

    def delete_model(self, request: HttpRequest, obj: Membership) -> None:
        try:
            services.remove_member(obj, actor=request.user)
        except DomainError as exc:
            messages.error(request, str(exc.message))

    def delete_queryset(self, request: HttpRequest, queryset: Any) -> None:
        for obj in queryset.select_related("role", "center"):
            self.delete_model(request, obj)


@admin.register(Invitation)
class InvitationAdmin(ModelAdmin):
    list_display = ["email", "center", "role", "invited_by", "expires_at", "accepted_at"]
    list_filter = ["role", "center__kind"]
    search_fields = ["email", "center__name"]
    exclude = ["token_hash"]
    readonly_fields = [
        "uuid",
        "email",
        "center",
        "role",
        "invited_by",
        "expires_at",
        "accepted_at",
        "accepted_by",
        "created_at",
        "version",
    ]
    actions = ["revoke"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # invitations are sent from a center's members page (mail + token)

    @admin.action(description=_("Withdraw the selected invitations"))
    def revoke(self, request: HttpRequest, queryset: Any) -> None:
        done = 0
        for invitation in queryset.filter(accepted_at__isnull=True, expires_at__gt=timezone.now()):
            try:
                services.revoke_invitation(invitation, actor=request.user)
                done += 1
            except DomainError as exc:
                messages.error(request, str(exc.message))
        messages.success(request, _("%(count)s invitations withdrawn.") % {"count": done})


@admin.register(ApiToken)
class ApiTokenAdmin(ModelAdmin):
    list_display = [
        "name",
        "user",
        "key_prefix",
        "scope",
        "created_at",
        "last_used_at",
        "expires_at",
        "revoked_at",
    ]
    list_filter = ["scope"]
    search_fields = ["name", "user__email", "key_prefix"]
    readonly_fields = [
        "user",
        "name",
        "key_prefix",
        "key_hash",
        "scope",
        "created_at",
        "last_used_at",
        "expires_at",
        "revoked_at",
    ]
    list_select_related = ["user"]
    actions = ["revoke"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # the raw token is shown once to its owner, on the API tokens page

    @admin.action(description=_("Revoke the selected tokens"))
    def revoke(self, request: HttpRequest, queryset: Any) -> None:
        from innohub.accounts.tokens import revoke_api_token

        done = 0
        for token in queryset.filter(revoked_at__isnull=True):
            try:
                revoke_api_token(token, actor=request.user)
                done += 1
            except DomainError as exc:
                messages.error(request, str(exc.message))
        messages.success(request, _("%(count)s tokens revoked.") % {"count": done})
