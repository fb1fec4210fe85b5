"""Setup steps of benchmarks/load.py, run in a child process with the production settings.

After `migrate`, `load_taxonomies` and `demo`, it creates the API users of the scenario through the
accounts services, as a center would (the center's admin invites a person, the person accepts and
creates a personal token), and writes what the simulated users need — tokens, slugs, codes, search
queries — to a JSON file:

    python benchmarks/support/load_setup.py static
    python benchmarks/support/load_setup.py scenario OUT.json --writers 8 --readers 6 --run-id abc123

Writers are center staff of distinct provincial centers (round-robin when there are more writers than
centers) and each writer gets its own share of its center's organisations, so two simulated users never
edit the same record: a 409 can then only come from the scenario's deliberate stale-version PATCH.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from pathlib import Path
from typing import Any

SEED = 20251124
#: share of the simulated users per class (benchmarks/support/load_driver.py defines the classes)
SHARES = {"PortalVisitor": 0.60, "ApiAnonymousReader": 0.12, "ApiTokenReader": 0.12, "ApiWriter": 0.16}


def split_users(users: int) -> dict[str, int]:
    """Fixed counts per class from SHARES (largest remainders), every class at least one user."""
    raw = {name: users * share for name, share in SHARES.items()}
    counts = {name: max(1, int(v)) for name, v in raw.items()}
    while sum(counts.values()) < users:
        name = max(raw, key=lambda n: raw[n] - counts[n])
        counts[name] += 1
    while sum(counts.values()) > users:
        name = max((n for n in counts if counts[n] > 1), key=lambda n: counts[n] - raw[n])
        counts[name] -= 1
    return counts


def make_users(writers: int, readers: int, run_id: str) -> dict[str, Any]:
    from django.contrib.auth.models import AnonymousUser

    from innohub.accounts.models import ApiToken, Membership, Role, User
    from innohub.accounts.services import accept_invitation, invite_member
    from innohub.accounts.tokens import create_api_token
    from innohub.centers.models import Center
    from innohub.directory.models import Organisation

    staff_role = Role.objects.get(code="center_staff", center=None)
    member_role = Role.objects.get(code="startup_member", center=None)
    provincial = list(Center.objects.filter(kind="provincial", is_active=True).order_by("slug"))
    if not provincial:
        raise SystemExit("no provincial centers: did `manage.py demo` run?")

    def center_admin(center: Center) -> Any:
        admin = (
            Membership.objects.filter(center=center, role__code="center_admin")
            .select_related("user")
            .order_by("pk")
            .first()
        )
        if admin is None:
            raise SystemExit(f"center {center.slug} has no admin to invite the load-test users")
        return admin.user

    def new_user(email: str, center: Center | None, role: Role | None, scope: str) -> str:
        user = User.objects.create_user(email=email, password=None, full_name=f"Load test {email}")
        if center is not None and role is not None:
            _invitation, raw = invite_member(center, actor=center_admin(center), email=email, role=role)
            accept_invitation(raw, user=user)
        _token, raw_token = create_api_token(user, actor=user, name=f"load test {run_id}", scope=scope)
        return raw_token

    anonymous = AnonymousUser()
    out: dict[str, Any] = {"writers": [], "readers": []}
    writer_centers = [provincial[i % len(provincial)] for i in range(writers)]
    for i, center in enumerate(writer_centers):
        email = f"load-writer-{run_id}-{i}@load.innohub.local"
        token = new_user(email, center, staff_role, ApiToken.Scope.WRITE)
        out["writers"].append({"token": token, "center": center.slug, "orgs": []})
    # Each writer's share of its center's public organisations (the ones it will PATCH).
    by_center: dict[str, list[dict[str, Any]]] = {}
    for w in out["writers"]:
        by_center.setdefault(w["center"], []).append(w)
    for slug, group in by_center.items():
        orgs = list(
            Organisation.objects.visible_to(anonymous)
            .filter(center__slug=slug)
            .order_by("pk")
            .values_list("slug", flat=True)[: 40 * len(group)]
        )
        for k, slug_ in enumerate(orgs):
            group[k % len(group)]["orgs"].append(slug_)
    for i in range(readers):
        # Half the readers belong to a center (they see its network records too), half to none.
        center = provincial[(i * 3) % len(provincial)] if i % 2 == 0 else None
        email = f"load-reader-{run_id}-{i}@load.innohub.local"
        token = new_user(email, center, member_role if center else None, ApiToken.Scope.READ)
        out["readers"].append({"token": token, "center": center.slug if center else None})
    return out


def scenario_data() -> dict[str, Any]:
    from django.contrib.auth.models import AnonymousUser

    from innohub.centers.models import Center
    from innohub.content.selectors import news_for
    from innohub.core.text import fold
    from innohub.directory.models import Organisation, OrganisationKind, Person, Tag
    from innohub.taxonomy.models import Province, Sector, Stage

    rng = random.Random(SEED)
    anonymous = AnonymousUser()
    orgs = list(Organisation.objects.visible_to(anonymous).order_by("pk").values_list("slug", "name_vi"))
    people = list(Person.objects.visible_to(anonymous).order_by("pk").values_list("slug", "full_name"))
    news = list(news_for(anonymous).values_list("slug", flat=True))
    if not orgs or not people or not news:
        raise SystemExit("the demo data has no public organisations, people or news")

    skip = {"công", "ty", "cổ", "phần", "tnhh", "trường", "viện"}
    queries: list[dict[str, str]] = []
    for _slug, name in rng.sample(orgs, min(150, len(orgs))):
        words = [w for w in (name or "").split() if w.casefold() not in skip] or (name or "x").split()
        size = min(len(words), rng.choice([1, 2, 2, 3]))
        start = rng.randint(0, len(words) - size)
        fragment = " ".join(words[start : start + size])
        queries.append({"q": fragment, "kind": "accented"})
        queries.append({"q": fold(fragment), "kind": "unaccented"})
    for _slug, name in rng.sample(people, min(40, len(people))):
        family_and_given = (name or "").split()
        fragment = " ".join(family_and_given[-2:])
        queries.append({"q": fragment, "kind": "accented"})
        queries.append({"q": fold(fragment), "kind": "unaccented"})
    for q in ("công nghệ", "khởi nghiệp", "Hà Nội", "đại học", "nông nghiệp", "trí tuệ nhân tạo"):
        queries.append({"q": q, "kind": "accented"})
        queries.append({"q": fold(q), "kind": "unaccented"})
    return {
        "orgs": [slug for slug, _name in orgs],
        "people": [slug for slug, _name in people],
        "news": news,
        "centers": list(
            Center.objects.filter(is_active=True).order_by("path").values_list("slug", flat=True)
        ),
        "provinces": list(Province.objects.order_by("code").values_list("code", flat=True)),
        "sections": list(Sector.objects.filter(level=1).order_by("code").values_list("code", flat=True)),
        "stages": list(Stage.objects.order_by("order").values_list("code", flat=True)),
        "kinds": [k for k, _label in OrganisationKind.choices],
        "tags": list(Tag.objects.order_by("slug").values_list("slug", flat=True)[:60]),
        "queries": queries,
    }


def collect_static() -> None:
    """`collectstatic` unless the collected files are current: the production storage (WhiteNoise's
    compressed manifest) compresses every file on every run, minutes on this machine for no change."""
    import hashlib

    from django.conf import settings
    from django.contrib.staticfiles.finders import get_finders
    from django.core.management import call_command

    digest = hashlib.sha256(repr(settings.STORAGES["staticfiles"]).encode())
    for finder in get_finders():
        for path, storage in sorted(finder.list(["CVS", ".*", "*~"]), key=lambda item: item[0]):
            stat = Path(storage.path(path)).stat()
            digest.update(f"{path}\0{stat.st_size}\0{stat.st_mtime_ns}\n".encode())
    root = Path(settings.STATIC_ROOT)
    stamp = root / ".load-benchmark-stamp"
    manifest = root / "staticfiles.json"
    if manifest.exists() and stamp.exists() and stamp.read_text() == digest.hexdigest():
        print("static files: current, collectstatic skipped", file=sys.stderr)
        return
    stamp.unlink(missing_ok=True)
    call_command("collectstatic", interactive=False, verbosity=1)
    stamp.write_text(digest.hexdigest())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    static = commands.add_parser("static", help="collect static files if they changed")
    static.set_defaults(command="static")
    scenario = commands.add_parser("scenario", help="create the API users, write the scenario JSON")
    scenario.add_argument("out", type=Path)
    scenario.add_argument("--writers", type=int, default=8)
    scenario.add_argument("--readers", type=int, default=6)
    scenario.add_argument("--run-id", required=True)
    args = parser.parse_args()

    import django

    django.setup()
    if args.command == "static":
        collect_static()
        return
    data = scenario_data()
    data.update(make_users(args.writers, args.readers, args.run_id))
    data["run_id"] = args.run_id
    args.out.write_text(json.dumps(data, ensure_ascii=False))
    print(
        f"scenario: {len(data['orgs'])} public organisations, {len(data['people'])} people, "
        f"{len(data['news'])} news, {len(data['queries'])} queries, {len(data['writers'])} writers, "
        f"{len(data['readers'])} readers",
        file=sys.stderr,
    )


if __name__ == "__main__":
    main()
