"""The authorization matrix: every operation of every service's OpenAPI document × every role,
aimed at department D001's objects (ids in the path, the query, the body and list filters) with
the department token of D002. Goal (issue #14): zero cross-department reads or writes, zero admin
actions by non-admin roles.

Allowances come from CONTRACT.md's "who" column, encoded in ``authorization_table.ALLOWED``
(operation → roles that may succeed against another department's object). An operation missing
from the table fails the test, so every new endpoint must be classified. The matrix is printed
(``pytest -s``) and written to ``authorization-matrix.txt`` in the test's temporary directory.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio
from event_examples import example
from service_apps import (
    SERVICES,
    Clients,
    bare_app,
    database_urls,
    openapi_of,
    running_services,
)

from pdp_kit.auth.principal import Role
from pdp_kit.auth.tokens import TokenIssuer
from pdp_kit.testing.databases import TestDatabases as Databases
from pdp_kit.testing.plugin import Auth, require_postgres

from .authorization_table import ALLOWED
from .seed import OTHER, OWNER, Seeded, seed

pytestmark = pytest.mark.asyncio(loop_scope="module")

#: Roles that never see another department's private objects.
OUTSIDERS = (
    Role.DEPARTMENT,
    Role.OPERATOR,
    Role.MUNICIPAL,
    Role.PUBLIC,
    Role.OPS,
    Role.SERVICE,
    Role.CYBERSPACE,
    Role.ASSESSOR,
)
#: Run last: their calls change state (publish, withdraw, revoke …).
INSIDERS = (Role.DATACENTER, Role.BUREAU)
#: Supervisors read every department's objects by design (DOMAIN, Art. 34).
READERS = frozenset({Role.BUREAU, Role.DATACENTER, Role.CYBERSPACE, Role.ASSESSOR})
METHODS = ("get", "put", "post", "patch", "delete")
#: Lists a department may read, scoped to its own side: D002's answer must not name D001.
SCOPED_TO_CALLER = frozenset(
    {
        "GET /api/audit/scorecards",
        "GET /api/audit/scorecards/export.csv",
        "GET /api/audit/notices",
        "GET /api/audit/rectification-orders",
        "GET /api/audit/usage-records",
        "GET /api/audit/usage-reports",
        "GET /api/sharing/requests",
        "GET /api/sharing/grants",
        "GET /api/registry/registrations",
        "GET /api/catalog/changes",
    }
)
#: The matrix's last column: department D001 itself (reads only, so nothing changes).
OWNER_COLUMN = f"own{OWNER}"
#: Reads the owner must be given where D002 is refused: the control for the leak check.
OWNER_READS = {
    "GET /api/catalog/resources/{resource_id}": "draft",
    "GET /api/catalog/changes/{change_id}": "change",
    "GET /api/sharing/requests/{request_id}": "request",
    "GET /api/sharing/grants/{grant_id}": "grant",
    "GET /api/registry/registrations/{registration_id}": "registration",
}


@dataclass(frozen=True)
class Operation:
    service: str
    method: str
    path: str
    spec: dict[str, Any]

    @property
    def key(self) -> str:
        return f"{self.method.upper()} {self.path}"


def operations() -> list[Operation]:
    found = []
    for service in SERVICES:
        for path, items in openapi_of(service)["paths"].items():
            for method in METHODS:
                if method in items:
                    found.append(Operation(service, method, path, items[method]))
    return found


def headers_of(auth: Auth, role: Role) -> dict[str, str]:
    if role is Role.DEPARTMENT:
        return auth.department(OTHER)
    if role is Role.OPERATOR:
        return auth.operator("OP002")
    return auth.headers(role)


def path_value(name: str, path: str, ids: dict[str, str]) -> str:
    if name in {"department"} or (name == "code" and path.endswith("/departments/{code}")):
        return OWNER
    if name == "code":
        return "SY1" if "/systems/" in path else "DU1"
    if name == "resource_id":
        # The catalogue's own paths get the draft (private); the others the published one.
        return ids.get("draft" if "/api/catalog/" in path else "published", "X1")
    by_name = {
        "change_id": "change",
        "request_id": "request",
        "grant_id": "grant",
        "listing_id": "listing",
        "application_id": "application",
        "registration_id": "registration",
    }
    if name in by_name:
        return ids.get(by_name[name], "X1")
    return {"year": "2026", "version": "1", "catalogue": "duties"}.get(name, "X1")


BODY_OVERRIDES = {
    "department": OWNER,
    "provider": OWNER,
    "requester": OWNER,
    "owner": OWNER,
}


def aimed(value: Any, ids: dict[str, str]) -> Any:
    """The body with department fields and object ids pointing at D001's objects."""
    if isinstance(value, dict):
        out = {}
        for key, item in value.items():
            if key in BODY_OVERRIDES:
                out[key] = BODY_OVERRIDES[key]
            elif key in {"resource_id", "grant_id", "listing_id", "application_id"}:
                out[key] = ids.get(key.removesuffix("_id").replace("resource", "published"), item)
            else:
                out[key] = aimed(item, ids)
        return out
    if isinstance(value, list):
        return [aimed(item, ids) for item in value]
    return value


