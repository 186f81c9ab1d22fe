"""The grid importer on small files written here, one per quirk of real GIS deliveries, and a
re-import that moves and retires cells with cases attached (SQLite and PostgreSQL)."""
from __future__ import annotations

import json
import zipfile
from datetime import datetime

import numpy as np
import pyproj
import pytest
import shapefile
from pyproj.enums import WktVersion
from sqlalchemy import select

from console.cli import main
from console.services import cases
from console.services.actor import SYSTEM_ACTOR
from console.services.grid_import import (GridImportError, GridImportOptions,
                                          apply_grid_import, plan_grid_import)
from console.store.database import open_database
from console.store.models import Case, Cell, Community, Meta, WorkGridCell
from tests.pg_server import PG_URL, fresh_database

LON0, LAT0 = 120.15, 30.27
COMMUNITY = "330106001001"
NOW = datetime(2026, 12, 1, 9, 0)
SIZE = 0.001   # degrees, about 100 m


def square(col: int, row: int = 0, size: float = SIZE) -> list[list[float]]:
    x, y = LON0 + col * size, LAT0 + row * size
    return [[x, y], [x + size, y], [x + size, y + size], [x, y + size], [x, y]]


def cell(seq: int, ring, community: str = COMMUNITY, **props) -> dict:
    return {"type": "Feature", "properties": {"CODE": f"{community}{seq:02d}", **props},
            "geometry": {"type": "Polygon", "coordinates": [ring]}}


def write_geojson(path, features, crs: str | None = None):
    doc = {"type": "FeatureCollection", "features": features}
    if crs:
        doc["crs"] = {"type": "name", "properties": {"name": crs}}
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    return path


def write_shp(path, rings, records, fields=(("CODE", "C", 15), ("SQMC", "C", 40)), *,
              encoding="utf-8", cpg=True, epsg: int | None = 4490):
    with shapefile.Writer(str(path), shapeType=shapefile.POLYGON, encoding=encoding) as w:
        for f in fields:
            w.field(*f)
        for ring, record in zip(rings, records):
            w.poly([ring[::-1]])     # clockwise outer ring, as the format wants
            w.record(*record)
    if epsg:
        path.with_suffix(".prj").write_text(pyproj.CRS.from_epsg(epsg).to_wkt(WktVersion.WKT1_ESRI))
    if cpg:
        path.with_suffix(".cpg").write_text(encoding.upper())
    return path


@pytest.fixture
def db(tmp_path):
    d = open_database(f"sqlite:///{tmp_path / 'grid.db'}")
    yield d
    d.dispose()


def plan(db, path, **options):
    with db.session() as s:
        return plan_grid_import(s, path, GridImportOptions(**options))


def problems(report):
    return {(f.code, p.code) for f in report.features for p in f.problems}


def test_gbk_dbf_without_cpg_reads_chinese_names(db, tmp_path):
    path = write_shp(tmp_path / "gbk.shp", [square(0), square(1)],
                     [(f"{COMMUNITY}01", "湖滨社区"), (f"{COMMUNITY}02", "湖滨社区")],
                     encoding="gbk", cpg=False)
    report = plan(db, path)
    assert report.encoding == "gb18030" and report.importable
    with db.transaction() as s:
        apply_grid_import(s, plan_grid_import(s, path), NOW)
    with db.session() as s:
        assert s.scalar(select(Community.name).where(Community.code == COMMUNITY)) == "湖滨社区"
        assert s.scalar(select(Cell.code).where(Cell.code == f"{COMMUNITY}02"))


def test_zipped_shapefile_and_utf8_without_cpg(db, tmp_path):
    path = write_shp(tmp_path / "g.shp", [square(0)], [(f"{COMMUNITY}01", "湖滨社区")], cpg=False)
    archive = tmp_path / "grid.zip"
    with zipfile.ZipFile(archive, "w") as z:
        for ext in (".shp", ".shx", ".dbf", ".prj"):
            z.write(path.with_suffix(ext), f"data/g{ext}")
    report = plan(db, archive)
    assert report.format == "shapefile" and report.encoding == "utf-8" and report.importable


@pytest.mark.parametrize("stated", [4528, 4549])   # zone 40 with prefix, CM 120E without
@pytest.mark.parametrize("prefixed", [True, False])
def test_gauss_kruger_zone_with_and_without_prefix(db, tmp_path, stated, prefixed):
    to = pyproj.Transformer.from_crs("EPSG:4326", f"EPSG:{4528 if prefixed else 4549}",
                                     always_xy=True)
    rings = [[list(to.transform(x, y)) for x, y in square(i)] for i in range(2)]
    path = write_shp(tmp_path / "gk.shp", rings, [(f"{COMMUNITY}0{i + 1}", "") for i in range(2)],
                     epsg=stated)
    report = plan(db, path)
    assert report.importable, report.to_dict()
    assert report.crs.startswith(f"EPSG:{4528 if prefixed else 4549}")
    assert ("crs_corrected" in {p.code for p in report.problems}) == (stated != (4528 if prefixed else 4549))
    ring = report.features[0].ring
    assert np.allclose(ring[:, 0].min(), LON0, atol=1e-7) and np.allclose(ring[:, 1].min(), LAT0, atol=1e-7)


