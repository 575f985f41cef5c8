"""The simulator itself: what the adapters rely on, and that each fault switch does what it says."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from municipal_sim.app import create_app
from municipal_sim.state import canonical_json, sm3_hex

CLIENT = ("pdp-changning", "dev-only-municipal-secret")
ENTRY = {"kind": "resource", "id": "R1", "version": 1, "entry": {"name": "学校名录", "n": 1}}


@pytest.fixture
async def sim() -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=create_app())
    async with httpx.AsyncClient(transport=transport, base_url="http://sim.test") as client:
        yield client


async def bearer(sim: httpx.AsyncClient) -> dict[str, str]:
    form = {"grant_type": "client_credentials"}
    response = await sim.post("/oauth/token", data=form, auth=CLIENT)
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


async def test_only_its_client_gets_a_token_and_every_platform_call_needs_one(
    sim: httpx.AsyncClient,
) -> None:
    wrong = await sim.post(
        "/oauth/token", data={"grant_type": "client_credentials"}, auth=("pdp-changning", "x")
    )
    assert (wrong.status_code, wrong.json()["error"]) == (401, "invalid_client")
    posted = await sim.post(
        "/oauth/token",
        data={
            "grant_type": "client_credentials",
            "client_id": CLIENT[0],
            "client_secret": CLIENT[1],
        },
    )
    assert posted.status_code == 200
    assert (await sim.get("/open-data/applications")).status_code == 401
    stale = {"Authorization": "Bearer not-a-token"}
    assert (await sim.get("/handback/batches", headers=stale)).status_code == 401


async def test_the_chain_answers_an_sm3_hash_and_a_transaction_once_per_idempotency_key(
    sim: httpx.AsyncClient,
) -> None:
    headers = {**await bearer(sim), "Idempotency-Key": "resource:R1:v1"}
    first = await sim.post("/chain/entries", json=ENTRY, headers=headers)
    assert first.status_code == 201, first.text
    receipt = first.json()
    assert receipt["hash"] == sm3_hex(canonical_json(ENTRY["entry"]))
    assert receipt["tx_id"].startswith("0x") and len(receipt["tx_id"]) == 66

    again = await sim.post("/chain/entries", json=ENTRY, headers=headers)
    assert (again.status_code, again.json()) == (200, receipt)
    other = await sim.post("/chain/entries", json={**ENTRY, "version": 2}, headers=headers)
    assert other.status_code == 409
    read = await sim.get("/chain/entries/resource/R1", headers=headers)
    assert (read.json()["tx_id"], read.json()["entry"]) == (receipt["tx_id"], ENTRY["entry"])
    assert (await sim.get("/chain/entries/duty/R1", headers=headers)).status_code == 404
    assert len((await sim.get("/admin/chain")).json()) == 1


async def test_the_feeds_page_by_cursor_and_the_duplicate_switch_repeats_items(
    sim: httpx.AsyncClient,
) -> None:
    headers = await bearer(sim)
    for n in (1, 2, 3):
        await sim.post("/admin/applications", json={"listing_id": f"L{n}", "scenario": "x"})
    page = (await sim.get("/open-data/applications?after=0&limit=2", headers=headers)).json()
    assert ([i["id"] for i in page["items"]], page["next"]) == (["SHOD000001", "SHOD000002"], 2)
    rest = (await sim.get("/open-data/applications?after=2", headers=headers)).json()
    assert [i["id"] for i in rest["items"]] == ["SHOD000003"]

    await sim.post("/admin/faults", json={"duplicate": True})
    repeated = (await sim.get("/open-data/applications?after=2", headers=headers)).json()
    assert [i["id"] for i in repeated["items"]] == ["SHOD000002"] * 2 + ["SHOD000003"] * 2

    await sim.post("/admin/handback", json={"resource_id": "R1", "records": [{"a": 1}]})
    batches = (await sim.get("/handback/batches", headers=headers)).json()
    assert batches["items"][0]["resource_id"] == "R1"


async def test_decisions_are_kept_per_application_and_a_repeat_is_kept_once(
    sim: httpx.AsyncClient,
) -> None:
    headers = await bearer(sim)
    await sim.post("/admin/applications", json={"listing_id": "L1", "scenario": "x"})
    decision = {"decision": "approved", "access": {"listing_id": "L1"}}
    path = "/open-data/applications/SHOD000001/decision"
    for _ in range(2):
        assert (await sim.post(path, json=decision, headers=headers)).status_code == 200
    kept = (await sim.get("/admin/applications/SHOD000001/decisions")).json()
    assert [d["decision"] for d in kept] == ["approved"]
    unknown = "/open-data/applications/NOPE/decision"
    assert (await sim.post(unknown, json=decision, headers=headers)).status_code == 404


@pytest.mark.parametrize(
    ("switches", "status"), [({"fail": 1}, 503), ({"refuse": 1}, 422), ({"lose": 1}, 503)]
)
async def test_each_fault_switch_answers_as_a_failing_city_would_once(
    sim: httpx.AsyncClient, switches: dict[str, Any], status: int
) -> None:
    headers = {**await bearer(sim), "Idempotency-Key": "resource:R1:v1"}
    await sim.post("/admin/faults", json=switches)
    assert (await sim.post("/chain/entries", json=ENTRY, headers=headers)).status_code == status
    retried = await sim.post("/chain/entries", json=ENTRY, headers=headers)
    assert retried.status_code in (200, 201)
    assert len((await sim.get("/admin/chain")).json()) == 1  # a lost answer still chained once


async def test_the_slow_switch_delays_every_answer(sim: httpx.AsyncClient) -> None:
    headers = await bearer(sim)
    await sim.post("/admin/faults", json={"slow": 0.3})
    started = time.monotonic()
    assert (await sim.get("/handback/batches", headers=headers)).status_code == 200
    assert time.monotonic() - started >= 0.3
    assert (await sim.get("/admin/faults")).json()["slow"] == 0.3
