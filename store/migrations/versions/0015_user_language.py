"""user language: the language a person reads the staff pages in (kk, ru or en)

NULL means the person has not chosen: the pages follow the browser's Accept-Language,
else Kazakh, the state language.

Revision ID: 0013_user_language
Revises: 0012_async_jobs
"""

import sqlalchemy as sa
from alembic import op

revision = "0013_user_language"
down_revision = "0012_async_jobs"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("users") as batch_op:
        batch_op.add_column(sa.Column("language", sa.String(8), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("users") as batch_op:
        batch_op.drop_column("language")
