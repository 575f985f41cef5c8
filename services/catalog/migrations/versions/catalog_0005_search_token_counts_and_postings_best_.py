"""search: token counts and postings best first, for the pruned ranking

The ranking (``catalog.resources.search``) reads how many resources hold each token, by weight,
from ``resource_search_token_stat`` (filled here from the tokens already indexed); it reads a
token's postings best first, ties by id, from an index on ``(token, weight DESC, resource_id)``,
and a resource's postings from one on ``(resource_id, token, weight)``. These replace the indexes
on ``(token, resource_id, weight)`` and ``(resource_id)``; both are built over the postings
already there.

Revision ID: catalog_0005
Revises: catalog_0004
Create Date: 2026-12-07 14:00:15.946894
"""
from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = 'catalog_0005'
down_revision: str | None = 'catalog_0004'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('resource_search_token_stat',
    sa.Column('token', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('weight_1', sa.Integer(), nullable=False),
    sa.Column('weight_2', sa.Integer(), nullable=False),
    sa.Column('weight_3', sa.Integer(), nullable=False),
    sa.Column('weight_4', sa.Integer(), nullable=False),
    sa.Column('weight_5', sa.Integer(), nullable=False),
    sa.Column('weight_6', sa.Integer(), nullable=False),
    sa.Column('weight_7', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('token')
    )
    weights = range(1, 8)
    op.execute(
        "INSERT INTO resource_search_token_stat (token, "
        + ", ".join(f"weight_{w}" for w in weights)
        + ") SELECT token, "
        + ", ".join(f"sum(CASE WHEN weight = {w} THEN 1 ELSE 0 END)" for w in weights)
        + " FROM resource_search_token GROUP BY token"
    )
    with op.batch_alter_table('resource_search_token', schema=None) as batch_op:
        batch_op.drop_index('ix_resource_search_token_cover')
        batch_op.drop_index('ix_resource_search_token_resource_id')
        batch_op.create_index(
            'ix_resource_search_token_rank',
            ['token', sa.text('weight DESC'), 'resource_id'],
            unique=False,
        )
        batch_op.create_index(
            'ix_resource_search_token_resource', ['resource_id', 'token', 'weight'], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table('resource_search_token', schema=None) as batch_op:
        batch_op.drop_index('ix_resource_search_token_resource')
        batch_op.drop_index('ix_resource_search_token_rank')
        batch_op.create_index('ix_resource_search_token_resource_id', ['resource_id'], unique=False)
        batch_op.create_index(
            'ix_resource_search_token_cover', ['token', 'resource_id', 'weight'], unique=False
        )
    op.drop_table('resource_search_token_stat')
