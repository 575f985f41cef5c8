import httpx

from pdp_contracts.catalog import DepartmentCreated


async def test_bureau_creates_a_department_and_its_event_is_queued(
    client: httpx.AsyncClient, as_bureau: dict[str, str], outbox
) -> None:
    response = await client.post(
        "/api/catalog/departments", json={"code": "D001", "name": "区教育局"}, headers=as_bureau
    )
    assert response.status_code == 201, response.text
    assert response.json()["code"] == "D001"
    events = await outbox.events(DepartmentCreated.event_type)
    assert [e.subject for e in events] == ["D001"]
    assert events[0].data == {"code": "D001", "name": "区教育局"}
