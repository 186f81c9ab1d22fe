"""Opening a database safely: checks that leave a bad file untouched, pragmas, migrations."""
from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import create_engine, event, inspect, text
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import ArgumentError, OperationalError, SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from console.domain.errors import DomainError
from console.store import migrations, secrets
from console.store.notify import PG_CONNECT_DEFAULTS, application_name
from console.store.seed import seed_reference_data

SQLITE_BUSY_TIMEOUT_MS = 5000


def _env_int(name: str, default: int) -> int:
    try:
        return int(os.environ.get(name, default))
    except ValueError:
        return default


# A seat's share of the server: twenty seats, `serve` and the listeners must fit in PostgreSQL's
# default max_connections (100). A seat's threads wait for a pooled connection (bounded by
# PG_POOL_TIMEOUT_S) rather than open more; its feed listener is one more (store/notify.py).
PG_POOL_SIZE = _env_int("CITY_CONSOLE_PG_POOL_SIZE", 3)
PG_POOL_TIMEOUT_S = _env_int("CITY_CONSOLE_PG_POOL_TIMEOUT_S", 30)
#: A stuck statement or a lock held elsewhere ends with a refusal instead of freezing a lane.
PG_STATEMENT_TIMEOUT_MS = _env_int("CITY_CONSOLE_PG_STATEMENT_TIMEOUT_MS", 30_000)
PG_LOCK_TIMEOUT_MS = _env_int("CITY_CONSOLE_PG_LOCK_TIMEOUT_MS", 5_000)
#: PostgreSQL's SQLSTATEs for the two timeouts: lock_not_available, query_canceled.
_TIMEOUT_CODES = {"55P03": "db_lock_timeout", "57014": "db_statement_timeout"}
_SQLITE_HEADER = b"SQLite format 3\x00"


class DatabaseOpenError(Exception):
    """The database cannot be used; `code` and `params` say why (the interface words it)."""

    def __init__(self, code: str, **params: str) -> None:
        super().__init__(f"{code}: {params}")
        self.code = code
        self.params = params


def sqlite_path(url: str) -> Path | None:
    """The file behind a SQLite URL, or None for other databases and in-memory SQLite."""
    try:
        u = make_url(url)
    except ArgumentError:
        raise DatabaseOpenError("db_bad_url", url=url) from None
    if u.get_backend_name() != "sqlite" or not u.database or u.database == ":memory:":
        return None
    return Path(u.database)


def _check_sqlite_file(path: Path) -> None:
    """Refuse a file we must not touch: unreadable, not SQLite, damaged, locked, or in a folder
    where SQLite cannot create its working files.

    Cheap by design (a cold start waits for it): the header, the file's size against it, the
    schema and the first page of every table. A page damaged deep inside a big table is found
    by `verify_sqlite_file`, which reads everything.
    """
    if not path.exists():
        if not path.parent.is_dir():
            raise DatabaseOpenError("db_dir_missing", path=str(path.parent))
        if not os.access(path.parent, os.W_OK | os.X_OK):
            raise DatabaseOpenError("db_dir_not_writable", path=str(path.parent))
        return
    if path.is_dir():
        raise DatabaseOpenError("db_is_directory", path=str(path))
    if not os.access(path, os.R_OK | os.W_OK):
        raise DatabaseOpenError("db_unreadable", path=str(path))
    try:
        with path.open("rb") as f:
            header = f.read(100)
        size = path.stat().st_size
    except OSError as exc:
        raise DatabaseOpenError("db_unreadable", path=str(path), detail=str(exc)) from None
    if not header:
        return   # an empty file becomes a new database
    if header[:16] != _SQLITE_HEADER:
        raise DatabaseOpenError("db_not_sqlite", path=str(path))
    journal = any(_sidecar(path, s).exists() for s in ("-wal", "-journal"))
    problem = _header_problem(header, size, journal_beside=journal)
    if problem:
        raise DatabaseOpenError("db_corrupt", path=str(path), detail=problem)
    # SQLite keeps its journal (-wal, -shm) beside the file: a folder it cannot write to would
    # otherwise surface as "unable to open database file", which reads like damage.
    if not os.access(path.parent, os.W_OK | os.X_OK):
        raise DatabaseOpenError("db_folder_read_only", path=str(path), folder=str(path.parent))
    try:
        try:
            _read_schema(_read_only_uri(path))
        except sqlite3.DatabaseError:
            # A writer that began after the look for journals: judge again through its journal.
            uri = _read_only_uri(path)
            if uri.endswith("immutable=1"):
                raise
            _read_schema(uri)
    except sqlite3.DatabaseError as exc:
        msg = str(exc).lower()
        if "locked" in msg or "busy" in msg:
            raise DatabaseOpenError("db_locked", path=str(path)) from None
        raise DatabaseOpenError("db_corrupt", path=str(path), detail=str(exc)) from None


