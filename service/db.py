"""The database engine (SQLite file or PostgreSQL), its migrations, and sessions."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.orm import Session, sessionmaker

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
_MIGRATION_LOCK = 7_245_013  # any constant: serialises migrations of processes starting together

# SQL logging at INFO/DEBUG would print rows and parameters: personal data. Keep it quiet even when
# the root logger is turned up; raise this logger's level on purpose if ever needed.
logging.getLogger("sqlalchemy.engine").setLevel(logging.WARNING)
logging.getLogger("sqlalchemy.pool").setLevel(logging.WARNING)


def create_db_engine(url: str) -> Engine:
    """An engine with the pragmas the service relies on; parameters never appear in errors."""
    if url.startswith("sqlite"):
        engine = create_engine(
            url, hide_parameters=True, pool_size=20, max_overflow=20, pool_timeout=30
        )
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return create_engine(
        url, hide_parameters=True, pool_size=10, max_overflow=20, pool_pre_ping=True
    )


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    # WAL lets readers run while one writer writes; writers wait for each other up to the timeout.
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=20000")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    # Deleted rows are overwritten with zeros, so an erased person's data leaves the file.
    cursor.execute("PRAGMA secure_delete=ON")
    cursor.close()


def migrate(engine: Engine, *, revision: str = "head") -> None:
    """Bring the schema to the newest migration shipped in `service/migrations` (or, for tests
    of upgrades, to an older `revision`)."""
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as connection:
        if connection.dialect.name == "sqlite":
            # A migration that copies a table (alembic's batch mode) drops the old one, and with
            # foreign keys on, dropping `candidates` deletes every application and stage change
            # with it (measured: an upgrade lost them all). Off for the migration only; it must
            # be said before the transaction's first write to take effect.
            connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
        if connection.dialect.name == "postgresql":
            connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _MIGRATION_LOCK})
        config.attributes["connection"] = connection
        command.upgrade(config, revision)
    if engine.dialect.name == "sqlite":
        engine.dispose()  # that connection had foreign keys off: later ones get them on again


def session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)


def checkpoint_sqlite(engine: Engine) -> None:
    """Fold the write-ahead log into the file and empty it, so erased rows are gone from both."""
    if engine.dialect.name != "sqlite":
        return
    with engine.connect() as connection:
        connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
