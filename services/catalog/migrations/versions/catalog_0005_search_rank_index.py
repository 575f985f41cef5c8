"""search rank index: each token's postings best first, for the early-stopping search (Art. 7)

Revision ID: catalog_0005
Revises: catalog_0004
Create Date: 2026-11-29 07:05:00.000000
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = 'catalog_0005'
down_revision: str | None = 'catalog_0004'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('resource_search_token', schema=None) as batch_op:
        batch_op.create_index(
            'ix_resource_search_token_rank',
            ['token', sa.text('weight DESC'), 'resource_id'],
            unique=False,
        )


def downgrade() -> None:
    with op.batch_alter_table('resource_search_token', schema=None) as batch_op:
        batch_op.drop_index('ix_resource_search_token_rank')
