"""XLSX export of a round's ranking and of every submitted score (openpyxl, for staff).

Sheet "Ranking": one row per application in rank order (ties share the rank), with the mean total
on 0–100, the score under the chosen normalisation and each criterion's mean. Sheet "Scores": one row
per submitted score (application, reviewer, criterion, score, comment, the review's total). Headers
follow the request language; numbers stay numbers so that staff can sort and chart them.
"""

from __future__ import annotations

import io
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from innohub.programs import selectors_review as sel
from innohub.programs.models import ReviewRound

_BOLD = Font(bold=True)


def _safe(value: Any) -> Any:
    """Text starting with = + - @ would be read as a formula by spreadsheet programs."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
        return "'" + value
    return value


def _sheet(ws: Any, header: list[str], rows: list[list[Any]]) -> None:
    ws.append(header)
    for cell in ws[1]:
        cell.font = _BOLD
    for row in rows:
        ws.append([_safe(v) for v in row])
    ws.freeze_panes = "A2"
    for i, title in enumerate(header, start=1):
        width = max([len(str(title))] + [len(str(r[i - 1])) for r in rows[:200] if r[i - 1] is not None])
        ws.column_dimensions[get_column_letter(i)].width = min(60, max(10, width + 2))


def ranking_workbook(round_: ReviewRound, normalisation: str | None = None) -> bytes:
    normalisation = normalisation or round_.normalisation
    criteria = sel.criteria_of(round_)
    rows = sel.ranking(round_, normalisation)
    wb = Workbook()
    ws = wb.active
    ws.title = _("Ranking")[:31]
    score_label = _("Mean z-score") if normalisation == "zscore" else _("Score (0–100)")
    header = [
        _("Rank"),
        _("Tied"),
        _("Reference"),
        _("Organisation"),
        _("Status"),
        _("Reviews"),
        _("Mean total (0–100)"),
        score_label,
    ] + [str(c.title) for c in criteria]
    data = [
        [
            r.rank,
            _("yes") if r.tied else "",
            r.application.reference,
            r.application.organisation.name,
            str(r.application.get_status_display()),
            r.reviews,
            None if r.mean_total is None else round(r.mean_total, 2),
            None if r.score is None else round(r.score, 4),
        ]
        + [None if c.pk not in r.criteria else round(r.criteria[c.pk], 2) for c in criteria]
        for r in rows
    ]
    _sheet(ws, header, data)

    scores = wb.create_sheet(_("Scores")[:31])
    score_rows = [
        [
            s.review.assignment.application.reference,
            str(s.review.assignment.reviewer),
            str(s.criterion.title),
            float(s.value),
            s.criterion.scale_min,
            s.criterion.scale_max,
            s.comment,
            s.review.total,
            timezone.localtime(s.review.submitted_at).strftime("%Y-%m-%d %H:%M")
            if s.review.submitted_at
            else "",
        ]
        for s in sel.review_sheet(round_)
    ]
    _sheet(
        scores,
        [
            _("Reference"),
            _("Reviewer"),
            _("Criterion"),
            _("Score"),
            _("Lowest"),
            _("Highest"),
            _("Comment"),
            _("Review total (0–100)"),
            _("Submitted"),
        ],
        score_rows,
    )
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
