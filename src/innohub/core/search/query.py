"""The search query language, independent of the database: folded tokens, prefix terms, typo candidates.

Pure Python (no Django): the backends turn a list of `Term`s into an FTS5 MATCH string or a PostgreSQL
tsquery, and ask their own vocabulary which spelling corrections exist.

Strict query: every token must match a whole word, except the last one, which matches as a prefix
(search-as-you-type: "khoi ng" finds "khởi nghiệp"). Whole words for the earlier tokens keep short
Vietnamese syllables precise ("an giang" does not turn into "anh giang") and keep prefix expansion,
the expensive part of a full-text query, to one token. When the strict query finds (almost) nothing,
the relaxed query adds spelling corrections found in the vocabulary and, when it found nothing at
all, makes every token a prefix.
"""

from __future__ import annotations

import re
import string
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from innohub.core.text import fold

#: more tokens than this are ignored (a pasted paragraph is not a query)
MAX_TOKENS = 12
#: tokens shorter than this are never corrected (too many neighbours), nor tokens with digits
MIN_CORRECTABLE = 3
MAX_CORRECTABLE = 24
#: corrections offered per token
MAX_ALTERNATIVES = 3
#: a token is corrected only when a neighbour is this many times more frequent than the token itself
CORRECTION_FREQUENCY_RATIO = 10

_SPLIT = re.compile(r"[\W_]+", re.UNICODE)
_LETTERS = string.ascii_lowercase


def query_tokens(q: str | None) -> list[str]:
    """Folded word tokens of a query, as both databases' tokenizers split the indexed text."""
    return [t for t in _SPLIT.split(fold(q)) if t][:MAX_TOKENS]


def spelled_as_found(folded: str, texts: Iterable[str]) -> str:
    """Folded words written as the found records write them: "bach khoa" becomes "Bách khoa" when
    a result is named "Đại học Bách khoa". Each word takes the first form in `texts` that folds to
    it; a word no text holds stays folded."""
    wanted = folded.split()
    forms: dict[str, str] = {}
    for text in texts:
        for word in _SPLIT.split(text or ""):
            key = fold(word)
            if key in wanted and key not in forms:
                forms[key] = word
        if len(forms) == len(set(wanted)):
            break
    return " ".join(forms.get(w, w) for w in wanted)


@dataclass(frozen=True)
class Alternative:
    word: str
    prefix: bool = False


@dataclass(frozen=True)
class Term:
    """One query token: must match (as a word or prefix), or one of its alternatives must."""

    word: str
    prefix: bool
    alternatives: tuple[Alternative, ...] = field(default=())


def strict_terms(tokens: list[str]) -> list[Term]:
    last = len(tokens) - 1
    return [Term(tok, prefix=(i == last)) for i, tok in enumerate(tokens)]


def relaxed_terms(
    tokens: list[str], corrections: Mapping[str, Iterable[Alternative]], *, all_prefix: bool = True
) -> list[Term]:
    """Strict terms widened by corrections and, when `all_prefix`, with every token a prefix."""
    last = len(tokens) - 1
    return [
        Term(tok, prefix=all_prefix or i == last, alternatives=tuple(corrections.get(tok, ())))
        for i, tok in enumerate(tokens)
    ]


def _fts5_phrase(word: str, prefix: bool) -> str:
    # Tokens hold only word characters, so quoting cannot be broken out of; quoted, FTS5 keywords
    # (AND, OR, NOT, NEAR) are plain words.
    return f'"{word}"' + ("*" if prefix else "")


def fts5_expression(terms: list[Term]) -> str:
    """SQLite FTS5 MATCH string: `"dai" AND "hoc" AND ("khao"* OR "khoa")`."""
    parts = []
    for term in terms:
        head = _fts5_phrase(term.word, term.prefix)
        if term.alternatives:
            alts = [_fts5_phrase(a.word, a.prefix) for a in term.alternatives]
            parts.append("(" + " OR ".join([head, *alts]) + ")")
        else:
            parts.append(head)
    return " AND ".join(parts)