def test_swapped_latitude_and_longitude_is_named(db, tmp_path):
    path = write_geojson(tmp_path / "s.geojson",
                         [cell(1, [[y, x] for x, y in square(0)])])
    report = plan(db, path)
    assert [p.code for p in report.problems] == ["lat_lon_swapped"] and not report.importable


def test_metres_given_as_degrees_is_named_with_the_zone(db, tmp_path):
    to = pyproj.Transformer.from_crs("EPSG:4326", "EPSG:4528", always_xy=True)
    path = write_geojson(tmp_path / "m.geojson",
                         [cell(1, [list(to.transform(x, y)) for x, y in square(0)])])
    report = plan(db, path)
    [problem] = report.problems
    assert problem.code == "metres_as_degrees" and problem.detail["try"] == "EPSG:4528"


def test_far_from_the_centre_is_refused(db, tmp_path):
    with db.transaction() as s:
        s.add(Meta(key="centre", value=json.dumps([116.40, 39.90])))     # Beijing
    report = plan(db, write_geojson(tmp_path / "f.geojson", [cell(1, square(0))]))
    assert "far_from_centre" in {p.code for p in report.problems} and not report.importable


def test_gcj02_file_is_stored_in_wgs84(db, tmp_path):
    from console.gis.shifted import wgs84_to_gcj02
    ring = [list(wgs84_to_gcj02(x, y)) for x, y in square(0)]
    report = plan(db, write_geojson(tmp_path / "g.geojson", [cell(1, ring)]), crs="GCJ02")
    assert np.allclose(report.features[0].ring[:, 0].min(), LON0, atol=1e-8)


def test_bowtie_unclosed_duplicates_and_bad_codes_are_reported(db, tmp_path):
    x, y = LON0, LAT0
    bowtie = [[x, y], [x + SIZE, y + SIZE], [x + SIZE, y], [x, y + SIZE], [x, y]]
    features = [cell(1, bowtie), cell(2, square(1)[:-1]), cell(3, square(2)), cell(3, square(3)),
                {"type": "Feature", "properties": {"CODE": "12345"},
                 "geometry": {"type": "Polygon", "coordinates": [square(4)]}},
                {"type": "Feature", "properties": {"CODE": f"{COMMUNITY}09"}, "geometry": None},
                cell(5, square(5))]
    path = write_geojson(tmp_path / "bad.geojson", features)
    report = plan(db, path)
    found = problems(report)
    assert {(f"{COMMUNITY}01", "self_intersection"), (f"{COMMUNITY}02", "unclosed_ring"),
            (f"{COMMUNITY}03", "duplicate_code"), ("12345", "bad_code"),
            (f"{COMMUNITY}09", "no_geometry")} <= found
    assert not report.importable
    with db.transaction() as s, pytest.raises(GridImportError):
        apply_grid_import(s, report, NOW)
    with db.session() as s:
        assert s.scalar(select(Cell.id)) is None            # all or nothing
    repaired = plan(db, path, repair=True, skip_invalid=True)
    assert {(f"{COMMUNITY}01", "repaired"), (f"{COMMUNITY}02", "ring_closed")} <= problems(repaired)
    with db.transaction() as s:
        apply_grid_import(s, repaired, NOW)
    with db.session() as s:
        assert sorted(s.scalars(select(Cell.code))) == [f"{COMMUNITY}01", f"{COMMUNITY}02",
                                                        f"{COMMUNITY}05"]


def test_overlap_and_cell_outside_its_community_are_warned(db, tmp_path):
    features = [cell(1, square(0)), cell(2, square(0.5)), cell(3, square(40))]
    report = plan(db, write_geojson(tmp_path / "o.geojson", features))
    found = problems(report)
    assert (f"{COMMUNITY}01", "overlap") in found and (f"{COMMUNITY}03", "outside_community") in found
    assert report.importable           # warnings do not stop the import


