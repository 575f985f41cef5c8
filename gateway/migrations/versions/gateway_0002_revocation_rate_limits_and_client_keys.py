"""revocation, rate limits and client keys

Revision ID: gateway_0002
Revises: gateway_0001
Create Date: 2026-11-29 05:40:00.000000
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import pdp_kit.db

revision: str = 'gateway_0002'
down_revision: str | None = 'gateway_0001'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('oauth_client') as batch:
        batch.add_column(
            sa.Column('configured', sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch.add_column(
            sa.Column('not_before', pdp_kit.db.UTCDateTime(timezone=True), nullable=True)
        )
        batch.add_column(sa.Column('rate_per_second', sa.Float(), nullable=True))
        batch.add_column(sa.Column('rate_burst', sa.Integer(), nullable=True))
        batch.add_column(sa.Column('jwks', sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('oauth_client') as batch:
        batch.drop_column('jwks')
        batch.drop_column('rate_burst')
        batch.drop_column('rate_per_second')
        batch.drop_column('not_before')
        batch.drop_column('configured')
