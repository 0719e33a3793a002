"""Canteens, their closures and yearly settings, beneficiaries, the sensitive-access log.

Revision ID: can0002
Revises: can0001
Create Date: 2026-12-03
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import core.db.types

revision = "can0002"
down_revision = "can0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "canteen_canteen",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("operator_id", sa.Integer(), nullable=False),
        sa.Column("address", sa.String(length=300), nullable=False),
        sa.Column("capacity", sa.Integer(), nullable=False),
        sa.Column("opening_days", sa.String(length=7), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("created_at", core.db.types.UTCDateTime(), nullable=False),
        sa.Column("updated_at", core.db.types.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["operator_id"], ["core_partner.id"], ondelete="RESTRICT",
                                name=op.f("fk_canteen_canteen_operator_id_core_partner")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_canteen_canteen")),
    )
    op.create_index(op.f("ix_canteen_canteen_name"), "canteen_canteen", ["name"])
    op.create_index(op.f("ix_canteen_canteen_operator_id"), "canteen_canteen", ["operator_id"])

    op.create_table(
        "canteen_closure",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("canteen_id", sa.Integer(), nullable=False),
        sa.Column("start_date", sa.Date(), nullable=False),
        sa.Column("end_date", sa.Date(), nullable=False),
        sa.Column("reason", sa.String(length=300), nullable=False),
        sa.ForeignKeyConstraint(["canteen_id"], ["canteen_canteen.id"], ondelete="CASCADE",
                                name=op.f("fk_canteen_closure_canteen_id_canteen_canteen")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_canteen_closure")),
    )
    op.create_index(op.f("ix_canteen_closure_canteen_id"), "canteen_closure", ["canteen_id"])

    op.create_table(
        "canteen_year_settings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("canteen_id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("daily_allowance", core.db.types.Money(), nullable=False),
        sa.Column("min_kcal", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["canteen_id"], ["canteen_canteen.id"], ondelete="CASCADE",
                                name=op.f("fk_canteen_year_settings_canteen_id_canteen_canteen")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_canteen_year_settings")),
        sa.UniqueConstraint("canteen_id", "year",
                            name=op.f("uq_canteen_year_settings_canteen_id_year")),
    )
    op.create_index(op.f("ix_canteen_year_settings_canteen_id"), "canteen_year_settings",
                    ["canteen_id"])

    op.create_table(
        "canteen_beneficiary",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("canteen_id", sa.Integer(), nullable=False),
        sa.Column("first_name", sa.String(length=100), nullable=False),
        sa.Column("last_name", sa.String(length=100), nullable=False),
        sa.Column("idnp", sa.String(length=13), nullable=True),
        sa.Column("birth_date", sa.Date(), nullable=True),
        sa.Column("address", sa.String(length=300), nullable=False),
        sa.Column("phone", sa.String(length=50), nullable=True),
        sa.Column("category", sa.String(length=16), nullable=False),
        sa.Column("disability_degree", sa.String(length=16), nullable=True),
        sa.Column("household_size", sa.Integer(), nullable=False),
        sa.Column("monthly_income", core.db.types.Money(), nullable=True),
        sa.Column("enquiry_number", sa.String(length=50), nullable=False),
        sa.Column("enquiry_date", sa.Date(), nullable=True),
        sa.Column("enquiry_issuer", sa.String(length=200), nullable=False),
        sa.Column("home_delivery", sa.Boolean(), nullable=False),
        sa.Column("home_delivery_reason", sa.String(length=300), nullable=False),
        sa.Column("allergies_diet", sa.Text(), nullable=False),
        sa.Column("lawful_basis", sa.String(length=20), nullable=False),
        sa.Column("consent_date", sa.Date(), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("created_at", core.db.types.UTCDateTime(), nullable=False),
        sa.Column("updated_at", core.db.types.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["canteen_id"], ["canteen_canteen.id"], ondelete="RESTRICT",
                                name=op.f("fk_canteen_beneficiary_canteen_id_canteen_canteen")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_canteen_beneficiary")),
    )
    op.create_index(op.f("ix_canteen_beneficiary_canteen_id"), "canteen_beneficiary",
                    ["canteen_id"])
    op.create_index(op.f("ix_canteen_beneficiary_idnp"), "canteen_beneficiary", ["idnp"])
    op.create_index(op.f("ix_canteen_beneficiary_category"), "canteen_beneficiary",
                    ["category"])
    op.create_index(op.f("ix_canteen_beneficiary_status"), "canteen_beneficiary", ["status"])
    op.create_index("ix_canteen_beneficiary_person", "canteen_beneficiary",
                    ["last_name", "first_name", "birth_date"])

    op.create_table(
        "canteen_sensitive_access",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", core.db.types.UTCDateTime(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("username", sa.String(length=80), nullable=False),
        sa.Column("beneficiary_id", sa.Integer(), nullable=False),
        sa.Column("action", sa.String(length=16), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_canteen_sensitive_access")),
    )
    op.create_index(op.f("ix_canteen_sensitive_access_at"), "canteen_sensitive_access", ["at"])
    op.create_index(op.f("ix_canteen_sensitive_access_user_id"), "canteen_sensitive_access",
                    ["user_id"])
    op.create_index(op.f("ix_canteen_sensitive_access_beneficiary_id"),
                    "canteen_sensitive_access", ["beneficiary_id"])


def downgrade() -> None:
    op.drop_table("canteen_sensitive_access")
    op.drop_table("canteen_beneficiary")
    op.drop_table("canteen_year_settings")
    op.drop_table("canteen_closure")
    op.drop_table("canteen_canteen")
