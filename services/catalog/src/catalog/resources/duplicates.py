"""One data, one source (Art. 12): a new resource whose fields are the same or largely the same
as those of another department's published resource is flagged, pointing to a share request.

Fields are compared by normalised name and, separately, by normalised title (departments name
columns differently but title them alike); the similarity is the larger Jaccard index of the two.
The published resources' keys live in ``resource_field_key`` so the check is an indexed lookup.
"""

import math
import unicodedata
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from sqlalchemy import delete, func, insert, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from catalog.resources.models import FieldKey, Resource, ResourceVersion

THRESHOLD = 0.8
MAX_DUPLICATES = 10


def _normalise(text: str) -> str:
    return "".join(unicodedata.normalize("NFKC", text).lower().split())[:100]


def field_keys(fields: Iterable[dict[str, Any]]) -> dict[str, set[str]]:
    keys: dict[str, set[str]] = {"n": set(), "t": set()}
    for field in fields:
        keys["n"].add(_normalise(field["name"]))
        keys["t"].add(_normalise(field["title"]))
    return keys


async def index_fields(
    session: AsyncSession, *, resource: Resource, version: ResourceVersion
) -> None:
    await session.execute(delete(FieldKey).where(col(FieldKey.resource_id) == resource.id))
    rows = [
        {"resource_id": resource.id, "kind": kind, "key": key, "department": resource.department}
        for kind, keys in field_keys(version.fields).items()
        for key in keys
    ]
    await session.execute(insert(FieldKey), rows)


async def find_duplicates(
    session: AsyncSession, *, department: str, fields: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    mine = field_keys(fields)
    matched: dict[str, dict[str, int]] = defaultdict(dict)
    for kind, keys in mine.items():
        need = math.ceil(len(keys) * THRESHOLD)  # fewer shared keys cannot reach the threshold
        query: Any = (
            select(col(FieldKey.resource_id), func.count())
            .where(
                col(FieldKey.kind) == kind,
                col(FieldKey.key).in_(keys),
                col(FieldKey.department) != department,
            )
            .group_by(col(FieldKey.resource_id))
            .having(func.count() >= need)
        )
        for resource_id, count in (await session.execute(query)).all():
            matched[resource_id][kind] = count
    if not matched:
        return []
    sizes: dict[str, dict[str, int]] = defaultdict(dict)
    size_query: Any = (
        select(col(FieldKey.resource_id), col(FieldKey.kind), func.count())
        .where(col(FieldKey.resource_id).in_(matched))
        .group_by(col(FieldKey.resource_id), col(FieldKey.kind))
    )
    for resource_id, kind, count in (await session.execute(size_query)).all():
        sizes[resource_id][kind] = count
    scored: list[tuple[float, str]] = []
    for resource_id, counts in matched.items():
        similarity = max(
            count / (len(mine[kind]) + sizes[resource_id][kind] - count)
            for kind, count in counts.items()
        )
        if similarity >= THRESHOLD:
            scored.append((round(similarity, 3), resource_id))
    scored.sort(key=lambda item: (-item[0], item[1]))
    scored = scored[:MAX_DUPLICATES]
    if not scored:
        return []
    rows = (
        await session.execute(
            select(Resource, ResourceVersion).where(
                col(Resource.id).in_([rid for _, rid in scored]),
                col(ResourceVersion.resource_id) == col(Resource.id),
                col(ResourceVersion.version) == col(Resource.published_version),
            )
        )
    ).all()
    by_id = {resource.id: (resource, version) for resource, version in rows}
    return [
        {
            "id": rid,
            "department": by_id[rid][0].department,
            "code": by_id[rid][0].code,
            "name": by_id[rid][1].name,
            "share_type": by_id[rid][1].share_type,
            "similarity": similarity,
            "share_request": {
                "method": "POST",
                "path": "/api/sharing/requests",
                "resource_id": rid,
            },
        }
        for similarity, rid in scored
        if rid in by_id
    ]
