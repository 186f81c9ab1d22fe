"""Work grids (责任网格) from a file of polygons over the stored unit grid: cells by their middle,
cells in no or two work grids reported, officers attached, unknown officers named, a re-import
that moves a cell, and all or nothing (SQLite and PostgreSQL)."""
from __future__ import annotations

import json

import pytest
import shapefile
from sqlalchemy import func, select

from console.cli import main
from console.domain.changes import ChangeKind
from console.services import work_grid_plan
from console.services.grid_import import GridImportError, apply_grid_import, plan_grid_import
from console.services.map_grid import grid_version
from console.services.workgrid_import import (WorkGridImportOptions, apply_workgrid_import,
                                              plan_workgrid_import)
from console.store.database import open_database
from console.store.models import (ChangeFeed, Cell, PatrolOfficer, WorkGrid, WorkGridCell)
from tests.pg_server import PG_URL, fresh_database
from tests.test_grid_import import (COMMUNITY, LAT0, LON0, NOW, SIZE, cell, db,  # noqa: F401
                                    square, write_geojson)


def box(x0: float, x1: float, rows: float = 1) -> list[list[float]]:
    """A rectangle over cell columns x0 … x1 (in cells), one row high."""
    a, b = LON0 + x0 * SIZE, LON0 + x1 * SIZE
    return [[a, LAT0], [b, LAT0], [b, LAT0 + rows * SIZE], [a, LAT0 + rows * SIZE], [a, LAT0]]


def area(code: str | None, ring, name: str | None = None, officer: str | None = None) -> dict:
    return {"type": "Feature", "properties": {"ZRWGBM": code, "ZRWGMC": name, "JDY": officer},
            "geometry": {"type": "Polygon", "coordinates": [ring]}}


def city(db, tmp_path, cells: int = 6) -> None:
    """Cells 01 … 06 in a row, and officers P001, P002."""
    path = write_geojson(tmp_path / "grid.geojson",
                         [cell(i + 1, square(i)) for i in range(cells)])
    with db.transaction() as s:
        apply_grid_import(s, plan_grid_import(s, path), NOW)
        s.add_all([PatrolOfficer(code="P001", name="张三"), PatrolOfficer(code="P002", name="李四")])


def membership(db) -> dict[str, str]:
    with db.session() as s:
        return dict(s.execute(select(Cell.code, WorkGrid.code)
                              .join(WorkGridCell, WorkGridCell.cell_id == Cell.id)
                              .join(WorkGrid, WorkGrid.id == WorkGridCell.work_grid_id)).all())


def officers(db) -> dict[str, str | None]:
    with db.session() as s:
        return dict(s.execute(select(PatrolOfficer.code, WorkGrid.code).join(
            WorkGrid, WorkGrid.id == PatrolOfficer.work_grid_id, isouter=True)).all())


def plan(db, path, **options):
    with db.session() as s:
        return plan_workgrid_import(s, path, WorkGridImportOptions(**options))


def apply(db, report):
    with db.transaction() as s:
        return apply_workgrid_import(s, report, NOW)


def c(n: int) -> str:
    return f"{COMMUNITY}{n:02d}"


def test_cells_go_to_the_polygon_holding_their_middle_and_officers_follow(db, tmp_path):
    city(db, tmp_path)
    path = write_geojson(tmp_path / "wg.geojson", [
        area("W1", box(0, 3), "湖滨一网格", "P001"),
        # drawn a little off the cell edges, as digitised grids are: cells still fall right
        area("W2", box(2.9, 5.1), "湖滨二网格", "P002、P404")])
    report = plan(db, path)
    assert report.fields.to_dict() == {"code": "ZRWGBM", "name": "ZRWGMC", "officer": "JDY"}
    assert report.importable and report.cells == 6
    assert report.no_grid == [c(6)] and report.in_two == []
    assert [(a.code, p.code, p.detail) for a in report.areas for p in a.problems] == \
        [("W2", "unknown_officer", {"officer": "P404"})]
    assert (report.diff.created, report.diff.cells_moved, report.diff.officers) == \
        (["W1", "W2"], 5, ["P001", "P002"])
    with db.session() as s:
        version = grid_version(s)
        start = s.scalar(select(func.max(ChangeFeed.seq)))
    apply(db, report)
    assert membership(db) == {c(1): "W1", c(2): "W1", c(3): "W1", c(4): "W2", c(5): "W2"}
    assert officers(db) == {"P001": "W1", "P002": "W2"}
    with db.session() as s:
        assert s.scalar(select(WorkGrid.name).where(WorkGrid.code == "W2")) == "湖滨二网格"
        assert s.scalar(select(WorkGrid.street_id).where(WorkGrid.code == "W1")) is not None
        assert grid_version(s) != version        # the map's kept grid is stale now
        kinds = s.scalars(select(ChangeFeed.entity).where(ChangeFeed.seq > start)).all()
    assert ChangeKind.WORK_GRID in kinds and ChangeKind.OFFICER in kinds


