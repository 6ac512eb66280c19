"""Vacancies close themselves after their closes_on: a sweep at start-up and every few minutes."""

from __future__ import annotations

import logging
import threading
from datetime import date

from sqlalchemy import Engine
from sqlalchemy.orm import sessionmaker

from service import store

logger = logging.getLogger("service")

SWEEP_SECONDS = 300.0
"""How often a process looks for vacancies past their closes_on. A vacancy closes at the latest
this long after midnight; the sweep is one indexed read when nothing expired."""


def close_expired(db: Engine, *, today: date | None = None) -> list[str]:
    """Close every open vacancy past its closes_on, in one transaction; returns their ids."""
    with sessionmaker(db).begin() as session:
        closed = store.close_expired_vacancies(session, today=today or date.today())
    if closed:
        logger.info("closed %d vacancies past their closes_on", len(closed))
    return closed


class ClosingSweep:
    """A daemon thread running close_expired every `every_seconds` until stopped."""

    def __init__(self, db: Engine, *, every_seconds: float = SWEEP_SECONDS) -> None:
        self.db = db
        self.every_seconds = every_seconds
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._run, name="vacancy-closing", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self, timeout: float = 10.0) -> None:
        self._stopping.set()
        if self._thread.is_alive():
            self._thread.join(timeout)

    def _run(self) -> None:
        while not self._stopping.wait(self.every_seconds):
            try:
                close_expired(self.db)
            except Exception:  # a failed sweep (database away) is retried at the next one
                logger.exception("closing expired vacancies failed; retrying later")
