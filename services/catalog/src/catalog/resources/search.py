"""Catalogue search in Chinese (Art. 7): character bigrams, ranked by weighted matches.

Chinese is written without spaces, so words cannot be split reliably without a dictionary. Every
published resource's name, field titles and description are cut into overlapping character
bigrams (ASCII words stay whole) and stored in ``resource_search_token`` with a weight: a token in
the name counts 4, in a field title 2, in the description 1 (summed when in several). A query is
cut the same way; a resource matches when it holds at least half of the query's tokens, and the
results are ranked by the summed weight of the tokens they hold, ties by id.

The ranking is exact, but it does not score every resource holding a query token: that grows
with the catalogue (a token such as 数据 is in nearly every description). From how many resources
hold each token with each weight (``resource_search_token_stat``, kept with the tokens) it plans
which postings to read. Reading a posting best first (index ``(token, weight DESC,
resource_id)``) costs far less than scoring a resource (its postings of the query's tokens, index
``(resource_id, token, weight)``, about as much as summing 20 postings), so:

1. A query of several tokens with enough postings of weight 3 and up for a page goes to a bounded
   sum. For each token ``t`` a threshold ``τ(t)`` (a token may be left out: above its top weight):
   a resource holding ``t`` below ``τ(t)`` gets ``rest(t) = min(top(t), τ(t) - 1)`` for it, one
   holding it from ``τ(t)`` up its weight, and the sum of these bounds its score. A small knapsack
   picks the thresholds that read the fewest postings for a given slack ``Σ rest``; the slack is
   the smallest that reads at most ``READ_ENOUGH`` postings (``SLACK`` at most). One statement
   sums the postings read into bounds, and returns the best ``BOUNDS`` of them with the best
   ``BOUND_BATCH`` scored in full; further resources are scored, best bound first, until the next
   bound cannot reach the k-th best score (``floor``, ``k = offset + limit``; a tie loses to the
   page when its id comes later). A resource the sum did not meet bounds at most the slack: when
   the floor is not above it (a query of common tokens, as 本区数据), the page is found as in 2.
2. Otherwise (one token, or tokens of fields' titles, whose matches tie): seeds, each query
   token's best postings (all of a rare one's), are read and the resources met scored. Their k-th
   best score bounds the page from below, and the same knapsack picks thresholds whose rest
   ``Σ min(top(t), τ(t) - 1)`` stays under it: resources holding no token from its threshold up
   cannot reach the page (without a floor, leaving out any ``need - 1`` tokens is safe: a resource
   holding nothing else does not match). When one token is left, it is read best first until its
   next postings cannot reach the floor (a tie loses to the page, as ids come in order);
   otherwise the bounded sum runs, its slack also under that floor (without a floor, and when
   the page's scores are within the slack, every posting is read: no slack).

On PostgreSQL the statements are a few fixed texts over arrays (``unnest``, ``LATERAL``) run as
asyncpg prepared statements; elsewhere (SQLite) the same is built with SQLAlchemy Core.
"""

import heapq
import math
import re
import unicodedata
from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import and_, delete, func, insert, literal, or_, select, union_all
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from catalog.resources.models import ResourceVersion, SearchToken, SearchTokenStat

NAME, TITLE, DESCRIPTION = 4, 2, 1
TOP = NAME + TITLE + DESCRIPTION
#: Best postings of each query token scored first, for a first floor.
SEED = 32
#: Postings of the one token left to read, read best first by the first batch; then 8× more.
FIRST_BATCH = 64
#: Postings of a token read in full with the seeds when it has no more than this many.
SEED_ALL = 256
#: Resources scored in full, best bound first, with the bounded sum; then 4× more at a time.
BOUND_BATCH = 96
#: Bounds (best first) each bounded sum returns.
BOUNDS = 256
#: How far above its score a resource's bound may be at most (the cheapest thresholds within
#: it), and the postings a bounded sum reads rather than leaving more slack (scoring a resource
#: costs about as much as summing 20 postings, and a wider slack scores more of them).
SLACK = 10
READ_ENOUGH = 5_000
#: A query of several tokens with as many postings of this weight and up as the page goes
#: straight to the bounded sum; else (tokens of fields' titles, whose matches tie) best first.
BOUNDS_FROM_WEIGHT = 3
#: Longer queries skip the knapsack that picks thresholds (it grows with the square).
MOST_TOKENS_PLANNED = 12
_RUNS = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]+|[a-z0-9]+")
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")

