"""The database tables, as SQLAlchemy 2 declarative models (the migrations create them)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.sql.expression import false


def utcnow() -> datetime:
    return datetime.now(UTC)


class Base(DeclarativeBase):
    type_annotation_map = {dict[str, Any]: JSON, datetime: DateTime(timezone=True)}


class ServiceState(Base):
    """One row: counters that every process compares with what it has in memory."""

    __tablename__ = "service_state"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    catalog_version: Mapped[int] = mapped_column(BigInteger)
    """Bumped in the same transaction as any vacancy write, so fitted engines know they are old."""
    weights_version: Mapped[int] = mapped_column(Integer)
    """The current weights' version (0 until the defaults are stored)."""
    fixtures_loaded: Mapped[bool] = mapped_column(Boolean)
    erasures: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")
    """Bumped by every erasure, so each process drops erased people from its caches."""


class CandidateRow(Base):
    __tablename__ = "candidates"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    stage: Mapped[str] = mapped_column(String(16), index=True)
    data: Mapped[dict[str, Any]]
    excluded: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    """A test or intake record the coordinator leaves out of the programme's figures."""
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class VacancyRow(Base):
    __tablename__ = "vacancies"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    employer: Mapped[str] = mapped_column(String(200), index=True)
    status: Mapped[str] = mapped_column(String(16), index=True)
    language_light: Mapped[bool] = mapped_column(Boolean, index=True)
    revision: Mapped[int] = mapped_column(BigInteger, index=True)
    """The catalog version written with this row's last change (indexed: every process reads the
    rows written since its engine's version after each write)."""
    data: Mapped[dict[str, Any]]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Copies of fields of `data` that lists filter on, so a filtered page is found by SQL
    # without decoding every row (written with `data`, by store._vacancy_values only).
    postcode: Mapped[str | None] = mapped_column(String(16), index=True)
    """The location's postcode (null when only coordinates were given)."""
    lat: Mapped[float | None] = mapped_column(Float)
    lon: Mapped[float | None] = mapped_column(Float)
    """The location's point: its coordinates, or its postcode's (matcher.travel.geo)."""
    title_key: Mapped[str | None] = mapped_column(Text)
    """The title folded as `matcher.reading.vocabulary.accentless` folds it (case and accents)."""

    __table_args__ = (Index("ix_vacancies_lat_lon", "lat", "lon"),)


class RetiredVacancyId(Base):
    """A deleted vacancy's id: never given out again (409 names why), and the catalog version of
    the deletion, so a fitted engine knows which vacancies left since it was fitted."""

    __tablename__ = "retired_vacancy_ids"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    employer: Mapped[str] = mapped_column(String(200))
    revision: Mapped[int] = mapped_column(BigInteger, index=True)
    retired_at: Mapped[datetime] = mapped_column(default=utcnow)


class ProgrammeRow(Base):
    """One row: the programme's span and targets, and who set them last."""

    __tablename__ = "programme"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)
    target_people: Mapped[int] = mapped_column(Integer)
    target_placed: Mapped[int] = mapped_column(Integer)
    changed_by: Mapped[str] = mapped_column(String(200))
    changed_at: Mapped[datetime] = mapped_column(default=utcnow)


class WeightsRow(Base):
    """Every version of the weights ever set, with who set it and when."""

    __tablename__ = "weights"

    version: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    weights: Mapped[dict[str, Any]]
    note: Mapped[str | None] = mapped_column(Text)
    changed_by: Mapped[str] = mapped_column(String(200))
    changed_at: Mapped[datetime] = mapped_column(default=utcnow)


class AccountRow(Base):
    """A person who uses the service: their role, for employers their employer, and (once set)
    their password's argon2id hash. Every API key belongs to one."""

    __tablename__ = "accounts"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    """How the record names them: who proposed, recorded a step, changed the weights."""
    email: Mapped[str | None] = mapped_column(String(254))
    """As they typed it; null for an account made for an API key alone (it cannot sign in)."""
    email_key: Mapped[str | None] = mapped_column(String(254), unique=True)
    """The e-mail folded to lower case: unique, and what a sign-in compares."""
    role: Mapped[str] = mapped_column(String(16))
    employer: Mapped[str | None] = mapped_column(String(200))
    """For (and only for) employer accounts: an employer record's name."""
    password_hash: Mapped[str | None] = mapped_column(String(255))
    """argon2id, as argon2-cffi writes it; null until a password is set."""
    language: Mapped[str | None] = mapped_column(String(8))
    """The pages' language they chose (en, nl, uk, ru); null means their browser's."""
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    disabled_at: Mapped[datetime | None] = mapped_column(nullable=True)
    """Set when the account was disabled: its keys and sessions stop working."""


