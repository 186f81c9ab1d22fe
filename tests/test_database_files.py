"""Opening a SQLite file: every refusal leaves the folder as it was; a read-only folder is not
called damage; a broken revision record is not called a newer schema; the cheap opening check
leaves a full read to an explicit verification."""
from __future__ import annotations

import shutil
import sqlite3
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import text

from console.store import database as database_module
from console.store import migrations
from console.store.database import DatabaseOpenError, open_database, verify_sqlite_file
from tests.pg_server import PG_URL, fresh_database


def url(path: Path) -> str:
    return f"sqlite:///{path}"


def make_ours(path: Path) -> bytes:
    open_database(url(path)).dispose()
    return path.read_bytes()


def listing(folder: Path) -> dict[str, int]:
    return {p.name: p.stat().st_size for p in folder.iterdir()}


def refused_untouched(path: Path) -> DatabaseOpenError:
    """The refusal, after checking the folder's names, sizes and the file's bytes are unchanged."""
    before, data = listing(path.parent), path.read_bytes()
    with pytest.raises(DatabaseOpenError) as info:
        open_database(url(path))
    assert listing(path.parent) == before
    assert path.read_bytes() == data
    return info.value


def _set_revision(path: Path, *statements: str) -> None:
    con = sqlite3.connect(path)
    for statement in statements:
        con.execute(statement)
    con.commit()
    con.close()


# --- refusals leave the folder as it was -------------------------------------------------------

