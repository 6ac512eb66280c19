"""Erasures: who erased a person and when (the account), never who was erased.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-16
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "erasures",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("erased_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("account_id", sa.String(32), nullable=False),
        sa.Column("erased_by", sa.String(200), nullable=False),
        sa.Column("role", sa.String(16), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("erasures")
