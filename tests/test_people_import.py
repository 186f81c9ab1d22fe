"""The organisation workbook: export, import unchanged (nothing changes), real changes through
the feed and the audit trail, and every kind of bad input refused by name with nothing written."""
from __future__ import annotations

import zipfile
from datetime import datetime
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from console.domain.errors import DomainError
from console.services.actor import actor_for
from console.services.people_export import export_people
from console.services.people_import import ImportRefused, import_people
from console.services.workbook import WorkbookRefused
from console.store.models import (AuditRecord, ChangeFeed, Department, Device, PatrolOfficer,
                                  Shift, User, WorkGrid)
from tests.pg_server import fresh_database, needs_pg

AT = datetime(2026, 11, 29, 10, 0)


def _city(db) -> None:
    """A small organisation: two officers (one on a night shift), their phones, a grid."""
    with db.transaction() as s:
        dep = s.scalars(select(Department).order_by(Department.id)).first()
        s.add(User(username="liaison", display_name="联络员", role="department",
                   department_id=dep.id))
        s.add(WorkGrid(code="WG1", name="一号网格"))
        s.flush()
        grid = s.scalar(select(WorkGrid.id))
        for n in (1, 2):
            s.add(PatrolOfficer(code=f"P{n}", name=f"巡查{n}", phone="13900000000",
                                work_grid_id=grid))
        s.flush()
        p1, p2 = s.scalars(select(PatrolOfficer.id).order_by(PatrolOfficer.code)).all()
        s.add_all([Device(unique_id="phone-1", patrol_officer_id=p1),
                   Device(unique_id="phone-2", patrol_officer_id=p2, active=False),
                   Shift(patrol_officer_id=p1, weekdays="01234", start="08:00", end="17:00"),
                   Shift(patrol_officer_id=p2, weekdays="45", start="22:00", end="06:00")])


def _counts(db) -> tuple[int, int]:
    with db.transaction() as s:
        return (s.scalar(select(func.count()).select_from(ChangeFeed)),
                s.scalar(select(func.count()).select_from(AuditRecord)))


def _run(db, path: Path, *, dry_run: bool = False):
    with db.transaction() as s:
        return import_people(s, actor_for(s, "admin"), path, at=AT, dry_run=dry_run)


def _export(db, path: Path) -> Path:
    with db.transaction() as s:
        export_people(s, actor_for(s, "admin"), path)
    return path


@pytest.fixture
def book(db, tmp_path) -> Path:
    _city(db)
    return _export(db, tmp_path / "people.xlsx")


def test_export_has_notes_lists_and_a_frozen_header(book):
    wb = load_workbook(book)
    assert wb.sheetnames[:5] == ["departments", "users", "officers", "devices", "shifts"]
    assert wb["choices"].sheet_state == "hidden"
    users = wb["users"]
    assert users.freeze_panes == "A2"
    assert users["C1"].value == "角色 role" and "dispatcher" in users["C1"].comment.text
    lists = {str(dv.sqref): dv.formula1 for dv in users.data_validations.dataValidation}
    assert any(r.startswith("C2") and "choices" in f for r, f in lists.items())
    night = [r for r in wb["shifts"].iter_rows(min_row=2, values_only=True) if r[0] == "P2"]
    assert night == [("P2", "45", "22:00", "06:00")]


def test_round_trip_changes_nothing(db, book):
    before = _counts(db)
    report = _run(db, book)
    assert report.ok and report.changes == 0 and not report.applied
    assert report.unchanged["officers"] == 2 and report.unchanged["shifts"] == 2
    assert _counts(db) == before


def test_names_that_look_like_formulas_are_text_and_round_trip(db, tmp_path):
    _city(db)
    link = '=HYPERLINK("http://x.example/","点我")'
    with db.transaction() as s:
        s.scalar(select(User).where(User.username == "liaison")).display_name = link
        s.scalar(select(PatrolOfficer).where(PatrolOfficer.code == "P1")).name = "=1+1"
    path = _export(db, tmp_path / "people.xlsx")
    users = load_workbook(path)["users"]
    cell = next(r[1] for r in users.iter_rows(min_row=2) if r[0].value == "liaison")
    assert cell.value == link and cell.data_type == "s"     # Excel shows it, never follows it
    before = _counts(db)
    report = _run(db, path)
    assert report.ok and report.changes == 0 and _counts(db) == before