@pytest.mark.parametrize("damage, code", [
    (lambda good: good[:100], "db_corrupt"),
    (lambda good: good[:len(good) // 2], "db_corrupt"),
    (lambda good: good[:4096] + b"\x00" * (len(good) - 4096), "db_corrupt"),
    (lambda good: good[:16] + b"\xff" * 84 + good[100:], "db_corrupt"),
    (lambda good: b"SQLite format 2\x00" + good[16:], "db_not_sqlite"),
])
def test_a_damaged_file_is_refused_and_nothing_appears_beside_it(tmp_path, damage, code):
    path = tmp_path / "broken.db"
    path.write_bytes(damage(make_ours(path)))
    assert refused_untouched(path).code == code


def test_every_other_refusal_leaves_the_folder_as_it_was(tmp_path):
    newer = tmp_path / "newer" / "x.db"
    newer.parent.mkdir()
    make_ours(newer)
    _set_revision(newer, "UPDATE alembic_version SET version_num = '9999_future'")
    assert refused_untouched(newer).code == "db_schema_newer"

    garbled = tmp_path / "garbled" / "x.db"
    garbled.parent.mkdir()
    make_ours(garbled)
    _set_revision(garbled, "UPDATE alembic_version SET version_num = '0003'' OR 1'")
    assert refused_untouched(garbled).code == "db_schema_unreadable"

    other = tmp_path / "other" / "x.db"
    other.parent.mkdir()
    _set_revision(other, "CREATE TABLE contacts (id INTEGER PRIMARY KEY, name TEXT)")
    assert refused_untouched(other).code == "db_not_ours"


# --- a folder SQLite cannot write to -----------------------------------------------------------

@contextmanager
def immutable(folder: Path) -> Iterator[None]:
    """Make `folder` refuse new files even to root (tests run as root, so chmod would not)."""
    chattr = shutil.which("chattr")
    if chattr is None or subprocess.run([chattr, "+i", str(folder)],
                                        capture_output=True).returncode != 0:
        pytest.skip("chattr +i is not available here")
    try:
        yield
    finally:
        subprocess.run([chattr, "-i", str(folder)], check=True)


def test_a_read_only_folder_is_named_not_called_damage(tmp_path):
    folder = tmp_path / "archive"
    folder.mkdir()
    path = folder / "city.db"
    make_ours(path)
    with immutable(folder):
        # The failure is real: SQLite itself cannot open the file here.
        with pytest.raises(sqlite3.OperationalError, match="unable to open"):
            con = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)
            con.execute("SELECT count(*) FROM sqlite_master").fetchone()
        err = refused_untouched(path)
        assert err.code == "db_folder_read_only"
        assert err.params == {"path": str(path), "folder": str(folder)}
    open_database(url(path)).dispose()   # the same file, once the folder is writable again


def test_a_read_only_folder_reads_plainly_in_both_languages(chinese_and_english):
    from console.common.messages import describe_error
    err = DatabaseOpenError("db_folder_read_only", path="/srv/city.db", folder="/srv")
    zh, en = chinese_and_english(lambda: describe_error(err))
    assert "不可写" in zh and "损坏" not in zh and "备份" not in zh
    assert "not writable" in en and "damaged" not in en and "backup" not in en


@pytest.fixture
def chinese_and_english(qapp):
    from console.common.i18n import install_translators

    def both(words):
        install_translators(qapp, "zh_CN")
        try:
            zh = words()
        finally:
            install_translators(qapp, "en")
        return zh, words()
    return both


# --- the revision record --------------------------------------------------------------------------

GARBLED = [
    ("UPDATE alembic_version SET version_num = ''", "revision ''"),
    ("UPDATE alembic_version SET version_num = '乱码'", "revision '乱码'"),
    ("INSERT INTO alembic_version VALUES ('0002')", "2 revision rows"),
]


@pytest.mark.parametrize("statement, detail", GARBLED)
def test_a_garbled_revision_is_not_a_newer_schema(tmp_path, statement, detail):
    path = tmp_path / "x.db"
    make_ours(path)
    _set_revision(path, statement)
    err = refused_untouched(path)
    assert err.code == "db_schema_unreadable" and err.params["detail"] == detail


def test_an_unreadable_revision_table_is_not_a_newer_schema(tmp_path):
    path = tmp_path / "x.db"
    make_ours(path)
    _set_revision(path, "DROP TABLE alembic_version",
                  "CREATE TABLE alembic_version (something_else TEXT)",
                  "INSERT INTO alembic_version VALUES ('0004')")
    err = refused_untouched(path)
    assert err.code == "db_schema_unreadable" and "version_num" in err.params["detail"]


def test_a_well_formed_unknown_revision_is_a_newer_schema(tmp_path):
    path = tmp_path / "x.db"
    make_ours(path)
    _set_revision(path, "UPDATE alembic_version SET version_num = 'a1b2c3d4e5f6'")
    err = refused_untouched(path)
    assert err.code == "db_schema_newer" and err.params["revision"] == "a1b2c3d4e5f6"


@pytest.mark.skipif(not PG_URL, reason="CITY_CONSOLE_TEST_PG_URL is not set")
def test_newer_and_garbled_revisions_on_postgresql():
    with fresh_database("console_revision") as pg_url:
        open_database(pg_url).dispose()
        db = open_database(pg_url, upgrade=False)
        try:
            for value, code in (("9999_future", "db_schema_newer"),
                                ("0004; DROP", "db_schema_unreadable")):
                with db.engine.begin() as con:
                    con.execute(text("UPDATE alembic_version SET version_num = :v"), {"v": value})
                with pytest.raises(DatabaseOpenError) as info:
                    open_database(pg_url)
                assert info.value.code == code
            with db.engine.begin() as con:
                con.execute(text("ALTER TABLE alembic_version RENAME COLUMN version_num TO v"))
            with pytest.raises(DatabaseOpenError) as info:
                open_database(pg_url)
            assert info.value.code == "db_schema_unreadable"
        finally:
            db.dispose()


def test_known_revisions_are_exact_ids():
    assert migrations.is_known("0004") and migrations.is_known(migrations.head_revision())
    assert not migrations.is_known("000") and not migrations.is_known("9999_future")


# --- the cheap check and the full one ----------------------------------------------------------

def test_damage_deep_inside_a_table_is_found_by_the_full_check(tmp_path):
    """Opening reads the header, the schema and each table's first page; the rest is read by
    `verify_sqlite_file`, an explicit check."""
    path = tmp_path / "x.db"
    db = open_database(url(path))
    with db.engine.begin() as con:
        con.execute(text("CREATE TABLE filler (id INTEGER PRIMARY KEY, body TEXT)"))
        con.execute(text("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n "
                         "WHERE i < 3000) INSERT INTO filler SELECT i, printf('%0400d', i) FROM n"))
    db.dispose()
    assert verify_sqlite_file(path) is None
    data = bytearray(path.read_bytes())
    page_size = int.from_bytes(data[16:18], "big")
    last_leaf = len(data) // page_size - 2
    data[last_leaf * page_size:(last_leaf + 1) * page_size] = b"\xa5" * page_size
    path.write_bytes(bytes(data))
    assert verify_sqlite_file(path) is not None


def test_a_file_with_its_journal_beside_it_is_judged_through_the_journal(tmp_path):
    """Uncheckpointed commits live in -wal: the file alone may look short, and is not damaged."""
    path = tmp_path / "x.db"
    make_ours(path)
    writer = sqlite3.connect(path)
    writer.execute("PRAGMA wal_autocheckpoint = 0")
    writer.execute("CREATE TABLE filler (body TEXT)")
    writer.executemany("INSERT INTO filler VALUES (?)", [("x" * 4000,)] * 200)
    writer.commit()
    try:
        assert path.with_name("x.db-wal").stat().st_size > 200 * 4000
        # Read as immutable, the check would not see the log's pages at all.
        assert "immutable" not in database_module._read_only_uri(path)
        db = open_database(url(path))
        with db.engine.connect() as con:
            assert con.execute(text("SELECT count(*) FROM filler")).scalar() == 200
        db.dispose()
    finally:
        writer.close()