def _ts_lexeme(word: str, prefix: bool) -> str:
    return word + (":*" if prefix else "")


def tsquery_expression(terms: list[Term]) -> str:
    """PostgreSQL to_tsquery('simple', …) text: `dai & hoc & (khao:* | khoa)`."""
    parts = []
    for term in terms:
        head = _ts_lexeme(term.word, term.prefix)
        if term.alternatives:
            alts = [_ts_lexeme(a.word, a.prefix) for a in term.alternatives]
            parts.append("(" + " | ".join([head, *alts]) + ")")
        else:
            parts.append(head)
    return " & ".join(parts)


# --- typo tolerance --------------------------------------------------------------------------------


def correctable(token: str) -> bool:
    """Only Latin-letter words are corrected: numbers (tax codes, years) and Hangul are left alone."""
    return (
        MIN_CORRECTABLE <= len(token) <= MAX_CORRECTABLE
        and token.isascii()
        and token.isalpha()
        and token.islower()
    )


def max_distance(token: str) -> int:
    return 1 if len(token) <= 5 else 2


def edits1(word: str) -> set[str]:
    """Every string one deletion, transposition, substitution or insertion away (a–z alphabet)."""
    splits = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    deletes = [a + b[1:] for a, b in splits if b]
    transposes = [a + b[1] + b[0] + b[2:] for a, b in splits if len(b) > 1]
    replaces = [a + c + b[1:] for a, b in splits if b for c in _LETTERS]
    inserts = [a + c + b for a, b in splits for c in _LETTERS]
    out = set(deletes + transposes + replaces + inserts)
    out.discard(word)
    return {w for w in out if len(w) >= MIN_CORRECTABLE - 1}


def edit_distance(a: str, b: str) -> int:
    """Optimal-string-alignment distance (Damerau–Levenshtein with adjacent transpositions)."""
    if a == b:
        return 0
    la, lb = len(a), len(b)
    prev2: list[int] = []
    prev = list(range(lb + 1))
    for i in range(1, la + 1):
        cur = [i] + [0] * lb
        for j in range(1, lb + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                cur[j] = min(cur[j], prev2[j - 2] + 1)
        prev2, prev = prev, cur
    return prev[lb]


def typo_kind(typed: str, word: str) -> int:
    """How likely a one-edit slip is, most likely first: 0 swapped neighbours ("khao"/"khoa"),
    1 wrong letter, 2 missing or extra letter."""
    if len(typed) == len(word):
        diff = [i for i, (a, b) in enumerate(zip(typed, word, strict=True)) if a != b]
        if len(diff) == 2 and diff[1] == diff[0] + 1 and typed[diff[0]] == word[diff[1]]:
            return 0
        return 1
    return 2


def choose_corrections(
    token: str, own_frequency: int, candidates: Mapping[Alternative, int]
) -> list[Alternative]:
    """The most plausible corrections: the closest words, the likeliest slip first, then the most
    frequent; a further one only if it is much more common than the first.

    A token that is itself reasonably frequent is taken as meant ("bach" is not corrected to the
    more common "sach"); rare or unknown tokens are corrected to neighbours that are much more common.
    """
    limit = max_distance(token)
    scored = []
    for alt, freq in candidates.items():
        if freq <= 0 or alt.word == token:
            continue
        if alt.prefix and len(alt.word) < len(token):
            continue  # "kha…" for "khao" would match every "khanh", "khang", "khai"
        distance = edit_distance(token, alt.word)
        if distance > limit:
            continue
        if own_frequency > 0 and freq < own_frequency * CORRECTION_FREQUENCY_RATIO:
            continue
        scored.append((distance, typo_kind(token, alt.word), -freq, alt.prefix, alt.word, alt))
    if not scored:
        return []
    scored.sort()
    best = scored[0]
    chosen = [best[-1]]
    for item in scored[1:]:
        if len(chosen) >= MAX_ALTERNATIVES:
            break
        # ORed in, a rarer word would outrank the intended one (rare terms score high in BM25).
        if item[0] == best[0] and -item[2] >= -best[2] * 2:
            chosen.append(item[-1])
    return chosen
