"""Schema migrations match the models; opening a database refuses bad files and leaves them untouched."""
from __future__ import annotations

import sqlite3
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import create_engine, func, inspect, select, text

from console.store import database as database_module
from console.store import migrations
from console.store.database import DatabaseOpenError, open_database
from console.store.models import Base, Category, Department, FeedCounter, User
from console.store.queue_queries import include_in_schema_comparison, is_search_index
from console.store.seed import read_categories


def url(path: Path) -> str:
    return f"sqlite:///{path}"


def make_ours(path: Path) -> bytes:
    """A migrated, seeded database file, closed (WAL checkpointed); returns its bytes."""
    open_database(url(path)).dispose()
    assert not path.with_name(path.name + "-wal").exists()
    return path.read_bytes()


def refused(path: Path) -> DatabaseOpenError:
    with pytest.raises(DatabaseOpenError) as info:
        open_database(url(path))
    return info.value


# --- the schema --------------------------------------------------------------------------------

def test_upgrade_creates_every_model_table_and_matches_the_models(tmp_path):
    engine = create_engine(url(tmp_path / "fresh.db"))
    try:
        with engine.connect() as con:
            assert migrations.current_revision(con) is None
        migrations.upgrade(engine)
        with engine.connect() as con:
            tables = {t for t in inspect(con).get_table_names() if not is_search_index(t)}
            assert tables == set(Base.metadata.tables) | {"alembic_version"}
            assert migrations.current_revision(con) == migrations.head_revision()
            ctx = MigrationContext.configure(con, opts={
                "compare_type": True, "include_name": include_in_schema_comparison})
            diff = compare_metadata(ctx, Base.metadata)
        assert diff == []
    finally:
        engine.dispose()


def test_every_index_of_the_models_exists(tmp_path):
    engine = create_engine(url(tmp_path / "fresh.db"))
    try:
        migrations.upgrade(engine)
        insp = inspect(engine)
        for table in Base.metadata.sorted_tables:
            have = {ix["name"] for ix in insp.get_indexes(table.name)}
            assert {ix.name for ix in table.indexes} <= have, table.name
    finally:
        engine.dispose()


def test_downgrade_and_upgrade_again(tmp_path):
    engine = create_engine(url(tmp_path / "fresh.db"))
    try:
        migrations.upgrade(engine)
        from alembic import command
        command.downgrade(migrations.alembic_config(engine), "base")
        assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
        migrations.upgrade(engine)
        tables = {t for t in inspect(engine).get_table_names() if not is_search_index(t)}
        assert tables == set(Base.metadata.tables) | {"alembic_version"}
    finally:
        engine.dispose()


def test_head_is_known_and_strangers_are_not():
    assert migrations.is_known(migrations.head_revision())
    assert not migrations.is_known("9999_future")


def test_the_scripts_lines_give_alembics_head_and_revisions():
    script = migrations._script()
    assert migrations.read_revision_lines(migrations.VERSIONS_DIR) == (
        script.get_current_head(), frozenset(r.revision for r in script.walk_revisions()))


def _scripts(folder: Path, **downs) -> Path:
    folder.mkdir()
    (folder / "__init__.py").write_text("revision = 'not a script'\n")
    for revision, down in downs.items():
        (folder / f"{revision}_x.py").write_text(
            f'"""Revision ID: {revision}\nRevises: {down}\n"""\n'
            f"revision: str = {revision!r}\ndown_revision = {down!r}  # noqa\n")
    return folder


def test_alembic_decides_what_the_lines_do_not_say_plainly(tmp_path):
    chain = _scripts(tmp_path / "chain", r1=None, r2="r1", r3=("r2",))
    assert migrations.read_revision_lines(chain) == ("r3", frozenset({"r1", "r2", "r3"}))
    assert migrations.read_revision_lines(_scripts(tmp_path / "branch", r1=None, r2="r1",
                                                   r3="r1")) is None   # two heads
    assert migrations.read_revision_lines(_scripts(tmp_path / "gap", r2="r1")) is None
    computed = _scripts(tmp_path / "computed", r1=None)
    (computed / "r2_x.py").write_text("revision = make_id()\ndown_revision = 'r1'\n")
    assert migrations.read_revision_lines(computed) is None
    twice = _scripts(tmp_path / "twice", r1=None)
    (twice / "r2_x.py").write_text("revision = 'r2'\nrevision = 'r3'\ndown_revision = 'r1'\n")
    assert migrations.read_revision_lines(twice) is None


