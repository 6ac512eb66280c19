"""Filters: vacancies' postcode, point and folded title as columns, filled for existing rows.

`GET /vacancies?postcode=`, `?near=&within_km=` and `?title=` filter in SQL on these copies of
fields inside `data`, so a filtered page does not decode every vacancy. `store._vacancy_values`
writes them with `data` from now on; here they are computed for the rows already stored.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

from matcher.reading.vocabulary import accentless
from matcher.travel.geo import postcode_place

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_BATCH = 1000


def _filter_columns(data: dict[str, Any]) -> dict[str, Any]:
    """What store._vacancy_values writes, from the stored JSON (read as it is, not validated
    against today's model, which may have moved on since the row was written)."""
    location = data.get("location") or {}
    postcode = location.get("postcode")
    lat, lon = location.get("lat"), location.get("lon")
    if (lat is None or lon is None) and postcode is not None:
        place = postcode_place(str(postcode))
        if place is not None:
            lat, lon = place.lat, place.lon
    return {
        "new_postcode": postcode,
        "new_lat": lat,
        "new_lon": lon,
        "new_title_key": accentless(str(data.get("title", ""))),
    }


def upgrade() -> None:
    with op.batch_alter_table("vacancies") as batch:
        batch.add_column(sa.Column("postcode", sa.String(16), nullable=True))
        batch.add_column(sa.Column("lat", sa.Float(), nullable=True))
        batch.add_column(sa.Column("lon", sa.Float(), nullable=True))
        batch.add_column(sa.Column("title_key", sa.Text(), nullable=True))
    vacancies = sa.table(
        "vacancies",
        sa.column("id", sa.String),
        sa.column("data", sa.JSON),
        sa.column("postcode", sa.String),
        sa.column("lat", sa.Float),
        sa.column("lon", sa.Float),
        sa.column("title_key", sa.Text),
    )
    connection = op.get_bind()
    fill = (
        sa.update(vacancies)
        .where(vacancies.c.id == sa.bindparam("row_id"))
        .values(
            postcode=sa.bindparam("new_postcode"),
            lat=sa.bindparam("new_lat"),
            lon=sa.bindparam("new_lon"),
            title_key=sa.bindparam("new_title_key"),
        )
    )
    rows = connection.execute(sa.select(vacancies.c.id, vacancies.c.data)).all()
    for first in range(0, len(rows), _BATCH):
        batch_rows = [
            {"row_id": ident, **_filter_columns(data)}
            for ident, data in rows[first : first + _BATCH]
        ]
        connection.execute(fill, batch_rows)
    op.create_index("ix_vacancies_postcode", "vacancies", ["postcode"])
    op.create_index("ix_vacancies_lat_lon", "vacancies", ["lat", "lon"])


def downgrade() -> None:
    op.drop_index("ix_vacancies_lat_lon", "vacancies")
    op.drop_index("ix_vacancies_postcode", "vacancies")
    with op.batch_alter_table("vacancies") as batch:
        batch.drop_column("title_key")
        batch.drop_column("lon")
        batch.drop_column("lat")
        batch.drop_column("postcode")
