"""initiatives: partners a trainee co-produces with, their comments and views

Revision ID: 0020_partners
Revises: 0016_coding_memos
Create Date: 2026-12-07 20:30:00

Initiative partners (service users, carers, colleagues) invited by a trainee: they sign
in by a one-time emailed link, comment, and give their own view at each progress update.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0020_partners'
down_revision = '0019_evidence_files'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('initiatives_partners',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('initiative_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('invited_by_id', sa.Integer(), nullable=True),
    sa.Column('invited_at', sa.DateTime(), nullable=False),
    sa.Column('link_nonce', sa.String(length=32), nullable=False),
    sa.Column('signed_in_at', sa.DateTime(), nullable=True),
    sa.Column('removed_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['initiative_id'], ['initiatives_initiatives.id'], name=op.f('fk_initiatives_partners_initiative_id_initiatives_initiatives'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['invited_by_id'], ['users.id'], name=op.f('fk_initiatives_partners_invited_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_initiatives_partners_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_initiatives_partners')),
    sa.UniqueConstraint('initiative_id', 'user_id', name=op.f('uq_initiatives_partners_initiative_id'))
    )
    with op.batch_alter_table('initiatives_partners', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_initiatives_partners_initiative_id'), ['initiative_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_initiatives_partners_invited_by_id'), ['invited_by_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_initiatives_partners_user_id'), ['user_id'], unique=False)

    op.create_table('initiatives_partner_comments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('partner_id', sa.Integer(), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['partner_id'], ['initiatives_partners.id'], name=op.f('fk_initiatives_partner_comments_partner_id_initiatives_partners'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_initiatives_partner_comments'))
    )
    with op.batch_alter_table('initiatives_partner_comments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_initiatives_partner_comments_partner_id'), ['partner_id'], unique=False)

    op.create_table('initiatives_partner_views',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('partner_id', sa.Integer(), nullable=False),
    sa.Column('update_id', sa.Integer(), nullable=False),
    sa.Column('rung', sa.Integer(), nullable=False),
    sa.Column('what_changed', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('changed_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['partner_id'], ['initiatives_partners.id'], name=op.f('fk_initiatives_partner_views_partner_id_initiatives_partners'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['update_id'], ['initiatives_updates.id'], name=op.f('fk_initiatives_partner_views_update_id_initiatives_updates'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_initiatives_partner_views')),
    sa.UniqueConstraint('partner_id', 'update_id', name=op.f('uq_initiatives_partner_views_partner_id'))
    )
    with op.batch_alter_table('initiatives_partner_views', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_initiatives_partner_views_partner_id'), ['partner_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_initiatives_partner_views_update_id'), ['update_id'], unique=False)


def downgrade():
    op.drop_table('initiatives_partner_views')
    op.drop_table('initiatives_partner_comments')
    op.drop_table('initiatives_partners')
