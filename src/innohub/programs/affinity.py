"""How well each reviewer suits each application: the affinity matrix the assignment maximises.

Three signals, each on 0–1, plus the reviewer's bid:

* **taxonomy overlap** — how much of the application's sectors (VSIC) and fields of science the
  reviewer's directory profile (Person.user) covers: an identical code counts 1, a code in the same
  parent (section / field group) or the parent itself counts 1/2; averaged over the application's
  codes. An application without codes has no overlap with anyone (the other signals decide).
* **text similarity** — TF-IDF cosine of folded text (Vietnamese accents removed, syllable unigrams
  and bigrams, since Vietnamese words are mostly two syllables), computed with numpy only: the
  application's text against the reviewer's biography, title, tags and expertise names.
* **bid** — the reviewer's own interest, −1 (rather not) … 2 (eager), scaled to −0.5 … 1.

`affinity = 0.35·sector + 0.25·field + 0.25·text + 0.15·bid`. The weights favour stated expertise
over wording, and let an eager bid move a reviewer up without outweighing a clear expertise match.
The pure functions at the top take plain lists; `build_affinity` adapts the models to them.
"""

from __future__ import annotations

import hashlib
import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from innohub.core.text import tokens

WEIGHTS = {"sector": 0.35, "field": 0.25, "text": 0.25, "bid": 0.15}
BID_SCALE = 2.0  # the highest bid

# A taxonomy code with its parent's code ("" at the top level).
Code = tuple[str, str]


# --- pure ----------------------------------------------------------------------------------------


def code_match(a: Code, b: Code) -> float:
    if a[0] == b[0]:
        return 1.0
    if (a[1] and a[1] == b[1]) or a[1] == b[0] or b[1] == a[0]:
        return 0.5
    return 0.0


def taxonomy_overlap(items: Sequence[set[Code]], reviewers: Sequence[set[Code]]) -> np.ndarray:
    """items × reviewers: mean over the item's codes of the best match among the reviewer's codes."""
    out = np.zeros((len(items), len(reviewers)), dtype=np.float64)
    for i, item_codes in enumerate(items):
        if not item_codes:
            continue
        for j, reviewer_codes in enumerate(reviewers):
            if not reviewer_codes:
                continue
            best = [max(code_match(c, r) for r in reviewer_codes) for c in item_codes]
            out[i, j] = sum(best) / len(best)
    return out


def terms(text: str) -> list[str]:
    """Folded syllables and syllable bigrams (one-letter syllables dropped)."""
    words = [t for t in tokens(text) if len(t) > 1]
    return words + [f"{a}_{b}" for a, b in zip(words, words[1:], strict=False)]


def tfidf_cosine(item_texts: Sequence[str], reviewer_texts: Sequence[str]) -> np.ndarray:
    """items × reviewers cosine similarity of sublinear-tf · smoothed-idf vectors over both corpora."""
    docs = [Counter(terms(t)) for t in [*item_texts, *reviewer_texts]]
    n_docs = len(docs)
    out = np.zeros((len(item_texts), len(reviewer_texts)), dtype=np.float64)
    if not item_texts or not reviewer_texts:
        return out
    vocabulary: dict[str, int] = {}
    df: Counter[str] = Counter()
    for doc in docs:
        df.update(doc.keys())
        for term in doc:
            vocabulary.setdefault(term, len(vocabulary))
    if not vocabulary:
        return out
    idf = np.zeros(len(vocabulary))
    for term, col in vocabulary.items():
        idf[col] = math.log((1 + n_docs) / (1 + df[term])) + 1.0
    matrix = np.zeros((n_docs, len(vocabulary)))
    for row, doc in enumerate(docs):
        for term, count in doc.items():
            matrix[row, vocabulary[term]] = 1.0 + math.log(count)
    matrix *= idf[None, :]
    norms = np.linalg.norm(matrix, axis=1)
    norms[norms == 0] = 1.0
    matrix /= norms[:, None]
    n = len(item_texts)
    out = matrix[:n] @ matrix[n:].T
    return np.clip(out, 0.0, 1.0)


def combine(sector: np.ndarray, science: np.ndarray, text: np.ndarray, bids: np.ndarray) -> np.ndarray:
    return (
        WEIGHTS["sector"] * sector
        + WEIGHTS["field"] * science
        + WEIGHTS["text"] * text
        + WEIGHTS["bid"] * (bids / BID_SCALE)
    )


