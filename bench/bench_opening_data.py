"""Open-data rows per second through the gateway with desensitisation, beside the same rows
without it, in the same run (Art. 22, 25).

Starts the platform as ``make run`` does (``pdp-devstack``, SQLite, embedded broker) on free ports,
publishes two unconditional resources with the same 10,000 people records — one declares its
personal fields sensitive and its listing masks them (ID number, name, phone, address) and drops
a free-text remark, the other declares nothing sensitive and its listing keeps every field — then
a public client walks both listings 500 rows at a time, three times over, alternating:
``GET /api/opening/listings/{id}/data`` through the gateway (token check, network log,
entitlement, opening's call to the catalog, the profile, the usage record).
Goal: masking costs under 30 % (masked rows/s ≥ 0.7× unmasked rows/s).
Run: ``.venv/bin/python bench/bench_opening_data.py [RECORDS]`` (default 10,000).
"""

from __future__ import annotations

import tempfile
import time
import uuid
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import httpx
from _support import report, size_argument, verdict
from bench_sharing_data_calls import department, ok, running_platform, token, unlimited
from stdnum.cn import ric

from pdp_kit.settings import DEV_ADMIN_ID, DEV_ADMIN_SECRET

RECORDS = 10_000
PAGE = 500
ROUNDS = 3
GOAL = 0.7
MASKS = {
    "id_number": "mask",
    "full_name": "mask",
    "phone": "mask",
    "address": "mask",
    "remark": "drop",
}


def fields(sensitive: bool) -> list[dict[str, Any]]:
    personal = {"sensitive": sensitive}
    return [
        {"name": "id", "title": "编号", "type": "string", "sensitive": False, "key": True},
        {
            "name": "id_number",
            "title": "身份证号",
            "type": "string",
            "format": "resident_id",
            **personal,
        },
        {"name": "full_name", "title": "姓名", "type": "string", **personal},
        {"name": "phone", "title": "联系电话", "type": "string", "format": "phone", **personal},
        {"name": "address", "title": "住址", "type": "string", **personal},
        {"name": "remark", "title": "备注", "type": "string", **personal},
        {"name": "licence", "title": "执业类别", "type": "string", "sensitive": False},
    ]


