"""start events and signals: timer start events, message and signal start subscriptions, signal waits

A timer start event is a timer of a definition rather than of a case (case_id is NULL);
a cycle keeps its timeCycle and how often it fired. Message and signal start events of the newest
version of each process are listed in start_subscriptions. A signal catch a case waits
on is a subscription of kind "signal".

Revision ID: 0009_start_events
Revises: 0008_signed_identity
"""

import sqlalchemy as sa
from alembic import op

revision = "0009_start_events"
down_revision = "0008_signed_identity"
branch_labels = None
depends_on = None

BIG_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    with op.batch_alter_table("message_subscriptions") as batch_op:
        batch_op.add_column(sa.Column("kind", sa.String(20), nullable=False, server_default="message"))
    with op.batch_alter_table("timers") as batch_op:
        batch_op.alter_column("case_id", existing_type=sa.String(36), nullable=True)
        batch_op.add_column(sa.Column("definition_id", BIG_ID, nullable=True))
        batch_op.add_column(sa.Column("cycle", sa.JSON(), nullable=True))
        batch_op.create_foreign_key(
            "fk_timers_definition_id", "process_definitions", ["definition_id"], ["id"]
        )
        batch_op.create_index("ix_timers_definition_id", ["definition_id"])
    op.create_table(
        "start_subscriptions",
        sa.Column("id", BIG_ID, nullable=False),
        sa.Column("definition_id", BIG_ID, nullable=False),
        sa.Column("process_key", sa.String(200), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("element_id", sa.String(200), nullable=False),
        sa.ForeignKeyConstraint(["definition_id"], ["process_definitions.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("start_subscriptions") as batch_op:
        batch_op.create_index("ix_start_subscriptions_name", ["kind", "name"])
        batch_op.create_index("ix_start_subscriptions_process_key", ["process_key"])


def downgrade() -> None:
    op.drop_table("start_subscriptions")
    with op.batch_alter_table("timers") as batch_op:
        batch_op.drop_index("ix_timers_definition_id")
        batch_op.drop_constraint("fk_timers_definition_id", type_="foreignkey")
        batch_op.drop_column("cycle")
        batch_op.drop_column("definition_id")
        batch_op.alter_column("case_id", existing_type=sa.String(36), nullable=False)
    with op.batch_alter_table("message_subscriptions") as batch_op:
        batch_op.drop_column("kind")
