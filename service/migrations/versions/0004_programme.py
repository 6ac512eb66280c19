"""The programme as a record: its span and targets, and people left out of its figures.

- `programme`: one row, the span (starts_on, ends_on) and the targets a coordinator sets
  (filled at the next start from the settings and the earliest stage change on record).
- `candidates.excluded`: test or intake records a coordinator leaves out of the figures.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "programme",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=False),
        sa.Column("target_people", sa.Integer(), nullable=False),
        sa.Column("target_placed", sa.Integer(), nullable=False),
        sa.Column("changed_by", sa.String(200), nullable=False),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
    )
    # A plain ADD COLUMN, not a batch: on SQLite a batch copies the table and drops the old one,
    # and dropping `candidates` would cascade to their applications and stage history.
    op.add_column(
        "candidates",
        sa.Column("excluded", sa.Boolean(), nullable=False, server_default=sa.false()),
    )


def downgrade() -> None:
    with op.batch_alter_table("candidates") as batch:
        batch.drop_column("excluded")
    op.drop_table("programme")