def person(n: int) -> dict[str, Any]:
    born = date(1950, 1, 1) + timedelta(days=n // 1000)  # a real date for every n
    base = f"310105{born:%Y%m%d}{n % 1000:03d}"
    return {
        "id": f"P{n:06d}",
        "id_number": base + ric.calc_check_digit(base + "0"),
        "full_name": "欧阳娜娜",
        "phone": f"138{n:08d}",
        "address": f"上海市长宁区延安西路{n}号",
        "remark": f"备注{n}",
        "licence": "临床",
    }


def publish(
    client: httpx.Client,
    bureau: dict[str, str],
    own: dict[str, str],
    code: str,
    resource_code: str,
    sensitive: bool,
    records: int,
) -> str:
    rid: str = ok(
        client.post(
            "/api/catalog/resources",
            json={
                "department": code,
                "code": resource_code,
                "name": f"人员名录{resource_code}",
                "description": "基准",
                "duty": "DU1",
                "system": "SY1",
                "share_type": "unconditional",
                "open_type": "unconditional",
                "grade": "general",
                "level": 2,
                "important": False,
                "update_frequency": "daily",
                "fields": fields(sensitive),
            },
            headers=own,
        )
    )["id"]
    ok(client.post(f"/api/catalog/resources/{rid}/submit", headers=own))
    ok(client.post(f"/api/catalog/resources/{rid}/publish", headers=bureau))
    for start in range(0, records, 2_000):
        batch = [person(n) for n in range(start, min(start + 2_000, records))]
        pushed = ok(
            client.post(
                f"/api/catalog/resources/{rid}/records", json={"records": batch}, headers=own
            )
        )
        assert pushed["accepted"] == len(batch), pushed["rejected"][:3]
    return rid


def listing(client: httpx.Client, own: dict[str, str], rid: str, profile: dict[str, str]) -> str:
    body = {
        "resource_id": rid,
        "open_type": "unconditional",
        "desensitisation": profile,
        "update_frequency": "daily",
    }
    deadline = time.monotonic() + 60
    while True:  # until opening's read model has the publication
        listed = client.post("/api/opening/listings", json=body, headers=own)
        if listed.status_code == 201 or time.monotonic() > deadline:
            return str(ok(listed)["id"])
        time.sleep(0.3)


def set_up(client: httpx.Client, records: int) -> tuple[str, str, dict[str, str]]:
    """(masked listing, unmasked listing, a public client's headers)."""
    bureau = token(client, DEV_ADMIN_ID, DEV_ADMIN_SECRET)
    code = f"B{uuid.uuid4().hex[:5].upper()}"
    own = department(client, bureau, code)
    base = f"/api/catalog/departments/{code}"
    duty = {"code": "DU1", "name": "执业注册", "legal_basis": "条例"}
    ok(client.post(f"{base}/duties", json=duty, headers=own))
    ok(client.post(f"{base}/systems", json={"code": "SY1", "name": "系统"}, headers=own))
    masked = listing(client, own, publish(client, bureau, own, code, "R1", True, records), MASKS)
    plain = listing(client, own, publish(client, bureau, own, code, "R2", False, records), {})
    made = ok(
        client.post(
            "/api/gateway/clients", json={"name": "bench", "roles": ["public"]}, headers=bureau
        )
    )
    unlimited(client, bureau, made["client_id"])
    return masked, plain, token(client, made["client_id"], made["client_secret"])


def walk(
    client: httpx.Client, listing_id: str, headers: dict[str, str], masked: bool, records: int
) -> float:
    """Rows per second over all the records, ``PAGE`` at a time."""
    params: dict[str, Any] = {"limit": PAGE}
    seen, started = 0, time.perf_counter()
    while True:
        page = ok(
            client.get(f"/api/opening/listings/{listing_id}/data", params=params, headers=headers)
        )
        seen += len(page["items"])
        if masked:
            assert "remark" not in page["items"][0]
            assert "*" in page["items"][0]["phone"]
        if not page["next_cursor"]:
            break
        params["cursor"] = page["next_cursor"]
    assert seen == records, seen
    return seen / (time.perf_counter() - started)


def main() -> None:
    records = size_argument(RECORDS)
    masked_rates, plain_rates = [], []
    with (
        tempfile.TemporaryDirectory() as tmp,
        running_platform(Path(tmp)) as platform,
        httpx.Client(base_url=platform.url, timeout=60) as gateway,
    ):
        print(f"publishing two resources of {records:,} records …", flush=True)
        masked, plain, public = set_up(gateway, records)
        walk(gateway, masked, public, True, records)  # warm up
        walk(gateway, plain, public, False, records)
        for round_ in range(ROUNDS):
            plain_rates.append(walk(gateway, plain, public, False, records))
            masked_rates.append(walk(gateway, masked, public, True, records))
            print(
                f"  round {round_ + 1}: kept {plain_rates[-1]:,.0f} rows/s, "
                f"masked {masked_rates[-1]:,.0f} rows/s",
                flush=True,
            )
    plain_rate, masked_rate = sum(plain_rates) / ROUNDS, sum(masked_rates) / ROUNDS
    report(
        f"Open data through the gateway, pages of {PAGE} over {records:,} records "
        "(make run: SQLite, embedded broker)",
        [
            ("every field kept (baseline)", plain_rate, "rows/s"),
            ("ID number, name, phone, address masked; remark dropped", masked_rate, "rows/s"),
        ],
        baseline="every field kept (baseline)",
    )
    ratio = masked_rate / plain_rate
    verdict(
        f"masking costs {100 * (1 - ratio):.0f} %", f"< {100 * (1 - GOAL):.0f} %", ratio >= GOAL
    )


if __name__ == "__main__":
    main()
