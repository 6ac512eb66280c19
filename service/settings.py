"""The service's settings, from `MATCHER_*` environment variables."""

from __future__ import annotations

from datetime import date
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
    transit: Path | None = None
    """Folder of a timetable built by `matcher transit build`; unset means commutes by public
    transport are estimated from the distance."""
    transit_look_seconds: float = Field(default=5.0, ge=0)
    """How often, at most, the `transit` folder is looked at for a new build (taken up without
    a restart)."""
    transit_week: date | None = None
    """A day of the week on whose timetable shifts are judged (a holiday week, say); unset
    means the current week (or the feeds' nearest)."""
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
    rejection_expires_months: int | None = Field(default=None, ge=1, le=120)
    """After this many months a rejection no longer keeps the vacancy out of the person's
    shortlist (it comes back, marked previously_rejected); unset means never."""
    attention_stale_days: int = Field(default=14, ge=1, le=365)
    """A proposal with no step for this many days shows in GET /attention."""
    attention_ready_days: int = Field(default=30, ge=1, le=365)
    """A person ready this many days without a proposal shows in GET /attention."""
    max_body_bytes: int = Field(default=256 * 1024, ge=1024)
    """Largest request body accepted; larger ones get 413."""
    max_import_bytes: int = Field(default=5 * 1024 * 1024, ge=1024)
    """Largest sheet uploaded to /imports/ (thousands of people fit); larger ones get 413."""
    blas_threads: int = Field(default=1, ge=1)
    """Threads numpy's BLAS may use per request (requests already run in parallel)."""
    shortlist_cache_size: int = Field(default=2048, ge=0)
    """Shortlists kept per process, keyed by everything they depend on; 0 turns the cache off."""
    max_header_bytes: int = Field(default=32 * 1024, ge=1024)
    """Largest request line and headers together, in bytes; larger get 431 (`matcher serve`)."""
    max_header_line_bytes: int = Field(default=8 * 1024, ge=256)
    """Longest request line (414 beyond) or header line (431 beyond), in bytes."""
    header_timeout: float = Field(default=10.0, gt=0)
    """Seconds a client has to send a request's headers, from connecting or from the request's
    first byte; later, it gets 408 and its connection is closed."""
    body_timeout: float = Field(default=30.0, gt=0)
    """Seconds a client has to send a request's whole body once its headers are in; later, 408
    and the connection is closed."""
    max_connections: int = Field(default=1000, ge=1)
    """Open connections per process; a request on one beyond them gets 503 with Retry-After, and
    its connection is closed."""
    max_requests_in_flight: int = Field(default=128, ge=1)
    """Requests being answered at once per process; beyond them, 503 with Retry-After at once."""
    access_log: bool = False
    """Log a line per request: method, route template (never the path: it holds ids), status,
    milliseconds. `matcher serve --access-log` sets it."""

    session_hours: int = Field(default=12, ge=1, le=24 * 90)
    """How long a sign-in lasts: the session ends this many hours after it began (or at
    sign-out, or when the account is disabled or its password changed)."""
    sign_in_window_minutes: int = Field(default=15, ge=1, le=24 * 60)
    """The span in which failed sign-ins are counted."""
    sign_in_failures_per_email: int = Field(default=5, ge=1)
    """Failed sign-ins with one e-mail in the window; the next try gets 429 with Retry-After."""
    sign_in_failures_per_address: int = Field(default=30, ge=1)
    """Failed sign-ins from one address in the window (more than per e-mail: an office or a
    phone network puts many people behind one address)."""
    trusted_proxies: str = ""
    """Comma-separated addresses of reverse proxies (e.g. "127.0.0.1"): from them the
    `X-Forwarded-Proto` (https: session cookies are sent Secure) and `X-Forwarded-For` (the
    address failed sign-ins are counted by) are believed. `matcher serve` under uvicorn already
    believes them from 127.0.0.1 (uvicorn's FORWARDED_ALLOW_IPS)."""

    @property
    def proxies(self) -> frozenset[str]:
        return frozenset(p.strip() for p in self.trusted_proxies.split(",") if p.strip())

    @property
    def url(self) -> str:
        """The database URL, creating the SQLite file's folder when the default is used."""
        if self.database_url:
            return self.database_url
        self.data_dir.mkdir(parents=True, exist_ok=True)
        return f"sqlite:///{(self.data_dir / 'matcher.sqlite3').resolve()}"
