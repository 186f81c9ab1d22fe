"""Alembic, driven from code: the console upgrades the schema on start."""
from __future__ import annotations

import re
import threading
from functools import lru_cache
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory
from sqlalchemy import inspect, text
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import SQLAlchemyError

# db/ sits beside the package in the source tree (DESIGN.md: "db/ Alembic environment").
MIGRATIONS_DIR = Path(__file__).resolve().parents[2] / "db"


def alembic_config(engine: Engine | None = None) -> Config:
    """An Alembic config pointing at db/; the engine travels in `attributes`."""
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    if engine is not None:
        cfg.set_main_option("sqlalchemy.url", engine.url.render_as_string(hide_password=False))
        cfg.attributes["engine"] = engine
    return cfg


@lru_cache(maxsize=1)
def _script() -> ScriptDirectory:
    return ScriptDirectory.from_config(alembic_config())


def head_revision() -> str:
    """The newest migration this version of the console knows."""
    return _script().get_current_head()


def is_known(revision: str) -> bool:
    """Whether `revision` is one of our migrations (a newer console's is not)."""
    return revision in _known_revisions()


@lru_cache(maxsize=1)
def _known_revisions() -> frozenset[str]:
    return frozenset(r.revision for r in _script().walk_revisions())


class RevisionUnreadable(Exception):
    """The database's revision record exists but cannot be read as one revision id."""


#: What any Alembic revision id looks like (ours: "0004"; generated ones: 12 hex digits).
_REVISION_ID = re.compile(r"[A-Za-z0-9_]{1,32}")


def current_revision(con: Connection) -> str | None:
    """The schema revision stored in the database, or None for an empty one.

    RevisionUnreadable when the record is there but broken (unreadable table, no row, several
    rows, a value that is no revision id): that is damage, not a newer console's schema.
    """
    try:
        if not inspect(con).has_table("alembic_version"):
            return None
        rows = con.execute(text("SELECT version_num FROM alembic_version")).all()
    except SQLAlchemyError as exc:
        raise RevisionUnreadable(str(getattr(exc, "orig", exc)).strip().splitlines()[0]) from None
    if not rows:
        return None   # downgraded to base: as empty as a new database
    # Our migrations are one line: one row, holding a revision id.
    if len(rows) > 1:
        raise RevisionUnreadable(f"{len(rows)} revision rows")
    value = rows[0][0]
    if not isinstance(value, str) or not _REVISION_ID.fullmatch(value):
        raise RevisionUnreadable(f"revision {value!r:.40}")
    return value


# Alembic's command API keeps its context in module globals: one migration at a time per process.
_UPGRADE_LOCK = threading.Lock()


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Bring the schema up to `revision` (nothing to do, and no Alembic run, when already there)."""
    with _UPGRADE_LOCK:
        if revision == "head":
            with engine.connect() as con:
                if current_revision(con) == head_revision():
                    return
        command.upgrade(alembic_config(engine), revision)
