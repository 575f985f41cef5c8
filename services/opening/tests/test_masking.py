"""The desensitisation rules (Art. 22, 25), and the property that matters: whatever the records,
no ID number, phone number or full name of a masked field survives in any output format (the
JSON page, the CSV download, the JSON download)."""

import asyncio
import json
from datetime import UTC, datetime
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from opening_flow import PERSON_FIELDS

from opening.data.access import Entitlement
from opening.data.catalog_client import RecordsPage
from opening.data.download import Download, Format, _csv, _json, _records
from opening.data.schemas import OpenDataPage, citation
from opening.listings.masking import (
    Rule,
    compile_profile,
    default_rule,
    mask_address,
    mask_email,
    mask_id_number,
    mask_name,
    mask_phone,
    mask_value,
)
from opening.listings.models import Listing
from opening.resources.models import OpenableResource

FIELDS: list[dict[str, Any]] = [
    *(f for f in PERSON_FIELDS if f["name"] != "licence"),
    {"name": "email", "title": "邮箱", "type": "string", "format": "email", "sensitive": True},
    {"name": "note", "title": "说明", "type": "string", "sensitive": True},
]
PROFILE = {
    "id_number": {"action": "mask"},
    "full_name": {"action": "mask"},
    "phone": {"action": "mask"},
    "address": {"action": "mask"},
    "email": {"action": "mask"},
    "remark": {"action": "mask", "rule": "text"},
    "note": {"action": "drop"},
}


def test_each_rule_keeps_only_what_the_profile_allows() -> None:
    assert mask_id_number("31010519900101123X") == "310105********123X"
    assert mask_phone("138 1234 5678") == "138****5678"
    assert mask_name("欧阳娜娜") == "欧***"
    assert mask_name("李") == "*"
    assert mask_address("上海市长宁区延安西路1000号3楼") == "上海市长宁区延安西路***"
    assert mask_address("上海市长宁区某小区12号") == "上海市***"
    assert mask_address("无法识别") == "***"
    assert mask_email("zhang.san@example.cn") == "z***@example.cn"
    assert mask_value(Rule.TEXT, "任何文字 13812345678") is None
    assert mask_value(Rule.NAME, 42) is None and mask_value(Rule.NAME, None) is None


def test_a_value_too_short_to_keep_its_ends_is_hidden_whole() -> None:
    assert mask_id_number("3101051990") == "*" * 10
    assert mask_phone("1234567") == "*" * 7


def test_the_default_rule_follows_the_format_then_the_title() -> None:
    assert default_rule(FIELDS[1]) is Rule.ID_NUMBER
    assert default_rule(FIELDS[2]) is Rule.NAME
    assert default_rule(FIELDS[3]) is Rule.PHONE
    assert default_rule(FIELDS[4]) is Rule.ADDRESS
    assert default_rule(FIELDS[6]) is Rule.EMAIL
    assert default_rule({"name": "memo", "title": "描述"}) is Rule.TEXT


def test_a_dropped_field_is_not_even_read() -> None:
    profile = compile_profile(FIELDS, PROFILE)
    assert "note" not in profile.fields
    assert profile.apply({"note": "x", "id": "1"}) == {
        "id": "1",
        "id_number": None,
        "full_name": None,
        "phone": None,
        "address": None,
        "email": None,
        "remark": None,
    }


listing = Listing(
    id="L1",
    resource_id="R1",
    resource_version=1,
    department="D001",
    name="人员名录",
    description="测试",
    open_type="unconditional",
    update_frequency="daily",
    desensitisation=PROFILE,
    basis="open",
    created_at=datetime.now(UTC),
)
resource = OpenableResource(
    id="R1",
    version=1,
    department="D001",
    code="R1",
    name="人员名录",
    share_type="conditional",
    open_type="unconditional",
    update_frequency="daily",
    fields=FIELDS,
    published_at=datetime.now(UTC),
)
entitled = Entitlement(listing, resource, compile_profile(FIELDS, PROFILE), None)
METADATA = json.dumps(
    {"citation": citation(listing), "name": listing.name, "fields": FIELDS}, ensure_ascii=False
)

