"""Accounts: people who sign in, sessions, counted failed sign-ins; every API key an account's.

- `accounts`: name, e-mail (unique as folded to lower case, in `email_key`), role, employer,
  argon2id password hash, the pages' language, created and disabled.
- `api_keys.account_id`: each key stored before gets an account of its own here, named after
  the key (its name, or its role and id), of the key's role and employer, with no e-mail and no
  password: the record names that account from now on, and nobody can sign in as it until an
  admin gives it an e-mail and a password.
- `sessions`: signed-in browsers, by the sha256 of their cookie's token.
- `sign_in_failures`: failed sign-ins by e-mail and address, for the rate limit.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-15
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    accounts = op.create_table(
        "accounts",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("email", sa.String(254), nullable=True),
        sa.Column("email_key", sa.String(254), nullable=True, unique=True),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("employer", sa.String(200), nullable=True),
        sa.Column("password_hash", sa.String(255), nullable=True),
        sa.Column("language", sa.String(8), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("disabled_at", sa.DateTime(timezone=True), nullable=True),
    )
    with op.batch_alter_table("api_keys") as batch:
        batch.add_column(sa.Column("account_id", sa.String(32), nullable=True))
    bind = op.get_bind()
    api_keys = sa.table(
        "api_keys",
        sa.column("id", sa.String),
        sa.column("role", sa.String),
        sa.column("employer", sa.String),
        sa.column("name", sa.String),
        sa.column("created_at", sa.DateTime(timezone=True)),  # a datetime from SQLite's text too
    )
    c = api_keys.c
    keys = bind.execute(
        sa.select(c.id, c.role, c.employer, c.name, c.created_at).order_by(c.id)
    ).all()
    made = []
    for key_id, role, employer, name, created_at in keys:
        account_id = f"u-{secrets.token_hex(6)}"
        made.append(
            {
                "id": account_id,
                "name": name or f"{role} key {key_id}",
                "email": None,
                "email_key": None,
                "role": role,
                "employer": employer,
                "password_hash": None,
                "language": None,
                "created_at": created_at,
                "disabled_at": None,
                "key_id": key_id,
            }
        )
    if made:
        op.bulk_insert(accounts, [{k: v for k, v in m.items() if k != "key_id"} for m in made])
        bind.execute(
            sa.text("UPDATE api_keys SET account_id = :account WHERE id = :key"),
            [{"account": m["id"], "key": m["key_id"]} for m in made],
        )
    with op.batch_alter_table("api_keys") as batch:
        batch.alter_column("account_id", existing_type=sa.String(32), nullable=False)
        batch.create_foreign_key("fk_api_keys_account_id", "accounts", ["account_id"], ["id"])
        batch.create_index("ix_api_keys_account_id", ["account_id"])
    op.create_table(
        "sessions",
        sa.Column("token_hash", sa.String(64), primary_key=True),
        sa.Column(
            "account_id",
            sa.String(32),
            sa.ForeignKey("accounts.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("csrf_token", sa.String(64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_sessions_account_id", "sessions", ["account_id"])
    op.create_index("ix_sessions_expires_at", "sessions", ["expires_at"])
    op.create_table(
        "sign_in_failures",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("email_key", sa.String(254), nullable=False),
        sa.Column("address", sa.String(64), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_sign_in_failures_email_key", "sign_in_failures", ["email_key"])
    op.create_index("ix_sign_in_failures_address", "sign_in_failures", ["address"])
    op.create_index("ix_sign_in_failures_at", "sign_in_failures", ["at"])


def downgrade() -> None:
    op.drop_table("sign_in_failures")
    op.drop_table("sessions")
    with op.batch_alter_table("api_keys") as batch:
        batch.drop_index("ix_api_keys_account_id")
        batch.drop_constraint("fk_api_keys_account_id", type_="foreignkey")
        batch.drop_column("account_id")
    op.drop_table("accounts")