class ApiKeyRow(Base):
    """An API key, stored as the sha256 of the key; the key itself is shown once."""

    __tablename__ = "api_keys"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    role: Mapped[str] = mapped_column(String(16))
    employer: Mapped[str | None] = mapped_column(String(200))
    name: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    account_id: Mapped[str] = mapped_column(String(32), ForeignKey("accounts.id"), index=True)
    """Whose key it is: the record names that account as the one who acted."""


class SessionRow(Base):
    """A signed-in browser: the sha256 of its cookie's token (the token itself is never stored)
    and the token its forms carry against cross-site requests."""

    __tablename__ = "sessions"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    account_id: Mapped[str] = mapped_column(
        String(32), ForeignKey("accounts.id", ondelete="CASCADE"), index=True
    )
    csrf_token: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(index=True)


class SignInFailureRow(Base):
    """A failed sign-in, by e-mail (folded) and client address: counted to slow guessing down,
    in the database so that every worker counts the same ones."""

    __tablename__ = "sign_in_failures"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    email_key: Mapped[str] = mapped_column(String(254), index=True)
    address: Mapped[str] = mapped_column(String(64), index=True)
    at: Mapped[datetime] = mapped_column(index=True)


class ApplicationRow(Base):
    """A vacancy proposed to a candidate: every step (with debrief notes) and the shortlist line
    it came from. Erased with the candidate (explicitly, and by the foreign key)."""

    __tablename__ = "applications"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    candidate_id: Mapped[str] = mapped_column(
        String(64), ForeignKey("candidates.id", ondelete="CASCADE"), index=True
    )
    vacancy_id: Mapped[str] = mapped_column(String(64), index=True)
    """No foreign key: outcomes stay on record when a vacancy is deleted."""
    jobhunter: Mapped[str | None] = mapped_column(String(200))
    employer: Mapped[str | None] = mapped_column(String(200), index=True)
    """The vacancy's employer when it was proposed: the application stays that employer's."""
    status: Mapped[str] = mapped_column(String(16), index=True)
    proposed_on: Mapped[date] = mapped_column(Date)
    hired_on: Mapped[date | None] = mapped_column(Date)
    steps: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    snapshot: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class StageChangeRow(Base):
    """A candidate entered a stage on a day; erased with the candidate."""

    __tablename__ = "stage_changes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    candidate_id: Mapped[str] = mapped_column(
        String(64), ForeignKey("candidates.id", ondelete="CASCADE"), index=True
    )
    stage: Mapped[str] = mapped_column(String(16))
    on: Mapped[date] = mapped_column(Date)
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)


class FollowUpRow(Base):
    """What a follow-up after a hire found, with the coach's notes; erased with the candidate."""

    __tablename__ = "followups"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    candidate_id: Mapped[str] = mapped_column(
        String(64), ForeignKey("candidates.id", ondelete="CASCADE"), index=True
    )
    on: Mapped[date] = mapped_column(Date)
    outcome: Mapped[str] = mapped_column(String(32))
    reason: Mapped[str | None] = mapped_column(String(32))
    note: Mapped[str | None] = mapped_column(Text)
    recorded_by: Mapped[str] = mapped_column(String(200))
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)


class EmployerRow(Base):
    """An employer as a record: the name vacancies and employer keys are bound to, and whom to
    call there (null until someone records it)."""

    __tablename__ = "employers"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    contact: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class ErasureRow(Base):
    """Who erased a person, and when: the account, as the record names it. Nothing about the
    person erased is kept (not their id: it may be the office's own reference), so the log
    holds no personal data of theirs and survives their erasure."""

    __tablename__ = "erasures"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    erased_at: Mapped[datetime] = mapped_column(default=utcnow)
    account_id: Mapped[str] = mapped_column(String(32))
    erased_by: Mapped[str] = mapped_column(String(200))
    """The account's name then, as every line of the record names who did it."""
    role: Mapped[str] = mapped_column(String(16))
