"""API fuzzing: schemathesis generates requests for every operation of /api/v1/openapi.json and sends
them, in process, to the Django WSGI application, as each role in turn.

Checks on every answer: no server error (5xx), the body matches the response schema documented for its
status code, and the status code is one the operation documents.

Budget: `INNOHUB_FUZZ_EXAMPLES` examples per operation and role (default 10, the `make test` budget;
`make fuzz` runs 100), derandomized with a fixed seed so a failure reproduces on every machine.
Each example runs in a savepoint that is rolled back, so a DELETE in one example does not take the
record away from the next, and the seeded records (tests/fuzz/conftest.py) stay valid. Generated path
parameters are replaced, most of the time, by keys of records that exist, so reads, updates, deletes
and revocations reach the code behind the 404.
"""

from __future__ import annotations

import os
import zlib
from typing import Any

import pytest
import schemathesis
from django.core.cache import cache
from django.core.wsgi import get_wsgi_application
from django.db import transaction
from hypothesis import HealthCheck, seed, settings
from schemathesis.checks import not_a_server_error
from schemathesis.config import SchemathesisConfig
from schemathesis.specs.openapi.checks import response_schema_conformance, status_code_conformance

from tests.fuzz.conftest import Caller, Seed

EXAMPLES = int(os.environ.get("INNOHUB_FUZZ_EXAMPLES", "10"))
#: schemathesis's coverage phase (boundary values, missing and malformed parameters for every operation)
#: sends many more requests than EXAMPLES; `make fuzz` turns it on
COVERAGE = os.environ.get("INNOHUB_FUZZ_COVERAGE", "0") == "1"
SEED = 20251201
ROLES = [
    "anonymous",
    "center_staff_write_token",
    "platform_admin_write_token",
    "member_read_token",
    "member_session",
    "applicant_write_token",
    "reviewer_write_token",
]
CHECKS = [not_a_server_error, response_schema_conformance, status_code_conformance]
#: share of generated path parameters replaced by keys of records that exist (out of 4)
EXISTING_SHARE = 3

schema = schemathesis.openapi.from_wsgi(
    "/api/v1/openapi.json",
    get_wsgi_application(),
    config=SchemathesisConfig.from_dict({"phases": {"coverage": {"enabled": COVERAGE}}}),
)


def _use_existing_records(case: Any, existing: dict[tuple[str, str], list[str]]) -> None:
    """Swap generated path parameters for keys of seeded records, deterministically (crc32 of the
    generated value picks), keeping one generated value in four to probe the 404 paths."""
    for name, value in list((case.path_parameters or {}).items()):
        choices = existing.get((case.operation.path, name))
        if not choices:
            continue
        pick = zlib.crc32(repr(value).encode())
        if pick % 4 < EXISTING_SHARE:
            case.path_parameters[name] = choices[pick % len(choices)]


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
@schema.parametrize()
@seed(SEED)
@settings(
    max_examples=EXAMPLES,
    derandomize=True,
    deadline=None,
    database=None,
    print_blob=True,
    suppress_health_check=list(HealthCheck),
)
def test_api(case: Any, role: str, fuzz_seed: Seed) -> None:
    caller: Caller = fuzz_seed.callers[role]
    _use_existing_records(case, fuzz_seed.existing)
    with transaction.atomic():
        try:
            # call_and_validate raises on any failed check (server error, schema or status violation)
            response = case.call_and_validate(headers=caller.headers, cookies=caller.cookies, checks=CHECKS)
            assert response.status_code < 500, response.text[:500]
        finally:
            transaction.set_rollback(True)
            cache.clear()
