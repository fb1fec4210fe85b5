"""Forms of the account pages. They validate input; the writes go through accounts.services."""

from __future__ import annotations

from typing import Any, cast

from allauth.account.forms import LoginForm
from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from innohub.accounts.models import ApiToken, Role


class AxesLoginForm(LoginForm):
    """allauth's login form, also passing the address under the key django-axes reads
    (AXES_USERNAME_FORM_FIELD = "login")."""

    def user_credentials(self) -> dict[str, Any]:
        credentials = super().user_credentials()
        credentials["login"] = credentials.get("email") or credentials.get("username")
        return credentials


class ProfileForm(forms.Form):
    full_name = forms.CharField(label=_("Full name"), max_length=255, required=False)
    phone = forms.CharField(
        label=_("Phone"),
        max_length=32,
        required=False,
        help_text=_("With the country code if outside Vietnam, e.g. +82 10 1234 5678."),
    )
    preferred_language = forms.ChoiceField(label=_("Preferred language"), choices=settings.LANGUAGES)


class RoleChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Role) -> str:
        return str(obj.name)


def _limit_roles(form: forms.Form, roles: list[Role]) -> None:
    field = cast(forms.ModelChoiceField, form.fields["role"])
    field.queryset = Role.objects.filter(pk__in=[r.pk for r in roles]).order_by("code")


class InviteForm(forms.Form):
    email = forms.EmailField(label=_("Email address"))
    # No preselected role: the administrator chooses deliberately what the person may do.
    role = RoleChoiceField(label=_("Role"), queryset=Role.objects.none(), empty_label=_("— choose a role —"))

    def __init__(self, *args: Any, roles: list[Role], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _limit_roles(self, roles)


class MemberRoleForm(forms.Form):
    role = RoleChoiceField(
        label=_("Role"),
        queryset=Role.objects.none(),
        empty_label=None,
        widget=forms.Select(attrs={"class": "form-select-sm"}),
    )

    def __init__(self, *args: Any, roles: list[Role], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _limit_roles(self, roles)


class ApiTokenForm(forms.Form):
    name = forms.CharField(
        label=_("Name"), max_length=100, help_text=_("What the token is for, e.g. “reporting script”.")
    )
    scope = forms.ChoiceField(label=_("Scope"), choices=ApiToken.Scope.choices, initial=ApiToken.Scope.READ)
    expires_at = forms.DateField(
        label=_("Expires on"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Leave empty for a token that does not expire."),
    )
