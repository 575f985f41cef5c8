"""Every route: another department's objects are 403 or 404, the wrong role is 403, and no token
is 401. The route tables are checked against the app, so a new route cannot go untested."""

from datetime import date
from typing import Any

import httpx

API = "/api/catalog"
OPEN_ROUTES = {("GET", "/calendar/working-days"), ("GET", "/calendar/{year}")}


async def world(client: httpx.AsyncClient, seed: Any, auth: Any, today: Any) -> dict[str, str]:
    """D001's catalogue: a published and a draft resource, a change, a project, an objection."""
    await seed.department("D001")
    await seed.department("D002")
    published = await seed.published("D001", "R1")
    draft = await seed.draft("D001", "R2")
    owner = auth.department("D001")
    today(date(2026, 10, 9))
    change = await client.post(
        f"{API}/changes",
        json={"department": "D001", "reason": "职责调整", "occurred_on": "2026-10-01"},
        headers=owner,
    )
    extension = await client.post(
        f"{API}/changes/{change.json()['id']}/extension", json={"reason": "x"}, headers=owner
    )
    assert extension.status_code == 200
    project = await client.post(
        f"{API}/projects",
        json={"department": "D001", "code": "P1", "name": "项目", "systems": ["SY1"]},
        headers=owner,
    )
    objection = await client.post(
        f"{API}/resources/{published['id']}/objections",
        json={"description": "有误"},
        headers=auth.headers("service", client_id="pdp-opening"),
    )
    return {
        "published": published["id"],
        "draft": draft["id"],
        "change": change.json()["id"],
        "project": project.json()["id"],
        "objection": objection.json()["id"],
    }


def content(seed: Any) -> dict[str, Any]:
    body = seed.body()
    del body["department"], body["code"]
    return dict(body)


def other_department_cases(ids: dict[str, str], seed: Any) -> list[tuple[str, str, Any]]:
    """(method, path, body) that D002 may not do to D001's objects."""
    return [
        ("POST", "/departments", {"code": "D009", "name": "新部门"}),
        (
            "POST",
            "/departments/D001/duties",
            {"code": "DU9", "name": "职责", "legal_basis": "依据"},
        ),
        ("GET", "/departments/D001/duties", None),
        ("GET", "/departments/D001/duties/DU1", None),
        ("PUT", "/departments/D001/duties/DU1", {"name": "职责", "legal_basis": "依据"}),
        ("POST", "/departments/D001/duties/DU1/retire", {"reason": "x"}),
        ("POST", "/departments/D001/duties/DU1/chain/retry", None),
        ("POST", "/departments/D001/systems", {"code": "SY9", "name": "系统"}),
        ("GET", "/departments/D001/systems", None),
        ("GET", "/departments/D001/systems/SY1", None),
        ("PUT", "/departments/D001/systems/SY1", {"name": "系统"}),
        ("POST", "/departments/D001/systems/SY1/retire", {"reason": "x"}),
        ("POST", "/resources", seed.body("D001", "R9")),
        ("GET", f"/resources/{ids['draft']}", None),
        ("PUT", f"/resources/{ids['draft']}/draft", content(seed)),
        ("POST", f"/resources/{ids['published']}/versions", content(seed)),
        ("GET", f"/resources/{ids['draft']}/versions", None),
        ("GET", f"/resources/{ids['draft']}/versions/1", None),
        ("POST", f"/resources/{ids['draft']}/submit", None),
        ("POST", f"/resources/{ids['draft']}/publish", None),
        ("POST", f"/resources/{ids['draft']}/reject", {"reason": "x"}),
        ("POST", f"/resources/{ids['published']}/withdraw", {"reason": "x"}),
        ("POST", f"/resources/{ids['published']}/chain/retry", None),
        ("POST", f"/resources/{ids['published']}/objections", {"description": "x"}),
        ("POST", f"/resources/{ids['published']}/records", {"records": []}),
        ("GET", f"/resources/{ids['published']}/quality", None),
        ("GET", f"/internal/resources/{ids['published']}/records", None),
        (
            "POST",
            f"/internal/handback/resources/{ids['published']}/records",
            {"batch_id": "HB1", "records": []},
        ),
        ("GET", f"/resources/{ids['published']}/objections", None),
        ("GET", f"/objections/{ids['objection']}", None),
        ("POST", f"/objections/{ids['objection']}/answer", {"outcome": "confirmed", "answer": "x"}),
        ("POST", "/changes", {"department": "D001", "reason": "x", "occurred_on": "2026-10-01"}),
        ("GET", f"/changes/{ids['change']}", None),
        ("POST", f"/changes/{ids['change']}/extension", {"reason": "x"}),
        ("POST", f"/changes/{ids['change']}/extension/approve", None),
        ("POST", f"/changes/{ids['change']}/extension/refuse", {"reason": "x"}),
        ("POST", f"/changes/{ids['change']}/complete", {"summary": "x"}),
        (
            "POST",
            "/projects",
            {"department": "D001", "code": "P9", "name": "项目", "systems": ["SY1"]},
        ),
        ("GET", f"/projects/{ids['project']}", None),
        ("GET", f"/projects/{ids['project']}/acceptance", None),
        ("GET", "/quality/departments", None),
        ("PUT", "/calendar/2027", {"holidays": [], "workdays": []}),
        ("POST", "/admin/sweep", None),
    ]


