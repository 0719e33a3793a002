"""Indexes for the documents list and the audit log's filter by user

Revision ID: c0002
Revises: c0001
Create Date: 2026-12-03
"""
from __future__ import annotations

from alembic import op

revision = "c0002"
down_revision = "c0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_core_document_type_issued", "core_document", ["doc_type", "issued_at"])
    op.create_index("ix_core_document_status_issued", "core_document", ["status", "issued_at"])
    op.create_index("ix_core_audit_log_username_at", "core_audit_log", ["username", "at"])


def downgrade() -> None:
    op.drop_index("ix_core_audit_log_username_at", table_name="core_audit_log")
    op.drop_index("ix_core_document_status_issued", table_name="core_document")
    op.drop_index("ix_core_document_type_issued", table_name="core_document")