_token = col(SearchToken.token)
_resource = col(SearchToken.resource_id)
_weight = col(SearchToken.weight)
_STATS = SearchTokenStat.__table__  # type: ignore[attr-defined]
_BY_WEIGHT = [f"weight_{w}" for w in range(1, TOP + 1)]


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
    old = await _drop_tokens(session, version.resource_id)
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
    await count_tokens(session, [(t, w, 1) for t, w in weights.items()] + old)


async def unindex(session: AsyncSession, resource_id: str) -> None:
    """Take a withdrawn resource out of the search."""
    await count_tokens(session, await _drop_tokens(session, resource_id))


async def _drop_tokens(session: AsyncSession, resource_id: str) -> list[tuple[str, int, int]]:
    dropped = await session.execute(
        delete(SearchToken).where(_resource == resource_id).returning(_token, _weight)
    )
    return [(token, weight, -1) for token, weight in dropped]


async def count_tokens(session: AsyncSession, changes: Iterable[tuple[str, int, int]]) -> None:
    """Add ``n`` to the count of postings of ``token`` with ``weight``, for each ``(token, weight,
    n)``. Rows are written in token order, so concurrent publications lock them in that order."""
    rows: dict[str, dict[str, Any]] = {}
    for token, weight, n in changes:
        row = rows.setdefault(token, {"token": token} | dict.fromkeys(_BY_WEIGHT, 0))
        row[f"weight_{weight}"] += n
    if not rows:
        return
    dialect = session.bind.dialect.name
    statement = (postgresql.insert if dialect == "postgresql" else sqlite.insert)(_STATS)
    statement = statement.on_conflict_do_update(
        index_elements=["token"],
        set_={c: _STATS.c[c] + statement.excluded[c] for c in _BY_WEIGHT},
    )
    await session.execute(statement, [rows[t] for t in sorted(rows)])


class _Stat:
    """A token's postings by weight: how many there are from a weight up, its top weight."""

    def __init__(self, by_weight: Sequence[int]) -> None:
        self.from_weight = [0] * (TOP + 2)
        for weight in range(TOP, 0, -1):
            self.from_weight[weight] = self.from_weight[weight + 1] + max(0, by_weight[weight - 1])
        self.postings = self.from_weight[1]
        self.top = max((w for w in range(1, TOP + 1) if by_weight[w - 1] > 0), default=0)


async def search(
    session: AsyncSession, *, q: str, limit: int, offset: int
) -> Sequence[tuple[str, int]]:
    """Published resource ids best first, with their score."""
    wanted = list(dict.fromkeys(tokens(q)))
    if not wanted or limit <= 0:
        return []
    need = max(1, math.ceil(len(wanted) / 2))
    store: _Store
    if session.bind.dialect.name == "postgresql":
        raw = await (await session.connection()).get_raw_connection()
        store = _Postgres(raw.driver_connection)
    else:
        store = _Portable(session)
    stats = {t: _Stat(by_weight) for t, by_weight in await store.stats(wanted)}
    stats = {t: s for t, s in stats.items() if s.postings > 0}
    if len(stats) < need:
        return []
    ranking = _Ranking(store, stats, need, offset + limit)
    return (await ranking.run())[offset : offset + limit]


