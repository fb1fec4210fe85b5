"""The CI dependency audit's verdicts (.ci/audit.py): a known vulnerability fails, an unusable advisory
source only warns, and "every dependency skipped" is never mistaken for a clean bill."""

from __future__ import annotations

import runpy
from pathlib import Path

AUDIT = runpy.run_path(str(Path(__file__).resolve().parents[2] / ".ci" / "audit.py"), run_name="audit")
decide = AUDIT["decide"]


def test_a_known_vulnerability_is_reported_with_its_fix():
    verdict, lines = decide(
        {
            "dependencies": [
                {
                    "name": "django",
                    "version": "5.2.0",
                    "vulns": [
                        {"id": "PYSEC-2025-1", "fix_versions": ["5.2.1"], "aliases": ["CVE-2025-0001"]}
                    ],
                },
                {"name": "nh3", "version": "0.2.21", "vulns": []},
            ],
            "fixes": [],
        }
    )
    assert verdict == "vulnerable"
    assert lines == ["django 5.2.0: PYSEC-2025-1 (CVE-2025-0001) — fixed in 5.2.1"]


def test_everything_skipped_means_the_source_was_unusable_not_clean():
    """What this machine's PyPI mirror gives: 404 for every package, "No known vulnerabilities found"."""
    report = {
        "dependencies": [
            {"name": n, "skip_reason": f"Dependency not found on PyPI: {n}"} for n in ("django", "nh3")
        ]
    }
    verdict, _lines = decide(report)
    assert verdict == "unusable"


def test_audited_dependencies_without_advisories_are_clean():
    verdict, lines = decide({"dependencies": [{"name": "django", "version": "5.2.19", "vulns": []}]})
    assert verdict == "clean"
    assert lines[0].startswith("1 dependencies audited")


def test_main_warns_and_passes_when_no_source_answers(monkeypatch, capsys):
    monkeypatch.setitem(
        AUDIT["main"].__globals__, "run", lambda _pip_audit, source: ("unusable", [f"{source} down"])
    )
    monkeypatch.setattr("sys.argv", ["audit.py"])
    assert AUDIT["main"]() == 0
    assert "WARNING: dependency audit NOT DONE" in capsys.readouterr().err


def test_main_fails_on_a_vulnerability(monkeypatch):
    monkeypatch.setitem(
        AUDIT["main"].__globals__, "run", lambda _pip_audit, source: ("vulnerable", ["x 1: ID"])
    )
    monkeypatch.setattr("sys.argv", ["audit.py"])
    assert AUDIT["main"]() == 1
