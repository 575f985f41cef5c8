"""Concurrent actions on one catalogue object, raced through the app on PostgreSQL (real
concurrent sessions): the second waits for the first's row lock and sees its result, so a state
never changes twice and a race never answers 500. SQLite's writers already run one at a time."""

import asyncio
from datetime import date
from typing import Any

import httpx
import pytest

from pdp_contracts.catalog import ResourceChainRequested

API = "/api/catalog"


@pytest.fixture(autouse=True)
def _postgresql_only(backend: str) -> None:
    if backend != "postgresql":
        pytest.skip("row locks are PostgreSQL's; SQLite writers already run one at a time")


async def race(*requests: Any) -> list[int]:
    responses = await asyncio.gather(*requests)
    return sorted(r.status_code for r in responses)


async def test_a_concurrent_publish_and_reject_let_exactly_one_through(
    client: httpx.AsyncClient, seed: Any, as_bureau: dict[str, str], as_department: dict[str, str]
) -> None:
    await seed.department("D001")
    for code in ("R1", "R2", "R3"):
        draft = await seed.draft(code=code)
        await seed.submit(draft["id"])
        path = f"{API}/resources/{draft['id']}"
        codes = await race(
            client.post(f"{path}/publish", headers=as_bureau),
            client.post(f"{path}/reject", json={"reason": "字段缺失"}, headers=as_bureau),
        )
        assert codes == [200, 409]
        shown = (await client.get(path, headers=as_department)).json()
        assert shown["status"] in ("published", "rejected")
        assert (shown["published_version"] is not None) == (shown["status"] == "published")


async def test_a_double_publish_publishes_once_and_asks_the_chain_once(
    client: httpx.AsyncClient, seed: Any, as_bureau: dict[str, str], outbox: Any
) -> None:
    await seed.department("D001")
    draft = await seed.draft()
    await seed.submit(draft["id"])
    path = f"{API}/resources/{draft['id']}/publish"
    codes = await race(*(client.post(path, headers=as_bureau) for _ in range(3)))
    assert codes == [200, 409, 409]
    assert len(await outbox.events(ResourceChainRequested.event_type)) == 1


async def test_concurrent_revisions_give_one_new_version_and_409s_never_a_500(
    client: httpx.AsyncClient, seed: Any, as_department: dict[str, str]
) -> None:
    await seed.department("D001")
    published = await seed.published()
    body = {k: v for k, v in seed.body().items() if k not in ("department", "code")}
    path = f"{API}/resources/{published['id']}/versions"
    codes = await race(*(client.post(path, json=body, headers=as_department) for _ in range(3)))
    assert codes == [201, 409, 409]
    versions = (await client.get(path, headers=as_department)).json()["items"]
    assert [v["version"] for v in versions] == [1, 2]


async def test_two_concurrent_code_registrations_give_one_201_and_one_409(
    client: httpx.AsyncClient, seed: Any, as_department: dict[str, str], as_bureau: dict[str, str]
) -> None:
    await seed.department("D001")
    duty = {"code": "DU7", "name": "职责", "legal_basis": "《条例》第三条"}
    system = {"code": "SY7", "name": "系统"}
    cases = [
        (f"{API}/departments/D001/duties", duty, as_department),
        (f"{API}/departments/D001/systems", system, as_department),
        (f"{API}/resources", seed.body(code="R7"), as_department),
        (
            f"{API}/projects",
            {"department": "D001", "code": "P7", "name": "项目", "systems": ["SY1"]},
            as_department,
        ),
        (f"{API}/departments", {"code": "D007", "name": "新部门"}, as_bureau),
    ]
    for path, body, headers in cases:
        codes = await race(
            client.post(path, json=body, headers=headers),
            client.post(path, json=body, headers=headers),
        )
        assert codes == [201, 409], path


async def test_a_concurrent_extension_approval_and_refusal_decide_once(
    client: httpx.AsyncClient,
    seed: Any,
    as_department: dict[str, str],
    as_bureau: dict[str, str],
    today: Any,
) -> None:
    await seed.department("D001")
    today(date(2026, 10, 9))
    body = {"department": "D001", "reason": "职责调整", "occurred_on": "2026-09-28"}
    change = (await client.post(f"{API}/changes", json=body, headers=as_department)).json()
    path = f"{API}/changes/{change['id']}/extension"
    asked = await client.post(path, json={"reason": "数据量大"}, headers=as_department)
    assert asked.status_code == 200, asked.text
    codes = await race(
        client.post(f"{path}/approve", headers=as_bureau),
        client.post(f"{path}/refuse", json={"reason": "理由不足"}, headers=as_bureau),
    )
    assert codes == [200, 409]