def _sidecar(path: Path, suffix: str) -> Path:
    return path.with_name(path.name + suffix)


def _read_only_uri(path: Path) -> str:
    """A URI that reads the file without writing anything beside it.

    With no journal beside it nobody is writing (a WAL writer keeps -wal while open; a rollback
    writer creates -journal), so the file is read as immutable: SQLite then creates no -wal and
    -shm, and a refused file leaves its folder as it was. Otherwise a plain read-only open, which
    reads the journal's committed pages.
    """
    uri = f"{path.resolve().as_uri()}?mode=ro"
    if not any(_sidecar(path, s).exists() for s in ("-wal", "-journal")):
        uri += "&immutable=1"
    return uri


def _header_problem(header: bytes, size: int, *, journal_beside: bool) -> str | None:
    """What the 100-byte header says is wrong with a file of `size` bytes, or None."""
    if len(header) < 100:
        return f"{size} bytes, shorter than a SQLite header"
    page_size = int.from_bytes(header[16:18], "big")
    page_size = 65536 if page_size == 1 else page_size
    if page_size < 512 or page_size & (page_size - 1):
        return f"page size {page_size}"
    if size < page_size:
        return f"{size} bytes, shorter than one {page_size}-byte page"
    pages = int.from_bytes(header[28:32], "big")
    # The page count is valid when stamped with the current change counter (SQLite ≥ 3.7.0);
    # with a journal beside the file (-wal, or a hot -journal after a crash) the file may be
    # mid-change, and only SQLite reading the journal may judge it.
    if not journal_beside and pages and header[24:28] == header[92:96] and size < pages * page_size:
        return f"{size} bytes, but the header counts {pages} pages of {page_size} bytes"
    return None


def _read_schema(uri: str) -> None:
    """Parse the schema and read the first page of every table (a zeroed page fails here)."""
    con = sqlite3.connect(uri, uri=True, timeout=SQLITE_BUSY_TIMEOUT_MS / 1000)
    try:
        tables = [r[0] for r in con.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' "
            "AND sql NOT LIKE 'CREATE VIRTUAL%'")]
        for name in tables:
            quoted = name.replace('"', '""')
            con.execute(f'SELECT * FROM "{quoted}" LIMIT 1').fetchall()
    finally:
        con.close()


def verify_sqlite_file(path: Path) -> str | None:
    """Read the whole file (PRAGMA quick_check, seconds for a big city): None when sound,
    else the first problem found. For an explicit check, not for opening."""
    con = sqlite3.connect(_read_only_uri(path), uri=True, timeout=SQLITE_BUSY_TIMEOUT_MS / 1000)
    try:
        row = con.execute("PRAGMA quick_check(1)").fetchone()
    except sqlite3.DatabaseError as exc:
        return str(exc)
    finally:
        con.close()
    return None if row and row[0] == "ok" else str(row[0] if row else "no answer")


def _probe_write_lock(path: Path) -> None:
    """An exclusive lock held by another program shows up only when we try to write."""
    if not path.exists():
        return
    con = sqlite3.connect(str(path), timeout=SQLITE_BUSY_TIMEOUT_MS / 1000, isolation_level=None)
    try:
        con.execute("BEGIN IMMEDIATE")
        con.execute("ROLLBACK")
    except sqlite3.OperationalError as exc:
        if "locked" in str(exc).lower() or "busy" in str(exc).lower():
            raise DatabaseOpenError("db_locked", path=str(path)) from None
        raise DatabaseOpenError("db_unreadable", path=str(path), detail=str(exc)) from None
    finally:
        con.close()


def _sqlite_pragmas(dbapi_con, _record) -> None:
    cur = dbapi_con.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cur.execute("PRAGMA synchronous=NORMAL")   # safe with WAL; a power cut loses at most the last commits
    cur.close()


def _begin_before_savepoint(conn, _name) -> None:
    """pysqlite opens its transaction only before a write statement, so a SAVEPOINT that comes
    first (session.begin_nested() before any write) would open one itself — and releasing it
    would COMMIT everything so far, whatever the outer transaction does next: a refusal after
    it would leave a partial write. Begin the real transaction first."""
    raw = conn.connection.driver_connection
    if not raw.in_transaction:
        raw.execute("BEGIN")


