from datetime import date
from typing import Any

import httpx

from pdp_contracts.catalog import (
    ResourceChainRequested,
    ResourceDrafted,
    ResourcePublished,
    ResourceRejected,
    ResourceSubmitted,
    ResourceSuperseded,
)

API = "/api/catalog"


async def test_a_resource_goes_from_draft_through_review_to_published(
    client: httpx.AsyncClient,
    seed: Any,
    as_department: dict[str, str],
    as_bureau: dict[str, str],
    today: Any,
    outbox: Any,
) -> None:
    await seed.department("D001")
    today(date(2026, 11, 2))
    created = await seed.draft()
    assert created["status"] == "draft" and created["version"] == 1 and created["duplicates"] == []

    submitted = await seed.submit(created["id"])
    assert submitted["status"] == "in_review"
    assert submitted["review_due_on"] == "2026-11-04" and submitted["provisional"] is False

    published = await seed.publish(created["id"])
    assert published["status"] == "published" and published["published_version"] == 1
    assert published["chain"]["status"] == "pending"
    types = [ResourceDrafted, ResourceSubmitted, ResourcePublished, ResourceChainRequested]
    for payload in types:
        assert [e.subject for e in await outbox.events(payload.event_type)] == [created["id"]]
    event = (await outbox.events(ResourcePublished.event_type))[0]
    assert event.data["share_type"] == "conditional" and event.data["level"] == 2
    assert [f["name"] for f in event.data["fields"]] == [
        "credit_code",
        "name",
        "registered_on",
        "capital",
    ]


async def test_the_next_version_supersedes_the_published_one_and_every_version_stays_readable(
    client: httpx.AsyncClient, seed: Any, as_department: dict[str, str], auth: Any, outbox: Any
) -> None:
    await seed.department("D001")
    first = await seed.published()
    revised = seed.body(name="企业登记信息（含变更）")
    del revised["department"], revised["code"]
    response = await client.post(
        f"{API}/resources/{first['id']}/versions", json=revised, headers=as_department
    )
    assert response.status_code == 201, response.text
    assert response.json()["version"] == 2 and response.json()["status"] == "draft"

    other = auth.department("D002")
    seen_by_other = await client.get(f"{API}/resources/{first['id']}", headers=other)
    assert seen_by_other.json()["version"] == 1, "others keep seeing the published version"

    await seed.submit(first["id"])
    await seed.publish(first["id"])
    versions = (await client.get(f"{API}/resources/{first['id']}/versions", headers=other)).json()[
        "items"
    ]
    assert [(v["version"], v["status"]) for v in versions] == [(1, "superseded"), (2, "published")]
    old = await client.get(f"{API}/resources/{first['id']}/versions/1", headers=other)
    assert old.json()["name"] == "企业登记信息" and old.json()["superseded_at"] is not None
    superseded = await outbox.events(ResourceSuperseded.event_type)
    assert [(e.data["version"], e.data["by_version"]) for e in superseded] == [(1, 2)]


async def test_a_rejected_version_carries_the_reason_and_a_new_version_can_follow(
    client: httpx.AsyncClient,
    seed: Any,
    as_department: dict[str, str],
    as_bureau: dict[str, str],
    outbox: Any,
) -> None:
    await seed.department("D001")
    draft = await seed.draft()
    await seed.submit(draft["id"])
    response = await client.post(
        f"{API}/resources/{draft['id']}/reject", json={"reason": "字段缺少说明"}, headers=as_bureau
    )
    assert response.status_code == 200
    assert (
        response.json()["status"] == "rejected"
        and response.json()["rejected_reason"] == "字段缺少说明"
    )
    assert len(await outbox.events(ResourceRejected.event_type)) == 1
    content = seed.body()
    del content["department"], content["code"]
    again = await client.post(
        f"{API}/resources/{draft['id']}/versions", json=content, headers=as_department
    )
    assert again.status_code == 201 and again.json()["version"] == 2


async def test_a_reject_without_reason_names_the_field(
    client: httpx.AsyncClient, seed: Any, as_bureau: dict[str, str]
) -> None:
    await seed.department("D001")
    draft = await seed.draft()
    await seed.submit(draft["id"])
    response = await client.post(
        f"{API}/resources/{draft['id']}/reject", json={}, headers=as_bureau
    )
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == ["reason"]


