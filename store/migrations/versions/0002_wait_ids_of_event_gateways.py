"""wait ids of event-based gateways

An event-based gateway waits for several timers and messages under one engine task;
each gets the id "<task id>:<n>", which needs more than 36 characters.

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

TABLES = ("timers", "message_subscriptions")


def upgrade() -> None:
    for table in TABLES:
        with op.batch_alter_table(table) as batch_op:
            batch_op.alter_column("id", type_=sa.String(48), existing_type=sa.String(36))


def downgrade() -> None:
    for table in TABLES:
        with op.batch_alter_table(table) as batch_op:
            batch_op.alter_column("id", type_=sa.String(36), existing_type=sa.String(48))
