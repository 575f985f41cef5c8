"""What a checkpoint and a cut sign: every field that matters, in one fixed form."""

from __future__ import annotations

from audit.chain.models import ChainCheckpoint, ChainCut


def checkpoint_message(checkpoint: ChainCheckpoint) -> bytes:
    return "|".join(
        (
            "checkpoint",
            checkpoint.kind,
            str(checkpoint.position),
            checkpoint.hash,
            checkpoint.signed_at.isoformat(),
        )
    ).encode()


def cut_message(cut: ChainCut) -> bytes:
    return "|".join(
        (
            "cut",
            cut.kind,
            str(cut.position),
            cut.hash,
            str(cut.removed),
            cut.older_than.isoformat(),
            cut.method,
            cut.cut_at.isoformat(),
        )
    ).encode()
