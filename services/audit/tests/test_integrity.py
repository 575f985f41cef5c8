"""Tamper evidence (Art. 32): each kind of tampering is found, clean data never is."""

from typing import Any

import httpx
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from fastapi import FastAPI
from sqlalchemy import select, text, update
from sqlalchemy.exc import DBAPIError

from audit.chain.hashing import genesis, link
from audit.chain.models import ChainCheckpoint
from audit.chain.signing import checkpoint_message
from audit.journal.service import chain as journal_chain
from audit.netlogs.service import chain as netlog_chain
from audit.reports.service import chain as reports_chain
from audit.subscriptions import when_any_event_is_published_journal_it as journal_it
from audit.subscriptions import when_data_is_called_keep_a_usage_record as keep_usage
from audit.subscriptions import when_grant_is_created_keep_it as keep_grant
from audit.subscriptions import when_request_is_logged_keep_it as keep_netlog
from audit.usage.service import chain as usage_chain
from pdp_kit.auth import Role

INTEGRITY = "/api/audit/integrity"
#: kind -> (table, a column an editor would change, a value for it)
KINDS = {
    "journal": ("journal_entry", "subject", "forged"),
    "usage": ("usage_record", "record_count", 1),
    "reports": ("usage_report", "effect", "forged"),
    "netlog": ("netlog", "status", 200),
}
CHAINS = {c.kind: c for c in (journal_chain, usage_chain, reports_chain, netlog_chain)}


@pytest.fixture
async def records(
    client: httpx.AsyncClient,
    auth: Any,
    events: Any,
    deliver: Any,
    deliver_each: Any,
) -> None:
    """Three records of every kind."""
    await deliver(journal_it, *(events.department_created(f"D00{n}") for n in range(1, 4)))
    await deliver(keep_usage, *(events.data_called(f"G{n}") for n in range(1, 4)))
    await deliver(
        keep_netlog,
        *(events.request_logged(status=403, time=f"2026-03-0{n}T08:00:00") for n in range(1, 4)),
    )
    await deliver_each(keep_grant, events.grant_created("G1"))
    for n in range(3):
        response = await client.post(
            "/api/audit/usage-reports",
            json={
                "grant_id": "G1",
                "scenario": "核查",
                "process": f"第{n}季度",
                "effect": "良好",
                "storage": "加密存储",
            },
            headers=auth.department("D002"),
        )
        assert response.status_code == 201, response.text


async def integrity(client: httpx.AsyncClient, headers: dict[str, str]) -> dict[str, Any]:
    response = await client.get(INTEGRITY, headers=headers)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


async def test_clean_records_verify_before_and_after_checkpoints(
    client: httpx.AsyncClient, as_bureau: dict[str, str], records: None, sweep: Any
) -> None:
    assert await integrity(client, as_bureau) == {"ok": True, "checked": 12}
    results = await sweep("2026-03-10")
    assert results["checkpoints"] == {
        "checkpoints": {"journal": 3, "netlog": 3, "reports": 3, "usage": 3}
    }
    assert await integrity(client, as_bureau) == {"ok": True, "checked": 12}
    assert (await sweep("2026-03-11"))["checkpoints"] == {"checkpoints": {}}  # nothing moved


async def test_an_empty_store_verifies(
    client: httpx.AsyncClient, as_assessor: dict[str, str]
) -> None:
    assert await integrity(client, as_assessor) == {"ok": True, "checked": 0}


@pytest.mark.parametrize("kind", list(KINDS))
async def test_an_edited_record_is_found(
    client: httpx.AsyncClient, as_bureau: dict[str, str], records: None, sql: Any, kind: str
) -> None:
    table, column, value = KINDS[kind]
    assert await sql(f"UPDATE {table} SET {column} = :value WHERE seq = 2", value=value) == 1

    body = await integrity(client, as_bureau)

    assert body["ok"] is False
    assert body["first_bad"] == {"kind": kind, "position": 2}


@pytest.mark.parametrize("kind", list(KINDS))
async def test_a_deleted_record_is_found(
    client: httpx.AsyncClient, as_bureau: dict[str, str], records: None, sql: Any, kind: str
) -> None:
    table = KINDS[kind][0]
    assert await sql(f"DELETE FROM {table} WHERE seq = 2") == 1

    assert (await integrity(client, as_bureau))["first_bad"] == {"kind": kind, "position": 2}


@pytest.mark.parametrize("kind", list(KINDS))
async def test_a_cut_tail_is_found(
    client: httpx.AsyncClient, as_bureau: dict[str, str], records: None, sql: Any, kind: str
) -> None:
    table = KINDS[kind][0]
    assert await sql(f"DELETE FROM {table} WHERE seq = 3") == 1

    assert (await integrity(client, as_bureau))["first_bad"] == {"kind": kind, "position": 3}


@pytest.mark.parametrize("kind", ["journal", "netlog"])
async def test_reordered_records_are_found(
    client: httpx.AsyncClient, as_bureau: dict[str, str], records: None, sql: Any, kind: str
) -> None:
    table = KINDS[kind][0]
    await sql(f"UPDATE {table} SET seq = -1 WHERE seq = 1")
    await sql(f"UPDATE {table} SET seq = 1 WHERE seq = 2")
    await sql(f"UPDATE {table} SET seq = 2 WHERE seq = -1")

    assert (await integrity(client, as_bureau))["first_bad"] == {"kind": kind, "position": 1}


