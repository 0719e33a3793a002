"""Start the inventory migration branch (its tables arrive with the plugin's features).

Revision ID: inv0001
Revises:
Create Date: 2026-12-03
"""
from __future__ import annotations

revision = "inv0001"
down_revision = None
branch_labels = ("inventory",)
depends_on = "c0001"


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