def test_opening_a_database_at_the_head_never_imports_alembic(tmp_path):
    path = tmp_path / "at-head.db"
    make_ours(path)
    child = ("import sys\n"
             "from console.store.database import open_database\n"
             f"open_database({url(path)!r}).dispose()\n"
             "print(sorted(m for m in sys.modules if m.split('.')[0] == 'alembic'))\n")
    result = subprocess.run([sys.executable, "-c", child], capture_output=True, text=True,
                            check=True, cwd=Path(__file__).resolve().parents[1])
    assert result.stdout.strip() == "[]"


# --- open_database: good files ------------------------------------------------------------------

def test_open_creates_migrates_and_seeds(tmp_path):
    path = tmp_path / "new.db"
    db = open_database(url(path))
    try:
        with db.session() as s:
            assert s.scalar(select(func.count()).select_from(Category)) == len(read_categories()) == 64
            assert s.get(FeedCounter, 1).value == 0
            assert [u.username for u in s.scalars(select(User))] == ["admin"]
            with db.engine.connect() as con:
                assert con.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
                assert con.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    finally:
        db.dispose()


def test_opening_twice_is_idempotent(tmp_path):
    path = tmp_path / "twice.db"

    def snapshot() -> tuple:
        db = open_database(url(path))
        try:
            with db.session() as s:
                return (s.scalar(select(func.count()).select_from(Category)),
                        s.scalar(select(func.count()).select_from(Department)),
                        s.scalar(select(func.count()).select_from(User)),
                        s.scalar(select(func.count()).select_from(FeedCounter)),
                        tuple(s.scalars(select(Category.code).order_by(Category.code))))
        finally:
            db.dispose()

    first = snapshot()
    assert first[0] == 64 and first[2] == 1 and first[3] == 1
    assert snapshot() == first


def test_zero_byte_file_is_a_new_database(tmp_path):
    path = tmp_path / "empty.db"
    path.touch()
    db = open_database(url(path))
    try:
        with db.session() as s:
            assert s.scalar(select(func.count()).select_from(Category)) == 64
    finally:
        db.dispose()


def test_without_upgrade_nothing_is_created(tmp_path):
    path = tmp_path / "bare.db"
    open_database(url(path), upgrade=False).dispose()
    con = sqlite3.connect(path)
    try:
        assert con.execute("SELECT count(*) FROM sqlite_master WHERE type='table'").fetchone() == (0,)
    finally:
        con.close()


# --- open_database: refusals ---------------------------------------------------------------------

def test_missing_directory(tmp_path):
    err = refused(tmp_path / "no" / "such" / "dir" / "x.db")
    assert err.code == "db_dir_missing"
    assert err.params["path"] == str(tmp_path / "no" / "such" / "dir")
    assert not (tmp_path / "no").exists()


def test_a_directory_is_not_a_database(tmp_path):
    (tmp_path / "folder.db").mkdir()
    assert refused(tmp_path / "folder.db").code == "db_is_directory"


def test_text_file_is_left_untouched(tmp_path):
    path = tmp_path / "notes.db"
    path.write_text("区,街道\n西湖区,北山街道\n", encoding="utf-8")
    before = path.read_bytes()
    err = refused(path)
    assert err.code == "db_not_sqlite"
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.db"]