def test_a_reimport_moves_a_cell_and_empties_a_grid_the_file_lacks(db, tmp_path):
    city(db, tmp_path)
    apply(db, plan(db, write_geojson(tmp_path / "v1.geojson", [
        area("W1", box(0, 3), officer="P001"), area("W2", box(3, 6), officer="P002")])))
    v2 = write_geojson(tmp_path / "v2.geojson", [area("W1", box(0, 2)), area("W2", box(2, 6))])
    report = plan(db, v2)
    assert (report.diff.changed, report.diff.cells_moved, report.diff.emptied) == \
        (["W1", "W2"], 1, [])
    apply(db, report)
    assert membership(db)[c(3)] == "W2"
    assert officers(db) == {"P001": "W1", "P002": "W2"}    # not named: left where they are
    v3 = write_geojson(tmp_path / "v3.geojson", [area("W1", box(0, 6), "全部")])
    report = plan(db, v3)
    assert (report.diff.changed, report.diff.emptied, report.diff.cells_moved) == \
        (["W1"], ["W2"], 4)
    apply(db, report)
    assert set(membership(db).values()) == {"W1"}
    with db.session() as s:
        assert s.scalar(select(func.count()).select_from(WorkGrid)) == 2   # W2 kept, empty


def test_overlapping_work_grids_name_the_cells_in_two_and_keep_the_larger_share(db, tmp_path):
    city(db, tmp_path)
    path = write_geojson(tmp_path / "overlap.geojson", [
        area("W1", box(0, 2.7)), area("W2", box(2.45, 6)), area("W3", box(10, 11))])
    report = plan(db, path)
    assert report.in_two == [(c(3), ["W1", "W2"])]
    assert report.planned[c(3)] == "W1"            # 0.7 of the cell against 0.55
    assert [(a.code, p.code) for a in report.areas for p in a.problems] == \
        [("W3", "empty_work_grid")]
    out = json.loads(json.dumps(report.to_dict()))
    assert out["cells_in_two_grids"] == [{"cell": c(3), "work_grids": ["W1", "W2"]}]
    assert report.importable                       # named, not refused


def test_invalid_polygons_refuse_the_whole_file_unless_skipped(db, tmp_path):
    city(db, tmp_path)
    x, y = LON0, LAT0
    bowtie = [[x, y], [x + 3 * SIZE, y + SIZE], [x + 3 * SIZE, y], [x, y + SIZE], [x, y]]
    path = write_geojson(tmp_path / "bad.geojson", [
        area("W1", bowtie), area("W2", box(3, 6)), area(None, box(0, 1)), area("W2", box(0, 1))])
    report = plan(db, path)
    found = sorted((a.index, p.code) for a in report.areas for p in a.problems)
    assert found == [(1, "self_intersection"), (2, "duplicate_code"), (3, "no_work_grid_code"),
                     (4, "duplicate_code")]
    assert not report.importable
    with db.transaction() as s, pytest.raises(GridImportError) as refused:
        apply_workgrid_import(s, report, NOW)
    assert refused.value.code == "not_importable"
    assert membership(db) == {}
    fixed = plan(db, path, repair=True, skip_invalid=True)
    assert fixed.importable and {(a.index, p.code) for a in fixed.areas for p in a.problems} >= \
        {(1, "repaired")}


def test_work_grids_need_the_unit_grid_first(db, tmp_path):
    report = plan(db, write_geojson(tmp_path / "wg.geojson", [area("W1", box(0, 6))]))
    assert [p.code for p in report.problems] == ["no_grid_yet"] and not report.importable


