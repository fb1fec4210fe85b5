"""`innohub purge_personal_data [--dry-run]`: delete personal data past its retention period.

Run it daily (cron or a systemd timer). It is idempotent: a second run right after the first deletes
nothing. With --dry-run it only counts what would go.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from innohub.privacy.services import purge_personal_data

LABELS = {
    "withdrawn_consents": "withdrawn consents past their purpose's retention period",
    "expired_invitations": "invitations expired and never accepted",
    "access_log_entries": "access-log entries past the access log's retention period",
    "data_exports": "copies of people's data (export files) past their retention period",
}


class Command(BaseCommand):
    help = "Delete personal data whose retention period is over (withdrawn consents, old invitations, old access-log entries, old data exports)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--dry-run", action="store_true", help="count what would be deleted, delete nothing"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        report = purge_personal_data(dry_run=options["dry_run"])
        verb = "would delete" if report.dry_run else "deleted"
        for key, count in report.counts.items():
            self.stdout.write(f"{verb} {count:>7}  {LABELS.get(key, key)}")
        summary = (
            f"Dry run: {report.total} records would be deleted."
            if report.dry_run
            else f"{report.total} records deleted."
        )
        self.stdout.write(self.style.SUCCESS(summary) if not report.dry_run else summary)