@pytest.mark.parametrize("cut", ["header_only", "half", "zeroed_pages"])
def test_corrupt_sqlite_file_is_left_untouched(tmp_path, cut):
    path = tmp_path / "broken.db"
    good = make_ours(path)
    assert len(good) > 16 * 4096
    bad = {"header_only": good[:100],
           "half": good[:len(good) // 2],
           "zeroed_pages": good[:4096] + b"\x00" * (len(good) - 4096)}[cut]
    path.write_bytes(bad)
    err = refused(path)
    assert err.code in ("db_corrupt", "db_not_sqlite")
    assert path.read_bytes() == bad


def test_newer_schema_is_refused_and_left_untouched(tmp_path):
    path = tmp_path / "newer.db"
    make_ours(path)
    con = sqlite3.connect(path)
    con.execute("UPDATE alembic_version SET version_num='9999_future'")
    con.commit()
    con.close()
    before = path.read_bytes()
    err = refused(path)
    assert err.code == "db_schema_newer"
    assert err.params["revision"] == "9999_future"
    assert path.read_bytes() == before
    con = sqlite3.connect(path)
    try:
        assert con.execute("SELECT version_num FROM alembic_version").fetchall() == [("9999_future",)]
    finally:
        con.close()


def test_locked_database(tmp_path, monkeypatch):
    monkeypatch.setattr(database_module, "SQLITE_BUSY_TIMEOUT_MS", 100)
    path = tmp_path / "locked.db"
    make_ours(path)
    holder = sqlite3.connect(path, isolation_level=None)
    try:
        holder.execute("BEGIN EXCLUSIVE")
        holder.execute("INSERT INTO meta(key, value) VALUES ('held', 'by another program')")
        before = path.read_bytes()
        err = refused(path)
        assert err.code == "db_locked"
        assert path.read_bytes() == before
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    # Once the other program lets go, the same file opens normally.
    open_database(url(path)).dispose()


def other_app_db(path: Path) -> bytes:
    """Another program's SQLite file (default rollback journal, no alembic_version)."""
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE contacts (id INTEGER PRIMARY KEY, name TEXT)")
    con.execute("INSERT INTO contacts(name) VALUES ('张三')")
    con.commit()
    con.close()
    return path.read_bytes()


def test_another_applications_database_is_not_ours(tmp_path):
    path = tmp_path / "other.db"
    other_app_db(path)
    err = refused(path)
    assert err.code == "db_not_ours"
    con = sqlite3.connect(path)
    try:
        names = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        assert con.execute("SELECT name FROM contacts").fetchall() == [("张三",)]
    finally:
        con.close()
    assert names == {"contacts"}


def test_another_applications_database_keeps_its_bytes(tmp_path):
    path = tmp_path / "other.db"
    before = other_app_db(path)
    assert refused(path).code == "db_not_ours"
    assert path.read_bytes() == before


def test_bad_url():
    with pytest.raises(DatabaseOpenError) as info:
        open_database("not a url at all")
    assert info.value.code == "db_bad_url"


def test_case_events_are_append_only_in_the_database(db):
    """Nobody — not even a tool connected straight to the file — rewrites the audit trail."""
    from sqlalchemy.exc import DatabaseError

    from console.store.models import CaseEvent
    with db.transaction() as s:
        s.execute(text("INSERT INTO cases (number, source, category_code, status, reported_at, "
                       "version, updated_at, address, description, photos, urgent, rework_count, "
                       "extension_count, return_count, supervision_level) VALUES ('202601010001', "
                       "'hotline', '20301', 'reported', '2026-01-01 08:00:00.000000', 1, "
                       "'2026-01-01 08:00:00.000000', '', '', '[]', 0, 0, 0, 0, 0)"))
        case_id = s.scalar(text("SELECT id FROM cases"))
        s.add(CaseEvent(case_id=case_id, at=datetime(2026, 1, 1, 8), actor_name="x",
                        actor_role="dispatcher", action="report", to_status="reported", data={}))
    for statement in ("UPDATE case_events SET note = 'rewritten'", "DELETE FROM case_events"):
        with pytest.raises(DatabaseError, match="append-only"), db.transaction() as s:
            s.execute(text(statement))
    with db.session() as s:
        assert s.scalar(text("SELECT count(*) FROM case_events WHERE note IS NULL")) == 1
