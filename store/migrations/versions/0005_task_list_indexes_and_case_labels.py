"""task list: keyset index on open user tasks, case labels for filters

Revision ID: 0005
Revises: 0004
"""

import json

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

LABELLED = ("kind", "direction", "list_section", "applicant_name")


def upgrade() -> None:
    op.create_index("ix_user_tasks_keyset", "user_tasks", ["status", "due_at", "id"])
    op.create_table(
        "case_labels",
        sa.Column("case_id", sa.String(length=36), sa.ForeignKey("cases.id"), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=True),
        sa.Column("direction", sa.String(length=20), nullable=True),
        sa.Column("list_section", sa.String(length=20), nullable=True),
        sa.Column("applicant_name", sa.String(length=400), nullable=True),
        sa.PrimaryKeyConstraint("case_id"),
    )
    op.create_index("ix_case_labels_kind", "case_labels", ["kind"])
    _label_existing_cases()


def _label_existing_cases() -> None:
    """Label the cases started before this migration from their case_started history event."""
    connection = op.get_bind()
    rows = connection.execute(
        sa.text("SELECT case_id, data FROM history_events WHERE kind = 'case_started'")
    ).fetchall()
    labels = sa.table("case_labels", *(sa.column(name) for name in ("case_id", *LABELLED)))
    batch = []
    for case_id, data in rows:
        data = json.loads(data) if isinstance(data, str) else (data or {})
        variables = data.get("variables") or {}
        batch.append({"case_id": case_id, **{k: _text(variables.get(k)) for k in LABELLED}})
    if batch:
        op.bulk_insert(labels, batch)


def _text(value):
    return None if value is None else str(value)[:400]


def downgrade() -> None:
    op.drop_index("ix_case_labels_kind", table_name="case_labels")
    op.drop_table("case_labels")
    op.drop_index("ix_user_tasks_keyset", table_name="user_tasks")
