"""The board's read model, fed through the gateway's consumer: events delivered twice and out of
order leave each clock where its newest event put it."""

from __future__ import annotations

from datetime import date

from fastapi import FastAPI

from gateway.clocks.service import Board, BoardRow, open_clocks
from pdp_contracts import audit, catalog, opening, registry, sharing
from pdp_kit.auth import Principal, Role

from .events import at, consume, share_request

BUREAU = Principal(client_id="staff:bureau", roles=frozenset({Role.BUREAU}))


async def board(app: FastAPI, **filters: str) -> Board:
    async with app.state.sessionmaker() as session:
        return await open_clocks(session, principal=BUREAU, **filters)


async def clock(app: FastAPI, kind: str, object_id: str) -> BoardRow | None:
    rows = [row for row in (await board(app, kind=kind)).rows if row.object_id == object_id]
    return rows[0] if rows else None


def overdue(request_id: str = "req-1") -> sharing.ReplyOverdue:
    return sharing.ReplyOverdue(
        id=request_id, requester="D002", provider="D003",
        reply_due_on=date(2026, 12, 3), as_of=date(2026, 12, 4),
    )  # fmt: skip


def approved(request_id: str = "req-1") -> sharing.RequestApproved:
    return sharing.RequestApproved(
        id=request_id, requester="D002", provider="D003", grant_id="grant-1",
        decided_on=date(2026, 12, 4), on_time=False,
    )  # fmt: skip


async def test_a_share_request_runs_a_reply_clock_owed_by_the_provider(app: FastAPI) -> None:
    await consume(app, at(share_request(), "req-1", 0))

    row = await clock(app, "share_reply", "req-1")

    assert row is not None
    assert (row.department, row.due_on, row.overdue) == ("D003", date(2026, 12, 3), False)
    assert "D002" in row.subject and "res-1" in row.subject


async def test_an_overdue_flag_that_overtakes_the_submission_keeps_the_clock_overdue(
    app: FastAPI,
) -> None:
    submitted, flagged = at(share_request(), "req-1", 0), at(overdue(), "req-1", 60)

    await consume(app, flagged, submitted, flagged, submitted)

    row = await clock(app, "share_reply", "req-1")
    assert row is not None and row.overdue
    assert row.department == "D003" and "res-1" in row.subject  # filled in by the late event


async def test_a_late_older_event_never_reopens_a_closed_clock(app: FastAPI) -> None:
    submitted, flagged = at(share_request(), "req-1", 0), at(overdue(), "req-1", 60)
    answered = at(approved(), "req-1", 120)

    await consume(app, submitted, answered, flagged, submitted, answered)

    assert await clock(app, "share_reply", "req-1") is None
    assert (await board(app)).rows == []


async def test_materials_stop_the_reply_clock_and_resubmission_restarts_it(app: FastAPI) -> None:
    notice = sharing.MaterialsRequested(
        id="req-1", requester="D002", provider="D003", notice_id="n-1",
        notice_number="长数共〔2026〕1号", missing=["用途说明"],
    )  # fmt: skip
    resubmitted = sharing.MaterialsResubmitted(
        id="req-1", requester="D002", provider="D003", received_on=date(2026, 12, 7),
        reply_due_on=date(2026, 12, 21), provisional=False,
    )  # fmt: skip

    await consume(app, at(share_request(), "req-1", 0), at(notice, "req-1", 10))
    paused = await clock(app, "share_reply", "req-1")
    await consume(app, at(resubmitted, "req-1", 20), at(notice, "req-1", 10))
    restarted = await clock(app, "share_reply", "req-1")

    assert paused is None
    assert restarted is not None and restarted.due_on == date(2026, 12, 21)


async def test_a_rejected_resource_comes_back_on_the_board_when_a_new_version_is_submitted(
    app: FastAPI,
) -> None:
    def submitted(version: int, due: date) -> catalog.ResourceSubmitted:
        return catalog.ResourceSubmitted(
            id="res-9", version=version, department="D001", review_due_on=due, provisional=False
        )

    rejected = catalog.ResourceRejected(id="res-9", version=1, department="D001", reason="字段缺失")
    first, second = submitted(1, date(2026, 12, 3)), submitted(2, date(2026, 12, 9))

    await consume(app, at(first, "res-9", 0), at(rejected, "res-9", 5))
    after_rejection = await clock(app, "resource_review", "res-9")
    await consume(app, at(second, "res-9", 30), at(rejected, "res-9", 5), at(first, "res-9", 0))
    row = await clock(app, "resource_review", "res-9")

    assert after_rejection is None
    assert row is not None and row.due_on == date(2026, 12, 9) and "第 2 版" in row.subject