def matrix_hash(matrix: np.ndarray) -> str:
    """A fingerprint of the inputs of a run (rounded so that platform float noise does not change it)."""
    data = np.ascontiguousarray(np.round(matrix, 9)).tobytes()
    return hashlib.sha256(data + str(matrix.shape).encode()).hexdigest()


# --- Django adapter ------------------------------------------------------------------------------


@dataclass
class AffinityMatrix:
    application_ids: list[int]
    reviewer_ids: list[int]
    matrix: np.ndarray
    parts: dict[str, np.ndarray] = field(default_factory=dict)

    def explain(self, i: int, j: int) -> dict[str, float]:
        return {name: round(float(part[i, j]), 4) for name, part in self.parts.items()}


def _codes(objs: Any) -> set[Code]:
    return {(o.code, o.parent.code if o.parent_id else "") for o in objs}


def _answer_text(answers: Any) -> str:
    if isinstance(answers, dict):
        return " ".join(_answer_text(v) for v in answers.values())
    if isinstance(answers, list):
        return " ".join(_answer_text(v) for v in answers)
    return answers if isinstance(answers, str) else ""


def application_text(application: Any) -> str:
    if application.search_text:
        return str(application.search_text)
    org = application.organisation
    sectors = " ".join(s.name for s in org.sectors.all())
    return " ".join([org.description or "", sectors, _answer_text(application.answers)])


def reviewer_text(user: Any, person: Any) -> str:
    if person is None:
        return ""
    parts = [person.title or "", getattr(person, "bio_vi", "") or "", getattr(person, "bio_en", "") or ""]
    parts += [s.name for s in person.sectors.all()]
    parts += [f.name for f in person.science_fields.all()]
    parts += [t.name for t in person.tags.all()]
    return " ".join(parts)


def build_affinity(
    round_: Any, application_ids: Sequence[int], reviewer_ids: Sequence[int]
) -> AffinityMatrix:
    """The matrix for these applications (rows) and reviewers (columns), in the given order.

    A fixed number of queries whatever the sizes: applications with their organisations' codes, the
    reviewers' directory profiles with theirs, and the round's bids."""
    from django.db.models import Prefetch

    from innohub.directory.models import Person
    from innohub.programs.models import Application, Bid
    from innohub.taxonomy.models import ScienceField, Sector

    sector_qs = Sector.objects.select_related("parent")
    field_qs = ScienceField.objects.select_related("parent")
    apps = {
        a.pk: a
        for a in Application.objects.filter(pk__in=list(application_ids))
        .select_related("organisation")
        .prefetch_related(
            Prefetch("organisation__sectors", queryset=sector_qs),
            Prefetch("organisation__science_fields", queryset=field_qs),
        )
    }
    people = {
        p.user_id: p
        for p in Person.objects.filter(user_id__in=list(reviewer_ids)).prefetch_related(
            Prefetch("sectors", queryset=sector_qs),
            Prefetch("science_fields", queryset=field_qs),
            "tags",
        )
    }
    ordered_apps = [apps[pk] for pk in application_ids]
    persons = [people.get(uid) for uid in reviewer_ids]

    sector = taxonomy_overlap(
        [_codes(a.organisation.sectors.all()) for a in ordered_apps],
        [_codes(p.sectors.all()) if p else set() for p in persons],
    )
    science = taxonomy_overlap(
        [_codes(a.organisation.science_fields.all()) for a in ordered_apps],
        [_codes(p.science_fields.all()) if p else set() for p in persons],
    )
    text = tfidf_cosine(
        [application_text(a) for a in ordered_apps],
        [reviewer_text(uid, p) for uid, p in zip(reviewer_ids, persons, strict=True)],
    )
    bids = np.zeros((len(application_ids), len(reviewer_ids)))
    row = {pk: i for i, pk in enumerate(application_ids)}
    col = {pk: j for j, pk in enumerate(reviewer_ids)}
    for app_id, reviewer_id, value in Bid.objects.filter(
        round=round_, application_id__in=list(application_ids), reviewer_id__in=list(reviewer_ids)
    ).values_list("application_id", "reviewer_id", "value"):
        bids[row[app_id], col[reviewer_id]] = value
    return AffinityMatrix(
        application_ids=list(application_ids),
        reviewer_ids=list(reviewer_ids),
        matrix=combine(sector, science, text, bids),
        parts={"sector": sector, "field": science, "text": text, "bid": bids},
    )
