"""Listing and searching the catalogue: published entries for everyone, a department's own
drafts too; `q` ranks published entries (Art. 7)."""

from collections.abc import Sequence
from typing import Any

from sqlalchemy import and_, or_, select, tuple_
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql import ColumnElement
from sqlmodel import col

from catalog.resources.models import Resource, ResourceVersion
from catalog.resources.schemas import ResourcePublic
from catalog.resources.search import search
from catalog.resources.service import shown_version, to_public
from pdp_kit.auth import SUPERVISORS, Principal, Role
from pdp_kit.errors import BadRequest, FieldProblem
from pdp_kit.pagination import Page, PageParams, encode_cursor, keyset_page


async def list_resources(
    session: AsyncSession,
    *,
    principal: Principal,
    page: PageParams,
    q: str | None = None,
    department: str | None = None,
    important: bool | None = None,
) -> Page[ResourcePublic]:
    """Published entries for everyone, plus a department's own drafts; `q` ranks published
    entries by relevance (Art. 7)."""
    if q is not None and q.strip():
        return await _search_page(session, q=q, page=page, principal=principal)
    query: Any = select(Resource)
    if not (principal.is_staff or principal.has(*SUPERVISORS)):
        visible: list[ColumnElement[bool]] = [
            and_(col(Resource.published_version).is_not(None), col(Resource.withdrawn_at).is_(None))
        ]
        if principal.has(Role.DEPARTMENT) and principal.department:
            visible.append(col(Resource.department) == principal.department)
        query = query.where(or_(*visible))
    if department is not None:
        query = query.where(col(Resource.department) == department)
    if important is not None:
        query = query.join(
            ResourceVersion,
            and_(
                col(ResourceVersion.resource_id) == col(Resource.id),
                col(ResourceVersion.version) == col(Resource.published_version),
            ),
        ).where(col(ResourceVersion.important) == important)
    if page.after is not None and not isinstance(page.after, str):
        raise BadRequest(errors=[FieldProblem("cursor", "not a cursor from this list")])
    rows: Page[Resource] = await keyset_page(
        session,
        query,
        key=Resource.id,  # type: ignore[arg-type]
        page=page,
        to_public=lambda r: r,
        cursor_of=lambda r: r.id,
    )
    items = await _with_versions(session, [(r, shown_version(r, principal)) for r in rows.items])
    return Page[ResourcePublic](items=items, next_cursor=rows.next_cursor)


async def _search_page(
    session: AsyncSession, *, q: str, page: PageParams, principal: Principal
) -> Page[ResourcePublic]:
    offset = 0
    if page.after is not None:
        if not isinstance(page.after, dict) or not isinstance(page.after.get("offset"), int):
            raise BadRequest(errors=[FieldProblem("cursor", "not a cursor from this search")])
        offset = page.after["offset"]
    hits = await search(session, q=q, limit=page.limit + 1, offset=offset)
    more = len(hits) > page.limit
    hits = hits[: page.limit]
    # Each hit with its published version, in one statement.
    found = {
        r.id: (r, v)
        for r, v in (
            await session.execute(
                select(Resource, ResourceVersion)
                .join(
                    ResourceVersion,
                    and_(
                        col(ResourceVersion.resource_id) == col(Resource.id),
                        col(ResourceVersion.version) == col(Resource.published_version),
                    ),
                )
                .where(col(Resource.id).in_([h[0] for h in hits]))
            )
        ).tuples()
    }
    items = [to_public(*found[rid], score=score) for rid, score in hits if rid in found]
    cursor = encode_cursor({"offset": offset + page.limit}) if more else None
    return Page[ResourcePublic](items=items, next_cursor=cursor)


async def _with_versions(
    session: AsyncSession,
    pairs: Sequence[tuple[Resource, int]],
) -> list[ResourcePublic]:
    if not pairs:
        return []
    keys = [(r.id, n) for r, n in pairs]
    versions = {
        (v.resource_id, v.version): v
        for v in (
            await session.scalars(
                select(ResourceVersion).where(
                    tuple_(col(ResourceVersion.resource_id), col(ResourceVersion.version)).in_(keys)
                )
            )
        ).all()
    }
    return [to_public(r, versions[(r.id, n)]) for r, n in pairs if (r.id, n) in versions]
