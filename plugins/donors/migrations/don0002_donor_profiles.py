"""Donor profiles on top of core partners.

Revision ID: don0002
Revises: don0001
Create Date: 2026-12-03
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import core.db.types

revision = "don0002"
down_revision = "don0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "donors_profile",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("partner_id", sa.Integer(), nullable=False),
        sa.Column("donor_type", sa.String(length=16), nullable=False),
        sa.Column("contract_number", sa.String(length=50), nullable=True),
        sa.Column("contract_date", sa.Date(), nullable=True),
        sa.Column("contract_valid_until", sa.Date(), nullable=True),
        sa.Column("scan_filename", sa.String(length=255), nullable=True),
        sa.Column("scan_content_type", sa.String(length=100), nullable=True),
        sa.Column("scan_size", sa.Integer(), nullable=True),
        sa.Column("scan_sha256", sa.String(length=64), nullable=True),
        sa.Column("scan_data", sa.LargeBinary(), nullable=True),
        sa.Column("scan_uploaded_at", core.db.types.UTCDateTime(), nullable=True),
        sa.Column("document_language", sa.String(length=2), nullable=False),
        sa.Column("contact_name", sa.String(length=200), nullable=False),
        sa.Column("contact_email", sa.String(length=254), nullable=True),
        sa.Column("contact_phone", sa.String(length=50), nullable=True),
        sa.Column("annual_limit", core.db.types.Money(), nullable=True),
        sa.Column("monthly_limit", core.db.types.Money(), nullable=True),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", core.db.types.UTCDateTime(), nullable=False),
        sa.Column("updated_at", core.db.types.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["partner_id"], ["core_partner.id"],
                                name=op.f("fk_donors_profile_partner_id_core_partner"),
                                ondelete="RESTRICT"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_donors_profile")),
        sa.UniqueConstraint("partner_id", name=op.f("uq_donors_profile_partner_id")),
    )
    with op.batch_alter_table("donors_profile", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_donors_profile_donor_type"), ["donor_type"],
                              unique=False)
        batch_op.create_index(batch_op.f("ix_donors_profile_contract_valid_until"),
                              ["contract_valid_until"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("donors_profile", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_donors_profile_contract_valid_until"))
        batch_op.drop_index(batch_op.f("ix_donors_profile_donor_type"))
    op.drop_table("donors_profile")
