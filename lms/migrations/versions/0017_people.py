"""people: deactivated accounts and the reason for a withdrawal

Revision ID: 0017_people
Revises: 0016_coding_memos
Create Date: 2026-12-07 20:30:00

Existing users stay active; existing withdrawals have no recorded reason.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0017_people'
down_revision = '0016_coding_memos'
branch_labels = None
depends_on = None


def upgrade():
    # Plain ADD COLUMNs of nullable columns: no table rebuild on any database.
    op.add_column('users', sa.Column('deactivated_at', sa.DateTime(), nullable=True))
    op.add_column(
        'memberships', sa.Column('withdrawal_reason', sa.String(length=40), nullable=True)
    )


def downgrade():
    # A plain DROP COLUMN (SQLite 3.35+ and PostgreSQL): a batch rebuild of `users`
    # would cascade to every table that refers to it.
    op.execute("ALTER TABLE memberships DROP COLUMN withdrawal_reason")
    op.execute("ALTER TABLE users DROP COLUMN deactivated_at")
