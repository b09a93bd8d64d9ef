"""notifications: what each person was told, their email choices, what was emailed

Revision ID: 0018_notifications
Revises: 0016_coding_memos
Create Date: 2026-12-07 20:30:00
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0018_notifications'
down_revision = '0017_people'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'notification_emails',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('key', sa.String(length=40), nullable=False),
        sa.Column('sent_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('user_id', 'key'),
    )
    op.create_table(
        'notification_preferences',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=60), nullable=False),
        sa.Column('email', sa.String(length=12), nullable=False),
        sa.Column('updated_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('user_id', 'kind'),
    )
    op.create_table(
        'notifications',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('membership_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=60), nullable=False),
        sa.Column('text', sa.String(length=300), nullable=False),
        sa.Column('link', sa.String(length=500), nullable=False),
        sa.Column('once', sa.String(length=80), nullable=True),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('read_at', sa.DateTime(), nullable=True),
        sa.Column('email_state', sa.String(length=10), nullable=False),
        sa.Column('email_id', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['email_id'], ['notification_emails.id'], ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['membership_id'], ['memberships.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('membership_id', 'once'),
    )
    op.create_index('ix_notifications_user_read', 'notifications', ['user_id', 'read_at'])
    op.create_index('ix_notifications_email_state', 'notifications', ['email_state'])
    op.create_index(
        op.f('ix_notifications_membership_id'), 'notifications', ['membership_id']
    )


def downgrade():
    op.drop_table('notifications')
    op.drop_table('notification_preferences')
    op.drop_table('notification_emails')
