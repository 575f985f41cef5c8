"""Open data (Art. 22, 24): who may read a listing, what leaves (always through the profile, a
dropped field never), the bulk downloads, and the usage record of every read (Art. 34)."""

import csv
import io
import json
from datetime import date
from typing import Any

from opening_flow import COMPANY_FIELDS, Opening, published

from pdp_contracts.opening import OpenDataRead
from pdp_kit.auth import Role

Flow = Opening
ID_NUMBER, FULL_NAME, PHONE = "310105199001011234", "欧阳娜娜", "13812345678"
ADDRESS = "上海市长宁区延安西路1000号3号楼201室"


def person(n: int) -> dict[str, Any]:
    return {
        "id": f"P{n:04d}",
        "id_number": ID_NUMBER[:-4] + f"{n:04d}",
        "full_name": FULL_NAME,
        "phone": PHONE[:-4] + f"{n:04d}",
        "address": ADDRESS,
        "remark": f"备注{n}：身份证{ID_NUMBER}",
        "licence": "A类",
    }


async def unconditional(opening: Flow) -> dict[str, Any]:
    await opening.deliver(published("R9", open_type="unconditional", share_type="unconditional"))
    return await opening.listing("R9", open_type="unconditional", conditions=None)


async def test_any_public_client_reads_an_unconditional_listing_masked_page_by_page(
    opening: Flow, outbox: Any
) -> None:
    listing = await unconditional(opening)
    catalog = opening.use_fake_catalog([person(n) for n in range(7)])
    path = f"/listings/{listing['id']}/data"
    first = await opening.get(path, opening.stranger, params={"limit": 5})
    assert first["fields"] == ["id", "id_number", "full_name", "phone", "address", "licence"]
    assert first["items"][1] == {
        "id": "P0001",
        "id_number": "310105********0001",
        "full_name": "欧***",
        "phone": "138****0001",
        "address": "上海市长宁区延安西路***",
        "licence": "A类",
    }
    assert "数据来源" in first["citation"]
    rest = await opening.get(path, opening.stranger, params={"cursor": first["next_cursor"]})
    assert len(rest["items"]) == 2 and rest["next_cursor"] is None
    # The dropped field is never even asked of the catalog.
    assert all("remark" not in r.url.params["fields"] for r in catalog.asked)
    assert catalog.asked[0].headers["Authorization"].startswith("Bearer ")
    usage = await outbox.events(OpenDataRead.event_type)
    assert [(e.data["result"], e.data["record_count"]) for e in usage] == [("ok", 5), ("ok", 2)]
    assert (usage[0].data["basis"], usage[0].data["basis_id"]) == ("listing", listing["id"])
    assert (usage[0].data["provider"], usage[0].data["client_id"]) == ("D001", "public-app-2")
    assert "remark" not in usage[0].data["fields"]
    figures = await opening.get(f"/listings/{listing['id']}/figures", opening.owner)
    assert (figures["figures"]["reads"], figures["figures"]["records_served"]) == (2, 7)
    await opening.get(f"/listings/{listing['id']}/figures", opening.other, status=403)


async def test_only_public_clients_read_and_a_refusal_is_recorded(
    opening: Flow, outbox: Any
) -> None:
    listing = await unconditional(opening)
    opening.use_fake_catalog([person(1)])
    path = f"/listings/{listing['id']}/data"
    for headers in (opening.owner, opening.bureau, opening.municipal):
        await opening.get(path, headers, status=403)
    await opening.get("/listings/NOPE/data", opening.stranger, status=404)
    await opening.get(path, opening.stranger, params={"limit": 501}, status=400)
    usage = await outbox.events(OpenDataRead.event_type)
    assert [e.data["result"] for e in usage] == ["refused"] * 3


async def test_a_conditional_listing_is_read_only_by_the_approved_client_within_its_period(
    opening: Flow, today: Any, outbox: Any
) -> None:
    listing = await opening.listing()
    opening.use_fake_catalog([person(n) for n in range(3)])
    path = f"/listings/{listing['id']}/data"
    await opening.get(path, opening.applicant, status=403)  # not approved yet
    approved = await opening.approved(listing["id"], {"valid_until": "2026-06-30"})
    page = await opening.get(path, opening.applicant)
    assert len(page["items"]) == 3
    await opening.get(path, opening.stranger, status=403)  # approved for someone else
    today(date(2026, 7, 1))
    problem = await opening.get(path, opening.applicant, status=403)
    assert "期限" in problem["detail"]
    usage = await outbox.events(OpenDataRead.event_type)
    assert [e.data["result"] for e in usage] == ["refused", "ok", "refused", "refused"]
    assert usage[1].data["application_id"] == approved["id"]
    assert usage[1].data["purpose"] == "交通出行服务"