async def test_an_inserted_record_with_a_correct_link_is_found(
    app: FastAPI, client: httpx.AsyncClient, as_bureau: dict[str, str], records: None, events: Any
) -> None:
    """The forger computes the SM3 link right (SM3 needs no key); the head gives it away."""
    chain = journal_chain
    async with app.state.sessionmaker() as session, session.begin():
        last = (await session.execute(select(chain.table).where(chain.table.c.seq == 3))).one()
        forged = {**last._mapping, "event_id": "forged", "subject": "D999"}
        forged["hash"] = link(bytes.fromhex(last.hash), chain.kind, 4, forged, chain.columns).hex()
        forged["seq"] = 4
        await session.execute(chain.table.insert().values(**forged))

    assert (await integrity(client, as_bureau))["first_bad"] == {"kind": "journal", "position": 4}


async def rewrite_chain(app: FastAPI, kind: str, *, position: int, column: str, value: Any) -> None:
    """What someone with database access but not the audit key can do: change a record and
    recompute every link after it, and the head."""
    chain = CHAINS[kind]
    table = chain.table
    async with app.state.sessionmaker() as session, session.begin():
        await session.execute(update(table).where(table.c.seq == position).values({column: value}))
        rows = (await session.execute(select(table).order_by(table.c.seq))).all()
        previous = bytes.fromhex(rows[position - 2].hash) if position > 1 else genesis(kind)
        for row in rows[position - 1 :]:
            previous = link(previous, kind, row.seq, row._mapping, chain.columns)
            await session.execute(
                update(table).where(table.c.seq == row.seq).values(hash=previous.hex())
            )
        await session.execute(
            text("UPDATE chain_head SET hash = :hash WHERE kind = :kind"),
            {"hash": previous.hex(), "kind": kind},
        )


@pytest.mark.parametrize("kind", list(KINDS))
async def test_a_rewrite_of_a_whole_chain_without_the_key_is_found_by_its_checkpoint(
    app: FastAPI,
    client: httpx.AsyncClient,
    as_bureau: dict[str, str],
    records: None,
    sweep: Any,
    kind: str,
) -> None:
    await sweep("2026-03-10")  # the heads are signed
    _, column, value = KINDS[kind]
    await rewrite_chain(app, kind, position=1, column=column, value=value)

    body = await integrity(client, as_bureau)

    assert body["ok"] is False
    assert body["first_bad"] == {"kind": kind, "position": 3}  # the checkpointed head


async def test_checkpoints_re_signed_with_another_key_are_found(
    app: FastAPI,
    client: httpx.AsyncClient,
    as_bureau: dict[str, str],
    records: None,
    sweep: Any,
    sql: Any,
) -> None:
    await sweep("2026-03-10")
    await rewrite_chain(app, "usage", position=2, column="record_count", value=999)
    head = (await sql("SELECT hash FROM chain_head WHERE kind = 'usage'"))[0][0]
    forger = Ed25519PrivateKey.generate()
    [(checkpoint_id,)] = await sql("SELECT id FROM chain_checkpoint WHERE kind = 'usage'")

    async with app.state.sessionmaker() as session, session.begin():
        checkpoint = await session.get(ChainCheckpoint, checkpoint_id)
        assert checkpoint is not None
        checkpoint.hash = head
        checkpoint.signature = forger.sign(checkpoint_message(checkpoint)).hex()

    assert (await integrity(client, as_bureau))["first_bad"] == {"kind": "usage", "position": 3}


async def test_only_the_bureau_cyberspace_office_and_assessor_check_integrity(
    client: httpx.AsyncClient, auth: Any
) -> None:
    for role in (Role.BUREAU, Role.CYBERSPACE, Role.ASSESSOR):
        assert (await client.get(INTEGRITY, headers=auth.headers(role))).status_code == 200
    for headers in (
        auth.department("D001"),
        auth.operator("OP001"),
        auth.headers(Role.DATACENTER),
        auth.headers(Role.OPS),
    ):
        assert (await client.get(INTEGRITY, headers=headers)).status_code == 403


async def test_no_role_can_change_or_delete_a_record_through_the_api(
    client: httpx.AsyncClient, auth: Any, records: None
) -> None:
    for path in ("/api/audit/events", "/api/audit/usage-records", "/api/audit/netlogs"):
        for method in ("PUT", "PATCH", "DELETE"):
            response = await client.request(method, f"{path}/1", headers=auth.headers(Role.BUREAU))
            assert response.status_code in (404, 405), (method, path, response.status_code)


async def test_the_runtime_role_may_append_and_read_but_never_change_or_delete_records(
    app: FastAPI, backend: str, records: None
) -> None:
    if backend != "postgresql":
        pytest.skip("database roles are PostgreSQL's")
    statements = [
        *(f"UPDATE {table} SET seq = seq" for table, _, _ in KINDS.values()),
        *(f"DELETE FROM {table}" for table, _, _ in KINDS.values()),
        *(f"TRUNCATE {table}" for table, _, _ in KINDS.values()),
        "DELETE FROM netlog_default",
        "DELETE FROM chain_checkpoint",
        "UPDATE chain_cut SET removed = 0",
        "DELETE FROM chain_head",
    ]
    for statement in statements:
        async with app.state.engine.connect() as connection:
            await connection.execute(text("SET ROLE pdp_audit_writer"))
            with pytest.raises(DBAPIError, match="permission denied"):
                await connection.execute(text(statement))
            await connection.rollback()
    async with app.state.engine.connect() as connection:
        await connection.execute(text("SET ROLE pdp_audit_writer"))
        assert (await connection.execute(text("SELECT count(*) FROM journal_entry"))).scalar() == 3
        await connection.execute(
            text("UPDATE chain_head SET updated_at = updated_at WHERE kind = 'journal'")
        )
        await connection.rollback()
