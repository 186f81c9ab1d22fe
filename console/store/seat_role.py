"""PostgreSQL: the least-privilege role the seats connect with.

Migrations run as the owner of the tables. The seats log in as another role that may read and
write what a working day needs but may not rewrite the trail: no UPDATE, DELETE or TRUNCATE on
case_events and audit, and — not owning any table — no DDL, no ALTER TABLE … DISABLE TRIGGER,
no DROP TRIGGER (PostgreSQL allows those to the owner alone).
"""
from __future__ import annotations

import re

from sqlalchemy import text
from sqlalchemy.engine import Engine

#: The trail: the seats append to it and read it, nothing else.
APPEND_ONLY = ("case_events", "audit")
#: Tables the seats only read (the schema's revision is the owner's business).
READ_ONLY = ("alembic_version",)
_ROLE_NAME = re.compile(r"[a-z_][a-z0-9_]{0,62}")


def check_role_name(name: str) -> str:
    if not _ROLE_NAME.fullmatch(name):
        raise ValueError(f"a role name is 1-63 lower-case letters, digits or _: {name!r}")
    return name


def grant_seat_role(engine: Engine, name: str, password: str | None) -> bool:
    """Create the role `name` (or bring an existing one's grants up to date); True if created.
    A password, when given, is set as the role's (sent as a bound value, never logged)."""
    name = check_role_name(name)
    if engine.dialect.name != "postgresql":
        raise ValueError("a seat role is a PostgreSQL matter (SQLite has no roles)")
    with engine.begin() as con:
        owner = con.execute(text("SELECT current_user")).scalar_one()
        if name == owner:
            raise ValueError("the seat role must not be the owner role")
        exists = con.execute(text("SELECT 1 FROM pg_roles WHERE rolname = :n"), {"n": name}).first()
        if not exists:
            con.execute(text(f'CREATE ROLE "{name}" LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE '
                             f"NOINHERIT"))
        if password is not None:
            # ALTER ROLE takes no bind parameters: quote the literal with the server's own rules.
            literal = con.execute(text("SELECT quote_literal(:p)"), {"p": password}).scalar_one()
            con.execute(text(f'ALTER ROLE "{name}" PASSWORD {literal}'))
        database = con.execute(text("SELECT current_database()")).scalar_one()
        role = f'"{name}"'
        for sql in (
                f'GRANT CONNECT ON DATABASE "{database}" TO {role}',
                f'REVOKE CREATE ON DATABASE "{database}" FROM PUBLIC, {role}',
                f"REVOKE CREATE ON SCHEMA public FROM PUBLIC, {role}",
                f"GRANT USAGE ON SCHEMA public TO {role}",
                f"REVOKE ALL ON ALL TABLES IN SCHEMA public FROM {role}",
                f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {role}",
                f"REVOKE INSERT, UPDATE, DELETE ON {', '.join(READ_ONLY)} FROM {role}",
                f"REVOKE UPDATE, DELETE ON {', '.join(APPEND_ONLY)} FROM {role}",
                f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {role}"):
            con.execute(text(sql))
    return not exists
