from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
from sqlalchemy import update
from stdnum.cn import uscc

from catalog.records.models import IngestStats

API = "/api/catalog"


def credit_code(serial: int) -> str:
    base = f"91310105MA1FL{serial:04d}"
    return base + uscc.calc_check_digit(base)


async def test_quality_shows_volume_completeness_validity_and_freshness(
    client: httpx.AsyncClient,
    seed: Any,
    as_department: dict[str, str],
    as_datacenter: dict[str, str],
) -> None:
    await seed.department("D001")
    resource = await seed.published()  # 4 fields, daily
    records: list[Any] = [
        {"credit_code": credit_code(1), "name": "甲", "registered_on": "2020-01-01", "capital": 1},
        {"credit_code": credit_code(2), "name": "乙"},
        {"credit_code": "bad", "name": "丙"},
        {"credit_code": credit_code(3), "name": "丁", "capital": 3},
    ]
    await client.post(
        f"{API}/resources/{resource['id']}/records",
        json={"records": records},
        headers=as_department,
    )
    response = await client.get(f"{API}/resources/{resource['id']}/quality", headers=as_datacenter)
    assert response.status_code == 200, response.text
    quality = response.json()
    assert quality["volume"] == 3
    assert quality["completeness"] == round((4 + 2 + 3) / 12, 4)
    assert quality["validity"] == 0.75
    assert quality["freshness"]["fresh"] is True and quality["freshness"]["window_hours"] == 48


async def test_data_older_than_the_update_frequency_is_stale(
    client: httpx.AsyncClient, app: Any, seed: Any, as_department: dict[str, str]
) -> None:
    await seed.department("D001")
    resource = await seed.published(update_frequency="weekly")
    await client.post(
        f"{API}/resources/{resource['id']}/records",
        json={"records": [{"credit_code": credit_code(1), "name": "甲"}]},
        headers=as_department,
    )
    async with app.state.sessionmaker() as session, session.begin():
        await session.execute(
            update(IngestStats).values(last_ingested_at=datetime.now(UTC) - timedelta(days=9))
        )
    quality = (
        await client.get(f"{API}/resources/{resource['id']}/quality", headers=as_department)
    ).json()
    assert quality["freshness"]["fresh"] is False


async def test_departments_are_ranked_by_the_quality_of_their_data(
    client: httpx.AsyncClient,
    seed: Any,
    auth: Any,
    as_bureau: dict[str, str],
    as_assessor: dict[str, str],
) -> None:
    for code in ("D001", "D002", "D003"):
        await seed.department(code)
    good = await seed.published("D001", "R1")
    await seed.published("D002", "R1")  # catalogued, nothing aggregated
    half = await seed.published("D003", "R1")
    await client.post(
        f"{API}/resources/{good['id']}/records",
        json={
            "records": [
                {
                    "credit_code": credit_code(1),
                    "name": "甲",
                    "registered_on": "2020-01-01",
                    "capital": 1,
                }
            ]
        },
        headers=auth.department("D001"),
    )
    await client.post(
        f"{API}/resources/{half['id']}/records",
        json={"records": [{"credit_code": credit_code(1), "name": "甲"}, {"name": "无代码"}]},
        headers=auth.department("D003"),
    )
    response = await client.get(f"{API}/quality/departments", headers=as_assessor)
    assert response.status_code == 200, response.text
    ranking = response.json()["items"]
    assert [(r["rank"], r["department"]) for r in ranking] == [
        (1, "D001"),
        (2, "D003"),
        (3, "D002"),
    ]
    assert ranking[0]["score"] == 1.0 and ranking[2]["aggregated"] == 0
    assert ranking[1]["validity"] == 0.5 and ranking[1]["completeness"] == 0.5
    assert (
        await client.get(f"{API}/quality/departments", headers=auth.department("D001"))
    ).status_code == 403
