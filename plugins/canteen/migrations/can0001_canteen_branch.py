"""Start the canteen migration branch (its tables arrive with the plugin's features).

Revision ID: can0001
Revises:
Create Date: 2026-12-03
"""
from __future__ import annotations

revision = "can0001"
down_revision = None
branch_labels = ("canteen",)
depends_on = "c0001"


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
