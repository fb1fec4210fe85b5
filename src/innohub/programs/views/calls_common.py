"""What the staff, applicant and portal pages of calls share: answers, files and eligibility reports as
rows ready for the templates (labels in the page language, values in words)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.urls import reverse

from innohub.programs import answers, eligibility
from innohub.programs.models import Application, ApplicationFile, FieldKind, FormField


def answer_rows(
    fields: Iterable[FormField],
    values: Mapping[str, Any],
    *,
    request_user: Any = None,
    application: Application | None = None,
) -> list[dict[str, Any]]:
    """One row per question that has an answer (or is required), grouped by section in form order."""
    sections: list[dict[str, Any]] = []
    current: dict[str, Any] | None = None
    for field in fields:
        if current is None or current["section"].pk != field.section_id:
            current = {"section": field.section, "rows": []}
            sections.append(current)
        value = values.get(field.key)
        row: dict[str, Any] = {"field": field, "key": field.key, "label": field.label, "kind": field.kind}
        if field.kind == FieldKind.FILE:
            row["files"] = [
                {
                    **f,
                    "url": reverse("workspace:programs-application-file", args=[application.uuid, f["id"]])
                    if application is not None and "id" in f
                    else "",
                }
                for f in (value or [])
                if isinstance(f, Mapping)
            ]
            row["display"] = ", ".join(f.get("name", "") for f in row["files"])
        elif field.kind == FieldKind.TEAM:
            row["team"] = value or []
            row["display"] = answers.display_value(field, value)
        else:
            row["display"] = answers.display_value(field, value)
        row["empty"] = answers.is_empty(value)
        current["rows"].append(row)
    return [s for s in sections if s["rows"]]


def file_rows(application: Application, files: Iterable[ApplicationFile]) -> list[dict[str, Any]]:
    return [
        {
            "id": f.pk,
            "field_key": f.field_key,
            "name": f.original_name,
            "size": f.size,
            "content_type": f.content_type,
            "uploaded_at": f.uploaded_at,
            "url": reverse("workspace:programs-application-file", args=[application.uuid, f.pk]),
        }
        for f in files
    ]


def report_rows(report: Iterable[Mapping[str, Any]] | None) -> list[dict[str, Any]]:
    return [
        {
            "rule": entry.get("rule", ""),
            "label": eligibility.rule_label(str(entry.get("rule", ""))),
            "passed": bool(entry.get("passed")),
            "reason": "" if entry.get("passed") else eligibility.reason_text(entry),
        }
        for entry in report or []
    ]
