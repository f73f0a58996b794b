"""Async continuations are jobs of the timer service: a timer row's kind, retries and last error.

A job (`kind` "job") is the due-now row of an async continuation (camunda:asyncBefore /
asyncAfter): the timer service runs it, and a failure counts down its retries (three, as
Camunda's default) and keeps the error, until an incident stands at the element. Existing
rows are timers.

Revision ID: 0012_async_jobs
Revises: 0010_timer_claims
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012_async_jobs"
down_revision = "0010_timer_claims"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("timers") as batch_op:
        batch_op.add_column(sa.Column("kind", sa.String(20), nullable=False, server_default="timer"))
        batch_op.add_column(sa.Column("retries", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("error_message", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("timers") as batch_op:
        batch_op.drop_column("error_message")
        batch_op.drop_column("retries")
        batch_op.drop_column("kind")
