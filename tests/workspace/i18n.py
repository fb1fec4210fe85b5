"""Assert on messages as the user reads them, whatever language the catalogues are compiled for."""

from __future__ import annotations

from typing import Any

from django.utils.html import escape
from django.utils.translation import gettext


def tr(msgid: Any, **params: Any) -> str:
    """`msgid` translated into the active language (the one pages render in), with `params`, HTML-escaped."""
    text = gettext(str(msgid))
    return escape(text % params if params else text)
