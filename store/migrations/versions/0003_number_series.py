"""number series for license numbers

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "number_series",
        sa.Column("series", sa.String(length=100), nullable=False),
        sa.Column("last_value", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("series"),
    )
    op.create_table(
        "number_allocations",
        sa.Column("idempotency_key", sa.String(length=120), nullable=False),
        sa.Column("series", sa.String(length=100), nullable=False),
        sa.Column("value", sa.Integer(), nullable=False),
        sa.Column("allocated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("idempotency_key", "series"),
        sa.UniqueConstraint("series", "value"),
    )


def downgrade() -> None:
    op.drop_table("number_allocations")
    op.drop_table("number_series")
