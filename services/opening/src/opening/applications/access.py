"""Who sees and acts on an application (DOMAIN: object-level rule, Art. 24)."""

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from opening.applications.models import Application
from opening.applications.schemas import ApplicationPublic
from pdp_kit.auth import Principal, Role
from pdp_kit.auth.principal import SUPERVISORS
from pdp_kit.db import get_for_update
from pdp_kit.errors import Conflict, Forbidden, NotFound

STATUS_NAMES = {
    "received": "待筛查",
    "returned": "材料不全已退回",
    "forwarded": "待部门审核",
    "approved": "已批准",
    "refused": "已拒绝",
}


class WrongApplicationState(Conflict):
    code, title = "application-state", "申请当前状态不允许此操作"

    def __init__(self, status: str, action: str) -> None:
        super().__init__(f"申请状态为 {status}（{STATUS_NAMES.get(status, status)}），不能{action}")


class AlreadyReturnedOnce(Conflict):
    code, title = "materials-notice-sent", "材料缺项只能一次性告知"


def may_see(application: Application, principal: Principal) -> bool:
    """The platform's staff and supervisors, the municipal platform that passed it on, the
    owning department, and the applicant's own client."""
    return (
        principal.is_staff
        or principal.has(*SUPERVISORS)
        or principal.has(Role.MUNICIPAL)
        or principal.acts_for(application.department)
        or (principal.has(Role.PUBLIC) and principal.client_id == application.client_id)
    )


async def visible_application(
    session: AsyncSession, application_id: str, principal: Principal, *, lock: bool = False
) -> Application:
    application = (
        await get_for_update(session, Application, application_id)
        if lock
        else await session.get(Application, application_id)
    )
    if application is None or not may_see(application, principal):
        raise NotFound(f"开放申请 {application_id} 不存在")
    return application


def require_owner(application: Application, principal: Principal) -> None:
    if not principal.acts_for(application.department):
        raise Forbidden("只有数据所属部门可以审核开放申请")


def decision_fields(application: Application) -> dict[str, Any]:
    """What every event on an application carries, so the municipal adapter can answer the
    city without reading anything back."""
    return {
        "id": application.id,
        "listing_id": application.listing_id,
        "department": application.department,
        "client_id": application.client_id,
        "municipal_id": application.municipal_id,
    }


def application_public(application: Application) -> ApplicationPublic:
    return ApplicationPublic(
        **application.model_dump(),
        overdue=application.overdue_flagged_on is not None,
        usage_report_overdue=application.usage_report_overdue_on is not None,
    )
