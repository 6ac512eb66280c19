"""Employers as records: one row per employer name, made for every name already in vacancies
and employer keys (so every key and vacancy stored before is bound to a record).

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    employers = op.create_table(
        "employers",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("name", sa.String(200), nullable=False, unique=True),
        sa.Column("contact", sa.JSON(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    bind = op.get_bind()
    names = {
        str(name)
        for query in (
            "SELECT DISTINCT employer FROM vacancies",
            "SELECT DISTINCT employer FROM api_keys WHERE employer IS NOT NULL",
        )
        for (name,) in bind.execute(sa.text(query))
        if name
    }
    now = datetime.now(UTC)
    rows = [
        {"id": f"e-{secrets.token_hex(6)}", "name": name, "contact": None, "created_at": now}
        for name in sorted(names)
    ]
    if rows:
        op.bulk_insert(employers, rows)


def downgrade() -> None:
    op.drop_table("employers")
