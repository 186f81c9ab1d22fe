"""Alembic, driven from code: the console upgrades the schema on start.

A start whose database is at the head already needs no Alembic at all: the head and the known
revisions are read from the migration scripts' own `revision =` / `down_revision =` lines
(Alembic decides whenever a script says anything else), and Alembic, a quarter of a second to
import, is loaded only to upgrade.
"""
from __future__ import annotations

import ast
import re
import threading
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import create_engine, event, inspect, text
from sqlalchemy.pool import NullPool
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import SQLAlchemyError

if TYPE_CHECKING:
    from alembic.config import Config
    from alembic.script import ScriptDirectory

# db/ sits beside the package in the source tree (DESIGN.md: "db/ Alembic environment").
MIGRATIONS_DIR = Path(__file__).resolve().parents[2] / "db"
VERSIONS_DIR = MIGRATIONS_DIR / "versions"


def alembic_config(engine: Engine | None = None) -> Config:
    """An Alembic config pointing at db/; the engine travels in `attributes`."""
    from alembic.config import Config
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    if engine is not None:
        # The config is an .ini parser: a multi-host URL's escaped ':' (%3A) must be doubled.
        cfg.set_main_option("sqlalchemy.url",
                            engine.url.render_as_string(hide_password=False).replace("%", "%%"))
        cfg.attributes["engine"] = engine
    return cfg


@lru_cache(maxsize=1)
def _script() -> ScriptDirectory:
    from alembic.script import ScriptDirectory
    return ScriptDirectory.from_config(alembic_config())


def head_revision() -> str:
    """The newest migration this version of the console knows."""
    return _revisions()[0]


def is_known(revision: str) -> bool:
    """Whether `revision` is one of our migrations (a newer console's is not)."""
    return revision in _revisions()[1]


@lru_cache(maxsize=1)
def _revisions() -> tuple[str, frozenset[str]]:
    """(the head, every revision): from the scripts' lines, else as Alembic reads them."""
    read = read_revision_lines(VERSIONS_DIR)
    if read is not None:
        return read
    script = _script()
    return script.get_current_head(), frozenset(r.revision for r in script.walk_revisions())


#: The files Alembic takes for revision scripts (alembic.script.base: _only_source_rev_file).
_SCRIPT_FILE = re.compile(r"(?!\.\#|__init__)(.*\.py)$")
#: A module-level `revision = …` or `down_revision = …` line, annotated or not.
_ASSIGNMENT = re.compile(r"^(revision|down_revision)\s*(?::[^=\n]*)?=\s*(.+?)\s*$", re.MULTILINE)


def read_revision_lines(folder: Path) -> tuple[str, frozenset[str]] | None:
    """(head, every revision) of the scripts in `folder` read as text, or None when any script
    is not plainly one line of revision and one of down_revision (str, None or a tuple of
    str), or the revisions do not make one chain with one head: then Alembic must decide."""
    parents: dict[str, tuple[str, ...]] = {}
    try:
        names = sorted(p.name for p in folder.iterdir() if p.is_file())
        for name in names:
            if not _SCRIPT_FILE.match(name):
                continue
            found: dict[str, list[object]] = {"revision": [], "down_revision": []}
            for key, value in _ASSIGNMENT.findall((folder / name).read_text(encoding="utf-8")):
                found[key].append(ast.literal_eval(value))
            (revision,), (down,) = found["revision"], found["down_revision"]
            downs = (down,) if isinstance(down, str) else () if down is None else down
            plain = isinstance(revision, str) and isinstance(downs, tuple) \
                and all(isinstance(d, str) for d in downs)
            if not plain or revision in parents:
                return None
            parents[revision] = downs
    except (OSError, UnicodeDecodeError, ValueError, SyntaxError):
        return None   # unreadable, several assignments, or not a literal
    below = {d for downs in parents.values() for d in downs}
    heads = set(parents) - below
    if len(heads) != 1 or not below <= set(parents):
        return None
    return heads.pop(), frozenset(parents)


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
        from alembic import command
        if engine.dialect.name != "sqlite":
            command.upgrade(alembic_config(engine), revision)
            return
        # SQLite can undo DDL, but Python's sqlite3 runs ALTER/CREATE outside any transaction:
        # a console killed in the middle of an upgrade left half a migration behind (a column
        # added, the revision not). One explicit transaction makes the upgrade all or nothing.
        single = create_engine(engine.url, poolclass=NullPool, connect_args={"timeout": 30})

        @event.listens_for(single, "connect")
        def _driver_leaves_transactions_to_us(dbapi_connection, _record) -> None:
            dbapi_connection.isolation_level = None

        @event.listens_for(single, "begin")
        def _begin(connection) -> None:
            connection.exec_driver_sql("BEGIN IMMEDIATE")
        try:
            command.upgrade(alembic_config(single), revision)
        finally:
            single.dispose()