def request_of(op: Operation, ids: dict[str, str]) -> tuple[str, dict[str, str], Any]:
    document = openapi_of(op.service)
    url = re.sub(r"\{([^}]+)\}", lambda m: path_value(m.group(1), op.path, ids), op.path)
    params: dict[str, str] = {}
    for parameter in op.spec.get("parameters", []):
        if parameter.get("in") != "query":
            continue
        name = parameter["name"]
        if name == "department":
            params[name] = OWNER
        elif name == "period":
            params[name] = "2026"
        elif name in {"resource_id", "grant_id", "listing_id", "request_id"}:
            params[name] = ids.get(name.removesuffix("_id").replace("resource", "published"), "X")
        elif parameter.get("required"):
            params[name] = str(example(parameter.get("schema", {}), document))
    body = None
    content = op.spec.get("requestBody", {}).get("content", {})
    if "application/json" in content:
        schema = content["application/json"].get("schema", {})
        body = aimed(example(schema, document, required_only=True), ids)
    return url, params, body


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def service_database_urls(
    request: pytest.FixtureRequest,
    test_databases: Databases,
    tmp_path_factory: pytest.TempPathFactory,
    _postgres_ok: bool,
) -> Iterator[dict[str, str]]:
    """The matrix runs on both backends (``--backends`` picks)."""
    backend = request.param
    if backend not in request.config.getoption("--backends").split(","):
        pytest.skip(f"{backend} not among --backends")
    if backend == "sqlite":
        yield database_urls(test_databases, tmp_path_factory.mktemp("services"))
        return
    require_postgres(_postgres_ok)
    urls = {
        name: test_databases.postgres(Path(bare_app(name).state.definition.migrations_dir))
        for name in SERVICES
    }
    yield urls
    for url in urls.values():
        test_databases.drop(url)


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def platform(
    service_database_urls: dict[str, str], token_issuer: TokenIssuer
) -> AsyncIterator[tuple[Clients, Seeded]]:
    async with running_services(service_database_urls, token_issuer) as clients:
        seeded = await seed(clients, Auth(token_issuer))
        yield clients, seeded


def render(results: dict[str, dict[str, int]], roles: list[str]) -> str:
    width = max(len(key) for key in results) + 2
    head = "operation".ljust(width) + " ".join(str(r)[:6].rjust(6) for r in roles)
    lines = [head, "-" * len(head)]
    for key in sorted(results):
        cells = " ".join(str(results[key].get(r, "")).rjust(6) for r in roles)
        lines.append(key.ljust(width) + cells)
    return "\n".join(lines)


async def test_no_role_reaches_another_departments_objects_or_an_admin_action(
    platform: tuple[Clients, Seeded],
    token_issuer: TokenIssuer,
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    clients, seeded = platform
    auth = Auth(token_issuer)
    assert {"draft", "published", "change", "request", "grant"} <= set(seeded.ids), seeded.notes
    ops = operations()
    unclassified = sorted({op.key for op in ops} - set(ALLOWED))
    results: dict[str, dict[str, int]] = {}
    holes: list[str] = []
    for role in (*OUTSIDERS, *INSIDERS):
        headers = headers_of(auth, role)
        for op in ops:
            url, params, body = request_of(op, seeded.ids)
            response = await clients[op.service].request(
                op.method.upper(), url, params=params, json=body, headers=headers
            )
            status = response.status_code
            results.setdefault(op.key, {})[role] = status
            if status >= 500 and status not in {502, 503}:
                holes.append(f"{op.key} as {role}: {status} {response.text[:160]}")
            if status >= 300:
                continue
            if role.value not in ALLOWED.get(op.key, frozenset()):
                holes.append(f"{op.key} as {role}: {status}, not allowed by the table")
            if role is Role.DEPARTMENT and op.key in SCOPED_TO_CALLER and OWNER in response.text:
                holes.append(f"{op.key} as {OTHER}: {OWNER} in a list scoped to the caller")
            if role not in READERS:
                leaked = sorted(
                    i
                    for i in seeded.private
                    if i in response.text and role.value not in seeded.also_seen_by.get(i, ())
                )
                if leaked:
                    holes.append(f"{op.key} as {role}: D001's {leaked} in the response")
    # The owner's own reads, for the table and as the control: the same requests that D002 was
    # refused bring D001 its objects, so the refusals above are about the department.
    owner = auth.department(OWNER)
    owner_bodies: dict[str, str] = {}
    for op in ops:
        if op.method != "get":
            continue
        url, params, body = request_of(op, seeded.ids)
        response = await clients[op.service].get(url, params=params, headers=owner)
        results[op.key][OWNER_COLUMN] = response.status_code
        owner_bodies[op.key] = response.text
    for key, name in OWNER_READS.items():
        assert results[key][OWNER_COLUMN] == 200, (key, owner_bodies[key])
        assert seeded.ids[name] in owner_bodies[key]
        assert results[key][Role.DEPARTMENT] in {403, 404}
    roles = [*OUTSIDERS, *INSIDERS, OWNER_COLUMN]
    table = render(results, roles)
    out = tmp_path_factory.mktemp("matrix") / "authorization-matrix.txt"
    out.write_text(table + "\n", encoding="utf-8")
    print(f"\nAuthorization matrix (department = {OTHER} against {OWNER}'s objects): {out}")
    print(table)
    for note in seeded.notes:
        print(f"seed step refused: {note}")
    assert holes == [], "\n".join(holes)
    assert unclassified == [], "classify these operations in authorization_table.ALLOWED"