async def test_a_refused_application_gives_no_access(opening: Flow) -> None:
    listing = await opening.listing()
    opening.use_fake_catalog([person(1)])
    forwarded = await opening.forwarded(listing["id"])
    await opening.post(f"/applications/{forwarded['id']}/reject", opening.owner, {"reason": "否"})
    await opening.get(f"/listings/{listing['id']}/data", opening.applicant, status=403)


async def test_a_closed_listing_is_not_read(opening: Flow) -> None:
    from .opening_flow import withdrawn

    listing = await unconditional(opening)
    opening.use_fake_catalog([person(1)])
    await opening.deliver(withdrawn("R9"))
    problem = await opening.get(f"/listings/{listing['id']}/data", opening.stranger, status=409)
    assert problem["type"].endswith("listing-closed")


async def test_catalog_unreachable_is_503_and_the_usage_record_says_failed(
    opening: Flow, outbox: Any
) -> None:
    listing = await unconditional(opening)
    opening.use_fake_catalog([]).down = True
    await opening.get(f"/listings/{listing['id']}/data", opening.stranger, status=503)
    for fmt in ("csv", "json"):
        await opening.get(
            f"/listings/{listing['id']}/download",
            opening.stranger,
            params={"format": fmt},
            status=503,
        )
    usage = await outbox.events(OpenDataRead.event_type)
    assert [e.data["result"] for e in usage] == ["failed"] * 3


async def test_csv_download_carries_metadata_citation_and_masked_rows_only(
    opening: Flow, outbox: Any
) -> None:
    listing = await unconditional(opening)
    opening.use_fake_catalog([person(n) for n in range(1203)])
    response = await opening.client.get(
        f"/api/opening/listings/{listing['id']}/download",
        params={"format": "csv"},
        headers=opening.stranger,
    )
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/csv")
    text = response.content.decode("utf-8-sig")
    comments = [line for line in text.splitlines() if line.startswith("#")]
    assert any(line.startswith("# citation: 数据来源") for line in comments)
    rows = list(
        csv.reader(
            io.StringIO("\n".join(line for line in text.splitlines() if not line.startswith("#")))
        )
    )
    assert rows[0] == ["id", "id_number", "full_name", "phone", "address", "licence"]
    assert len(rows) == 1 + 1203
    assert ID_NUMBER[:-4] not in text.replace("310105********", "")
    assert FULL_NAME not in text and PHONE[:-4] not in text and "备注" not in text
    [usage] = await outbox.events(OpenDataRead.event_type)
    assert (usage.data["delivery"], usage.data["record_count"]) == ("csv", 1203)
    figures = await opening.get(f"/listings/{listing['id']}/figures", opening.owner)
    assert figures["figures"]["downloads"] == 1


async def test_json_download_is_one_document_with_the_dataset_and_its_records(
    opening: Flow,
) -> None:
    listing = await unconditional(opening)
    opening.use_fake_catalog([person(n) for n in range(3)])
    response = await opening.client.get(
        f"/api/opening/listings/{listing['id']}/download",
        params={"format": "json"},
        headers=opening.stranger,
    )
    assert response.status_code == 200
    document = json.loads(response.content)
    assert document["dataset"]["listing_id"] == listing["id"]
    assert "数据来源" in document["dataset"]["citation"]
    assert document["dataset"]["masked"]["id_number"] == "id_number"
    assert [r["full_name"] for r in document["records"]] == ["欧***"] * 3
    assert all("remark" not in r for r in document["records"])
    other = opening.auth.headers(Role.DEPARTMENT, department="D001")
    refused = await opening.client.get(
        f"/api/opening/listings/{listing['id']}/download", headers=other
    )
    assert refused.status_code == 403


async def test_company_data_without_sensitive_fields_leaves_as_it_is(opening: Flow) -> None:
    await opening.deliver(
        published(
            "R5", open_type="unconditional", share_type="unconditional", fields=COMPANY_FIELDS
        )
    )
    listing = await opening.listing(
        "R5", open_type="unconditional", conditions=None, desensitisation={}
    )
    opening.use_fake_catalog([{"credit_code": "91310105MA1FL00011", "name": "某公司"}])
    page = await opening.get(f"/listings/{listing['id']}/data", opening.stranger)
    assert page["items"] == [{"credit_code": "91310105MA1FL00011", "name": "某公司"}]
    assert page["masked"] == {}
