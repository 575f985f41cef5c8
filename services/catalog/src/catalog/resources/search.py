"""Catalogue search in Chinese (Art. 7): character bigrams, ranked by weighted matches.

Chinese is written without spaces, so words cannot be split reliably without a dictionary. Every
published resource's name, field titles and description are cut into overlapping character
bigrams (ASCII words stay whole) and stored in ``resource_search_token`` with a weight: a token in
the name counts 4, in a field title 2, in the description 1 (summed when in several). A query is
cut the same way; a resource matches when it holds at least half of the query's tokens, and the
results are ranked by the summed weight of the tokens they hold, ties by resource id.

Common tokens are held by a large share of the catalogue (a field title such as 名称 by about a
third of it), so summing every posting of every query token grows with the catalogue. Instead the
search reads each query token's postings best first (weight descending, then resource id: the
``ix_resource_search_token_rank`` index), a few at a time, scores the resources it meets in full,
and stops as soon as no resource it has not met can still enter the page (Fagin's threshold
algorithm): one not met has, in each token's list, at most the weight last read there. The
results are exactly those of summing everything. The same SQL runs on SQLite and PostgreSQL.

PostgreSQL's own tools were considered first (``bench/README.md``): ``pg_trgm`` finds no whole
trigram in a two-character Chinese query, so its index cannot narrow one (``pg_bigm`` would, but
is not packaged here), and a GIN index over a bigram array finds the matches but cannot give them
best first, so a common query would still score every match. Resource ids are lowercase hex of
one length, so Python compares them as every database collation orders them.
"""

import heapq
import math
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, func, insert, or_, select, union_all
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


#: Postings read per query token in the first round; each further round reads GROWTH times more.
FIRST_READ, GROWTH = 64, 8
_SCORE_CHUNK = 2_000


@dataclass
class _Postings:
    """Where the reading of one query token's postings stands."""

    token: str
    read: int = 0
    last_weight: int = 0
    last_id: str = ""
    exhausted: bool = False


async def search(
    session: AsyncSession, *, q: str, limit: int, offset: int
) -> Sequence[tuple[str, int]]:
    """Published resource ids best first, with their score."""
    wanted = list(dict.fromkeys(tokens(q)))
    if not wanted:
        return []
    need = max(1, math.ceil(len(wanted) / 2))
    lists = [_Postings(token) for token in wanted]
    scores: dict[str, int] = {}
    met: set[str] = set()
    step, wanted_n = FIRST_READ, offset + limit
    best: list[tuple[str, int]] = []
    while True:
        read = await _read_postings(session, lists, step)
        fresh = {rid: weights for rid, weights in read.items() if rid not in met}
        met |= fresh.keys()
        to_score = set(fresh)
        if len(best) >= wanted_n:  # skip those that cannot reach the page any more
            to_score = _may_enter(fresh, lists, need, best[-1][1])
        scores.update(await _scores(session, wanted, need, to_score))
        best = heapq.nsmallest(wanted_n, scores.items(), key=lambda s: (-s[1], s[0]))
        if _settled(best, wanted_n, lists, need):
            return best[offset:]
        step *= GROWTH


def _may_enter(
    fresh: dict[str, dict[str, int]], lists: list[_Postings], need: int, last_score: int
) -> set[str]:
    """The resources just met that may still score ``last_score`` with enough tokens: in a list
    they were not met in, they weigh nothing if it is read out, else at most its last weight."""
    kept = set()
    for rid, weights in fresh.items():
        bound = count = 0
        for postings in lists:
            if postings.token in weights:
                bound, count = bound + weights[postings.token], count + 1
            elif not postings.exhausted:
                bound, count = bound + postings.last_weight, count + 1
        if count >= need and bound >= last_score:
            kept.add(rid)
    return kept


def _settled(best: list[tuple[str, int]], wanted: int, lists: list[_Postings], need: int) -> bool:
    """Whether no resource not met yet can rank among the first ``wanted``."""
    open_lists = [p for p in lists if not p.exhausted]
    if len(open_lists) < need:
        return True  # one not met is in none of the read-out lists: it cannot hold enough tokens
    if len(best) < wanted:
        return False
    last_id, last_score = best[-1]
    bound = sum(p.last_weight for p in open_lists)
    # One not met scoring exactly `bound` has the last weight read in every open list, so its id
    # comes after the last id read in each of them.
    return last_score > bound or (
        last_score == bound and last_id <= max(p.last_id for p in open_lists)
    )


async def _read_postings(
    session: AsyncSession, lists: list[_Postings], step: int
) -> dict[str, dict[str, int]]:
    """The next ``step`` postings of each list still open, best first: the resources met, with
    their weight in the lists they were met in."""
    parts: list[Any] = []
    for postings in lists:
        if postings.exhausted:
            continue
        part: Any = select(
            col(SearchToken.token), col(SearchToken.resource_id), col(SearchToken.weight)
        ).where(col(SearchToken.token) == postings.token)
        if postings.read:
            part = part.where(col(SearchToken.weight) <= postings.last_weight).where(
                or_(
                    col(SearchToken.weight) < postings.last_weight,
                    col(SearchToken.resource_id) > postings.last_id,
                )
            )
        part = part.order_by(col(SearchToken.weight).desc(), col(SearchToken.resource_id))
        parts.append(select(part.limit(step).subquery()))
    rows = (await session.execute(union_all(*parts))).all() if parts else []
    last: dict[str, tuple[int, str]] = {}
    counts: dict[str, int] = {}
    for token, resource_id, weight in rows:
        counts[token] = counts.get(token, 0) + 1
        if token not in last or (-weight, resource_id) > (-last[token][0], last[token][1]):
            last[token] = (weight, resource_id)
    for postings in lists:
        if postings.exhausted:
            continue
        got = counts.get(postings.token, 0)
        postings.read += got
        postings.exhausted = got < step
        if got:
            postings.last_weight, postings.last_id = last[postings.token]
    met: dict[str, dict[str, int]] = {}
    for token, resource_id, weight in rows:
        met.setdefault(resource_id, {})[token] = weight
    return met


async def _scores(
    session: AsyncSession, wanted: list[str], need: int, resource_ids: set[str]
) -> dict[str, int]:
    """The full score of each of these resources that holds at least ``need`` query tokens."""
    found: dict[str, int] = {}
    ids = sorted(resource_ids)
    for start in range(0, len(ids), _SCORE_CHUNK):
        query: Any = (
            select(col(SearchToken.resource_id), func.sum(col(SearchToken.weight)))
            .where(col(SearchToken.token).in_(wanted))
            .where(col(SearchToken.resource_id).in_(ids[start : start + _SCORE_CHUNK]))
            .group_by(col(SearchToken.resource_id))
            .having(func.count() >= need)
        )
        found.update((row[0], int(row[1])) for row in (await session.execute(query)).all())
    return found