async def test_a_draft_can_be_corrected_before_submission_but_not_after(
    client: httpx.AsyncClient, seed: Any, as_department: dict[str, str]
) -> None:
    await seed.department("D001")
    draft = await seed.draft()
    content = seed.body(name="企业登记基本信息")
    del content["department"], content["code"]
    response = await client.put(
        f"{API}/resources/{draft['id']}/draft", json=content, headers=as_department
    )
    assert response.status_code == 200 and response.json()["name"] == "企业登记基本信息"
    await seed.submit(draft["id"])
    response = await client.put(
        f"{API}/resources/{draft['id']}/draft", json=content, headers=as_department
    )
    assert response.status_code == 409


async def test_a_second_submit_while_in_review_is_a_conflict_naming_the_status(
    client: httpx.AsyncClient, seed: Any, as_department: dict[str, str]
) -> None:
    await seed.department("D001")
    draft = await seed.draft()
    await seed.submit(draft["id"])
    response = await client.post(f"{API}/resources/{draft['id']}/submit", headers=as_department)
    assert response.status_code == 409
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["errors"][0]["field"] == "status"


async def test_publishing_a_draft_is_a_conflict_naming_the_status(
    client: httpx.AsyncClient, seed: Any, as_bureau: dict[str, str]
) -> None:
    await seed.department("D001")
    draft = await seed.draft()
    response = await client.post(f"{API}/resources/{draft['id']}/publish", headers=as_bureau)
    assert response.status_code == 409
    assert response.json()["type"] == "urn:pdp:problem:resource-wrong-state"
    assert response.json()["errors"][0]["field"] == "status"


async def test_a_not_shared_resource_without_its_legal_basis_is_refused(
    client: httpx.AsyncClient, seed: Any, as_department: dict[str, str]
) -> None:
    await seed.department("D001")
    body = seed.body(share_type="not_shared")
    response = await client.post(f"{API}/resources", json=body, headers=as_department)
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    assert [e["field"] for e in response.json()["errors"]] == ["share_basis"]
    body["share_basis"] = "《中华人民共和国统计法》第二十五条"
    assert (
        await client.post(f"{API}/resources", json=body, headers=as_department)
    ).status_code == 201


async def test_invalid_input_lists_every_field_at_once(
    client: httpx.AsyncClient, seed: Any, as_department: dict[str, str]
) -> None:
    await seed.department("D001")
    cases = {
        "share_type": seed.body(share_type="sometimes"),
        "open_type": seed.body(open_type="open"),
        "grade": seed.body(grade="secret"),
        "update_frequency": seed.body(update_frequency="hourly"),
        "fields": seed.body(fields=[]),
        "fields.0.type": seed.body(
            fields=[{"name": "a", "title": "甲", "type": "text", "sensitive": False}]
        ),
    }
    for field, body in cases.items():
        response = await client.post(f"{API}/resources", json=body, headers=as_department)
        assert response.status_code == 422, field
        assert field in [e["field"] for e in response.json()["errors"]], (field, response.json())

    unknown = seed.body(duty="NOPE", system="NOPE", grade="important", level=3, important=False)
    response = await client.post(f"{API}/resources", json=unknown, headers=as_department)
    assert response.status_code == 422
    assert sorted(e["field"] for e in response.json()["errors"]) == [
        "duty",
        "important",
        "level",
        "system",
    ]

    twice = seed.body(
        fields=[*seed.fields(), seed.fields()[1] | {"format": "phone", "type": "integer"}]
    )
    response = await client.post(f"{API}/resources", json=twice, headers=as_department)
    assert sorted(e["field"] for e in response.json()["errors"]) == [
        "fields.4.format",
        "fields.4.name",
    ]


async def test_a_resource_code_is_unique_within_its_department(
    client: httpx.AsyncClient, seed: Any, as_department: dict[str, str]
) -> None:
    await seed.department("D001")
    await seed.draft()
    response = await client.post(f"{API}/resources", json=seed.body(), headers=as_department)
    assert response.status_code == 409 and response.json()["errors"][0]["field"] == "code"


