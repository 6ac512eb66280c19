"""Helpers for the service's tests: fresh databases, keys, a live uvicorn, request bodies."""

from __future__ import annotations

import os
import secrets
import socket
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import uvicorn
from factories import make_candidate, make_vacancy
from fastapi import FastAPI
from sqlalchemy import create_engine, make_url, text

from service import store
from service.settings import Settings

PG_ENV = "MATCHER_TEST_DATABASE_URL"
# An employer that has vacancies in the fixtures, and one that is not it.
EMPLOYER = "Bakkerij Reigerhoek"
OTHER_EMPLOYER = "Havenlogistiek NV"


@dataclass
class Databases:
    """Makes fresh, empty databases of one kind; PostgreSQL ones are schemas dropped at the end."""

    kind: str
    folder: Path
    _schemas: list[str] = field(default_factory=list)

    def new(self) -> str:
        if self.kind == "sqlite":
            path = self.folder / f"matcher-{secrets.token_hex(4)}.sqlite3"
            return f"sqlite:///{path}"
        base = os.environ[PG_ENV]
        schema = f"test_{secrets.token_hex(6)}"
        admin = create_engine(base)
        with admin.begin() as connection:
            connection.execute(text(f"CREATE SCHEMA {schema}"))
        admin.dispose()
        self._schemas.append(schema)
        url = make_url(base).update_query_dict({"options": f"-csearch_path={schema}"})
        return url.render_as_string(hide_password=False)

    def drop_all(self) -> None:
        if not self._schemas:
            return
        admin = create_engine(os.environ[PG_ENV])
        with admin.begin() as connection:
            for schema in self._schemas:
                connection.execute(text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
        admin.dispose()


def settings_for(url: str, **overrides: Any) -> Settings:
    return Settings(database_url=url, **overrides)


def make_key(app: FastAPI, role: store.Role, employer: str | None = None) -> str:
    with app.state.sessions.begin() as session:
        _, key = store.create_key(session, role=role, employer=employer, name=f"test {role}")
    return key


def as_role(keys: dict[str, str], role: str) -> dict[str, str]:
    return {"X-API-Key": keys[role]}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


class LiveServer:
    """The app under a real uvicorn on 127.0.0.1, in a thread of this process."""

    def __init__(self, app: FastAPI) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        config = uvicorn.Config(
            app, host="127.0.0.1", port=self.port, log_level="warning", access_log=False
        )
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self) -> LiveServer:
        self.thread.start()
        deadline = time.monotonic() + 30
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("uvicorn did not start")
            time.sleep(0.02)
        return self

    def __exit__(self, *_: object) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=30)


def candidate_body(**fields: Any) -> dict[str, Any]:
    """A valid candidate as JSON, with a fresh id unless one (or None) is given."""
    fields.setdefault("id", f"c-t-{secrets.token_hex(4)}")
    data: dict[str, Any] = make_candidate(**fields).model_dump(mode="json")
    return data


def vacancy_body(**fields: Any) -> dict[str, Any]:
    """A valid vacancy as JSON, with a fresh id unless one (or None) is given."""
    fields.setdefault("id", f"v-t-{secrets.token_hex(4)}")
    data: dict[str, Any] = make_vacancy(**fields).model_dump(mode="json")
    return data
