"""Aggregation warnings on a request, from the requester's live grants (Art. 19)."""

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from sharing.aggregation.rules import Holding, aggregation_risk, holding
from sharing.aggregation.schemas import Warning
from sharing.grants.models import Grant
from sharing.requests.models import ShareRequest
from sharing.resources.models import SharedResource

GRADE_NAMES = {"core": "核心数据", "important": "重要数据", "general": "一般数据"}


async def aggregation_warnings(session: AsyncSession, request: ShareRequest) -> list[Warning]:
    asked_resource = await session.get(SharedResource, request.resource_id)
    if asked_resource is None:
        return []
    asked = holding(
        None,
        asked_resource.id,
        asked_resource.grade,
        asked_resource.level,
        asked_resource.fields,
        request.fields,
    )
    grants = (
        await session.scalars(
            select(Grant).where(
                col(Grant.holder) == request.requester,
                col(Grant.status).in_(("active", "suspended")),
                col(Grant.resource_id) != request.resource_id,
            )
        )
    ).all()
    held: list[Holding] = []
    for grant in grants:
        resource = await session.get(SharedResource, grant.resource_id)
        if resource is not None:
            held.append(
                holding(
                    grant.id,
                    resource.id,
                    resource.grade,
                    resource.level,
                    resource.fields,
                    grant.fields,
                )
            )
    risk = aggregation_risk(asked, held)
    if risk is None:
        return []
    grade = GRADE_NAMES[risk.combined_grade] + (
        f"第{risk.combined_level}级" if risk.combined_level else ""
    )
    message = (
        f"批准后申请部门持有的数据组合（{'、'.join(risk.identifies)}）可识别到个人，"
        f"组合后的级别为{grade}，高于各资源单独的级别（第十九条）"
    )
    return [
        Warning(
            grants=risk.grants,
            resources=risk.resources,
            identifies=risk.identifies,
            combined_grade=risk.combined_grade,
            combined_level=risk.combined_level,
            message=message,
        )
    ]
