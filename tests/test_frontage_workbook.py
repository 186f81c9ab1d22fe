"""The 门前三包 workbook: exported pre-filled, imported back unchanged, edited rows added or
changed, and a workbook with any bad cell refused whole, each problem named by its cell."""
from __future__ import annotations

from datetime import date, timedelta

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from console.services import frontage
from console.services.frontage_workbook import UnitsRefused, export_units, import_units
from console.store.models import FrontageUnit
from tests.service_city import MON

LINE = {"type": "LineString", "coordinates": [[120.15, 30.27], [120.1506, 30.27]]}


@pytest.fixture
def book(db, city, tmp_path):
    with db.transaction() as s:
        frontage.save_unit(s, city.leader, frontage.UnitValues(
            "F001", "老王面馆", "shop", "曙光路12号", "王老板", "13800000000", LINE,
            date(2026, 3, 1)), MON)
        frontage.save_unit(s, city.leader, frontage.UnitValues(
            "F002", "区图书馆", "organisation", "", "", None, LINE, None, False), MON)
    path = tmp_path / "units.xlsx"
    with db.session() as s:
        assert export_units(s, city.leader, path) == 2
    return path


def test_export_then_import_is_no_change(db, city, book):
    ws = load_workbook(book)["units"]
    assert ws["A1"].value == "编号 code" and ws["A1"].comment is not None
    assert ws["D2"].value.startswith("120.1500000 30.2700000; ")
    with db.transaction() as s:
        report = import_units(s, city.leader, book, at=MON)
    assert dict(report.counts) == {"unchanged": 2}


def test_edited_rows_are_added_and_changed(db, city, book):
    wb = load_workbook(book)
    ws = wb["units"]
    ws["B2"] = "老王面馆（新）"
    ring = "120.15 30.27; 120.151 30.27; 120.151 30.271; 120.15 30.27"
    ws.append(["F003", "便利店", "shop", ring, "", "李", "", "2026-05-01", "是"])
    wb.save(book)
    with db.transaction() as s:
        assert dict(import_units(s, city.leader, book, at=MON, dry_run=True).counts) == {
            "changed": 1, "added": 1, "unchanged": 1}
    with db.session() as s:
        assert s.scalar(select(func.count()).select_from(FrontageUnit)) == 2
    with db.transaction() as s:
        import_units(s, city.leader, book, at=MON + timedelta(minutes=1))
    with db.session() as s:
        new = s.scalar(select(FrontageUnit).where(FrontageUnit.code == "F003"))
        assert new.stretch["type"] == "Polygon" and new.letter_signed_on == date(2026, 5, 1)
        assert s.scalar(select(FrontageUnit.name).where(FrontageUnit.code == "F001")) == \
            "老王面馆（新）"


def test_bad_cells_refuse_the_whole_workbook(db, city, book):
    wb = load_workbook(book)
    ws = wb["units"]
    ws["B2"] = "改了名"                  # a good change, not written either
    ws.append(["F003", "便利店", "stall", "120.15 30.27; 120.151 30.27"])
    ws.append(["F004", "水果店", "shop", "120.15 30.27; 120.151"])
    ws.append(["F005", "花店", "shop", "120.15 30.27; 120.151 30.27", "", "", "", "2026-13-01"])
    ws.append(["F001", "重号", "shop", "120.15 30.27; 120.151 30.27"])
    wb.save(book)
    with pytest.raises(UnitsRefused) as err, db.transaction() as s:
        import_units(s, city.leader, book, at=MON)
    assert [(p.where(), p.code) for p in err.value.report.problems] == [
        ("units!C4", "bad_frontage_kind"), ("units!D5", "bad_stretch"),
        ("units!H6", "cell_bad_date"), ("units!A7", "duplicate_key")]
    with db.session() as s:
        assert s.scalar(select(FrontageUnit.name).where(FrontageUnit.code == "F001")) == "老王面馆"
        assert s.scalar(select(func.count()).select_from(FrontageUnit)) == 2
