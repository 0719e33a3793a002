"""Inventory catalogue and locations: categories, products, locations.

Revision ID: inv0002
Revises: inv0001
Create Date: 2026-12-03
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import core.db.types

revision = "inv0002"
down_revision = "inv0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "inventory_category",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("name_ro", sa.String(length=200), nullable=False),
        sa.Column("name_ru", sa.String(length=200), nullable=False),
        sa.Column("name_en", sa.String(length=200), nullable=False),
        sa.Column("storage_condition", sa.String(length=16), nullable=False),
        sa.Column("max_days_past_best_before", sa.Integer(), nullable=False),
        sa.Column("kg_per_meal", core.db.types.Weight(), nullable=False),
        sa.Column("co2e_per_kg", core.db.types.Weight(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", core.db.types.UTCDateTime(), nullable=False),
        sa.Column("updated_at", core.db.types.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_inventory_category")),
        sa.UniqueConstraint("code", name=op.f("uq_inventory_category_code")),
    )
    op.create_index(op.f("ix_inventory_category_active"), "inventory_category", ["active"])

    op.create_table(
        "inventory_product",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name_ro", sa.String(length=200), nullable=False),
        sa.Column("name_ru", sa.String(length=200), nullable=False),
        sa.Column("name_en", sa.String(length=200), nullable=False),
        sa.Column("gtin", sa.String(length=14), nullable=True),
        sa.Column("category_id", sa.Integer(), nullable=False),
        sa.Column("unit", sa.String(length=8), nullable=False),
        sa.Column("net_kg_per_unit", core.db.types.Weight(), nullable=False),
        sa.Column("storage_condition", sa.String(length=16), nullable=False),
        sa.Column("date_mark", sa.String(length=16), nullable=False),
        sa.Column("allergens", sa.JSON(), nullable=False),
        sa.Column("alcoholic", sa.Boolean(), nullable=False),
        sa.Column("value_per_kg", core.db.types.Money(), nullable=False),
        sa.Column("min_stock_kg", core.db.types.Weight(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", core.db.types.UTCDateTime(), nullable=False),
        sa.Column("updated_at", core.db.types.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["category_id"], ["inventory_category.id"],
                                name=op.f("fk_inventory_product_category_id_inventory_category")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_inventory_product")),
        sa.UniqueConstraint("gtin", name=op.f("uq_inventory_product_gtin")),
    )
    op.create_index(op.f("ix_inventory_product_active"), "inventory_product", ["active"])
    op.create_index(op.f("ix_inventory_product_category_id"), "inventory_product",
                    ["category_id"])
    op.create_index(op.f("ix_inventory_product_name_ro"), "inventory_product", ["name_ro"])

    op.create_table(
        "inventory_location",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("parent_id", sa.Integer(), nullable=True),
        sa.Column("storage_condition", sa.String(length=16), nullable=False),
        sa.Column("partner_id", sa.Integer(), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", core.db.types.UTCDateTime(), nullable=False),
        sa.Column("updated_at", core.db.types.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["parent_id"], ["inventory_location.id"],
                                name=op.f("fk_inventory_location_parent_id_inventory_location")),
        sa.ForeignKeyConstraint(["partner_id"], ["core_partner.id"],
                                name=op.f("fk_inventory_location_partner_id_core_partner")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_inventory_location")),
        sa.UniqueConstraint("code", name=op.f("uq_inventory_location_code")),
    )
    op.create_index(op.f("ix_inventory_location_active"), "inventory_location", ["active"])
    op.create_index(op.f("ix_inventory_location_kind"), "inventory_location", ["kind"])
    op.create_index(op.f("ix_inventory_location_parent_id"), "inventory_location", ["parent_id"])
    op.create_index(op.f("ix_inventory_location_partner_id"), "inventory_location",
                    ["partner_id"])


def downgrade() -> None:
    op.drop_table("inventory_location")
    op.drop_table("inventory_product")
    op.drop_table("inventory_category")