def test_a_plan_made_before_another_import_is_refused(db, tmp_path):
    city(db, tmp_path)
    path = write_geojson(tmp_path / "wg.geojson", [area("W1", box(0, 6))])
    stale = plan(db, path)
    apply(db, plan(db, path))
    with db.transaction() as s, pytest.raises(GridImportError) as refused:
        apply_workgrid_import(s, stale, NOW)
    assert refused.value.code == "grid_changed"


def _all_or_nothing(db, tmp_path, monkeypatch):
    """A failure after the membership is written (the officers' update) leaves the work grids
    as they were."""
    city(db, tmp_path)
    apply(db, plan(db, write_geojson(tmp_path / "v1.geojson", [area("W1", box(0, 6))])))
    before = membership(db)
    report = plan(db, write_geojson(tmp_path / "v2.geojson", [
        area("W1", box(0, 3)), area("W9", box(3, 6), officer="P001")]))
    real = work_grid_plan.write

    def write_then_fail(session, *args, **kwargs):
        real(session, *args, **kwargs)
        assert session.scalar(select(func.count()).select_from(WorkGrid)) == 2
        raise RuntimeError("disk full")
    monkeypatch.setattr(work_grid_plan, "write", write_then_fail)
    with pytest.raises(RuntimeError):
        apply(db, report)
    assert membership(db) == before
    assert officers(db)["P001"] is None
    with db.session() as s:
        assert s.scalars(select(WorkGrid.code)).all() == ["W1"]


def test_all_or_nothing_sqlite(db, tmp_path, monkeypatch):
    _all_or_nothing(db, tmp_path, monkeypatch)


def test_all_or_nothing_and_a_move_postgresql(tmp_path, monkeypatch):
    if not PG_URL:
        pytest.skip("CITY_CONSOLE_TEST_PG_URL is not set")
    with fresh_database("console_workgrid_import") as url:
        pg = open_database(url)
        try:
            _all_or_nothing(pg, tmp_path, monkeypatch)
            monkeypatch.undo()
            report = plan(pg, write_geojson(tmp_path / "v3.geojson", [
                area("W1", box(0, 2)), area("W9", box(2, 6), officer="P001;P002")]))
            apply(pg, report)
            assert membership(pg)[c(3)] == "W9"
            assert officers(pg) == {"P001": "W9", "P002": "W9"}
        finally:
            pg.dispose()


def test_a_shapefile_with_gbk_names_and_the_officer_in_two_grids(db, tmp_path):
    city(db, tmp_path)
    path = tmp_path / "zrwg.shp"
    with shapefile.Writer(str(path), shapeType=shapefile.POLYGON, encoding="gbk") as w:
        w.field("BM", "C", 20)
        w.field("MC", "C", 40)
        w.field("JDYBH", "C", 40)
        for code, ring, name, officer in (("W1", box(0, 3), "湖滨一", "P001"),
                                          ("W2", box(3, 6), "湖滨二", "P001")):
            w.poly([ring[::-1]])
            w.record(code, name, officer)
    report = plan(db, path, code_field="BM", name_field="MC", officer_field="JDYBH")
    assert report.encoding == "gb18030" and report.names == {"W1": "湖滨一", "W2": "湖滨二"}
    assert [(a.code, p.code, p.detail.get("other")) for a in report.areas for p in a.problems] == \
        [("W2", "officer_in_two_grids", "W1")]
    assert report.officers == {"P001": "W1"}


