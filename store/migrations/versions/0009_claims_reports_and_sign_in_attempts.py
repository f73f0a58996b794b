"""claims and reports: versions on external tasks and timers, reported outcomes, sign-in attempts

Revision ID: 0007_claims
Revises: 0007_case_documents
"""

import sqlalchemy as sa
from alembic import op

revision = "0007_claims"
down_revision = "0007_case_documents"
branch_labels = None
depends_on = None


def upgrade() -> None:
    for table in ("external_tasks", "timers"):
        with op.batch_alter_table(table) as batch_op:
            batch_op.add_column(sa.Column("version", sa.Integer(), nullable=False, server_default="0"))
    op.create_table(
        "external_task_reports",
        sa.Column("task_id", sa.String(length=36), nullable=False),
        sa.Column("case_id", sa.String(length=36), nullable=False),
        sa.Column("worker_id", sa.String(length=200), nullable=False),
        sa.Column("lock_number", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("digest", sa.String(length=64), nullable=False),
        sa.Column("reported_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("task_id"),
    )
    op.create_index("ix_external_task_reports_case_id", "external_task_reports", ["case_id"])
    op.create_table(
        "sign_in_attempts",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("username", sa.String(length=200), nullable=False),
        sa.Column("address", sa.String(length=64), nullable=False),
        sa.Column("outcome", sa.String(length=20), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_sign_in_attempts_username", "sign_in_attempts", ["username", "at"])
    op.create_index("ix_sign_in_attempts_address", "sign_in_attempts", ["address", "at"])


def downgrade() -> None:
    op.drop_table("sign_in_attempts")
    op.drop_table("external_task_reports")
    for table in ("timers", "external_tasks"):
        with op.batch_alter_table(table) as batch_op:
            batch_op.drop_column("version")
