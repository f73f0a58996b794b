"""deployments (files deployed together) and decision definitions

Every process definition deployed before this migration gets a deployment of its own,
holding the files it was deployed with.

Revision ID: 0007_deployments
Revises: 0006
"""

import uuid

import sqlalchemy as sa
from alembic import op

revision = "0007_deployments"
down_revision = "0006"
branch_labels = None
depends_on = None

BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    deployments = op.create_table(
        "deployments",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("name", sa.String(length=400), nullable=True),
        sa.Column("source", sa.String(length=400), nullable=True),
        sa.Column("resources", sa.JSON(), nullable=False),
        sa.Column("deployed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("deployed_by", sa.String(length=200), nullable=False),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("deleted_by", sa.String(length=200), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "decision_definitions",
        sa.Column("id", BigId, nullable=False),
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=400), nullable=True),
        sa.Column("resource_name", sa.String(length=400), nullable=False),
        sa.Column("dmn", sa.Text(), nullable=False),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("deployed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("deployment_id", sa.String(length=36), nullable=False),
        sa.ForeignKeyConstraint(["deployment_id"], ["deployments.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("key", "version"),
    )
    with op.batch_alter_table("decision_definitions") as batch_op:
        batch_op.create_index("ix_decision_definitions_key", ["key"])
        batch_op.create_index("ix_decision_definitions_deployment_id", ["deployment_id"])
    with op.batch_alter_table("process_definitions") as batch_op:
        batch_op.add_column(sa.Column("deployment_id", sa.String(length=36), nullable=True))
        batch_op.create_index("ix_process_definitions_deployment_id", ["deployment_id"])
        batch_op.create_foreign_key(
            "fk_process_definitions_deployment_id", "deployments", ["deployment_id"], ["id"]
        )
    _give_each_definition_a_deployment(deployments)


def _give_each_definition_a_deployment(deployments) -> None:
    connection = op.get_bind()
    definitions = sa.table(
        "process_definitions",
        sa.column("id", sa.Integer),
        sa.column("source", sa.JSON),
        sa.column("deployed_at", sa.DateTime(timezone=True)),
        sa.column("deployed_by", sa.String),
        sa.column("deployment_id", sa.String),
    )
    rows = connection.execute(
        sa.select(
            definitions.c.id, definitions.c.source, definitions.c.deployed_at, definitions.c.deployed_by
        )
    ).all()
    for row in rows:
        deployment_id = str(uuid.uuid4())
        connection.execute(
            deployments.insert().values(
                id=deployment_id,
                name=None,
                source="licflow deploy",
                resources=row.source,
                deployed_at=row.deployed_at,
                deployed_by=row.deployed_by,
            )
        )
        connection.execute(
            definitions.update().where(definitions.c.id == row.id).values(deployment_id=deployment_id)
        )


def downgrade() -> None:
    with op.batch_alter_table("process_definitions") as batch_op:
        batch_op.drop_constraint("fk_process_definitions_deployment_id", type_="foreignkey")
        batch_op.drop_index("ix_process_definitions_deployment_id")
        batch_op.drop_column("deployment_id")
    op.drop_table("decision_definitions")
    op.drop_table("deployments")
