"""core tables

Revision ID: c0001
Revises: 
Create Date: 2026-12-03 16:32:59.052045
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import core.db.types

revision = 'c0001'
down_revision = None
branch_labels = ('core',)
depends_on = None


def upgrade() -> None:

    op.create_table('core_audit_log',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('at', core.db.types.UTCDateTime(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('username', sa.String(length=80), nullable=False),
    sa.Column('action', sa.String(length=10), nullable=False),
    sa.Column('table_name', sa.String(length=100), nullable=False),
    sa.Column('record_id', sa.String(length=100), nullable=False),
    sa.Column('changes', sa.JSON(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_core_audit_log'))
    )
    with op.batch_alter_table('core_audit_log', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_core_audit_log_at'), ['at'], unique=False)
        batch_op.create_index('ix_core_audit_log_record', ['table_name', 'record_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_core_audit_log_user_id'), ['user_id'], unique=False)

    op.create_table('core_login_attempt',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('username', sa.String(length=80), nullable=False),
    sa.Column('remote_addr', sa.String(length=64), nullable=False),
    sa.Column('at', core.db.types.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_core_login_attempt'))
    )
    with op.batch_alter_table('core_login_attempt', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_core_login_attempt_at'), ['at'], unique=False)
        batch_op.create_index(batch_op.f('ix_core_login_attempt_username'), ['username'], unique=False)

    op.create_table('core_partner',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('type', sa.String(length=32), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('legal_name', sa.String(length=300), nullable=False),
    sa.Column('idno', sa.String(length=13), nullable=True),
    sa.Column('vat_code', sa.String(length=20), nullable=True),
    sa.Column('ansa_number', sa.String(length=50), nullable=True),
    sa.Column('iban', sa.String(length=34), nullable=True),
    sa.Column('email', sa.String(length=254), nullable=True),
    sa.Column('phone', sa.String(length=50), nullable=True),
    sa.Column('notes', sa.Text(), nullable=False),
    sa.Column('archived', sa.Boolean(), nullable=False),
    sa.Column('created_at', core.db.types.UTCDateTime(), nullable=False),
    sa.Column('updated_at', core.db.types.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_core_partner')),
    sa.UniqueConstraint('idno', name=op.f('uq_core_partner_idno'))
    )
    with op.batch_alter_table('core_partner', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_core_partner_archived'), ['archived'], unique=False)
        batch_op.create_index(batch_op.f('ix_core_partner_name'), ['name'], unique=False)
        batch_op.create_index(batch_op.f('ix_core_partner_type'), ['type'], unique=False)

    op.create_table('core_permission',
    sa.Column('code', sa.String(length=100), nullable=False),
    sa.Column('plugin', sa.String(length=64), nullable=False),
    sa.Column('label', sa.String(length=200), nullable=False),
    sa.PrimaryKeyConstraint('code', name=op.f('pk_core_permission'))
    )
    op.create_table('core_plugin',
    sa.Column('name', sa.String(length=64), nullable=False),
    sa.Column('enabled', sa.Boolean(), nullable=False),
    sa.Column('version', sa.String(length=32), nullable=False),
    sa.Column('changed_at', core.db.types.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('name', name=op.f('pk_core_plugin'))
    )
    op.create_table('core_role',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=64), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('portal', sa.Boolean(), nullable=False),
    sa.Column('created_at', core.db.types.UTCDateTime(), nullable=False),
    sa.Column('updated_at', core.db.types.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_core_role')),
    sa.UniqueConstraint('code', name=op.f('uq_core_role_code'))
    )
    op.create_table('core_sequence',
    sa.Column('code', sa.String(length=64), nullable=False),
    sa.Column('prefix', sa.String(length=20), nullable=False),
    sa.Column('padding', sa.Integer(), nullable=False),
    sa.Column('label', sa.String(length=200), nullable=False),
    sa.PrimaryKeyConstraint('code', name=op.f('pk_core_sequence'))
    )
    op.create_table('core_setting',
    sa.Column('key', sa.String(length=100), nullable=False),
    sa.Column('value', sa.JSON(), nullable=True),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_core_setting'))
    )
    op.create_table('core_partner_address',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('partner_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('street', sa.String(length=300), nullable=False),
    sa.Column('city', sa.String(length=100), nullable=False),
    sa.Column('district', sa.String(length=100), nullable=False),
    sa.Column('postal_code', sa.String(length=20), nullable=False),
    sa.Column('country', sa.String(length=2), nullable=False),
    sa.ForeignKeyConstraint(['partner_id'], ['core_partner.id'], name=op.f('fk_core_partner_address_partner_id_core_partner'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_core_partner_address'))
    )
    with op.batch_alter_table('core_partner_address', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_core_partner_address_partner_id'), ['partner_id'], unique=False)

    op.create_table('core_partner_contact',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('partner_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('position', sa.String(length=200), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=True),
    sa.Column('phone', sa.String(length=50), nullable=True),
    sa.ForeignKeyConstraint(['partner_id'], ['core_partner.id'], name=op.f('fk_core_partner_contact_partner_id_core_partner'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_core_partner_contact'))
    )
    with op.batch_alter_table('core_partner_contact', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_core_partner_contact_partner_id'), ['partner_id'], unique=False)

    op.create_table('core_role_permission',
    sa.Column('role_id', sa.Integer(), nullable=False),
    sa.Column('permission_code', sa.String(length=100), nullable=False),
    sa.ForeignKeyConstraint(['permission_code'], ['core_permission.code'], name=op.f('fk_core_role_permission_permission_code_core_permission'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['role_id'], ['core_role.id'], name=op.f('fk_core_role_permission_role_id_core_role'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('role_id', 'permission_code', name=op.f('pk_core_role_permission'))
    )
    op.create_table('core_sequence_counter',
    sa.Column('code', sa.String(length=64), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('last_value', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['code'], ['core_sequence.code'], name=op.f('fk_core_sequence_counter_code_core_sequence'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('code', 'year', name=op.f('pk_core_sequence_counter'))
    )
    op.create_table('core_user',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('username', sa.String(length=80), nullable=False),
    sa.Column('full_name', sa.String(length=200), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=True),
    sa.Column('password_hash', sa.String(length=255), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('locale', sa.String(length=8), nullable=True),
    sa.Column('partner_id', sa.Integer(), nullable=True),
    sa.Column('last_login_at', core.db.types.UTCDateTime(), nullable=True),
    sa.Column('created_at', core.db.types.UTCDateTime(), nullable=False),
    sa.Column('updated_at', core.db.types.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['partner_id'], ['core_partner.id'], name=op.f('fk_core_user_partner_id_core_partner'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_core_user')),
    sa.UniqueConstraint('username', name=op.f('uq_core_user_username'))
    )
    with op.batch_alter_table('core_user', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_core_user_partner_id'), ['partner_id'], unique=False)

    op.create_table('core_document',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('doc_type', sa.String(length=64), nullable=False),
    sa.Column('number', sa.String(length=64), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('doc_date', sa.Date(), nullable=False),
    sa.Column('language', sa.String(length=8), nullable=False),
    sa.Column('pdfa', sa.Boolean(), nullable=False),
    sa.Column('subject_table', sa.String(length=100), nullable=True),
    sa.Column('subject_id', sa.String(length=100), nullable=True),
    sa.Column('partner_id', sa.Integer(), nullable=True),
    sa.Column('pdf', sa.LargeBinary(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('issued_at', core.db.types.UTCDateTime(), nullable=False),
    sa.Column('issued_by_id', sa.Integer(), nullable=True),
    sa.Column('issued_by_name', sa.String(length=200), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('cancelled_at', core.db.types.UTCDateTime(), nullable=True),
    sa.Column('cancelled_by_name', sa.String(length=200), nullable=True),
    sa.Column('cancel_reason', sa.Text(), nullable=True),
    sa.Column('replaces_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['issued_by_id'], ['core_user.id'], name=op.f('fk_core_document_issued_by_id_core_user')),
    sa.ForeignKeyConstraint(['partner_id'], ['core_partner.id'], name=op.f('fk_core_document_partner_id_core_partner'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['replaces_id'], ['core_document.id'], name=op.f('fk_core_document_replaces_id_core_document')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_core_document')),
    sa.UniqueConstraint('number', name=op.f('uq_core_document_number'))
    )
    with op.batch_alter_table('core_document', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_core_document_partner_id'), ['partner_id'], unique=False)
        batch_op.create_index('ix_core_document_subject', ['subject_table', 'subject_id'], unique=False)

    op.create_table('core_user_role',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('role_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['role_id'], ['core_role.id'], name=op.f('fk_core_user_role_role_id_core_role'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['core_user.id'], name=op.f('fk_core_user_role_user_id_core_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('user_id', 'role_id', name=op.f('pk_core_user_role'))
    )



def downgrade() -> None:

    op.drop_table('core_user_role')
    with op.batch_alter_table('core_document', schema=None) as batch_op:
        batch_op.drop_index('ix_core_document_subject')
        batch_op.drop_index(batch_op.f('ix_core_document_partner_id'))

    op.drop_table('core_document')
    with op.batch_alter_table('core_user', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_core_user_partner_id'))

    op.drop_table('core_user')
    op.drop_table('core_sequence_counter')
    op.drop_table('core_role_permission')
    with op.batch_alter_table('core_partner_contact', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_core_partner_contact_partner_id'))

    op.drop_table('core_partner_contact')
    with op.batch_alter_table('core_partner_address', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_core_partner_address_partner_id'))

    op.drop_table('core_partner_address')
    op.drop_table('core_setting')
    op.drop_table('core_sequence')
    op.drop_table('core_role')
    op.drop_table('core_plugin')
    op.drop_table('core_permission')
    with op.batch_alter_table('core_partner', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_core_partner_type'))
        batch_op.drop_index(batch_op.f('ix_core_partner_name'))
        batch_op.drop_index(batch_op.f('ix_core_partner_archived'))

    op.drop_table('core_partner')
    with op.batch_alter_table('core_login_attempt', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_core_login_attempt_username'))
        batch_op.drop_index(batch_op.f('ix_core_login_attempt_at'))

    op.drop_table('core_login_attempt')
    with op.batch_alter_table('core_audit_log', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_core_audit_log_user_id'))
        batch_op.drop_index('ix_core_audit_log_record')
        batch_op.drop_index(batch_op.f('ix_core_audit_log_at'))

    op.drop_table('core_audit_log')