class _Ranking:
    """The top ``k`` matches of one query (see the module's docstring)."""

    def __init__(self, store: "_Store", stats: dict[str, _Stat], need: int, k: int) -> None:
        self.store, self.stats, self.need, self.k = store, stats, need, k
        #: Most common first.
        self.present = sorted(stats, key=lambda t: (-stats[t].postings, t))
        self.scored: dict[str, int] = {}  # every match scored in full so far
        #: Each token's postings read best first: how many, the last one (weight, id).
        self.read = dict.fromkeys(self.present, 0)
        self.cursor: dict[str, tuple[int, str]] = {}
        self.exhausted: set[str] = set()

    def best(self) -> list[tuple[str, int]]:
        return heapq.nsmallest(self.k, self.scored.items(), key=lambda h: (-h[1], h[0]))

    def floor(self) -> tuple[str, int] | None:
        best = self.best()
        return best[-1] if len(best) >= self.k else None

    async def run(self) -> list[tuple[str, int]]:
        heavy = sum(s.from_weight[BOUNDS_FROM_WEIGHT] for s in self.stats.values())
        if len(self.present) > 1 and heavy >= self.k:
            # Enough postings of weight 3 and up for a page: a sum of upper bounds finds it,
            # unless the page's scores are within the slack (then best first, below).
            slack = await self._by_bounds(None)
            found = self.floor()
            if found is not None and found[1] > slack:
                return self.best()
        # Otherwise (one token, or tokens of fields' titles, whose matches tie): best first.
        await self._read(
            {t: SEED_ALL if self.stats[t].postings <= SEED_ALL else SEED for t in self.present}
        )
        floor = self.floor()
        plan = self._plan(floor[1] if floor else None)
        left = {t: w for t, w in plan.items() if self._unread(t, w)}
        if not left:
            return self.best()
        if len(left) == 1:
            [(token, weight)] = left.items()
            await self._scan(token, weight, plan)
            return self.best()
        slack = await self._by_bounds(floor[1] if floor else None)
        found = self.floor()
        if found is None or found[1] <= slack:
            await self._bounded(dict.fromkeys(self.present, 1))
        return self.best()

    async def _by_bounds(self, floor: int | None) -> int:
        """Run a bounded sum (``_bounded``) within the cheapest slack that reads at most
        ``READ_ENOUGH`` postings, or ``SLACK`` (below ``floor``); return that slack. A resource the
        sum does not meet scores at most the slack: the page is found when its k-th best score
        is above it."""
        budget = SLACK if floor is None else min(SLACK, floor - 1)
        plan = self._cheapest_within(budget, every=True)
        for tighter in range(budget):
            candidate = self._cheapest_within(tighter, every=True)
            if self._postings(candidate) <= READ_ENOUGH:
                budget, plan = tighter, candidate
                break
        await self._bounded(plan)
        return budget

    def _postings(self, plan: dict[str, int]) -> int:
        return sum(self.stats[t].from_weight[w] for t, w in plan.items())

    async def _bounded(self, plan: dict[str, int]) -> None:
        """Sum the plan's postings (each token's from its threshold up; a token left out of the
        plan is not read) into an upper bound of each resource's score, and score resources in
        full, best bound first, until the next bound cannot reach the page. Reading a posting
        costs far less than scoring a resource: the plan's thresholds keep the bounds within
        ``SLACK`` of the scores, so few are scored beyond the page."""
        rest = {
            t: min(self.stats[t].top, plan[t] - 1) if t in plan else self.stats[t].top
            for t in self.present
        }
        parts = [(t, plan[t], rest[t]) for t in self.present if t in plan]
        base = sum(rest.values())
        after: tuple[int, str] | None = None
        while parts:
            rows = await self.store.bounded(parts, base, self.present, BOUNDS, BOUND_BATCH, after)
            rows.sort(key=lambda r: (-r[1], r[0]))
            self._note((r[0], r[2], r[3]) for r in rows if r[2] is not None and r[3] is not None)
            pending = [(r[0], r[1]) for r in rows if r[2] is None]
            at, batch = 0, BOUND_BATCH
            while at < len(pending):
                if self._beyond_page(pending[at][1], pending[at][0]):
                    return
                ids = [resource for resource, _ in pending[at : at + batch]]
                self._note(await self.store.score(ids, self.present))
                at += len(ids)
                batch *= 4
            if len(rows) < BOUNDS or self._beyond_page(rows[-1][1], rows[-1][0], True):
                return
            after = (rows[-1][1], rows[-1][0])

    def _beyond_page(self, bound: int, resource: str, past: bool = False) -> bool:
        """Whether no resource bounding at most ``bound``, and at it coming from ``resource``
        on (after it when ``past``), can reach the page."""
        floor = self.floor()
        if floor is None:
            return False
        kth_id, kth_score = floor
        return kth_score > bound or (
            kth_score == bound and (kth_id <= resource if past else kth_id < resource)
        )

    def _unread(self, token: str, threshold: int) -> int:
        """How many of the token's postings from ``threshold`` up are not read yet."""
        if token in self.exhausted or (token in self.cursor and self.cursor[token][0] < threshold):
            return 0
        return max(1, self.stats[token].from_weight[threshold] - self.read[token])

    def _plan(self, floor: int | None) -> dict[str, int]:
        """The weight from which each token's postings must be read (tokens left out need not be):
        the cheaper of two safe choices (see the module's docstring)."""
        by_count = {t: 1 for t in self.present[self.need - 1 :]}
        if floor is None or len(self.present) > MOST_TOKENS_PLANNED:
            return by_count
        by_score = self._cheapest_within(floor - 1)
        cost = [sum(self._unread(t, w) for t, w in plan.items()) for plan in (by_score, by_count)]
        return by_score if cost[0] <= cost[1] else by_count

    def _cheapest_within(self, budget: int, every: bool = False) -> dict[str, int]:
        """Thresholds whose score bound ``Σ min(top(t), threshold(t) - 1)`` stays within
        ``budget``, leaving as few postings to read as possible (a knapsack over the tokens)."""
        # best[b]: (postings to read, thresholds) for a bound of b at most
        best: list[tuple[int, dict[str, int]]] = [(0, {})] * (budget + 1)
        for token in self.present:
            top = self.stats[token].top
            if every:
                unread = [self.stats[token].from_weight[below + 1] for below in range(top)] + [0]
            else:
                unread = [self._unread(token, below + 1) for below in range(top)] + [0]
            following: list[tuple[int, dict[str, int]]] = []
            for b in range(budget + 1):
                choice: tuple[int, dict[str, int]] | None = None
                for below in range(min(top, b) + 1):
                    cost, plan = best[b - below]
                    if choice is None or cost + unread[below] < choice[0]:
                        plan = plan if below == top else plan | {token: below + 1}
                        choice = (cost + unread[below], plan)
                assert choice is not None
                following.append(choice)
            best = following
        return best[budget][1]

    async def _scan(self, token: str, threshold: int, plan: dict[str, int]) -> None:
        """Read the one token left best first until its next postings cannot reach the page."""
        others = sum(
            min(self.stats[t].top, plan[t] - 1) if t in plan else self.stats[t].top
            for t in self.present
            if t != token
        )
        batch = max(FIRST_BATCH, self.read[token] * 8)
        while True:
            floor = self.floor()
            if floor is not None and token in self.cursor:
                weight, last = self.cursor[token]
                bound = weight + others
                kth_id, kth_score = floor
                # What is left at this weight comes after ``last`` by id: a tie loses to the page.
                if kth_score > bound or (kth_score == bound and kth_id < last):
                    return
            if await self._read({token: batch}, threshold):
                return
            batch *= 8

    async def _read(self, counts: dict[str, int], threshold: int = 1) -> bool:
        """Read the next postings of each token (``counts``: how many) best first, from
        ``threshold`` up, and score every resource met; whether they were the last ones."""
        tokens = list(counts)
        rows = await self.store.read(
            [(t, n, self.cursor.get(t)) for t, n in counts.items()], threshold, self.present
        )
        self._note([(resource, score, held) for _, resource, _, score, held in rows])
        got = dict.fromkeys(tokens, 0)
        for part, resource, weight, _, _ in sorted(rows, key=lambda r: (r[0], -r[2], r[1])):
            token = tokens[part]
            got[token] += 1
            self.cursor[token] = (weight, resource)
        for token, n in counts.items():
            self.read[token] += got[token]
            if got[token] < n and threshold == 1:
                self.exhausted.add(token)
        return all(got[t] < n for t, n in counts.items())

    def _note(self, rows: Iterable[tuple[str, int, int]]) -> None:
        for resource, score, held in rows:
            if held >= self.need:
                self.scored[resource] = int(score)


