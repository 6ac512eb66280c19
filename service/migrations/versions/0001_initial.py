"""Candidates, vacancies, weights, API keys and the service's counters.

Revision ID: 0001
Revises:
Create Date: 2025-11-23
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_when = sa.DateTime(timezone=True)


def upgrade() -> None:
    state = op.create_table(
        "service_state",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("catalog_version", sa.BigInteger(), nullable=False),
        sa.Column("weights_version", sa.Integer(), nullable=False),
        sa.Column("fixtures_loaded", sa.Boolean(), nullable=False),
    )
    op.bulk_insert(
        state, [{"id": 1, "catalog_version": 0, "weights_version": 0, "fixtures_loaded": False}]
    )
    op.create_table(
        "candidates",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("stage", sa.String(16), nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("created_at", _when, nullable=False),
        sa.Column("updated_at", _when, nullable=False),
    )
    op.create_index("ix_candidates_stage", "candidates", ["stage"])
    op.create_table(
        "vacancies",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("employer", sa.String(200), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("language_light", sa.Boolean(), nullable=False),
        sa.Column("revision", sa.BigInteger(), nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("created_at", _when, nullable=False),
        sa.Column("updated_at", _when, nullable=False),
    )
    op.create_index("ix_vacancies_employer", "vacancies", ["employer"])
    op.create_index("ix_vacancies_status", "vacancies", ["status"])
    op.create_index("ix_vacancies_language_light", "vacancies", ["language_light"])
    op.create_table(
        "weights",
        sa.Column("version", sa.Integer(), primary_key=True, autoincrement=False),
        sa.Column("weights", sa.JSON(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("changed_by", sa.String(200), nullable=False),
        sa.Column("changed_at", _when, nullable=False),
    )
    op.create_table(
        "api_keys",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("key_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("employer", sa.String(200), nullable=True),
        sa.Column("name", sa.String(200), nullable=True),
        sa.Column("created_at", _when, nullable=False),
    )


def downgrade() -> None:
    for table in ("api_keys", "weights", "vacancies", "candidates", "service_state"):
        op.drop_table(table)
