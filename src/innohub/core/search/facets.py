"""Facet counts: how many results each filter option would keep (value, label, count)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Facet:
    value: str
    label: str
    count: int


class FacetList(list[Facet]):
    """Facets of one key, most frequent first; `.get(value)` gives a count (0 when absent)."""

    def get(self, value: str, default: int = 0) -> int:
        for facet in self:
            if facet.value == value:
                return facet.count
        return default

    def counts(self) -> dict[str, int]:
        return {f.value: f.count for f in self}


def facet_list(counts: dict[str, int], labels: dict[str, str]) -> FacetList:
    """Sorted by count (descending), then label; options without a label (deleted) are dropped."""
    items: Iterable[Facet] = (
        Facet(str(value), labels[value], n) for value, n in counts.items() if n and value in labels
    )
    return FacetList(sorted(items, key=lambda f: (-f.count, f.label.casefold(), f.value)))
