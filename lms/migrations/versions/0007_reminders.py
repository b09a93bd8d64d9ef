"""reminders: members' reminder preferences and the log of reminders sent

Revision ID: 0007_reminders
Revises: 0006_calendar
Create Date: 2026-11-28 10:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0007_reminders'
down_revision = '0006_calendar'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('reminders_preferences',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('enabled', sa.Boolean(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_reminders_preferences_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_reminders_preferences')),
    sa.UniqueConstraint('user_id', name=op.f('uq_reminders_preferences_user_id'))
    )
    op.create_table('reminders_sent',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('membership_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('period', sa.String(length=20), nullable=False),
    sa.Column('sent_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['membership_id'], ['memberships.id'], name=op.f('fk_reminders_sent_membership_id_memberships'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_reminders_sent')),
    sa.UniqueConstraint('membership_id', 'kind', 'period', name=op.f('uq_reminders_sent_membership_id'))
    )


def downgrade():
    op.drop_table('reminders_sent')
    op.drop_table('reminders_preferences')
