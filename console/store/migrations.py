"""Alembic, driven from code: the console upgrades the schema on start."""
from __future__ import annotations

import threading
from functools import lru_cache
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Connection, Engine

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
    try:
        return _script().get_revision(revision) is not None
    except Exception:  # alembic raises several types for unknown ids
        return False


def current_revision(con: Connection) -> str | None:
    """The schema revision stored in the database, or None for an empty one."""
    return MigrationContext.configure(con).get_current_revision()


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
