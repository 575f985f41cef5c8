"""Verifying the chains (Art. 32): every link recomputed from the stored records, in order.

Per kind, from the latest signed cut (a retention purge) or the genesis link:

- positions must follow one another (a record removed or inserted is a gap or a surplus);
- each stored link must equal ``SM3(previous || record)`` (an edit or a reorder breaks it), the
  record in the chain's canonical form; a chain in form 2 starts in form 1 and changes once,
  at the first record whose form 2 link holds, so its older records keep verifying and no
  record after that change can be slipped in as form 1;
- the chain must reach its head row (a cut tail falls short of it);
- each signed checkpoint past the cut must verify with the audit key and match the link at its
  position (a rewrite of the whole chain, links and head recomputed, does not).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from audit.chain.appender import Chain
from audit.chain.hashing import FORM_2, fields_text, genesis, link, links_of
from audit.chain.keys import SigningKey
from audit.chain.models import ChainCheckpoint, ChainCut, ChainHead
from audit.chain.signing import checkpoint_message, cut_message


@dataclass(frozen=True)
class Finding:
    checked: int
    first_bad: int | None = None


async def latest_cut(session: AsyncSession, kind: str) -> ChainCut | None:
    cut: ChainCut | None = await session.scalar(
        select(ChainCut)
        .where(col(ChainCut.kind) == kind)
        .order_by(col(ChainCut.position).desc())
        .limit(1)
    )
    return cut


async def verify_chain(session: AsyncSession, chain: Chain, key: SigningKey) -> Finding:
    kind = chain.kind
    cut = await latest_cut(session, kind)
    if cut is not None and not key.verifies(cut_message(cut), cut.signature):
        return Finding(0, cut.position)
    start = cut.position if cut is not None else 0
    previous = bytes.fromhex(cut.hash) if cut is not None else genesis(kind)
    checkpoints: dict[int, list[ChainCheckpoint]] = {}
    for checkpoint in await session.scalars(
        select(ChainCheckpoint).where(
            col(ChainCheckpoint.kind) == kind, col(ChainCheckpoint.position) > start
        )
    ):
        if not key.verifies(checkpoint_message(checkpoint), checkpoint.signature):
            return Finding(0, checkpoint.position)
        checkpoints.setdefault(checkpoint.position, []).append(checkpoint)

    seq = chain.table.c.seq
    rows = await session.stream(
        select(chain.table).where(seq > start).order_by(seq).execution_options(yield_per=5000)
    )
    expected, checked = start + 1, 0
    form, last_form = 1, chain.form
    async for row in rows:
        record = row._mapping
        if record["seq"] != expected:
            return Finding(checked, expected)
        current = previous
        if form == 1:
            previous = link(current, kind, expected, record, chain.columns)
            if previous.hex() != record["hash"] and last_form == FORM_2:
                form = FORM_2  # the change, if this record's form 2 link holds
        if form == FORM_2:
            text = fields_text(record, chain.columns)
            previous = next(links_of(current, kind, expected - 1, [text]))
        if previous.hex() != record["hash"]:
            return Finding(checked, expected)
        for checkpoint in checkpoints.pop(expected, ()):
            if checkpoint.hash != record["hash"]:
                return Finding(checked, expected)
        checked += 1
        expected += 1
    last = expected - 1
    head = await session.get(ChainHead, kind)
    if head is None or head.position > last:  # the tail was cut
        return Finding(checked, last + 1)
    if head.position < last:  # records appended past the head
        return Finding(checked, head.position + 1)
    if head.hash != previous.hex():
        return Finding(checked, last)
    if checkpoints:  # signed past what is stored: the tail was cut
        return Finding(checked, last + 1)
    return Finding(checked)
