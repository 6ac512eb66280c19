"""Hardening: erasures counted, applications keep their vacancy's employer, retired vacancy ids.

- `service_state.erasures`: bumped by every erasure, so each process can drop the erased people
  from its in-memory caches (it compares the counter with the one it last saw).
- `applications.employer`: the employer of the vacancy when it was proposed, so applications stay
  that employer's, even after the vacancy is deleted (filled in from the vacancies table here).
- `retired_vacancy_ids`: a deleted vacancy's id with its employer and the catalog version of the
  deletion; the id is never given out again, and fitted engines see what left since they fitted.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("service_state") as batch:
        batch.add_column(
            sa.Column("erasures", sa.BigInteger(), nullable=False, server_default="0")
        )
    with op.batch_alter_table("applications") as batch:
        batch.add_column(sa.Column("employer", sa.String(200), nullable=True))
    op.execute(
        "UPDATE applications SET employer = "
        "(SELECT vacancies.employer FROM vacancies WHERE vacancies.id = applications.vacancy_id)"
    )
    op.create_index("ix_applications_employer", "applications", ["employer"])
    op.create_table(
        "retired_vacancy_ids",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("employer", sa.String(200), nullable=False),
        sa.Column("revision", sa.BigInteger(), nullable=False),
        sa.Column("retired_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_retired_vacancy_ids_revision", "retired_vacancy_ids", ["revision"])


def downgrade() -> None:
    op.drop_table("retired_vacancy_ids")
    op.drop_index("ix_applications_employer", "applications")
    with op.batch_alter_table("applications") as batch:
        batch.drop_column("employer")
    with op.batch_alter_table("service_state") as batch:
        batch.drop_column("erasures")