# Routes any authenticated caller may use, and which show another department only what it may see.
SHARED_READS = {
    ("GET", "/departments"),
    ("GET", "/departments/{code}"),
    ("GET", "/resources"),
    ("GET", "/dcat.jsonld"),
    ("GET", "/changes"),
}


def app_routes(app: Any) -> set[tuple[str, str]]:
    """Every documented operation of the service (the OpenAPI document lists them all)."""
    routes = {
        (method.upper(), path.removeprefix(API))
        for path, operations in app.openapi()["paths"].items()
        for method in operations
        if path.startswith(API)
    }
    assert len(routes) > 40
    return routes


async def test_another_department_gets_403_or_404_on_every_route(
    client: httpx.AsyncClient, app: Any, seed: Any, auth: Any, today: Any
) -> None:
    ids = await world(client, seed, auth, today)
    other = auth.department("D002")
    wrong = []
    for method, path, body in other_department_cases(ids, seed):
        response = await client.request(method, API + path, json=body, headers=other)
        if (
            response.status_code not in (403, 404)
            or response.headers["content-type"] != "application/problem+json"
        ):
            wrong.append((method, path, response.status_code, response.text[:200]))
    assert wrong == []

    covered = {(m, p) for m, p, _ in other_department_cases(ids, seed)}
    normalised = {
        (
            m,
            p.replace(ids["draft"], "{resource_id}")
            .replace(ids["published"], "{resource_id}")
            .replace(ids["change"], "{change_id}")
            .replace(ids["project"], "{project_id}")
            .replace(ids["objection"], "{objection_id}")
            .replace("/D001/duties/DU1/chain", "/D001/{catalogue}/DU1/chain")
            .replace("/D001/", "/{department}/")
            .replace("/DU1", "/{code}")
            .replace("/SY1", "/{code}")
            .replace("/2027", "/{year}")
            .replace("/versions/1", "/versions/{version}"),
        )
        for m, p in covered
    }
    untested = app_routes(app) - normalised - SHARED_READS - OPEN_ROUTES
    assert untested == set(), "every route needs a permission case"


