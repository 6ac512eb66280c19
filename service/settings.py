"""The service's settings, from `MATCHER_*` environment variables."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_DATA_DIR = Path("var")


class Settings(BaseSettings):
    """Where the data lives and how much the service accepts; every field is `MATCHER_<NAME>`."""

    model_config = SettingsConfigDict(env_prefix="MATCHER_", extra="ignore")

    database_url: str | None = None
    """SQLAlchemy URL, e.g. postgresql+psycopg://user@host/db; unset means a SQLite file."""
    data_dir: Path = DEFAULT_DATA_DIR
    """Folder of the default SQLite file (created if missing), relative to the working directory."""
    load_fixtures: bool = True
    """Load the synthetic fixtures into an empty database on first start."""
    history_dir: Path | None = None
    """Folder of the `history.json` (past applications and stage changes) loaded with the
    fixtures, when it has one; unset means the fixtures' folder."""
    target_placed: int = Field(default=160, ge=1)
    """People the programme means to place in work: stored at first start, then set by
    coordinators (PUT /programme)."""
    target_people: int = Field(default=400, ge=1)
    """People the programme means to reach: stored at first start, then PUT /programme."""
    attention_stale_days: int = Field(default=14, ge=1, le=365)
    """A proposal with no step for this many days shows in GET /attention."""
    attention_ready_days: int = Field(default=30, ge=1, le=365)
    """A person ready this many days without a proposal shows in GET /attention."""
    max_body_bytes: int = Field(default=256 * 1024, ge=1024)
    """Largest request body accepted; larger ones get 413."""
    blas_threads: int = Field(default=1, ge=1)
    """Threads numpy's BLAS may use per request (requests already run in parallel)."""
    shortlist_cache_size: int = Field(default=2048, ge=0)
    """Shortlists kept per process, keyed by everything they depend on; 0 turns the cache off."""

    @property
    def url(self) -> str:
        """The database URL, creating the SQLite file's folder when the default is used."""
        if self.database_url:
            return self.database_url
        self.data_dir.mkdir(parents=True, exist_ok=True)
        return f"sqlite:///{(self.data_dir / 'matcher.sqlite3').resolve()}"
