"""Template helpers of the center network pages."""

from __future__ import annotations

from django import template

from innohub.accounts.access import centers_where, scope_for

register = template.Library()


@register.simple_tag(takes_context=True)
def sees_center_network(context: template.Context) -> bool:
    """Whether the workspace menu offers the center network page (staff of a center and above)."""
    user = getattr(context.get("request"), "user", None)
    if user is None or not user.is_authenticated:
        return False
    return scope_for(user).is_platform_admin or bool(centers_where(user, "centers.view"))