cjk = st.characters(min_codepoint=0x4E00, max_codepoint=0x9FA5)
people = st.fixed_dictionaries(
    {
        "id": st.from_regex(r"P\d{4}", fullmatch=True),
        "id_number": st.from_regex(r"[1-6]\d{16}[\dX]", fullmatch=True),
        "full_name": st.text(alphabet=cjk, min_size=2, max_size=4),
        "phone": st.from_regex(r"1[3-9]\d{9}", fullmatch=True),
        "address": st.builds(
            lambda road, n: f"上海市长宁区{road}路{n}号",
            st.text(alphabet=cjk, min_size=1, max_size=4),
            st.integers(1, 9999),
        ),
        "email": st.from_regex(r"[a-z]{3,8}@example\.cn", fullmatch=True),
    }
)


def _collect(download: Download) -> str:
    async def run() -> str:
        class Catalog:
            async def page(self, *_: Any, **__: Any) -> RecordsPage:
                raise AssertionError("one page only")

        sent = [0]
        records = _records(download, Catalog(), sent)  # type: ignore[arg-type]
        body = (
            _csv(download, records) if download.format is Format.CSV else _json(download, records)
        )
        return "".join([chunk async for chunk in body])

    return asyncio.run(run())


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(people, min_size=1, max_size=8))
def test_no_identifier_of_a_masked_field_survives_in_any_output_format(
    batch: list[dict[str, Any]],
) -> None:
    records = []
    streets = " ".join(p["address"] for p in batch)
    for person in batch:
        # A name that is also a street name, or words of the metadata, is not a leak.
        assume(person["full_name"] not in METADATA and person["full_name"] not in streets)
        # Free text that repeats the identifiers: masked as text (removed) or dropped.
        secret = f"{person['full_name']} {person['id_number']} {person['phone']}"
        records.append({**person, "remark": secret, "note": secret})
    page = RecordsPage(resource_id="R1", version=1, items=records)
    outputs = {
        "page": OpenDataPage(
            listing_id="L1",
            resource_id="R1",
            fields=entitled.profile.fields,
            masked={},
            citation=citation(listing),
            items=[entitled.profile.apply(r) for r in records],
        ).model_dump_json(),
        "csv": _collect(Download(entitled, page, Format.CSV)),
        "json": _collect(Download(entitled, page, Format.JSON)),
    }
    for kind, text in outputs.items():
        for person in batch:
            for field in ("id_number", "phone", "full_name", "email"):
                assert person[field] not in text, (kind, field, person[field])
            assert person["address"] not in text, (kind, "address")
        if kind != "csv":
            assert '"note"' not in text
        else:
            assert "note" not in text.splitlines()[-len(records) - 1]


@pytest.mark.parametrize("rule", list(Rule))
def test_every_rule_hides_the_full_value(rule: Rule) -> None:
    for value in (
        "310105199001011234",
        "13812345678",
        "欧阳娜娜",
        "上海市长宁区延安西路1000号",
        "zhang@example.cn",
    ):
        masked = mask_value(rule, value)
        assert masked != value


def test_a_sensitive_field_the_profile_does_not_cover_is_dropped_not_sent() -> None:
    """A later version of the resource adds a sensitive field, or makes one sensitive: the
    listing's profile does not name it, or says keep: it never leaves."""
    fields = [
        *FIELDS,
        {"name": "mobile2", "title": "备用手机", "type": "string", "sensitive": True},
    ]
    fields[0] = {**fields[0], "sensitive": True}  # "id" became sensitive; the profile keeps it
    profile = compile_profile(fields, {**PROFILE, "id": {"action": "keep"}})
    assert "mobile2" not in profile.fields and "id" not in profile.fields
    assert "mobile2" not in profile.apply({"mobile2": "13900001111", "id": "P1"})
