"""core: failed sign-ins counted in the database; rescued forms belong to their writer

Revision ID: 0012_signin_failures
Revises: 0011_experts
Create Date: 2026-12-07 17:20:00

signin_attempts: the per-account sign-in limit, shared by every worker and host.

rescued_forms is rebuilt with the person who wrote the text, the address it was posted
to and the page that shows the form. Rows kept before hold text of unknown owners (the
reason for this change), so they are not carried over; they lived a week at most.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0012_signin_failures'
down_revision = '0011_experts'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('signin_attempts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('account', sa.String(length=64), nullable=False),
    sa.Column('attempted_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_signin_attempts'))
    )
    with op.batch_alter_table('signin_attempts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_signin_attempts_account'), ['account'], unique=False)
        batch_op.create_index(batch_op.f('ix_signin_attempts_attempted_at'), ['attempted_at'], unique=False)

    op.drop_table('rescued_forms')
    op.create_table('rescued_forms',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('action', sa.String(length=500), nullable=False),
    sa.Column('page', sa.String(length=500), nullable=False),
    sa.Column('fields', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_rescued_forms_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_rescued_forms'))
    )
    with op.batch_alter_table('rescued_forms', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_rescued_forms_user_id'), ['user_id'], unique=False)


def downgrade():
    op.drop_table('rescued_forms')
    op.create_table('rescued_forms',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('token', sa.String(length=64), nullable=False),
    sa.Column('path', sa.String(length=500), nullable=False),
    sa.Column('fields', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_rescued_forms')),
    sa.UniqueConstraint('token', name=op.f('uq_rescued_forms_token'))
    )
    with op.batch_alter_table('signin_attempts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_signin_attempts_attempted_at'))
        batch_op.drop_index(batch_op.f('ix_signin_attempts_account'))

    op.drop_table('signin_attempts')
