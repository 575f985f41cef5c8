"""Catalogue search in Chinese (Art. 7): character bigrams, ranked by weighted matches.

Chinese is written without spaces, so words cannot be split reliably without a dictionary. Every
published resource's name, field titles and description are cut into overlapping character
bigrams (ASCII words stay whole) and stored in ``resource_search_token`` with a weight: a token in
the name counts 4, in a field title 2, in the description 1 (summed when in several). A query is
cut the same way; a resource matches when it holds at least half of the query's tokens, and the
results are ranked by the summed weight of the tokens they hold. The same SQL runs on SQLite and
PostgreSQL and is a primary-key range scan per token.
"""

import math
import re
import unicodedata
from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import delete, func, insert, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from catalog.resources.models import ResourceVersion, SearchToken

NAME, TITLE, DESCRIPTION = 4, 2, 1
_RUNS = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]+|[a-z0-9]+")
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")


def tokens(text: str) -> list[str]:
    """Bigrams of each run of Chinese characters (a lone one stays itself); ASCII words whole."""
    found: list[str] = []
    for run in _RUNS.findall(unicodedata.normalize("NFKC", text).lower()):
        if _CJK.match(run) and len(run) > 1:
            found.extend(run[i : i + 2] for i in range(len(run) - 1))
        else:
            found.append(run[:64])
    return found


def weighted_tokens(name: str, titles: Iterable[str], description: str) -> dict[str, int]:
    weights: dict[str, int] = {}
    for text, weight in ((name, NAME), (" ".join(titles), TITLE), (description, DESCRIPTION)):
        for token in set(tokens(text)):
            weights[token] = weights.get(token, 0) + weight
    return weights


async def index_version(session: AsyncSession, version: ResourceVersion) -> None:
    """Replace the resource's tokens by those of its newly published version."""
    await session.execute(
        delete(SearchToken).where(col(SearchToken.resource_id) == version.resource_id)
    )
    weights = weighted_tokens(
        version.name, (f["title"] for f in version.fields), version.description
    )
    if weights:
        await session.execute(
            insert(SearchToken),
            [
                {"token": token, "resource_id": version.resource_id, "weight": weight}
                for token, weight in weights.items()
            ],
        )


async def search(
    session: AsyncSession, *, q: str, limit: int, offset: int
) -> Sequence[tuple[str, int]]:
    """Published resource ids best first, with their score."""
    wanted = list(dict.fromkeys(tokens(q)))
    if not wanted:
        return []
    need = max(1, math.ceil(len(wanted) / 2))
    score = func.sum(col(SearchToken.weight)).label("score")
    query: Any = (
        select(col(SearchToken.resource_id), score)
        .where(col(SearchToken.token).in_(wanted))
        .group_by(col(SearchToken.resource_id))
        .having(func.count() >= need)
        .order_by(score.desc(), col(SearchToken.resource_id))
        .limit(limit)
        .offset(offset)
    )
    return [(row[0], int(row[1])) for row in (await session.execute(query)).all()]