def test_cli_exit_statuses_and_report(tmp_path, capsys):
    url = str(tmp_path / "cli.db")
    grid = write_geojson(tmp_path / "grid.geojson", [cell(i + 1, square(i)) for i in range(4)])
    assert main(["import", "grid", str(grid), "--db", url, "--lang", "en"]) == 0
    good = write_geojson(tmp_path / "wg.geojson", [area("W1", box(0, 2)), area("W2", box(2, 4))])
    out = tmp_path / "report.json"
    assert main(["import", "workgrids", str(good), "--db", url, "--lang", "en", "--dry-run",
                 "--report", str(out)]) == 0
    saved = json.loads(out.read_text(encoding="utf-8"))
    assert saved["changes"]["created"] == ["W1", "W2"] and saved["cells_in_no_grid"] == 0
    assert membership(open_database(f"sqlite:///{url}")) == {}
    assert main(["import", "workgrids", str(good), "--db", url, "--lang", "en"]) == 0
    assert set(membership(open_database(f"sqlite:///{url}")).values()) == {"W1", "W2"}
    bad = write_geojson(tmp_path / "bad.geojson", [area("W1", box(0, 2)), area(None, box(2, 4))])
    assert main(["import", "workgrids", str(bad), "--db", url, "--lang", "en"]) == 1
    assert main(["import", "workgrids", str(bad), "--db", url, "--lang", "en",
                 "--skip-invalid"]) == 0
    assert main(["import", "workgrids", str(good), "--db", url, "--lang", "en",
                 "--code-field", "NOPE"]) == 2
    assert main(["import", "workgrids", str(good), "--db", url, "--lang", "en",
                 "--crs", "nonsense"]) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err
    assert "The file has no attribute “NOPE”" in err
    assert "The grid has problems, so nothing was imported." in err


# --- the same from an attribute of the grid file ------------------------------------------------

def test_the_grid_files_attribute_reports_and_moves_work_grids(db, tmp_path):
    with db.transaction() as s:
        s.add(PatrolOfficer(code="P001", name="张三"))
    v1 = write_geojson(tmp_path / "v1.geojson", [
        cell(1, square(0), ZRWG="W1", ZRWGMC="一", JDY="P001"), cell(2, square(1), ZRWG="W1"),
        cell(3, square(2), ZRWG="W2"), cell(4, square(3), ZRWG="W3")])
    with db.session() as s:
        first = plan_grid_import(s, v1)
    assert (first.work_grids.created, first.work_grids.officers) == (["W1", "W2", "W3"], ["P001"])
    with db.transaction() as s:
        apply_grid_import(s, first, NOW)
    # v2: cell 02 moves to W2, W3 loses its only cell, W1 is renamed.
    v2 = write_geojson(tmp_path / "v2.geojson", [
        cell(1, square(0), ZRWG="W1", ZRWGMC="一号"), cell(2, square(1), ZRWG="W2"),
        cell(3, square(2), ZRWG="W2"), cell(4, square(3))])
    with db.session() as s:
        second = plan_grid_import(s, v2)
    d = second.work_grids
    assert (d.created, d.changed, d.emptied, d.cells_moved) == ([], ["W1", "W2"], ["W3"], 2)
    assert second.to_dict()["work_grids"]["emptied"] == ["W3"]
    with db.transaction() as s:
        apply_grid_import(s, second, NOW)
    assert membership(db) == {c(1): "W1", c(2): "W2", c(3): "W2"}
    assert officers(db) == {"P001": "W1"}
    with db.session() as s:
        assert s.scalar(select(WorkGrid.name).where(WorkGrid.code == "W1")) == "一号"


def test_the_alert_engine_takes_the_new_work_areas_at_its_next_pass(db, tmp_path):
    from datetime import timedelta

    from console.services.alerts import AlertEngine
    city(db, tmp_path)
    apply(db, plan(db, write_geojson(tmp_path / "v1.geojson", [
        area("W1", box(0, 3), officer="P001"), area("W2", box(3, 6), officer="P002")])))
    engine = AlertEngine()
    with db.transaction() as s:
        engine.evaluate(s, NOW)
        p001 = s.scalar(select(PatrolOfficer.id).where(PatrolOfficer.code == "P001"))
        grids = dict(s.execute(select(WorkGrid.code, WorkGrid.id)).all())
    middle_of_03 = (LON0 + 2.5 * SIZE, LAT0 + SIZE / 2)
    assert engine.areas[p001] == grids["W1"]
    assert engine._grid_areas.covers(grids["W1"], *middle_of_03)
    # Cell 03 moves to W2 and P001 with it, written by the importer at another seat.
    apply(db, plan(db, write_geojson(tmp_path / "v2.geojson", [
        area("W1", box(0, 2)), area("W2", box(2, 6), officer="P001")])))
    with db.transaction() as s:
        engine.evaluate(s, NOW + timedelta(seconds=5))
    assert engine.areas[p001] == grids["W2"]
    assert engine._grid_areas.covers(grids["W2"], *middle_of_03)
    assert not engine._grid_areas.covers(grids["W1"], *middle_of_03)
