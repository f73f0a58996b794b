"""applications submitted through the applicant portal, as signed

Revision ID: 0006
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "portal_applications",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("number", sa.String(length=40), nullable=False),
        sa.Column("applicant_id", sa.String(length=12), nullable=False),
        sa.Column("case_id", sa.String(length=36), nullable=False),
        sa.Column("digest", sa.String(length=64), nullable=False),
        sa.Column("document", sa.Text(), nullable=False),
        sa.Column("signer_subject", sa.String(length=1000), nullable=False),
        sa.Column("signer_certificate_serial", sa.String(length=80), nullable=False),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("submitted_by", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("number"),
        sa.UniqueConstraint("digest"),
    )
    with op.batch_alter_table("portal_applications") as batch_op:
        batch_op.create_index("ix_portal_applications_applicant_id", ["applicant_id"])
        batch_op.create_index("ix_portal_applications_case_id", ["case_id"])


def downgrade() -> None:
    op.drop_table("portal_applications")
