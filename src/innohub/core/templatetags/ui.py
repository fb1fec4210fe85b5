"""Small presentation helpers shared by every app's templates: `{% load ui %}`.

Query strings: Django 5.2's built-in `{% querystring page=3 %}` keeps the current filters; these
tags add what it lacks (elided page ranges, icons from the vendored sprite, initials avatars, money).
"""

from __future__ import annotations

import hashlib
import unicodedata
from decimal import Decimal
from typing import Any

from django import template
from django.conf import settings
from django.core.paginator import Page
from django.templatetags.static import static
from django.urls import translate_url
from django.utils.formats import number_format
from django.utils.html import escape, format_html, format_html_join, linebreaks
from django.utils.safestring import SafeString
from django.utils.translation import get_language, get_language_info
from django.utils.translation import gettext as _

from innohub.core.sanitize import clean_html
from innohub.core.text import normalise_name
from innohub.core.validators import phone_link

register = template.Library()

#: background colours for initials avatars; each passes WCAG AA (4.5:1) with white text.
AVATAR_COLOURS = ("#0b3d6e", "#0f5e59", "#6b2f8a", "#8a3b12", "#1d4ed8", "#7a2048", "#3f4b5b", "#0e6b2f")


@register.simple_tag
def icon(name: str, css_class: str = "", label: str = "") -> SafeString:
    """An icon from the vendored Bootstrap Icons sprite; decorative unless a label is given."""
    href = f"{static('vendor/bootstrap-icons/icons.svg')}#{name}"
    if label:
        return format_html(
            '<svg class="bi {}" width="1em" height="1em" fill="currentColor" role="img" aria-label="{}">'
            '<use href="{}"></use></svg>',
            css_class,
            label,
            href,
        )
    return format_html(
        '<svg class="bi {}" width="1em" height="1em" fill="currentColor" aria-hidden="true" focusable="false">'
        '<use href="{}"></use></svg>',
        css_class,
        href,
    )


@register.filter
def initials(name: str | None, length: int = 2) -> str:
    """Two letters for an avatar: "Công ty Cổ phần Công nghệ Sao Việt" → "CN" (legal form dropped)."""
    if not name:
        return "?"
    words = normalise_name(name).split() or str(name).split()
    return "".join(w[0] for w in words[: int(length)]).upper() or "?"


@register.filter
def avatar_colour(key: Any) -> str:
    """A stable colour per record (the same organisation always gets the same avatar)."""
    digest = hashlib.blake2s(str(key).encode(), digest_size=2).digest()
    return AVATAR_COLOURS[int.from_bytes(digest, "big") % len(AVATAR_COLOURS)]


@register.filter
def money_vnd(value: Any) -> str:
    """Large VND amounts the way people say them: "12,5 billion VND" (localised number format)."""
    if value in (None, ""):
        return ""
    amount = Decimal(value)
    if amount >= 1_000_000_000:
        return _("%(amount)s billion VND") % {
            "amount": number_format(amount / 1_000_000_000, 1 if amount % 1_000_000_000 else 0)
        }
    if amount >= 1_000_000:
        return _("%(amount)s million VND") % {
            "amount": number_format(amount / 1_000_000, 1 if amount % 1_000_000 else 0)
        }
    return _("%(amount)s VND") % {"amount": number_format(amount, 0, force_grouping=True)}


@register.filter
def tel_link(value: Any) -> str:
    """A stored phone number as a `tel:` target (E.164); "" when it is not a number."""
    return phone_link(str(value or ""))


@register.filter
def language_names(codes: Any) -> SafeString:
    """["vi", "en", "ko"] -> "Tiếng Việt, English, 한국어", each language by its own name as the
    language switcher writes them, in a span with its `lang` (a code Django does not know is shown
    as it is)."""
    names = []
    for code in codes or []:
        try:
            names.append((str(code), local_name(str(code))))
        except KeyError:
            names.append((str(code), str(code)))
    # each name in its own language, so that screen readers and fonts treat it as such
    return format_html_join(", ", '<span lang="{}">{}</span>', names)


def local_name(code: str) -> str:
    """A language's name in itself, NFC-composed: Django's table writes "Tiếng Việt" with combining
    marks, which renders the same but matches neither typed text nor the rest of the page."""
    return unicodedata.normalize("NFC", get_language_info(code)["name_local"])


@register.simple_tag
def page_range(page: Page, on_each_side: int = 2, on_ends: int = 1) -> list[Any]:
    """Page numbers with ellipses (Paginator.ELLIPSIS) for long lists."""
    return list(page.paginator.get_elided_page_range(page.number, on_each_side=on_each_side, on_ends=on_ends))


@register.filter
def get_item(mapping: Any, key: Any) -> Any:
    """`{{ counts|get_item:kind }}` — dictionary lookup with a variable key."""
    if mapping is None:
        return None
    try:
        return mapping.get(key)
    except AttributeError:
        return None


@register.filter
def rich_text(value: str | None) -> SafeString:
    """Stored rich text for display: HTML is sanitised again (defence in depth), plain text gets
    paragraphs and line breaks."""
    if not value:
        return SafeString("")
    text = str(value)
    if "<" in text and ">" in text:
        return SafeString(clean_html(text))
    return SafeString(linebreaks(escape(text)))


@register.filter
def safe_url(value: str | None) -> str:
    """The URL if it is http(s), else "" — user-entered links never become `javascript:`."""
    url = str(value or "").strip()
    return url if url.lower().startswith(("http://", "https://")) else ""


@register.simple_tag(takes_context=True)
def language_links(context: Any) -> list[dict[str, Any]]:
    """The current page in every UI language: code, local name and URL.

    The switcher posts each URL as `next`: set_language can only translate a URL that resolves in
    the language active while it runs, which is not the page's language when the page is /en/….
    """
    request = context.get("request")
    path = request.get_full_path() if request is not None else "/"
    current = get_language()
    links = []
    for code, _name in settings.LANGUAGES:
        links.append(
            {
                "code": code,
                "name_local": local_name(code),
                "url": translate_url(path, code),
                "current": code == current,
            }
        )
    return links
