"""Forms of the privacy pages and the sign-up form with its consent boxes. Writes go through
privacy.services."""

from __future__ import annotations

from typing import Any

from allauth.account.forms import SignupForm
from django import forms
from django.http import HttpRequest
from django.utils.html import escape
from django.utils.translation import gettext_lazy as _

from innohub.privacy import services


def consent_field_name(code: str) -> str:
    return f"consent_{code}"


def _purpose_help(purpose: Any) -> str:
    """Help text of a consent box; operator-written text, escaped here because help texts are
    rendered as HTML."""
    parts = [escape(purpose.description or "")]
    if purpose.legal_basis:
        parts.append(escape(str(_("Legal basis: %(basis)s") % {"basis": purpose.legal_basis})))
    return " ".join(p for p in parts if p)


class ConsentSignupForm(SignupForm):
    """allauth's sign-up form with one box per processing purpose. The box of a required purpose must
    be ticked; none is ticked in advance (consent is never assumed)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.purposes = services.active_purposes()
        for purpose in self.purposes:
            if purpose.required:
                label = _("I agree that my personal data is processed for: %(purpose)s (required)") % {
                    "purpose": purpose.name
                }
            else:
                label = _("I agree that my personal data is processed for: %(purpose)s (optional)") % {
                    "purpose": purpose.name
                }
            self.fields[consent_field_name(purpose.code)] = forms.BooleanField(
                label=label,
                required=purpose.required,
                help_text=_purpose_help(purpose),
                error_messages={"required": _("This consent is required to create an account.")},
            )

    def granted_codes(self) -> list[str]:
        return [p.code for p in self.purposes if self.cleaned_data.get(consent_field_name(p.code))]

    def signup(self, request: HttpRequest, user: Any) -> None:
        """Called by allauth once the account exists (same transaction as the account)."""
        services.record_signup_consents(user, self.granted_codes())


class EraseAccountForm(forms.Form):
    password = forms.CharField(
        label=_("Your password"),
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        help_text=_("To make sure that it is really you."),
    )
    confirm = forms.BooleanField(
        label=_("I understand that my account is deleted for good and cannot be restored."),
        error_messages={"required": _("Tick the box to confirm.")},
    )
    note = forms.CharField(
        label=_("Anything we should know? (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        self.user = user
        super().__init__(*args, **kwargs)

    def clean_password(self) -> str:
        password = self.cleaned_data.get("password") or ""
        if not self.user.check_password(password):
            raise forms.ValidationError(_("The password is not correct."), code="password")
        return password


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("process", _("Carry out")), ("decline", _("Decline"))],
        widget=forms.RadioSelect,
    )
    explanation = forms.CharField(
        label=_("Explanation for the person"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Required when declining: say which legal duty requires keeping the data."),
    )