def make_engine(url: str, *, pragmas: bool = True, timeouts: bool = True,
                pool_size: int | None = None) -> Engine:
    """An engine with the pragmas this product relies on (without them: for read-only checks).

    On PostgreSQL a small pool named after this seat, with statement and lock timeouts
    (`timeouts=False` for migrations, whose index builds may rightly run for minutes)."""
    try:
        u = make_url(url)
    except ArgumentError:
        raise DatabaseOpenError("db_bad_url", url=url) from None
    if u.get_backend_name() == "sqlite":
        engine = create_engine(u, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000,
                                                "check_same_thread": False})
        if pragmas:
            event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "savepoint", _begin_before_savepoint)
        return engine
    try:
        u = secrets.with_password(u)
    except secrets.SecretError as exc:
        raise DatabaseOpenError("db_unreachable", url=u.render_as_string(hide_password=True),
                                detail=str(exc)) from None
    connect_args = {}
    if u.get_backend_name() == "postgresql" and u.get_driver_name() == "psycopg2":
        connect_args["application_name"] = u.query.get("application_name") or application_name()
        connect_args.update({k: v for k, v in PG_CONNECT_DEFAULTS.items()
                             if k not in u.query})
        if timeouts:
            connect_args["options"] = (f"-c statement_timeout={PG_STATEMENT_TIMEOUT_MS} "
                                       f"-c lock_timeout={PG_LOCK_TIMEOUT_MS}")
    try:
        engine = create_engine(u, pool_pre_ping=True, pool_size=pool_size or PG_POOL_SIZE,
                               max_overflow=0, pool_timeout=PG_POOL_TIMEOUT_S,
                               connect_args=connect_args)
    except (ImportError, SQLAlchemyError) as exc:
        raise DatabaseOpenError("db_driver_missing", url=u.render_as_string(hide_password=True),
                                detail=str(exc)) from None
    if timeouts:
        event.listen(engine, "handle_error", _timeout_refusal)
    return engine


def _timeout_refusal(ctx) -> DomainError | None:
    """A statement or lock timeout becomes a refusal the seat can word: nothing was saved."""
    code = _TIMEOUT_CODES.get(getattr(ctx.original_exception, "pgcode", None))
    if code is None:
        return None
    limit = PG_LOCK_TIMEOUT_MS if code == "db_lock_timeout" else PG_STATEMENT_TIMEOUT_MS
    return DomainError(code, seconds=f"{limit / 1000:g}")


class Database:
    """An opened, migrated database and its session factory."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.url = engine.url.render_as_string(hide_password=True)
        self._sessions = sessionmaker(engine, expire_on_commit=False)

    @property
    def url_without_password(self) -> str:
        """The URL to remember (a seat's settings): no password, not even "***"."""
        return secrets.without_password(self.engine.url)

    @property
    def is_sqlite(self) -> bool:
        return self.engine.dialect.name == "sqlite"

    def session(self) -> Session:
        """A new session; use `with db.session() as s, s.begin():` — one per user action."""
        return self._sessions()

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """A session inside one transaction: committed on success, rolled back on error."""
        with self._sessions() as session, session.begin():
            yield session

    def dispose(self) -> None:
        self.engine.dispose()


def open_database(url: str, *, upgrade: bool = True) -> Database:
    """Check, open and (by default) migrate the database at `url`; DatabaseOpenError if unusable."""
    path = sqlite_path(url)
    if path is not None:
        _check_sqlite_file(path)
        _probe_write_lock(path)
    # Look before touching: the checks run without the WAL pragma, which rewrites the header.
    engine = make_engine(url, pragmas=False)
    try:
        with engine.connect() as con:
            try:
                current = migrations.current_revision(con)
            except migrations.RevisionUnreadable as exc:
                raise DatabaseOpenError("db_schema_unreadable", detail=str(exc),
                                        path=str(path or engine.url.database)) from None
            if current is not None and not migrations.is_known(current):
                raise DatabaseOpenError("db_schema_newer", revision=current,
                                        path=str(path or engine.url.database))
            if current is None and _has_foreign_tables(con):
                raise DatabaseOpenError("db_not_ours", url=engine.url.render_as_string(True))
        engine.dispose()
        engine = make_engine(url, timeouts=False, pool_size=1)
        if upgrade:
            migrations.upgrade(engine)
            with Session(engine) as session, session.begin():
                seed_reference_data(session)
        if engine.dialect.name != "sqlite":
            engine.dispose()
            engine = make_engine(url)
    except DatabaseOpenError:
        engine.dispose()
        raise
    except OperationalError as exc:
        engine.dispose()
        msg = str(exc.orig).lower()
        code = "db_locked" if ("locked" in msg or "busy" in msg) else "db_unreachable"
        raise DatabaseOpenError(code, url=engine.url.render_as_string(True),
                                detail=str(exc.orig).strip()) from None
    except SQLAlchemyError as exc:
        engine.dispose()
        raise DatabaseOpenError("db_unreachable", url=engine.url.render_as_string(True),
                                detail=str(exc).splitlines()[0]) from None
    return Database(engine)


def _has_foreign_tables(con) -> bool:
    """A database with tables but no Alembic version is someone else's: do not touch it."""
    return bool(set(inspect(con).get_table_names()) - {"alembic_version"})


def ping(db: Database) -> bool:
    """True when the database answers a trivial query."""
    try:
        with db.engine.connect() as con:
            con.execute(text("SELECT 1"))
        return True
    except SQLAlchemyError:
        return False
