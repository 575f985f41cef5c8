"""Sweeps: idempotent functions of as_of, one replica at a time, behind a bureau-only endpoint."""

import asyncio
from datetime import date, timedelta

import httpx
import pytest

from pdp_kit.sweeps import Sweep, run_sweeps, today_in_shanghai


async def test_bureau_runs_the_sweeps_as_of_a_date_in_test(
    client: httpx.AsyncClient, as_bureau
) -> None:
    response = await client.post(
        "/api/demo/admin/sweep", params={"as_of": "2027-03-01"}, headers=as_bureau
    )
    assert response.status_code == 200
    assert response.json() == {"as_of": "2027-03-01", "results": {"count": {"as_of": "2027-03-01"}}}


async def test_only_the_bureau_may_run_sweeps(
    client: httpx.AsyncClient, as_department, as_ops
) -> None:
    for headers in (as_department, as_ops):
        response = await client.post("/api/demo/admin/sweep", headers=headers)
        assert response.status_code == 403
    assert (await client.post("/api/demo/admin/sweep")).status_code == 401


async def test_outside_dev_and_test_only_today_is_accepted(
    app, client: httpx.AsyncClient, as_bureau
) -> None:
    app.state.settings = app.state.settings.model_copy(update={"env": "prod"})
    yesterday = today_in_shanghai() - timedelta(days=1)
    refused = await client.post(
        "/api/demo/admin/sweep", params={"as_of": yesterday.isoformat()}, headers=as_bureau
    )
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["field"] == "as_of"
    today = await client.post("/api/demo/admin/sweep", headers=as_bureau)
    assert today.status_code == 200


async def test_a_scheduled_run_skips_a_sweep_already_run_for_that_date(app) -> None:
    runs: list[date] = []

    async def remember(session, as_of: date) -> dict[str, int]:
        runs.append(as_of)
        return {"runs": len(runs)}

    sweeps = [Sweep("remember", remember)]
    day = date(2027, 5, 6)
    await run_sweeps(app.state.sessionmaker, sweeps, as_of=day, skip_if_done=True)
    second = await run_sweeps(app.state.sessionmaker, sweeps, as_of=day, skip_if_done=True)
    assert runs == [day]
    assert second == {"remember": {"skipped": "already run for this date"}}


async def test_two_replicas_never_run_the_same_sweep_at_once(app, backend: str) -> None:
    if backend != "postgresql":
        pytest.skip("SQLite serialises writers; replicas share PostgreSQL")
    started = asyncio.Event()
    release = asyncio.Event()

    async def slow(session, as_of: date) -> dict[str, str]:
        started.set()
        await release.wait()
        return {"done": as_of.isoformat()}

    sweeps = [Sweep("slow", slow)]
    first = asyncio.create_task(run_sweeps(app.state.sessionmaker, sweeps, as_of=date(2027, 1, 4)))
    await started.wait()
    second = await run_sweeps(app.state.sessionmaker, sweeps, as_of=date(2027, 1, 4))
    release.set()
    assert second == {"slow": {"skipped": "running elsewhere"}}
    assert await first == {"slow": {"done": "2027-01-04"}}
