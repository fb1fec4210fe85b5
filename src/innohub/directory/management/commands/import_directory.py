"""`innohub import_directory FILE --center SLUG [--people] [--dry-run] [--actor EMAIL]`.

(Not `innohub import`: django-import-export, installed for the admin, already owns the `import` command
name and comes first in INSTALLED_APPS.)

Runs the same import service as the web page, in this process, with a progress bar on stderr and the
full error report on stdout. Exit code 0 when the file was imported (or, with --dry-run, would be),
1 when it has errors — and then nothing was written.
"""

from __future__ import annotations

import sys
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import translation

from innohub.core import progress as progress_api
from innohub.core.errors import DomainError
from innohub.directory.importers import ORGANISATIONS, PEOPLE, ImportFileError, ImportSource, run_import
from innohub.directory.tasks import IMPORT_APPLY, IMPORT_PREVIEW

BAR_WIDTH = 30


class ProgressBar:
    """A one-line `\\r` progress bar, redrawn at most ten times a second."""

    def __init__(self, stream: Any, *, enabled: bool):
        self.stream = stream
        self.enabled = enabled
        self.last = 0.0
        self.message = ""

    def __call__(self, done: int, total: int, message: str = "") -> None:
        if message:
            self.message = message
        if not self.enabled:
            return
        now = time.monotonic()
        if now - self.last < 0.1 and done < total and not message:
            return
        self.last = now
        fraction = done / total if total else 0.0
        filled = int(BAR_WIDTH * fraction)
        bar = "#" * filled + "-" * (BAR_WIDTH - filled)
        self.stream.write(
            f"\r[{bar}] {fraction * 100:5.1f}% {done}/{total} {self.message[:50]:<50}", ending=""
        )
        self.stream.flush()

    def close(self) -> None:
        if self.enabled:
            self.stream.write("")
            self.stream.flush()


class Command(BaseCommand):
    help = "Import organisations (or people with --people) from a CSV UTF-8 or XLSX file: all rows or none."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="CSV (UTF-8) or XLSX file")
        parser.add_argument("--center", required=True, help="slug of the center the records belong to")
        parser.add_argument("--people", action="store_true", help="the file lists people, not organisations")
        parser.add_argument("--dry-run", action="store_true", help="check the file; write nothing")
        parser.add_argument(
            "--actor", help="email of the user doing the import (needs directory.import in the center)"
        )
        parser.add_argument("--language", default=None, help="language of the messages (vi, en, ko)")
        parser.add_argument("--no-progress", action="store_true", help="no progress bar")

    def handle(self, *args: Any, **options: Any) -> None:
        from django.conf import settings

        from innohub.accounts.models import User
        from innohub.centers.models import Center

        language = options["language"] or settings.LANGUAGE_CODE
        with translation.override(language):
            center = Center.objects.filter(slug=options["center"]).first()
            if center is None:
                raise CommandError(f"No center with slug {options['center']!r}.")
            actor = None
            if options["actor"]:
                actor = User.objects.filter(email__iexact=options["actor"]).first()
                if actor is None:
                    raise CommandError(f"No user with email {options['actor']!r}.")
            kind = PEOPLE if options["people"] else ORGANISATIONS
            dry_run = bool(options["dry_run"])
            try:
                source = ImportSource.from_path(options["file"])
            except FileNotFoundError:
                raise CommandError(f"No such file: {options['file']}") from None
            except ImportFileError as exc:
                raise CommandError(str(exc.message)) from None

            # The CLI run is recorded like a web import (who, when, which file, the outcome).
            record = progress_api.start_progress(
                IMPORT_PREVIEW if dry_run else IMPORT_APPLY,
                label=source.name,
                owner=actor,
                report={
                    "params": {
                        "filename": source.name,
                        "kind": kind,
                        "center_id": center.pk,
                        "center_name": center.name,
                        "actor_id": getattr(actor, "pk", None),
                        "size": len(source.data),
                        "via": "cli",
                    }
                },
            )
            progress_api.mark_running(record.pk)
            store = progress_api.reporter(record.pk)
            bar = ProgressBar(self.stderr, enabled=not options["no_progress"] and options["verbosity"] > 0)

            def on_progress(done: int, total: int, message: str = "") -> None:
                store(done, total, message)
                bar(done, total, message)

            try:
                report = run_import(
                    source, kind=kind, actor=actor, center=center, dry_run=dry_run, progress=on_progress
                )
            except DomainError as exc:
                bar.close()
                progress_api.fail(record.pk, str(exc.message))
                raise CommandError(str(exc.message)) from None
            except Exception:
                bar.close()
                progress_api.fail(record.pk, "internal error")
                raise
            bar.close()
            progress_api.finish(record.pk, {"result": report.as_dict()}, message=str(report.summary()))

            for issue in report.errors:
                self.stdout.write(f"line {issue.line}\t{issue.column}\t{issue.value}\t{issue.message}")
            for issue in report.warnings:
                self.stdout.write(f"line {issue.line}\t{issue.column}\t(warning)\t{issue.message}")
            self.stdout.write(str(report.summary()))
            self.stdout.write(
                f"rows={report.rows} new={report.new} duplicates={report.duplicates} invalid={report.invalid} "
                f"created={report.created} errors={len(report.errors)} "
                f"validate={report.validate_seconds:.2f}s write={report.write_seconds:.2f}s"
            )
            if not report.ok:
                sys.stdout.flush()
                raise CommandError(str(report.summary()), returncode=1)
