"""Vietnamese-aware text folding. Pure Python: imported by search, matching and importers alike.

Search compares folded text so that "dai hoc bach khoa" finds "Đại học Bách khoa". Other scripts
(Korean Hangul) are left as they are: folding only strips Latin diacritics.
"""

from __future__ import annotations

import re
import unicodedata

_D_TABLE = str.maketrans({"đ": "d", "Đ": "D"})
_NON_WORD = re.compile(r"[^\w]+", re.UNICODE)
_SPACES = re.compile(r"\s+")


def fold(value: str | None) -> str:
    """Lower-case, drop diacritics (đ→d), collapse whitespace."""
    if not value:
        return ""
    value = value.translate(_D_TABLE)
    decomposed = unicodedata.normalize("NFD", value)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _SPACES.sub(" ", unicodedata.normalize("NFC", stripped).casefold()).strip()


def tokens(value: str | None) -> list[str]:
    """Folded word tokens, punctuation removed."""
    return [t for t in _NON_WORD.sub(" ", fold(value)).split(" ") if t]


_LEGAL_FORMS = (
    "cong ty co phan",
    "cong ty tnhh mot thanh vien",
    "cong ty tnhh",
    "cong ty",
    "ctcp",
    "tnhh",
    "jsc",
    "co ltd",
    "ltd",
    "llc",
    "inc",
)


def normalise_name(value: str | None) -> str:
    """Key for duplicate detection: folded tokens without legal-form words."""
    folded = " ".join(tokens(value))
    for form in _LEGAL_FORMS:
        folded = re.sub(rf"(^| ){re.escape(form)}( |$)", " ", folded)
    return _SPACES.sub(" ", folded).strip()
