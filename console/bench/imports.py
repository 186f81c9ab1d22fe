"""`city-console bench import`: the grid importer on a 50,000-cell Shapefile in a CGCS2000
Gauss–Krüger zone (prefixed eastings), dry run plus import into a fresh SQLite database, every
step the user waits for included (reading, reprojection, checks, comparison, the write)."""
from __future__ import annotations

import tempfile
import time
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import numpy as np
import pyproj
import shapefile
from pyproj.enums import WktVersion

from console.sim.city import CityPlan, generate_city

BENCH_CELLS = 50_000


def write_city_shapefile(plan: CityPlan, path: Path, epsg: int = 4528, *,
                         encoding: str = "utf-8", cpg: bool = True) -> Path:
    """The plan's grid as a Shapefile in `epsg` (default: CGCS2000 GK zone 40, prefixed), with
    code, names and work grid as attributes, as a GIS department would deliver it."""
    to = pyproj.Transformer.from_crs("EPSG:4326", f"EPSG:{epsg}", always_xy=True)
    communities = {c.code: c for c in plan.communities}
    streets = {s.code: s for s in plan.streets}
    districts = {d.code: d for d in plan.districts}
    grid_of = {code: g for g in plan.work_grids for code in g.cell_codes}
    with shapefile.Writer(str(path), shapeType=shapefile.POLYGON, encoding=encoding) as w:
        w.field("BGCODE", "C", 15)
        w.field("SQMC", "C", 64)
        w.field("JDMC", "C", 64)
        w.field("QXMC", "C", 64)
        w.field("ZRWG", "C", 32)
        for cell in plan.cells:
            ring = np.asarray(cell.ring)
            x, y = to.transform(ring[::-1, 0], ring[::-1, 1])   # clockwise: the format's outer ring
            w.poly([np.column_stack([x, y]).tolist()])
            community = communities[cell.community_code]
            street = streets[community.street_code]
            grid = grid_of.get(cell.code)
            w.record(cell.code, community.name, street.name, districts[street.district_code].name,
                     grid.code if grid else "")
    path.with_suffix(".prj").write_text(pyproj.CRS.from_epsg(epsg).to_wkt(WktVersion.WKT1_ESRI))
    if cpg:
        path.with_suffix(".cpg").write_text(encoding.upper())
    return path


def write_work_grid_geojson(plan: CityPlan, path: Path) -> Path:
    """The plan's work grids as a second file: each the union of its cells' outlines (as a GIS
    department draws them), with code, name and its officer's code."""
    import json

    import shapely
    rings = {c.code: c.ring for c in plan.cells}
    features = []
    for n, g in enumerate(plan.work_grids, start=1):
        shape = shapely.union_all([shapely.Polygon(rings[c]) for c in g.cell_codes])
        features.append({"type": "Feature", "geometry": shapely.geometry.mapping(shape),
                         "properties": {"ZRWGBM": g.code, "ZRWGMC": g.name,
                                        "JDYBH": f"P{n:04d}"}})
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features},
                               ensure_ascii=False), encoding="utf-8")
    return path


def _work_grids(db, plan: CityPlan, folder: Path) -> Iterator[tuple[str, float, str]]:
    """Dry run plus import of the work grids from a second file over the imported grid."""
    from console.services.workgrid_import import apply_workgrid_import, plan_workgrid_import
    path = write_work_grid_geojson(plan, folder / "work-grids.geojson")
    wall, cpu = time.perf_counter(), time.process_time()
    with db.session() as s:
        report = plan_workgrid_import(s, path)
    with db.transaction() as s:
        apply_workgrid_import(s, report, datetime.now())
    total, cpu = time.perf_counter() - wall, time.process_time() - cpu
    if not report.importable or report.no_grid or report.in_two:
        raise RuntimeError("the bench work grids did not import cleanly")
    yield "import.workgrids_50k_s", total, "s"
    yield "import.workgrids_50k_cpu_s", cpu, "s"


def run() -> Iterator[tuple[str, float, str]]:
    from console.services.grid_import import apply_grid_import, plan_grid_import
    from console.store.database import open_database
    with tempfile.TemporaryDirectory(prefix="bench-import-") as tmp:
        folder = Path(tmp)
        plan = generate_city(seed=7, cells=BENCH_CELLS)
        shp = write_city_shapefile(plan, folder / "grid.shp")
        db = open_database(f"sqlite:///{folder / 'city.db'}")
        try:
            wall, cpu = time.perf_counter(), time.process_time()
            with db.session() as s:
                report = plan_grid_import(s, shp)
            dry_s = time.perf_counter() - wall
            with db.transaction() as s:     # the dry run's report, as a wizard applies it
                apply_grid_import(s, report, datetime.now())
            total, cpu = time.perf_counter() - wall, time.process_time() - cpu
            work_grids = list(_work_grids(db, plan, folder))
        finally:
            db.dispose()
    if not report.importable:
        raise RuntimeError("the bench grid did not import: " + repr(report.to_dict()["problems"]))
    yield "import.grid_50k_s", total, "s"
    yield "import.grid_50k_dry_run_s", dry_s, "s"
    yield "import.grid_50k_cpu_s", cpu, "s"
    yield from work_grids
