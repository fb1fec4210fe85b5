"""Time `innohub demo` (the demo-data generator) on a fresh, migrated SQLite database.

    python benchmarks/demo.py                 # default size (2,000 organisations): target under 60 s
    python benchmarks/demo.py --size 100000   # the large directory used by search and portal figures

Migration time is reported apart; the figure is the generator alone. The last line printed is one JSON
object: {"name": "demo", "size": …, "seconds": …, …}.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

TARGET_SECONDS = 60.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", type=int, default=2000, help="organisations to generate (default 2000)")
    parser.add_argument("--seed", type=int, default=None, help="random seed (default: the command's)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary database directory")
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="innohub-bench-demo-"))
    os.environ["DJANGO_SETTINGS_MODULE"] = "innohub.config.settings.base"
    os.environ["INNOHUB_VAR_DIR"] = str(workdir)
    os.environ["DATABASE_URL"] = f"sqlite:///{workdir / 'bench.sqlite3'}"
    try:
        import django

        django.setup()
        from django.core.management import call_command

        from innohub.directory.demo import DEFAULT_SEED, generate

        t0 = time.perf_counter()
        call_command("migrate", verbosity=0, interactive=False)
        migrate_seconds = time.perf_counter() - t0

        def log(message: str) -> None:
            print(message, file=sys.stderr, flush=True)

        t0 = time.perf_counter()
        result = generate(
            size=args.size, seed=args.seed if args.seed is not None else DEFAULT_SEED, progress=log
        )
        seconds = time.perf_counter() - t0
        figure = {
            "name": "demo",
            "size": args.size,
            "seconds": round(seconds, 2),
            "organisations_per_second": round(args.size / seconds),
            "people": result.people,
            "relations": result.relations,
            "migrate_seconds": round(migrate_seconds, 2),
            "database": "sqlite",
        }
        if args.size <= 2000:
            figure["target_seconds"] = TARGET_SECONDS
            figure["within_target"] = seconds < TARGET_SECONDS
        print(json.dumps(figure))
    finally:
        if args.keep:
            print(f"database kept in {workdir}", file=sys.stderr)
        else:
            shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
