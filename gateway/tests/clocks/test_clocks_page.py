"""时限看板 through the console: what each signed-in staff user sees, and the filters."""

from __future__ import annotations

from datetime import date
from typing import Any

from fastapi import FastAPI

from gateway.clocks.service import PAGE_SIZE
from pdp_contracts import catalog, sharing

from .events import at, consume, share_request


async def signed_in(staff: Any, browsers: Any, **fields: Any) -> Any:
    user = await staff(**fields)
    browser = browsers()
    response = await browser.sign_in(user["username"], user["password"])
    assert response.status_code == 303, response.text
    return browser


async def two_departments_clocks(app: FastAPI) -> None:
    """D003 owes a reply that fell due on 3 December; D002 owes a catalogue review due later."""
    late = sharing.ReplyOverdue(
        id="req-late", requester="D002", provider="D003",
        reply_due_on=date(2026, 12, 3), as_of=date(2026, 12, 4),
    )  # fmt: skip
    review = catalog.ResourceSubmitted(
        id="res-d2", version=1, department="D002", review_due_on=date(2026, 12, 14),
        provisional=False,
    )  # fmt: skip
    await consume(
        app,
        at(catalog.DepartmentCreated(code="D003", name="区民政局"), "D003", 0),
        at(share_request("req-late", provider="D003", due=date(2026, 12, 3)), "req-late", 0),
        at(late, "req-late", 5),
        at(review, "res-d2", 0),
    )


async def test_a_department_officer_sees_its_own_clocks_and_not_another_department_s(
    app: FastAPI, staff: Any, browsers: Any, today: Any
) -> None:
    await two_departments_clocks(app)
    today(date(2026, 12, 8))
    browser = await signed_in(
        staff, browsers, username="wang.fang", roles=["department"], department="D003"
    )

    page = await browser.http.get("/console/clocks")
    asked_for_other = await browser.http.get("/console/clocks", params={"department": "D002"})

    assert page.status_code == 200, page.text
    assert 'href="/console/clocks">时限看板' in page.text
    assert 'id="clock-share_reply-req-late"' in page.text
    assert 'class="overdue"' in page.text and "已逾期" in page.text
    assert "已超期 3 个工作日" in page.text  # 4, 7 and 8 December
    assert 'href="/console/sharing/requests/req-late"' in page.text
    assert "res-d2" not in page.text
    assert "res-d2" not in asked_for_other.text


async def test_another_department_sees_only_its_clock_with_the_working_days_left(
    app: FastAPI, staff: Any, browsers: Any
) -> None:
    await two_departments_clocks(app)
    browser = await signed_in(
        staff, browsers, username="zhao.lei", roles=["department"], department="D002"
    )

    page = await browser.http.get("/console/clocks")

    assert 'id="clock-resource_review-res-d2"' in page.text
    assert "9 个工作日" in page.text  # 2–4, 7–11 and 14 December, counted from 1 December
    assert "req-late" not in page.text
    assert 'href="/console/catalog/resources/res-d2"' in page.text


async def test_the_bureau_sees_every_department_and_filters_by_department_and_kind(
    app: FastAPI, staff: Any, browsers: Any
) -> None:
    await two_departments_clocks(app)
    browser = await signed_in(staff, browsers, username="zhang.wei", roles=["bureau"])

    everything = await browser.http.get("/console/clocks")
    d002 = await browser.http.get("/console/clocks", params={"department": "D002"})
    replies = await browser.http.get("/console/clocks", params={"kind": "share_reply"})
    unknown = await browser.http.get("/console/clocks", params={"kind": "nonsense"})

    assert "req-late" in everything.text and "res-d2" in everything.text
    assert everything.text.index("req-late") < everything.text.index("res-d2")  # soonest first
    assert '<option value="D002">D002</option>' in everything.text  # catalog did not name it
    assert '<option value="D003">区民政局（D003）</option>' in everything.text
    assert "<td>区民政局（D003）</td>" in everything.text
    assert "res-d2" in d002.text and "clock-share_reply-req-late" not in d002.text
    assert "req-late" in replies.text and "clock-resource_review-res-d2" not in replies.text
    assert unknown.status_code == 422 and "未知的时限类型：nonsense" in unknown.text


async def test_staff_without_a_department_or_a_supervising_role_may_not_read_the_board(
    staff: Any, browsers: Any
) -> None:
    browser = await signed_in(staff, browsers, username="qian.li", roles=["assessor"])

    page = await browser.http.get("/console/clocks")

    assert page.status_code == 403
    assert "时限看板仅向区数据局、平台运维和各部门工作人员开放" in page.text
    assert 'id="clock-' not in page.text


async def test_the_board_is_paged(app: FastAPI, staff: Any, browsers: Any) -> None:
    await consume(
        app,
        *(
            at(share_request(f"req-{n:03}", due=date(2026, 12, 10)), f"req-{n:03}", n)
            for n in range(PAGE_SIZE + 1)
        ),
    )
    browser = await signed_in(staff, browsers, username="zhang.wei", roles=["bureau"])

    first = await browser.http.get("/console/clocks")
    second = await browser.http.get("/console/clocks", params={"page": "2"})

    assert first.text.count('id="clock-') == PAGE_SIZE and "page=2" in first.text
    assert second.text.count('id="clock-') == 1 and f"req-{PAGE_SIZE:03}" in second.text
    assert "上一页" in second.text and "下一页" not in second.text


async def test_the_board_counts_working_days_on_the_operator_calendar_catalog_loads(
    app: FastAPI, staff: Any, browsers: Any
) -> None:
    await two_departments_clocks(app)
    browser = await signed_in(staff, browsers, username="zhang.wei", roles=["bureau"])
    before = await browser.http.get("/console/clocks", params={"kind": "resource_review"})

    holiday = catalog.CalendarYearLoaded(year=2026, holidays=[date(2026, 12, 2)], workdays=[])
    await consume(app, at(holiday, "2026", 0))
    after = await browser.http.get("/console/clocks", params={"kind": "resource_review"})

    assert "9 个工作日" in before.text
    assert "8 个工作日" in after.text  # 2 December is now a holiday
