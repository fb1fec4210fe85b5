"""`innohub import_directory`: exit code, progress bar, error report, the run recorded."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from innohub.core.models import TaskProgress
from innohub.directory.models import Organisation, Person
from tests.imports.conftest import csv_bytes

pytestmark = pytest.mark.django_db


def _file(tmp_path, rows, headers=None, name="orgs.csv"):
    path = tmp_path / name
    path.write_bytes(csv_bytes(rows, headers))
    return str(path)


def _call(*args, **kwargs):
    out, err = io.StringIO(), io.StringIO()
    call_command("import_directory", *args, stdout=out, stderr=err, **kwargs)
    return out.getvalue(), err.getvalue()


def test_import_succeeds_with_progress_bar_and_record(tmp_path, hanoi, staff):
    path = _file(tmp_path, [[f"Startup {i}", "startup", "", "01", "", "", "", ""] for i in range(5)])
    out, err = _call(path, "--center", hanoi.slug, "--actor", staff.email)
    assert Organisation.objects.filter(center=hanoi, created_by=staff).count() == 5
    assert "100.0%" in err and "[" in err, "a progress bar on stderr"
    assert "rows=5 new=5" in out and "created=5" in out
    record = TaskProgress.objects.get()
    assert record.kind == "directory.import.apply" and record.owner == staff and record.status == "succeeded"
    assert record.report["params"]["via"] == "cli" and record.report["result"]["created"] == 5


def test_errors_exit_with_code_1_and_write_nothing(tmp_path, hanoi):
    rows = [["Good", "startup", "", "01", "", "", "", ""], ["", "startup", "", "99", "", "", "", ""]]
    path = _file(tmp_path, rows)
    with pytest.raises(CommandError) as excinfo:
        _call(path, "--center", hanoi.slug, "--no-progress", "--language", "en")
    assert excinfo.value.returncode == 1
    assert "Nothing was written" in str(excinfo.value)
    assert Organisation.objects.count() == 0
    record = TaskProgress.objects.get()
    assert [e["line"] for e in record.report["result"]["errors"]] == [3, 3]


def test_error_lines_are_printed(tmp_path, hanoi, capsys):
    path = _file(tmp_path, [["X", "startup", "123", "01", "", "", "", ""]])
    out = io.StringIO()
    with pytest.raises(CommandError):
        call_command(
            "import_directory",
            path,
            "--center",
            hanoi.slug,
            "--no-progress",
            stdout=out,
            stderr=io.StringIO(),
        )
    assert out.getvalue().startswith("line 2\ttax_code\t123\t")


def test_dry_run_and_people(tmp_path, hanoi):
    path = _file(tmp_path, [["Ngô Bảo Châu", "chau@example.vn"]], ["full_name", "email"], name="people.csv")
    out, _err = _call(path, "--center", hanoi.slug, "--people", "--dry-run", "--no-progress")
    assert "new=1" in out and Person.objects.count() == 0
    _call(path, "--center", hanoi.slug, "--people", "--no-progress")
    assert Person.objects.get().email == "chau@example.vn"


def test_unknown_center_actor_file_and_forbidden_actor(tmp_path, hanoi, make_member):
    path = _file(tmp_path, [["A"]], ["name"])
    with pytest.raises(CommandError, match="No center"):
        _call(path, "--center", "nowhere")
    with pytest.raises(CommandError, match="No user"):
        _call(path, "--center", hanoi.slug, "--actor", "ghost@example.vn")
    with pytest.raises(CommandError, match="No such file"):
        _call(str(tmp_path / "missing.csv"), "--center", hanoi.slug)
    member = make_member(hanoi, "startup_member")
    with pytest.raises(CommandError):
        _call(path, "--center", hanoi.slug, "--actor", member.email, "--no-progress")
    assert Organisation.objects.count() == 0
