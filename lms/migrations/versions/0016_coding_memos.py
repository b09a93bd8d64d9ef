"""evaluation: a coder's memo on each coding (excerpt)

Revision ID: 0016_coding_memos
Revises: 0015_sessions
Create Date: 2026-12-07 18:30:00

Existing codings get an empty memo.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0016_coding_memos'
down_revision = '0015_sessions'
branch_labels = None
depends_on = None


def upgrade():
    # A plain ADD COLUMN on every database: no table rebuild.
    op.add_column(
        'evaluation_codings', sa.Column('memo', sa.Text(), server_default='', nullable=False)
    )


def downgrade():
    # On SQLite the batch rebuild drops the old table, and with foreign keys on that
    # cascades to the codings' themes: keep them and put them back (see 0013).
    connection = op.get_bind()
    links = connection.execute(
        sa.text("SELECT coding_id, theme_id FROM evaluation_coding_themes")
    ).all()
    with op.batch_alter_table('evaluation_codings', schema=None) as batch_op:
        batch_op.drop_column('memo')
    connection.execute(sa.text("DELETE FROM evaluation_coding_themes"))
    if links:
        connection.execute(
            sa.text("INSERT INTO evaluation_coding_themes (coding_id, theme_id) VALUES (:c, :t)"),
            [{"c": coding, "t": theme} for coding, theme in links],
        )