async def test_a_change_obligation_shows_its_extension_request_until_the_bureau_decides(
    app: FastAPI,
) -> None:
    opened = catalog.ChangeOpened(
        id="chg-1", department="D001", kind="change", reason="机构职能调整",
        occurred_on=date(2026, 11, 20), due_on=date(2026, 12, 4), provisional=False,
    )  # fmt: skip
    asked = catalog.ChangeExtensionRequested(id="chg-1", department="D001", reason="系统改造")
    extended = catalog.ChangeExtended(
        id="chg-1", department="D001", due_on=date(2026, 12, 11), provisional=False
    )
    closed = catalog.ChangeClosed(
        id="chg-1", department="D001", kind="change", closed_on=date(2026, 12, 10), on_time=True
    )

    await consume(app, at(opened, "chg-1", 0), at(asked, "chg-1", 10), at(asked, "chg-1", 10))
    waiting = await clock(app, "change", "chg-1")
    await consume(app, at(extended, "chg-1", 20))
    moved = await clock(app, "change", "chg-1")
    await consume(app, at(closed, "chg-1", 30), at(extended, "chg-1", 20))

    assert waiting is not None and waiting.extension_requested
    assert "机构职能调整" in waiting.subject
    assert moved is not None and not moved.extension_requested
    assert moved.due_on == date(2026, 12, 11)
    assert await clock(app, "change", "chg-1") is None


async def test_every_service_s_clocks_reach_the_board_and_leave_it_when_answered(
    app: FastAPI,
) -> None:
    forwarded = opening.ApplicationForwarded(
        id="app-1", listing_id="lst-1", department="D004", client_id="c-1",
        screened_on=date(2026, 12, 1), review_due_on=date(2026, 12, 15),
    )  # fmt: skip
    registration = registry.RegistrationFiled(
        id="reg-1", department="D005", kind="product", subject="企业信用画像",
        delivered_on=date(2026, 12, 1), received_on=date(2026, 12, 1),
        due_on=date(2026, 12, 29), provisional=False, late=False,
    )  # fmt: skip
    evaluation = registry.EvaluationOpened(
        id="auth-1", operator="op-1", evaluation_id="ev-1", due_on=date(2027, 1, 15)
    )
    order = audit.RectificationOrdered(id="rect-1", department="D006", due_on=date(2026, 12, 31))
    await consume(
        app,
        at(forwarded, "app-1", 0),
        at(registration, "reg-1", 0),
        at(evaluation, "auth-1", 0),
        at(order, "rect-1", 0),
    )
    running = {(row.kind, row.object_id, row.department) for row in (await board(app)).rows}

    approved_app = opening.ApplicationApproved(
        id="app-1", listing_id="lst-1", department="D004", client_id="c-1",
        scenario="研究", valid_from=date(2026, 12, 16), valid_until=date(2027, 12, 15),
        usage_report_due_on=date(2027, 6, 30), decided_on=date(2026, 12, 10), on_time=True,
    )  # fmt: skip
    await consume(
        app,
        at(approved_app, "app-1", 10),
        at(registry.RegistrationCompleted(id="reg-1", department="D005",
                                          completed_on=date(2026, 12, 9), on_time=True),
           "reg-1", 10),
        at(registry.AuthorisationEvaluated(id="auth-1", operator="op-1", evaluation_id="ev-1",
                                           result="pass", reason="合格",
                                           evaluated_on=date(2026, 12, 9)), "auth-1", 10),
        at(audit.RectificationClosed(id="rect-1", department="D006",
                                     closed_on=date(2026, 12, 9), overdue=False), "rect-1", 10),
    )  # fmt: skip
    left = {(row.kind, row.object_id, row.department) for row in (await board(app)).rows}

    assert running == {
        ("opening_review", "app-1", "D004"),
        ("registration", "reg-1", "D005"),
        ("evaluation", "ev-1", None),
        ("rectification", "rect-1", "D006"),
    }
    assert left == {("usage_report", "app-1", "D004")}


async def test_an_extension_request_that_overtakes_the_opening_still_gets_its_due_date(
    app: FastAPI,
) -> None:
    opened = catalog.ChangeOpened(
        id="chg-2", department="D001", kind="annual_review", reason="年度复核",
        occurred_on=date(2026, 11, 20), due_on=date(2026, 12, 4), provisional=False,
    )  # fmt: skip
    asked = catalog.ChangeExtensionRequested(id="chg-2", department="D001", reason="人手不足")

    await consume(app, at(asked, "chg-2", 10), at(opened, "chg-2", 0))

    row = await clock(app, "change", "chg-2")
    assert row is not None and row.extension_requested
    assert row.due_on == date(2026, 12, 4) and row.subject == "年度全面复核：年度复核"
