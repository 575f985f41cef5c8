"""The kit's tables: outbox, inbox, operator calendar, sweep leases.

Revision ID: kit_0001
Revises:
Create Date: 2026-11-26
"""

import sqlalchemy as sa
from alembic import op

from pdp_kit.db import UTCDateTime

revision = "kit_0001"
down_revision = None
branch_labels = ("pdp_kit",)
depends_on = None


def upgrade() -> None:
    op.create_table(
        "pdp_outbox",
        sa.Column(
            "seq", sa.BigInteger().with_variant(sa.Integer, "sqlite"), primary_key=True
        ),
        sa.Column("event_id", sa.String(64), nullable=False, unique=True),
        sa.Column("topic", sa.String(200), nullable=False),
        sa.Column("key", sa.String(200), nullable=True),
        sa.Column("value", sa.LargeBinary, nullable=False),
        sa.Column("headers", sa.JSON, nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("sent_at", UTCDateTime(), nullable=True),
        sa.Column("attempts", sa.Integer, nullable=False),
    )
    op.create_index("ix_pdp_outbox_unsent", "pdp_outbox", ["sent_at", "seq"])
    op.create_table(
        "pdp_inbox",
        sa.Column("consumer", sa.String(100), primary_key=True),
        sa.Column("event_id", sa.String(64), primary_key=True),
        sa.Column("event_type", sa.String(200), nullable=False),
        sa.Column("handled_at", UTCDateTime(), nullable=False),
    )
    op.create_table(
        "pdp_calendar_year",
        sa.Column("year", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("holidays", sa.JSON, nullable=False),
        sa.Column("workdays", sa.JSON, nullable=False),
        sa.Column("loaded_at", UTCDateTime(), nullable=False),
    )
    op.create_table(
        "pdp_sweep_lease",
        sa.Column("name", sa.String(100), primary_key=True),
        sa.Column("holder", sa.String(200), nullable=True),
        sa.Column("started_at", UTCDateTime(), nullable=True),
        sa.Column("last_as_of", sa.Date, nullable=True),
        sa.Column("last_result", sa.JSON, nullable=True),
    )


def downgrade() -> None:
    for table in ("pdp_sweep_lease", "pdp_calendar_year", "pdp_inbox", "pdp_outbox"):
        op.drop_table(table)
