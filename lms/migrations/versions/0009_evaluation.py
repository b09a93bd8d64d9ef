"""evaluation: the codebook of themes and the codings of excerpts

Revision ID: 0009_evaluation
Revises: 0007_reminders
Create Date: 2026-11-28 12:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0009_evaluation'
down_revision = '0007_reminders'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('evaluation_themes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('programme', sa.String(length=60), nullable=False),
    sa.Column('parent_id', sa.Integer(), nullable=True),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('definition', sa.Text(), nullable=False),
    sa.Column('example', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['parent_id'], ['evaluation_themes.id'], name=op.f('fk_evaluation_themes_parent_id_evaluation_themes'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_evaluation_themes'))
    )
    with op.batch_alter_table('evaluation_themes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_evaluation_themes_parent_id'), ['parent_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_evaluation_themes_programme'), ['programme'], unique=False)

    op.create_table('evaluation_codings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('cohort_id', sa.Integer(), nullable=False),
    sa.Column('source', sa.String(length=200), nullable=False),
    sa.Column('start', sa.Integer(), nullable=False),
    sa.Column('end', sa.Integer(), nullable=False),
    sa.Column('digest', sa.String(length=64), nullable=False),
    sa.Column('coder_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['cohort_id'], ['cohorts.id'], name=op.f('fk_evaluation_codings_cohort_id_cohorts'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['coder_id'], ['users.id'], name=op.f('fk_evaluation_codings_coder_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_evaluation_codings'))
    )
    with op.batch_alter_table('evaluation_codings', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_evaluation_codings_coder_id'), ['coder_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_evaluation_codings_cohort_id'), ['cohort_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_evaluation_codings_source'), ['source'], unique=False)

    op.create_table('evaluation_coding_themes',
    sa.Column('coding_id', sa.Integer(), nullable=False),
    sa.Column('theme_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['coding_id'], ['evaluation_codings.id'], name=op.f('fk_evaluation_coding_themes_coding_id_evaluation_codings'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['theme_id'], ['evaluation_themes.id'], name=op.f('fk_evaluation_coding_themes_theme_id_evaluation_themes'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('coding_id', 'theme_id', name=op.f('pk_evaluation_coding_themes'))
    )
    with op.batch_alter_table('evaluation_coding_themes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_evaluation_coding_themes_theme_id'), ['theme_id'], unique=False)


def downgrade():
    with op.batch_alter_table('evaluation_coding_themes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_evaluation_coding_themes_theme_id'))
    op.drop_table('evaluation_coding_themes')
    with op.batch_alter_table('evaluation_codings', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_evaluation_codings_source'))
        batch_op.drop_index(batch_op.f('ix_evaluation_codings_cohort_id'))
        batch_op.drop_index(batch_op.f('ix_evaluation_codings_coder_id'))
    op.drop_table('evaluation_codings')
    with op.batch_alter_table('evaluation_themes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_evaluation_themes_programme'))
        batch_op.drop_index(batch_op.f('ix_evaluation_themes_parent_id'))
    op.drop_table('evaluation_themes')