def test_changes_are_applied_with_feed_and_audit(db, book, tmp_path):
    wb = load_workbook(book)
    wb["officers"].append(["P3", "新人", None, "WG1", None, "yes"])
    wb["devices"].append(["phone-3", "P3", "yes"])
    wb["shifts"].append(["P3", "56", "23:00", "07:00"])      # Saturday and Sunday nights
    wb["users"].append(["newdisp", "新调度", "dispatcher", None, "yes"])
    for row in wb["officers"].iter_rows(min_row=2):
        if row[0].value == "P1":
            row[5].value = "no"
    wb.save(tmp_path / "changed.xlsx")
    dry = _run(db, tmp_path / "changed.xlsx", dry_run=True)
    assert dry.added["officers"] == 1 and dry.changed["officers"] == 1 and not dry.applied
    before = _counts(db)
    assert _counts(db) == before
    report = _run(db, tmp_path / "changed.xlsx")
    assert report.applied and report.without_password == ["newdisp"]
    with db.transaction() as s:
        p3 = s.scalar(select(PatrolOfficer).where(PatrolOfficer.code == "P3"))
        assert s.scalars(select(Shift.end).where(Shift.patrol_officer_id == p3.id)).all() == ["07:00"]
        assert s.scalar(select(Device.patrol_officer_id).where(Device.unique_id == "phone-3")) == p3.id
        assert not s.scalar(select(PatrolOfficer.active).where(PatrolOfficer.code == "P1"))
        assert s.scalar(select(User.password_hash).where(User.username == "newdisp")) is None
        kinds = {(f.entity, f.action) for f in s.scalars(select(ChangeFeed))}
        audit = s.scalars(select(AuditRecord.actor_name)).all()
    assert {("officer", "added"), ("officer", "changed"), ("device", "added"),
            ("shift", "changed"), ("user", "added")} <= kinds
    feed, trail = _counts(db)
    # one audit record per kind of record, listing each change with the administrator as actor
    assert trail - before[1] == 4 and set(audit) == {"系统管理员"}
    with db.transaction() as s:
        officers = s.scalar(select(AuditRecord.data).where(AuditRecord.entity == "officer"))
    assert sorted(c["code"] for c in officers["changes"]) == ["P1", "P3"]
    # ... and the workbook of the new state, imported again, changes nothing
    again = _run(db, _export(db, tmp_path / "again.xlsx"))
    assert again.changes == 0 and _counts(db) == (feed, trail)


def _problems(db, path: Path) -> list[tuple[str, int | None, str | None, str]]:
    before = _counts(db)
    with pytest.raises(ImportRefused) as caught:
        _run(db, path)
    assert _counts(db) == before
    return [(p.sheet, p.row, p.column, p.code) for p in caught.value.report.problems]


def test_bad_cells_are_named_by_sheet_row_and_column(db, book, tmp_path):
    wb = load_workbook(book)
    wb["officers"].append(["P1", "重复", None, None, None, "yes"])          # row 4: duplicate
    wb["officers"].append(["P9", "某人", "not a phone", "NOPE", None, "maybe"])   # row 5
    wb["users"].append(["x1", "甲", "emperor", None, "yes"])                    # bad role
    wb["users"].append(["x2", "乙", "department", "没有这个部门", "yes"])       # unknown dept
    wb["devices"].append(["phone-9", "P404", "yes"])                            # unknown officer
    wb["shifts"].append(["P1", "0", "16:00", "20:00"])                          # overlaps 08-17
    wb["shifts"].append(["P2", "6", "23:00", "01:00"])   # Sunday night into Monday: no overlap
    wb["shifts"].append(["P2", 1234, "25:00", "08:00"])  # a number and a bad time
    wb["departments"].append(["=A2&\"x\"", None, "yes"])                        # a formula
    wb.save(tmp_path / "bad.xlsx")
    formula_row = wb["departments"].max_row
    found = _problems(db, tmp_path / "bad.xlsx")
    expected = {("officers", 4, "A", "duplicate_key"), ("officers", 5, "C", "bad_phone"),
                ("officers", 5, "F", "cell_not_yes_no"), ("users", 4, "C", "bad_role"),
                ("users", 5, "D", "unknown_department_name"), ("devices", 4, "B", "unknown_officer"),
                ("shifts", 4, "C", "shifts_overlap"), ("shifts", 6, "B", "cell_bad_weekdays"),
                ("shifts", 6, "C", "cell_bad_time"), ("departments", formula_row, "A", "cell_formula")}
    assert expected <= set(found), set(found) ^ expected
    assert not any(p[1] == 5 and p[0] == "shifts" for p in found)
    assert sum(p[0] == "departments" for p in found) == 1


