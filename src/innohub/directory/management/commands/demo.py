"""`innohub demo` / `manage.py demo`: fill an empty database with the demo ecosystem.

`make run` calls it with `--if-empty`, so a database someone already works in is left alone.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from innohub.directory.demo import DEFAULT_SEED, DEFAULT_SIZE, DEMO_PASSWORD, DemoError, generate


class Command(BaseCommand):
    help = (
        "Create a realistic demo ecosystem (center network, accounts, organisations, people, relations) "
        "deterministically from a seed."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--size",
            type=int,
            default=DEFAULT_SIZE,
            help=f"number of organisations (default {DEFAULT_SIZE}; up to 100000 and more)",
        )
        parser.add_argument(
            "--seed", type=int, default=DEFAULT_SEED, help=f"random seed (default {DEFAULT_SEED})"
        )
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="do nothing when the directory already holds organisations",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        from innohub.directory.models import Organisation

        if options["if_empty"] and Organisation.objects.exists():
            self.stdout.write("Demo data skipped: the directory already holds organisations.")
            return
        verbose = options["verbosity"] >= 1

        def progress(message: str) -> None:
            if verbose:
                self.stdout.write(f"  {message}")

        try:
            result = generate(size=options["size"], seed=options["seed"], progress=progress)
        except DemoError as exc:
            raise CommandError(str(exc)) from exc
        programmes = self._programmes(options["seed"])
        if not verbose:
            return
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo data (seed {result.seed}): {result.centers} centers, {result.users} accounts, "
                f"{result.organisations} organisations, {result.people} people, {result.relations} "
                f"relations, {result.person_relations} mentor ties, {result.claims} pending claims, {result.news} news articles "
                f"in {result.seconds:.1f} s."
            )
        )
        self.stdout.write(
            f"Programmes: {programmes.programmes} programmes, {programmes.calls} calls, "
            f"{programmes.applications} submitted applications, {programmes.drafts} drafts "
            f"in {programmes.seconds:.1f} s."
        )
        self.stdout.write(
            f"Sign in at /accounts/login/ as admin@innohub.local (platform administrator), "
            f"admin.<center>@innohub.local, staff.<center>@innohub.local, reviewer1…6, mentor1…12 or "
            f"startup1…20@innohub.local — password {DEMO_PASSWORD!r}."
        )

    @staticmethod
    def _programmes(seed: int) -> Any:
        """Programmes, calls and applications on top of the directory demo (innohub.programs.demo)."""
        from innohub.accounts.models import User
        from innohub.centers.models import Center
        from innohub.directory.models import Organisation
        from innohub.programs.demo import create_demo_programmes

        return create_demo_programmes(
            seed,
            Center.objects.order_by("id"),
            # the applicants are drawn from the first organisations (enough for ~60 applications)
            Organisation.objects.order_by("id")[:5000],
            User.objects.order_by("id"),
        )