#: A token, how many of its postings (or the weight from which), and the last one read.
_Part = tuple[str, int, tuple[int, str] | None]


class _Store:
    """The statements of the ranking."""

    async def stats(self, wanted: list[str]) -> list[tuple[str, Sequence[int]]]:
        raise NotImplementedError

    async def read(
        self, parts: list[_Part], threshold: int, present: list[str]
    ) -> list[tuple[int, str, int, int, int]]:
        """Each part's next postings best first, from ``threshold`` up: (part, resource, weight,
        the resource's summed weight over ``present``, how many of them it holds)."""
        raise NotImplementedError

    async def bounded(
        self,
        parts: list[tuple[str, int, int]],
        base: int,
        present: list[str],
        n: int,
        scored: int,
        after: tuple[int, str] | None,
    ) -> list[tuple[str, int, int | None, int | None]]:
        """The ``n`` resources of best bound (ties by id) after ``after``: (resource, bound,
        summed weight over ``present``, how many of them it holds), the last two for those whose
        bound is their score and for (at least) the best ``scored`` of them, else None. A
        resource's bound is ``base`` plus, for each part ``(token, threshold, rest)`` whose token
        it holds from ``threshold`` up, its weight less ``rest``."""
        raise NotImplementedError

    async def score(self, ids: list[str], present: list[str]) -> list[tuple[str, int, int]]:
        """Each resource's summed weight over ``present`` and how many of them it holds."""
        raise NotImplementedError


