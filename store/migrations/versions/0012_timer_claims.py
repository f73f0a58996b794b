"""timer claims: a timer service takes due timers in batches, each under a lease

A sweep claims the due timers it is about to fire in one statement: `claimed_by` names the
claim and `claimed_until` is when the claim lapses, so the timers of a process that died
between claiming and firing are taken again by another. Firing clears both.

Revision ID: 0010_timer_claims
Revises: 0009_start_events
"""

import sqlalchemy as sa
from alembic import op

revision = "0010_timer_claims"
down_revision = "0009_start_events"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("timers") as batch_op:
        batch_op.add_column(sa.Column("claimed_by", sa.String(100), nullable=True))
        batch_op.add_column(sa.Column("claimed_until", sa.DateTime(timezone=True), nullable=True))
        batch_op.create_index("ix_timers_claims", ["status", "claimed_until"])


def downgrade() -> None:
    with op.batch_alter_table("timers") as batch_op:
        batch_op.drop_index("ix_timers_claims")
        batch_op.drop_column("claimed_until")
        batch_op.drop_column("claimed_by")
