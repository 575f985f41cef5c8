"""BulkInsert: a batch in one statement, values kept as their column types convert them."""

from datetime import UTC, datetime, timedelta, timezone

from sqlalchemy import select

from pdp_kit.bulk import BulkInsert
from pdp_kit.models import OutboxMessage

_outbox = OutboxMessage.__table__  # type: ignore[attr-defined]


def row(event_id: str, **extra: object) -> dict[str, object]:
    return {
        "event_id": event_id,
        "topic": "pdp.demo.events",
        "key": "k",
        "value": b"\x00\xffpayload",
        "headers": [["ce_type", "类型"]],
        "created_at": datetime(2031, 1, 2, 8, 0, tzinfo=timezone(timedelta(hours=8))),
        "sent_at": None,
        "attempts": 0,
        **extra,
    }


async def test_a_batch_is_stored_with_its_json_bytes_and_utc_times(app) -> None:
    insert_rows = BulkInsert(_outbox)
    async with app.state.sessionmaker() as session, session.begin():
        await insert_rows(session, [row(f"e{i}") for i in range(300)])
    async with app.state.sessionmaker() as session:
        stored = (await session.scalars(select(OutboxMessage).order_by(OutboxMessage.seq))).all()
    assert [m.event_id for m in stored] == [f"e{i}" for i in range(300)]
    first = stored[0]
    assert first.headers == [["ce_type", "类型"]]
    assert first.value == b"\x00\xffpayload"
    assert first.created_at == datetime(2031, 1, 2, 0, 0, tzinfo=UTC)
    assert first.sent_at is None


async def test_a_row_whose_key_is_taken_is_skipped_and_the_rest_are_stored(app) -> None:
    insert_once = BulkInsert(_outbox, skip_duplicates_of="event_id")
    async with app.state.sessionmaker() as session, session.begin():
        await insert_once(session, [row("a", topic="first")])
    async with app.state.sessionmaker() as session, session.begin():
        await insert_once(session, [row("a", topic="second"), row("b"), row("b")])
        await insert_once(session, [])
    async with app.state.sessionmaker() as session:
        stored = {m.event_id: m.topic for m in await session.scalars(select(OutboxMessage))}
    assert stored == {"a": "first", "b": "pdp.demo.events"}