class _Postgres(_Store):
    """A few fixed statements over arrays (``unnest`` and ``LATERAL``), through asyncpg's own
    prepared statements: the statement's text does not depend on the query."""

    def __init__(self, connection: Any) -> None:
        self.connection = connection

    async def stats(self, wanted: list[str]) -> list[tuple[str, Sequence[int]]]:
        rows = await self.connection.fetch(_PG_STATS, wanted)
        return [(row[0], list(row[1:])) for row in rows]

    async def read(
        self, parts: list[_Part], threshold: int, present: list[str]
    ) -> list[tuple[int, str, int, int, int]]:
        tokens, counts, weights, ids = _unzip(parts)
        rows = await self.connection.fetch(
            _PG_READ, tokens, counts, weights, ids, threshold, present
        )
        return [(int(r[0]) - 1, r[1], r[2], int(r[3]), int(r[4])) for r in rows]

    async def bounded(
        self,
        parts: list[tuple[str, int, int]],
        base: int,
        present: list[str],
        n: int,
        scored: int,
        after: tuple[int, str] | None,
    ) -> list[tuple[str, int, int | None, int | None]]:
        bound, last = after if after else (_NO_BOUND, "")
        rows = await self.connection.fetch(
            _PG_BOUNDED,
            [t for t, _, _ in parts],
            [w for _, w, _ in parts],
            [r for _, _, r in parts],
            base,
            present,
            bound,
            last,
            n,
            scored,
        )
        return [
            (r[0], int(r[1]), *((None, None) if r[2] is None else (int(r[2]), int(r[3]))))
            for r in rows
        ]

    async def score(self, ids: list[str], present: list[str]) -> list[tuple[str, int, int]]:
        rows = await self.connection.fetch(_PG_SCORE, ids, present)
        return [(r[0], int(r[1]), int(r[2])) for r in rows if r[1] is not None]


def _unzip(parts: list[_Part]) -> tuple[list[str], list[int], list[int], list[str]]:
    """Columns for ``unnest``; no last posting read is one above every weight."""
    return (
        [t for t, _, _ in parts],
        [n for _, n, _ in parts],
        [c[0] if c else TOP + 1 for _, _, c in parts],
        [c[1] if c else "" for _, _, c in parts],
    )


_PG_STATS = (
    "SELECT token, "
    + ", ".join(_BY_WEIGHT)
    + " FROM resource_search_token_stat WHERE token = ANY($1::text[])"
)
_PG_SCORED = """
SELECT {keys}, sum(s.weight), count(*)
FROM {source} JOIN resource_search_token s
  ON s.resource_id = {source}.resource_id AND s.token = ANY({present}::text[])
GROUP BY {keys}"""
_PG_READ = """WITH posting AS (
  SELECT p.part, r.resource_id, r.weight
  FROM unnest($1::text[], $2::int[], $3::int[], $4::text[])
    WITH ORDINALITY AS p(token, n, last_weight, last_id, part)
  CROSS JOIN LATERAL (
    SELECT t.resource_id, t.weight FROM resource_search_token t
    WHERE t.token = p.token AND t.weight >= $5 AND t.weight <= p.last_weight
      AND (t.weight < p.last_weight OR t.resource_id > p.last_id)
    ORDER BY t.weight DESC, t.resource_id
    LIMIT p.n
  ) r
)""" + _PG_SCORED.format(
    keys="posting.part, posting.resource_id, posting.weight",
    source="posting",
    present="$6",
)
#: Above every bound: no resource read yet.
_NO_BOUND = 1 << 30
_PG_BOUNDED = """WITH bound AS MATERIALIZED (
  SELECT r.resource_id, $4::int + sum(r.weight - p.rest) AS bound,
    $4::int - sum(p.rest) AS missing, count(*) AS seen
  FROM unnest($1::text[], $2::int[], $3::int[]) AS p(token, threshold, rest)
  CROSS JOIN LATERAL (
    SELECT t.resource_id, t.weight FROM resource_search_token t
    WHERE t.token = p.token AND t.weight >= p.threshold
  ) r
  GROUP BY r.resource_id
  HAVING $4::int + sum(r.weight - p.rest) < $6
    OR ($4::int + sum(r.weight - p.rest) = $6 AND r.resource_id > $7 COLLATE "C")
  ORDER BY 2 DESC, r.resource_id COLLATE "C"
  LIMIT $8
), ranked AS (
  SELECT bound.*, row_number() OVER (ORDER BY bound DESC, resource_id COLLATE "C") AS n
  FROM bound
)
SELECT b.resource_id, b.bound,
  CASE WHEN b.missing = 0 THEN b.bound ELSE s.score END,
  CASE WHEN b.missing = 0 THEN b.seen ELSE s.held END
FROM ranked b LEFT JOIN LATERAL (
  SELECT sum(t.weight) AS score, count(*) AS held FROM resource_search_token t
  WHERE b.n <= $9 AND b.missing > 0
    AND t.resource_id = b.resource_id AND t.token = ANY($5::text[])
) s ON true"""
_PG_SCORE = """SELECT i.resource_id, s.score, s.held
FROM unnest($1::text[]) AS i(resource_id) CROSS JOIN LATERAL (
  SELECT sum(t.weight) AS score, count(*) AS held FROM resource_search_token t
  WHERE t.resource_id = i.resource_id AND t.token = ANY($2::text[])
) s"""


