"""Backup and restore of a whole database, consistent while seats and the simulator write.

SQLite: the online backup API (`sqlite3.Connection.backup`) copies every page in one step, so
the copy is one committed state (in WAL mode writers go on meanwhile). PostgreSQL: `pg_dump`
(custom format; one snapshot) and `pg_restore`, given the password in their environment, never
on their command line.
"""
from __future__ import annotations

import os
import re
import shutil
import sqlite3
import subprocess
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import inspect, text
from sqlalchemy.engine import URL, make_url

from console.store import migrations, secrets
from console.store.database import SQLITE_BUSY_TIMEOUT_MS, make_engine, sqlite_path


class BackupError(Exception):
    """A backup or restore that cannot be done; the message says why and what to do."""


@dataclass(frozen=True)
class BackupInfo:
    path: Path
    size: int
    revision: str | None


def _pg_tool(name: str) -> str:
    tool = shutil.which(name)
    if tool is None:
        raise BackupError(f"{name} is not installed: install the PostgreSQL client tools "
                          f"(Debian: apt-get install postgresql-client) or run this on the server")
    return tool


def _pg_args(url: URL) -> tuple[list[str], dict[str, str]]:
    """Connection options and environment for pg_dump/pg_restore: the password in PGPASSWORD."""
    url = secrets.with_password(url)
    env = dict(os.environ)
    if url.password:
        env["PGPASSWORD"] = str(url.password)
    args = ["--dbname", url.database or "postgres"]
    if url.host:
        args += ["--host", url.host]
    if url.port:
        args += ["--port", str(url.port)]
    if url.username:
        args += ["--username", url.username]
    return args + ["--no-password"], env


def _run(cmd: list[str], env: dict[str, str]) -> str:
    done = subprocess.run(cmd, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise BackupError(f"{Path(cmd[0]).name} failed: {done.stderr.strip()[-800:]}")
    return done.stdout


def _sqlite_revision(path: Path) -> str | None:
    con = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        return con.execute("SELECT version_num FROM alembic_version").fetchone()[0]
    except sqlite3.DatabaseError:
        return None
    finally:
        con.close()


def backup(url: str, to: Path) -> BackupInfo:
    """Copy the database at `url` to the file `to` (written beside it, then renamed into place)."""
    to = Path(to)
    partial = to.with_name(to.name + ".partial")
    source = sqlite_path(url)
    if source is not None:
        if not source.exists():
            raise BackupError(f"no database at {source}")
        src = sqlite3.connect(str(source), timeout=SQLITE_BUSY_TIMEOUT_MS / 1000)
        dst = sqlite3.connect(str(partial))
        try:
            src.backup(dst)      # all pages in one step: one consistent snapshot
            # The copy came in WAL mode: back to a rollback journal, so it is one file alone.
            dst.execute("PRAGMA journal_mode=DELETE")
        finally:
            dst.close()
            src.close()
        revision = _sqlite_revision(partial)
    else:
        args, env = _pg_args(make_url(url))
        _run([_pg_tool("pg_dump"), "--format=custom", "--file", str(partial), *args], env)
        revision = _dump_revision(partial)
    os.replace(partial, to)
    return BackupInfo(to, to.stat().st_size, revision)


def _dump_revision(path: Path) -> str | None:
    """The schema revision inside a pg_dump file (its alembic_version table's data)."""
    out = _run([_pg_tool("pg_restore"), "--data-only", "--table", "alembic_version",
                "--file", "-", str(path)], dict(os.environ))
    match = re.search(r"COPY public\.alembic_version .*?;\n(\S+)\n", out)
    return match.group(1) if match else None


def backup_revision(path: Path) -> str | None:
    """The schema revision of a backup file (SQLite file or pg_dump archive)."""
    with Path(path).open("rb") as f:
        head = f.read(16)
    if head.startswith(b"SQLite format 3"):
        return _sqlite_revision(Path(path))
    if head.startswith(b"PGDMP"):
        return _dump_revision(Path(path))
    raise BackupError(f"{path} is neither a SQLite database nor a pg_dump archive")


def _is_empty(url: str) -> bool:
    path = sqlite_path(url)
    if path is not None and (not path.exists() or path.stat().st_size == 0):
        return True
    engine = make_engine(url, pragmas=False)
    try:
        with engine.connect() as con:
            for table in inspect(con).get_table_names():
                if table == "alembic_version":
                    continue
                quoted = table.replace('"', '""')
                if con.execute(text(f'SELECT 1 FROM "{quoted}" LIMIT 1')).first():
                    return False
        return True
    finally:
        engine.dispose()


def restore(source: Path, url: str, *, force: bool = False) -> str:
    """Put the backup `source` in place of the database at `url`; returns its schema revision.

    Refused when the backup's schema is not one this console knows (newer, or not ours), and
    when the target holds any data, unless `force`."""
    source = Path(source)
    if not source.is_file():
        raise BackupError(f"no backup file at {source}")
    revision = backup_revision(source)
    if revision is None or not migrations.is_known(revision):
        raise BackupError(f"{source} holds schema {revision or 'none'}, which this console does "
                          f"not know (its newest is {migrations.head_revision()})")
    if not force and not _is_empty(url):
        raise BackupError("the target database is not empty; add --force to overwrite it")
    target = sqlite_path(url)
    if target is not None:
        src = sqlite3.connect(f"{source.resolve().as_uri()}?mode=ro", uri=True)
        dst = sqlite3.connect(str(target), timeout=SQLITE_BUSY_TIMEOUT_MS / 1000)
        try:
            src.backup(dst)
        finally:
            dst.close()
            src.close()
    else:
        if not _is_pg_dump(source):
            raise BackupError("a PostgreSQL database is restored from a pg_dump archive")
        args, env = _pg_args(make_url(url))
        # No owner and no grants from the dump: the restoring role owns the tables, and the
        # seats' role gets its grants again from `init-db --grant-seat-role` (it may not exist
        # on this server, which would fail the whole restore).
        _run([_pg_tool("pg_restore"), "--clean", "--if-exists", "--no-owner", "--no-acl",
              "--single-transaction", *args, str(source)], env)
    return revision


def _is_pg_dump(path: Path) -> bool:
    with path.open("rb") as f:
        return f.read(5) == b"PGDMP"
