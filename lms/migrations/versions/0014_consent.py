"""core: consent answers per member and purpose of the evaluation

Revision ID: 0014_consent
Revises: 0013_cohort_codebooks
Create Date: 2026-12-07 17:30:00

Members who had `evaluation_consent` set keep it as a "yes" for survey analysis (that is
what it gated). Quotes and interview contact were never asked, so they start unanswered
and those members are asked on their dashboard.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0014_consent'
down_revision = '0013_cohort_codebooks'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('consent_answers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('membership_id', sa.Integer(), nullable=False),
    sa.Column('purpose', sa.String(length=40), nullable=False),
    sa.Column('given', sa.Boolean(), nullable=False),
    sa.Column('answered_at', sa.DateTime(), nullable=False),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.Column('source', sa.String(length=20), nullable=False),
    sa.ForeignKeyConstraint(['membership_id'], ['memberships.id'], name=op.f('fk_consent_answers_membership_id_memberships'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['users.id'], name=op.f('fk_consent_answers_recorded_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_consent_answers')),
    sa.UniqueConstraint('membership_id', 'purpose', name=op.f('uq_consent_answers_membership_id'))
    )
    with op.batch_alter_table('consent_answers', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_consent_answers_membership_id'), ['membership_id'], unique=False)

    op.execute(
        "INSERT INTO consent_answers (membership_id, purpose, given, answered_at, source) "
        "SELECT id, 'survey-analysis', evaluation_consent, created_at, 'roster' "
        "FROM memberships WHERE evaluation_consent"
    )


def downgrade():
    with op.batch_alter_table('consent_answers', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_consent_answers_membership_id'))

    op.drop_table('consent_answers')
