"""Alembic environment: runs on the connection `service.db.migrate` hands over."""

from __future__ import annotations

from alembic import context

from service.tables import Base

connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("run migrations with service.db.migrate(engine): it passes a connection")

context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=connection.dialect.name == "sqlite",
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