def test_night_shift_into_the_next_day_overlaps_the_morning_shift(db, book, tmp_path):
    wb = load_workbook(book)
    wb["shifts"].append(["P2", "0", "05:00", "09:00"])    # Friday 22-06 ends Saturday; fine
    wb["shifts"].append(["P2", "5", "05:00", "09:00"])    # Saturday 05:00 is inside it
    wb.save(tmp_path / "night.xlsx")
    assert _problems(db, tmp_path / "night.xlsx") == [("shifts", 5, "C", "shifts_overlap")]


def test_files_that_are_not_workbooks_are_refused_by_name(db, tmp_path, monkeypatch):
    csv = tmp_path / "people.xlsx"
    csv.write_text("name,role\nzhang,dispatcher\n", encoding="utf-8")
    with pytest.raises(WorkbookRefused) as caught:
        _run(db, csv)
    assert caught.value.code == "workbook_not_xlsx"
    other = tmp_path / "other.xlsx"
    with zipfile.ZipFile(other, "w") as z:
        z.writestr("hello.txt", "not a workbook")
    with pytest.raises(WorkbookRefused, match="workbook_not_xlsx"):
        _run(db, other)
    from console.services import workbook
    monkeypatch.setattr(workbook, "MAX_UNPACKED_BYTES", 10)
    _export(db, tmp_path / "real.xlsx")
    with pytest.raises(WorkbookRefused, match="workbook_too_large"):
        _run(db, tmp_path / "real.xlsx")
    monkeypatch.setattr(workbook, "MAX_FILE_BYTES", 10)
    with pytest.raises(WorkbookRefused, match="workbook_too_large"):
        _run(db, tmp_path / "real.xlsx")
    with pytest.raises(WorkbookRefused, match="workbook_unreadable"):
        _run(db, tmp_path / "missing.xlsx")


def test_a_missing_sheet_or_required_column_is_a_problem(db, book, tmp_path):
    wb = load_workbook(book)
    del wb["devices"]
    wb["shifts"]["D1"].value = "whatever"
    wb.save(tmp_path / "partial.xlsx")
    found = _problems(db, tmp_path / "partial.xlsx")
    assert ("devices", None, None, "workbook_sheet_missing") in found
    assert ("shifts", 1, None, "workbook_column_missing") in found


def test_only_an_administrator_imports(db, book):
    with db.transaction() as s:
        s.add(User(username="d1", display_name="调度", role="dispatcher"))
    with db.transaction() as s, pytest.raises(DomainError, match="role_not_allowed"):
        import_people(s, actor_for(s, "d1"), book, at=AT)


def test_the_last_administrator_cannot_be_imported_away(db, book, tmp_path):
    wb = load_workbook(book)
    for row in wb["users"].iter_rows(min_row=2):
        if row[0].value == "admin":
            row[4].value = "no"
    wb.save(tmp_path / "noadmin.xlsx")
    before = _counts(db)
    with pytest.raises(DomainError, match="last_administrator"):
        _run(db, tmp_path / "noadmin.xlsx")
    assert _counts(db) == before


@needs_pg
def test_round_trip_and_changes_on_postgresql(tmp_path):
    from console.store.database import open_database
    with fresh_database("people") as url:
        pg = open_database(url)
        try:
            _city(pg)
            path = _export(pg, tmp_path / "pg.xlsx")
            before = _counts(pg)
            assert _run(pg, path).changes == 0 and _counts(pg) == before
            wb = load_workbook(path)
            wb["officers"].append(["P3", "新人", None, "WG1", None, "yes"])
            wb["shifts"].append(["P3", "6", "22:00", "06:00"])
            wb.save(tmp_path / "pg2.xlsx")
            assert _run(pg, tmp_path / "pg2.xlsx").changes == 2
            assert _run(pg, _export(pg, tmp_path / "pg3.xlsx")).changes == 0
        finally:
            pg.dispose()
