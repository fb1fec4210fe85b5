"""`innohub load_taxonomies`: upsert the shipped reference data (safe to run again at any time)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import DEFAULT_DB_ALIAS

from innohub.taxonomy.loader import load_all


class Command(BaseCommand):
    help = (
        "Load provinces (34 and the former 63), communes/wards, VSIC sectors, fields of science, "
        "technology readiness levels, startup stages and countries. Idempotent."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--skip-communes", action="store_true", help="Do not load communes/wards.")
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS, help="Database alias to load into.")

    def handle(self, *args: Any, **options: Any) -> None:
        verbose = options["verbosity"] >= 1
        counts = load_all(
            self.stdout if options["verbosity"] >= 2 else None,
            using=options["database"],
            communes=not options["skip_communes"],
        )
        if verbose:
            for name, count in counts.items():
                self.stdout.write(f"{name}: {count}")
            self.stdout.write(self.style.SUCCESS("Taxonomies loaded."))
