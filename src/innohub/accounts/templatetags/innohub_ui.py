"""Bootstrap rendering of Django form fields and the workspace navigation flags.

Forms stay plain Django forms; the classes Bootstrap needs are added at render time so the same form
works in the API docs, the admin and the workspace.
"""

from __future__ import annotations

from typing import Any

from django import forms, template

from innohub.accounts.access import centers_where, scope_for

register = template.Library()


def _widget_class(widget: forms.Widget) -> str:
    if isinstance(widget, (forms.CheckboxInput,)):
        return "form-check-input"
    if isinstance(widget, (forms.RadioSelect, forms.CheckboxSelectMultiple)):
        return ""
    if isinstance(widget, (forms.Select, forms.SelectMultiple)):
        return "form-select"
    return "form-control"


@register.filter
def bs(field: forms.BoundField) -> Any:
    """Render a bound field's widget with Bootstrap classes, error state and help-text wiring."""
    attrs: dict[str, Any] = {}
    css = _widget_class(field.field.widget)
    existing = field.field.widget.attrs.get("class", "")
    classes = " ".join(c for c in (existing, css, "is-invalid" if field.errors else "") if c)
    if classes:
        attrs["class"] = classes
    described = []
    if field.help_text:
        described.append(f"{field.auto_id}_help")
    if field.errors:
        described.append(f"{field.auto_id}_error")
        attrs["aria-invalid"] = "true"
    if described:
        attrs["aria-describedby"] = " ".join(described)
    return field.as_widget(attrs=attrs)


@register.filter
def is_checkbox(field: forms.BoundField) -> bool:
    return isinstance(field.field.widget, forms.CheckboxInput)


@register.filter
def is_choice_list(field: forms.BoundField) -> bool:
    return isinstance(field.field.widget, (forms.RadioSelect, forms.CheckboxSelectMultiple))


@register.simple_tag(takes_context=True)
def workspace_flags(context: template.Context) -> dict[str, Any]:
    """What the workspace menu offers this user (scope is cached on the user object)."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    scope = scope_for(user)
    return {
        "decides_claims": scope.is_platform_admin or bool(centers_where(user, "directory.approve_claim")),
        "adds_records": scope.is_platform_admin or bool(centers_where(user, "directory.add")),
        "views_members": scope.is_platform_admin or bool(centers_where(user, "accounts.view_members")),
        "is_operator": bool(user.is_staff),
        "reviews": scope.is_platform_admin or bool(centers_where(user, "programs.review")),
    }


@register.filter
def minutes(value: Any) -> int:
    """A timedelta as whole minutes (for "try again in N minutes")."""
    try:
        return max(1, round(value.total_seconds() / 60))
    except AttributeError:
        return 0


@register.filter
def field_col(field: forms.BoundField) -> str:
    """Grid column for a field: long text, multi-selects and choice lists take the whole row."""
    wide = (forms.Textarea, forms.SelectMultiple, forms.RadioSelect, forms.CheckboxSelectMultiple)
    if isinstance(field.field.widget, wide) or field.name in ("name_vi", "full_name", "not_a_duplicate"):
        return "col-12"
    return "col-md-6"


#: url-name prefixes of the pages about one's own account (ours, allauth's and its MFA's)
_ACCOUNT_PAGES = ("account-", "account_", "mfa_", "privacy")


@register.filter
def account_page(url_name: str) -> bool:
    """Whether the workspace navigation shows the account row (profile, centers, tokens, privacy,
    sign-in) for this page."""
    return bool(url_name) and url_name.startswith(_ACCOUNT_PAGES)