def _reimport_moves_and_retires(db, tmp_path):
    first = write_geojson(tmp_path / "v1.geojson",
                          [cell(i, square(i), ZRWG="W1") for i in range(1, 5)])
    with db.transaction() as s:
        apply_grid_import(s, plan_grid_import(s, first), NOW)
    with db.transaction() as s:
        for i in (1, 4):
            x, y = square(i)[0]
            cases.report(s, SYSTEM_ACTOR, category_code=_category(s), source="hotline",
                         lon=x + SIZE / 2, lat=y + SIZE / 2, at=NOW)
    # v2: cell 01 moved north, cell 04 gone, cell 05 new.
    second = write_geojson(tmp_path / "v2.geojson",
                           [cell(1, square(1, row=1)), cell(2, square(2)), cell(3, square(3)),
                            cell(5, square(5))])
    with db.session() as s:
        report = plan_grid_import(s, second)
    d = report.diff
    assert (d.added, d.changed, d.retired, d.unchanged, d.cases_on_retired) == \
        ([f"{COMMUNITY}05"], [f"{COMMUNITY}01"], [f"{COMMUNITY}04"], 2, 1)
    with db.session() as s:
        before = dict(s.execute(select(Case.id, Case.cell_id)).all())
    with db.transaction() as s:
        apply_grid_import(s, plan_grid_import(s, second), NOW)
    with db.session() as s:
        assert dict(s.execute(select(Case.id, Case.cell_id)).all()) == before
        retired = s.scalars(select(Cell).where(Cell.code == f"{COMMUNITY}04")).one()
        assert retired.retired_at == NOW
        moved = s.scalars(select(Cell).where(Cell.code == f"{COMMUNITY}01")).one()
        assert moved.min_lat == pytest.approx(LAT0 + SIZE)
        assert s.scalar(select(WorkGridCell.cell_id).where(WorkGridCell.cell_id == retired.id)) is None
    # The old file again: 04 comes back, 05 retires.
    with db.session() as s:
        again = plan_grid_import(s, first).diff
    assert again.reactivated == [f"{COMMUNITY}04"] and again.retired == [f"{COMMUNITY}05"]


def _category(s):
    from console.store.models import Category
    return s.scalars(select(Category.code).where(Category.urgent.is_(False))).first()


def test_reimport_moves_and_retires_cells_with_cases_sqlite(db, tmp_path):
    _reimport_moves_and_retires(db, tmp_path)


def test_reimport_moves_and_retires_cells_with_cases_postgresql(tmp_path):
    if not PG_URL:
        pytest.skip("CITY_CONSOLE_TEST_PG_URL is not set")
    with fresh_database("console_grid_import") as url:
        pg = open_database(url)
        try:
            _reimport_moves_and_retires(pg, tmp_path)
        finally:
            pg.dispose()


def test_cli_dry_run_writes_nothing_and_exit_codes(tmp_path, capsys):
    url = str(tmp_path / "cli.db")
    good = write_geojson(tmp_path / "good.geojson", [cell(1, square(0)), cell(2, square(1))])
    out = tmp_path / "report.json"
    assert main(["import", "grid", str(good), "--db", url, "--lang", "en", "--dry-run", "--report", str(out)]) == 0
    assert json.loads(out.read_text())["changes"]["added"] == 2
    with open_database(f"sqlite:///{url}").session() as s:
        assert s.scalar(select(Cell.id)) is None
    bad = write_geojson(tmp_path / "bad.geojson", [cell(1, square(0)), cell(1, square(1)),
                                                   cell(3, square(2))])
    assert main(["import", "grid", str(bad), "--db", url, "--lang", "en"]) == 1
    assert main(["import", "grid", str(bad), "--db", url, "--lang", "en", "--skip-invalid"]) == 0
    assert main(["import", "grid", str(good), "--db", url, "--lang", "en", "--crs", "nonsense"]) == 2
    assert main(["import", "grid", str(good), "--db", url, "--lang", "en", "--encoding", "klingon"]) == 2
    assert main(["import", "grid", str(good), "--db", url, "--lang", "en", "--code-field", "NOPE"]) == 2
    assert main(["import", "grid", str(tmp_path / "missing.shp"), "--db", url, "--lang", "en"]) == 2
    (tmp_path / "junk.geojson").write_text("{not json")
    assert main(["import", "grid", str(tmp_path / "junk.geojson"), "--db", url, "--lang", "en"]) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err and "“nonsense” is not a known coordinate system" in err
    assert "junk.geojson is not valid JSON (line 1, column 2)." in err


def test_cli_report_words_each_problem_in_chinese(tmp_path):
    """In its own process: the command line's QCoreApplication must not precede a test's
    QApplication."""
    import os
    import subprocess
    import sys

    from console.resources import ROOT
    from tests.grid_problem_file import write_problem_grid
    grid = write_problem_grid(tmp_path / "problems.geojson")
    done = subprocess.run([sys.executable, "-m", "console", "import", "grid", str(grid), "--db",
                           str(tmp_path / "cli.db"), "--dry-run"], cwd=ROOT, capture_output=True,
                          env={**os.environ, "QT_QPA_PLATFORM": "offscreen"}, timeout=180)
    out = done.stdout.decode("utf-8")
    assert done.returncode == 1, done.stderr.decode()
    assert "错误: 单元网格编码“3301060010”不是 14/15 位数字。 [bad_code]" in out
    assert "警告: 数据库中没有监督员 P9999" in out