async def test_a_resource_largely_the_same_as_another_departments_points_to_a_share_request(
    client: httpx.AsyncClient, seed: Any, auth: Any
) -> None:
    await seed.department("D001")
    await seed.department("D002")
    original = await seed.published("D001", "R001")
    renamed = [f | {"name": f"x_{f['name']}"} for f in seed.fields()]  # same titles, own names
    copy = await seed.draft("D002", "C001", fields=renamed)
    assert [d["id"] for d in copy["duplicates"]] == [original["id"]]
    duplicate = copy["duplicates"][0]
    assert duplicate["similarity"] == 1.0
    assert duplicate["share_request"] == {
        "method": "POST",
        "path": "/api/sharing/requests",
        "resource_id": original["id"],
    }
    different = await seed.draft(
        "D002",
        "C002",
        fields=[{"name": "pupil", "title": "学生姓名", "type": "string", "sensitive": True}],
    )
    assert different["duplicates"] == []
    own = await seed.draft("D001", "R002")
    assert own["duplicates"] == [], "a department's own resources are not duplicates"


async def test_other_departments_see_published_entries_but_not_drafts(
    client: httpx.AsyncClient,
    seed: Any,
    auth: Any,
    as_department: dict[str, str],
    as_public: dict[str, str],
) -> None:
    await seed.department("D001")
    published = await seed.published("D001", "R001")
    draft = await seed.draft("D001", "R002")
    other = auth.department("D002")
    assert (await client.get(f"{API}/resources/{draft['id']}", headers=other)).status_code == 404
    assert (
        await client.get(f"{API}/resources/{draft['id']}/versions", headers=other)
    ).status_code == 404
    assert (
        await client.get(f"{API}/resources/{published['id']}", headers=as_public)
    ).status_code == 200
    listed = (await client.get(f"{API}/resources", headers=other)).json()
    assert [r["id"] for r in listed["items"]] == [published["id"]]
    own = (await client.get(f"{API}/resources", headers=as_department)).json()
    assert [r["id"] for r in own["items"]] == [published["id"], draft["id"]]


async def test_the_important_data_list_is_derived_from_the_grade(
    client: httpx.AsyncClient, seed: Any, as_bureau: dict[str, str]
) -> None:
    await seed.department("D001")
    await seed.published("D001", "R001")
    important = await seed.published("D001", "R002", grade="important", level=None, important=True)
    listed = (await client.get(f"{API}/resources?important=true", headers=as_bureau)).json()
    assert [r["id"] for r in listed["items"]] == [important["id"]]


async def test_search_in_chinese_ranks_name_matches_before_field_and_description_matches(
    client: httpx.AsyncClient, seed: Any, as_public: dict[str, str]
) -> None:
    await seed.department("D001")
    in_name = await seed.published("D001", "R1", name="企业登记信息", description="工商数据")
    in_field = await seed.published(
        "D001",
        "R2",
        name="市场监管台账",
        description="检查记录",
        fields=[
            *seed.fields(),
            {"name": "reg", "title": "企业登记机关", "type": "string", "sensitive": False},
        ],
    )
    in_description = await seed.published(
        "D001",
        "R3",
        name="税务户籍",
        description="引用企业登记的纳税人信息",
        fields=[
            {
                "name": "tax_no",
                "title": "纳税人识别号",
                "type": "string",
                "sensitive": False,
                "key": True,
            }
        ],
    )
    await seed.published(
        "D001",
        "R4",
        name="学生学籍",
        description="中小学学生",
        fields=[{"name": "pupil", "title": "学生姓名", "type": "string", "sensitive": True}],
    )
    await seed.draft("D001", "R5", name="企业登记草稿")
    response = await client.get(f"{API}/resources", params={"q": "企业登记"}, headers=as_public)
    assert response.status_code == 200
    ids = [r["id"] for r in response.json()["items"]]
    assert ids == [in_name["id"], in_field["id"], in_description["id"]]
    scores = [r["score"] for r in response.json()["items"]]
    assert scores == sorted(scores, reverse=True)

    page = (
        await client.get(
            f"{API}/resources", params={"q": "企业登记", "limit": 2}, headers=as_public
        )
    ).json()
    assert len(page["items"]) == 2 and page["next_cursor"]
    rest = await client.get(
        f"{API}/resources",
        params={"q": "企业登记", "limit": 2, "cursor": page["next_cursor"]},
        headers=as_public,
    )
    assert [r["id"] for r in rest.json()["items"]] == [in_description["id"]]
    assert (
        await client.get(f"{API}/resources", params={"q": "天气预报"}, headers=as_public)
    ).json()["items"] == []