class _Portable(_Store):
    """The same through SQLAlchemy Core, on any database (SQLite here)."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def _all(self, query: Any) -> Sequence[Any]:
        return (await (await self.session.connection()).execute(query)).all()

    async def stats(self, wanted: list[str]) -> list[tuple[str, Sequence[int]]]:
        columns = (_STATS.c[c] for c in _BY_WEIGHT)
        rows = await self._all(select(_STATS.c.token, *columns).where(_STATS.c.token.in_(wanted)))
        return [(row[0], list(row[1:])) for row in rows]

    async def read(
        self, parts: list[_Part], threshold: int, present: list[str]
    ) -> list[tuple[int, str, int, int, int]]:
        selects: list[Any] = []
        for i, (token, n, last) in enumerate(parts):
            part = select(literal(i).label("part"), _resource, _weight).where(
                _token == token, _weight >= threshold
            )
            if last is not None:
                part = part.where(_after(last))
            selects.append(part.order_by(_weight.desc(), _resource).limit(n).subquery())
        postings = union_all(*(select(p) for p in selects)).subquery("posting")
        keys = (postings.c.part, postings.c.resource_id, postings.c.weight)
        rows = await self._all(self._scored(postings, keys, present))
        return [(int(r[0]), r[1], int(r[2]), int(r[3]), int(r[4])) for r in rows]

    async def bounded(
        self,
        parts: list[tuple[str, int, int]],
        base: int,
        present: list[str],
        n: int,
        scored: int,
        after: tuple[int, str] | None,
    ) -> list[tuple[str, int, int | None, int | None]]:
        gains = union_all(
            *(
                select(
                    _resource, (_weight - rest).label("gain"), literal(rest).label("rest")
                ).where(_token == token, _weight >= threshold)
                for token, threshold, rest in parts
            )
        ).subquery("gain")
        bound = (literal(base) + func.sum(gains.c.gain)).label("bound")
        missing = (literal(base) - func.sum(gains.c.rest)).label("missing")
        query = select(gains.c.resource_id, bound, missing, func.count()).group_by(
            gains.c.resource_id
        )
        if after is not None:
            last_bound, last_id = after
            query = query.having(
                or_(bound < last_bound, and_(bound == last_bound, gains.c.resource_id > last_id))
            )
        rows = await self._all(query.order_by(bound.desc(), gains.c.resource_id).limit(n))
        # Holding no token its bound leaves room for: the bound is the score.
        return [
            (r[0], int(r[1]), *((int(r[1]), int(r[3])) if r[2] == 0 else (None, None)))
            for r in rows
        ]

    async def score(self, ids: list[str], present: list[str]) -> list[tuple[str, int, int]]:
        query = (
            select(_resource, func.sum(_weight), func.count())
            .where(_resource.in_(ids), _token.in_(present))
            .group_by(_resource)
        )
        return [(r[0], int(r[1]), int(r[2])) for r in await self._all(query)]

    @staticmethod
    def _scored(source: Any, keys: Sequence[Any], present: list[str]) -> Any:
        return (
            select(*keys, func.sum(_weight), func.count())
            .join_from(
                source,
                SearchToken,
                and_(_resource == source.c.resource_id, _token.in_(present)),
            )
            .group_by(*keys)
        )


def _after(cursor: tuple[int, str]) -> Any:
    weight, resource = cursor
    return or_(_weight < weight, and_(_weight == weight, _resource > resource))
