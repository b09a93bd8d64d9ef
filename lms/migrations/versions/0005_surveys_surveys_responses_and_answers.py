"""surveys: responses (one per member, instrument and wave) and their answers

Revision ID: 0005_surveys
Revises: 0008_audit
Create Date: 2026-11-28 10:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0005_surveys'
down_revision = '0008_audit'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('surveys_responses',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('cohort_id', sa.Integer(), nullable=False),
    sa.Column('membership_id', sa.Integer(), nullable=True),
    sa.Column('anonymous_key', sa.String(length=32), nullable=True),
    sa.Column('instrument', sa.String(length=60), nullable=False),
    sa.Column('wave', sa.String(length=10), nullable=False),
    sa.Column('started_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('submitted_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['cohort_id'], ['cohorts.id'], name=op.f('fk_surveys_responses_cohort_id_cohorts'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['membership_id'], ['memberships.id'], name=op.f('fk_surveys_responses_membership_id_memberships'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_surveys_responses')),
    sa.UniqueConstraint('membership_id', 'instrument', 'wave', name=op.f('uq_surveys_responses_membership_id'))
    )
    with op.batch_alter_table('surveys_responses', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_surveys_responses_cohort_id'), ['cohort_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_surveys_responses_membership_id'), ['membership_id'], unique=False)

    op.create_table('surveys_answers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('response_id', sa.Integer(), nullable=False),
    sa.Column('item_id', sa.String(length=60), nullable=False),
    sa.Column('value', sa.Integer(), nullable=True),
    sa.Column('text', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['response_id'], ['surveys_responses.id'], name=op.f('fk_surveys_answers_response_id_surveys_responses'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_surveys_answers')),
    sa.UniqueConstraint('response_id', 'item_id', name=op.f('uq_surveys_answers_response_id'))
    )
    with op.batch_alter_table('surveys_answers', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_surveys_answers_response_id'), ['response_id'], unique=False)


def downgrade():
    with op.batch_alter_table('surveys_answers', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_surveys_answers_response_id'))

    op.drop_table('surveys_answers')
    with op.batch_alter_table('surveys_responses', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_surveys_responses_membership_id'))
        batch_op.drop_index(batch_op.f('ix_surveys_responses_cohort_id'))

    op.drop_table('surveys_responses')
