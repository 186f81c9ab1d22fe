"""`city-console frontage export|import`: the 门前三包 register's workbook from the command line —
a round trip through the page's service, audited under the acting account; a bad workbook refused
whole with each problem named by its cell and nothing written; bad options refused with exit 2."""
from __future__ import annotations

from contextlib import contextmanager

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from console.cli import main
from console.domain.roles import Role
from console.store.database import open_database
from console.store.models import AuditRecord, FrontageUnit, User
from tests.pg_server import PG_URL, fresh_database

# The refusals load translators into the running Qt application, or make a QCoreApplication when
# there is none; one made here would abort the QApplication of every later Qt test in the run.
pytestmark = pytest.mark.usefixtures("qapp")

LINE = "120.15 30.27; 120.1506 30.27"
RING = "120.15 30.27; 120.151 30.27; 120.151 30.271; 120.15 30.27"


@contextmanager
def _database(kind: str, tmp_path):
    if kind == "sqlite":
        yield str(tmp_path / "c.db")
    elif not PG_URL:
        pytest.skip("CITY_CONSOLE_TEST_PG_URL is not set")
    else:
        with fresh_database("console_cli_frontage") as url:
            yield url


def _url(db: str) -> str:
    return db if "://" in db else f"sqlite:///{db}"


def _units(db: str) -> dict[str, tuple]:
    database = open_database(_url(db))
    try:
        with database.session() as s:
            return {u.code: (u.name, u.kind, u.stretch["type"], u.active)
                    for u in s.scalars(select(FrontageUnit))}
    finally:
        database.dispose()


def _add_leader(db: str) -> None:
    database = open_database(_url(db))
    try:
        with database.transaction() as s:
            s.add(User(username="lead", display_name="值班长", role=Role.LEADER.value))
            s.add(User(username="desk", display_name="调度员", role=Role.DISPATCHER.value))
    finally:
        database.dispose()


def _append(path, *rows) -> None:
    wb = load_workbook(path)
    for row in rows:
        wb["units"].append(list(row))
    wb.save(path)


@pytest.mark.parametrize("kind", ["sqlite", "postgresql"])
def test_round_trip_as_the_acting_account(kind, tmp_path, capsys):
    with _database(kind, tmp_path) as db:
        assert main(["init-db", "--db", db]) == 0
        _add_leader(db)
        book = tmp_path / "units.xlsx"
        assert main(["frontage", "export", str(book), "--db", db, "--lang", "en"]) == 0
        assert "Written: " in capsys.readouterr().out
        _append(book, ["F001", "老王面馆", "shop", LINE, "曙光路12号", "王老板", "13800000000",
                       "2026-03-01", "是"],
                ["F002", "区图书馆", "organisation", RING, None, None, None, None, "no"])

        assert main(["frontage", "import", str(book), "--db", db, "--dry-run", "--lang", "en"]) == 0
        assert "Units: 2 added, 0 changed, 0 unchanged (dry run: nothing written)" in \
            capsys.readouterr().out
        assert _units(db) == {}

        assert main(["frontage", "import", str(book), "--db", db, "--as", "lead"]) == 0
        assert "门前三包单位：新增 2，修改 0，未变 0（已写入）" in capsys.readouterr().out
        assert _units(db) == {"F001": ("老王面馆", "shop", "LineString", True),
                              "F002": ("区图书馆", "organisation", "Polygon", False)}
        database = open_database(_url(db))
        try:
            with database.session() as s:
                audited = s.execute(select(AuditRecord.actor_name, AuditRecord.actor_role)
                                    .where(AuditRecord.entity == "frontage")).all()
        finally:
            database.dispose()
        assert sorted(audited) == [("值班长", "leader")] * 2

        # Exported again and imported as it is: nothing changes.
        again = tmp_path / "again.xlsx"
        assert main(["frontage", "export", str(again), "--db", db]) == 0
        assert "（2 个门前三包单位）" in capsys.readouterr().out
        ws = load_workbook(again)["units"]
        assert [ws.cell(r, 1).value for r in (2, 3)] == ["F001", "F002"]
        assert main(["frontage", "import", str(again), "--db", db, "--lang", "en"]) == 0
        assert "Units: 2 unchanged (nothing to write)" in capsys.readouterr().out


def test_a_bad_workbook_is_refused_whole_and_nothing_is_written(tmp_path, capsys):
    db = str(tmp_path / "c.db")
    assert main(["init-db", "--db", db]) == 0
    book = tmp_path / "units.xlsx"
    assert main(["frontage", "export", str(book), "--db", db]) == 0
    _append(book, ["F001", "老王面馆", "shop", LINE],               # good, not written either
            ["F002", "便利店", "stall", LINE],
            ["F003", "水果店", "shop", "120.15 30.27; 120.151"],
            ["F001", "重号", "shop", LINE])
    capsys.readouterr()
    assert main(["frontage", "import", str(book), "--db", db, "--lang", "en"]) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err
    assert "units!C3 “stall”: “stall” is not a kind of unit: shop or organisation." in err
    assert "units!D4 " in err and "units!A5 “F001”" in err
    assert err.strip().endswith("Refused: The workbook has 3 problems; nothing was imported.")
    assert _units(db) == {}

    # In Chinese by default; a file that is no workbook is refused by name.
    assert main(["frontage", "import", str(book), "--db", db]) == 2
    assert "已拒绝：" in capsys.readouterr().err
    junk = tmp_path / "junk.xlsx"
    junk.write_text("not a workbook")
    assert main(["frontage", "import", str(junk), "--db", db, "--lang", "en"]) == 2
    assert "junk.xlsx is not an Excel workbook" in capsys.readouterr().err
    assert main(["frontage", "import", str(tmp_path / "missing.xlsx"), "--db", db,
                 "--lang", "en"]) == 2
    assert "missing.xlsx cannot be read" in capsys.readouterr().err
    assert _units(db) == {}


def test_bad_options_and_accounts_are_refused(tmp_path, capsys):
    db = str(tmp_path / "c.db")
    assert main(["init-db", "--db", db]) == 0
    _add_leader(db)
    for argv in (["frontage"], ["frontage", "delete", "x.xlsx"], ["frontage", "import"],
                 ["frontage", "export", str(tmp_path / "units.csv")],
                 ["frontage", "export", str(tmp_path / "no" / "units.xlsx")],
                 ["frontage", "import", str(tmp_path / "u.xlsx"), "--force"]):
        with pytest.raises(SystemExit) as exited:
            main([*argv, "--db", db])
        assert exited.value.code == 2, argv
    err = capsys.readouterr().err
    assert "must be an .xlsx file" in err and "folder does not exist" in err
    book = str(tmp_path / "units.xlsx")
    assert main(["frontage", "export", book, "--db", db, "--as", "nobody", "--lang", "en"]) == 2
    assert "Refused: There is no active user named “nobody”." in capsys.readouterr().err
    assert main(["frontage", "export", book, "--db", db, "--as", "desk", "--lang", "en"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("Refused: ") and "Traceback" not in err
    # The export's own file cannot be written (a folder of that name): refused, no traceback.
    (tmp_path / "dir.xlsx").mkdir()
    assert main(["frontage", "export", str(tmp_path / "dir.xlsx"), "--db", db,
                 "--lang", "en"]) == 2
    err = capsys.readouterr().err
    assert "Cannot write " in err and "Traceback" not in err
    with open_database(_url(db)).session() as s:
        assert s.scalar(select(func.count()).select_from(FrontageUnit)) == 0
