"""reflections: entries (one per member and course week), append-only versions, feedback

Revision ID: 0003_reflections
Revises: 0004_initiatives
Create Date: 2026-11-27 17:10:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0003_reflections'
down_revision = '0004_initiatives'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('reflections_entries',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('membership_id', sa.Integer(), nullable=False),
    sa.Column('week', sa.Integer(), nullable=False),
    sa.Column('current_version', sa.Integer(), nullable=False),
    sa.Column('submitted_version', sa.Integer(), nullable=True),
    sa.Column('shared', sa.Boolean(), nullable=False),
    sa.Column('evaluation_consent', sa.Boolean(), nullable=False),
    sa.Column('consent_changed_at', sa.DateTime(), nullable=True),
    sa.Column('first_submitted_at', sa.DateTime(), nullable=True),
    sa.Column('submitted_at', sa.DateTime(), nullable=True),
    sa.Column('late', sa.Boolean(), nullable=False),
    sa.Column('reviewed_at', sa.DateTime(), nullable=True),
    sa.Column('reviewed_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['membership_id'], ['memberships.id'], name=op.f('fk_reflections_entries_membership_id_memberships'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['reviewed_by_id'], ['users.id'], name=op.f('fk_reflections_entries_reviewed_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_reflections_entries')),
    sa.UniqueConstraint('membership_id', 'week', name=op.f('uq_reflections_entries_membership_id'))
    )
    with op.batch_alter_table('reflections_entries', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_reflections_entries_membership_id'), ['membership_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_reflections_entries_submitted_at'), ['submitted_at'], unique=False)

    op.create_table('reflections_feedback',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('entry_id', sa.Integer(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('author_role', sa.String(length=20), nullable=False),
    sa.Column('version_number', sa.Integer(), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_reflections_feedback_author_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['entry_id'], ['reflections_entries.id'], name=op.f('fk_reflections_feedback_entry_id_reflections_entries'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_reflections_feedback'))
    )
    with op.batch_alter_table('reflections_feedback', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_reflections_feedback_entry_id'), ['entry_id'], unique=False)

    op.create_table('reflections_versions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('entry_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('answers_json', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['entry_id'], ['reflections_entries.id'], name=op.f('fk_reflections_versions_entry_id_reflections_entries'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_reflections_versions')),
    sa.UniqueConstraint('entry_id', 'number', name=op.f('uq_reflections_versions_entry_id'))
    )
    with op.batch_alter_table('reflections_versions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_reflections_versions_entry_id'), ['entry_id'], unique=False)


def downgrade():
    with op.batch_alter_table('reflections_versions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_reflections_versions_entry_id'))

    op.drop_table('reflections_versions')
    with op.batch_alter_table('reflections_feedback', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_reflections_feedback_entry_id'))

    op.drop_table('reflections_feedback')
    with op.batch_alter_table('reflections_entries', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_reflections_entries_submitted_at'))
        batch_op.drop_index(batch_op.f('ix_reflections_entries_membership_id'))

    op.drop_table('reflections_entries')