async def test_another_department_sees_only_what_is_published_or_its_own(
    client: httpx.AsyncClient, seed: Any, auth: Any, today: Any
) -> None:
    ids = await world(client, seed, auth, today)
    other = auth.department("D002")
    resources = (await client.get(f"{API}/resources", headers=other)).json()["items"]
    assert [r["id"] for r in resources] == [ids["published"]]
    changes = (await client.get(f"{API}/changes", headers=other)).json()["items"]
    assert changes == []
    dcat = (await client.get(f"{API}/dcat.jsonld", headers=other)).json()
    assert [d["dct:identifier"] for d in dcat["dcat:dataset"]] == [ids["published"]]


async def test_the_wrong_role_gets_403(
    client: httpx.AsyncClient,
    seed: Any,
    auth: Any,
    today: Any,
    as_datacenter: dict[str, str],
    as_cyberspace: dict[str, str],
    as_ops: dict[str, str],
    as_municipal: dict[str, str],
    as_bureau: dict[str, str],
) -> None:
    ids = await world(client, seed, auth, today)
    owner = auth.department("D001")
    cases = [
        (as_datacenter, "POST", f"/resources/{ids['draft']}/publish", None),
        (owner, "POST", f"/resources/{ids['draft']}/publish", None),
        (owner, "POST", f"/resources/{ids['draft']}/reject", {"reason": "x"}),
        (as_bureau, "POST", "/resources", seed.body("D001", "R9")),
        (as_bureau, "POST", f"/resources/{ids['draft']}/submit", None),
        (as_bureau, "POST", f"/resources/{ids['published']}/records", {"records": []}),
        (as_bureau, "POST", f"/changes/{ids['change']}/extension", {"reason": "x"}),
        (owner, "POST", f"/changes/{ids['change']}/extension/approve", None),
        (
            as_datacenter,
            "POST",
            "/departments/D001/duties",
            {"code": "DU9", "name": "职责", "legal_basis": "依据"},
        ),
        (as_cyberspace, "POST", "/departments/D001/systems", {"code": "SY9", "name": "系统"}),
        (as_cyberspace, "GET", f"/resources/{ids['published']}/quality", None),
        (as_ops, "GET", "/quality/departments", None),
        (as_municipal, "POST", f"/resources/{ids['published']}/objections", {"description": "x"}),
        (as_bureau, "GET", f"/internal/resources/{ids['published']}/records", None),
        (
            as_bureau,
            "POST",
            f"/objections/{ids['objection']}/answer",
            {"outcome": "confirmed", "answer": "x"},
        ),
        (as_datacenter, "POST", "/admin/sweep", None),
    ]
    wrong = []
    for headers, method, path, body in cases:
        response = await client.request(method, API + path, json=body, headers=headers)
        if response.status_code != 403:
            wrong.append((method, path, response.status_code))
    assert wrong == []


async def test_supervisors_read_any_department_without_changing_it(
    client: httpx.AsyncClient,
    seed: Any,
    auth: Any,
    today: Any,
    as_cyberspace: dict[str, str],
    as_assessor: dict[str, str],
) -> None:
    ids = await world(client, seed, auth, today)
    for headers in (as_cyberspace, as_assessor):
        assert (
            await client.get(f"{API}/resources/{ids['draft']}", headers=headers)
        ).status_code == 200
        assert (
            await client.get(f"{API}/changes/{ids['change']}", headers=headers)
        ).status_code == 200
        assert (
            await client.get(f"{API}/departments/D001/duties", headers=headers)
        ).status_code == 200
        response = await client.post(f"{API}/resources/{ids['draft']}/submit", headers=headers)
        assert response.status_code == 403


async def test_every_route_but_the_calendar_needs_a_token(
    client: httpx.AsyncClient, app: Any
) -> None:
    wrong = []
    for method, path in sorted(app_routes(app) - OPEN_ROUTES):
        concrete = (
            path.replace("{year}", "2027")
            .replace("{version}", "1")
            .replace("{", "")
            .replace("}", "")
        )
        response = await client.request(method, API + concrete, json={})
        if response.status_code != 401:
            wrong.append((method, path, response.status_code))
    assert wrong == []
