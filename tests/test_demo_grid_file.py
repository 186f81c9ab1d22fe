"""The demo city's grid goes in through the grid importer, as a centre's GeoJSON would: the file
the generator writes is clean to the importer's every check, and the demo's audit trail shows
the import."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from console.services.grid_import import plan_grid_import
from console.sim.city import generate_city
from console.sim.demo import build_demo, write_grid_geojson
from console.store.database import open_database
from console.store.models import AuditRecord, Cell, PatrolOfficer, WorkGrid


def test_the_generated_grid_file_passes_every_check(tmp_path):
    plan = generate_city(seed=3, cells=400)
    path = write_grid_geojson(plan, tmp_path / "grid.geojson")
    db = open_database(f"sqlite:///{tmp_path / 'empty.db'}")
    try:
        with db.session() as s:
            report = plan_grid_import(s, path)
    finally:
        db.dispose()
    assert report.importable and not report.problems
    assert [(f.code, f.problems) for f in report.features if f.problems] == []
    fields = report.fields
    assert (fields.code, fields.community_name, fields.street_name, fields.district_name,
            fields.work_grid, fields.work_grid_name) == \
        ("code", "community", "street", "district", "work_grid", "work_grid_name")
    assert sorted(report.diff.added) == sorted(c.code for c in plan.cells)
    assert report.diff.new_regions == {"district": len(plan.districts),
                                       "street": len(plan.streets),
                                       "community": len(plan.communities)}


def test_the_demo_is_built_through_the_importer(tmp_path):
    db = open_database(f"sqlite:///{tmp_path / 'demo.db'}")
    try:
        build_demo(db, seed=2, cells=300, cases=200, now=datetime(2026, 12, 1, 9))
        plan = generate_city(seed=2, cells=300)
        with db.session() as s:
            imports = s.execute(select(AuditRecord.entity, AuditRecord.action, AuditRecord.data)
                                .where(AuditRecord.entity == "city")).all()
            assert [(r.data["source"], r.data["added"], r.data["skipped"]) for r in imports] == \
                [("demo-grid.geojson", 300, 0)]
            assert list(s.scalars(select(Cell.code).order_by(Cell.id))) == \
                [c.code for c in plan.cells]
            assert set(s.scalars(select(WorkGrid.code))) == {g.code for g in plan.work_grids}
            # Each grid's officer came in through the file's officer attribute.
            assigned = dict(s.execute(select(PatrolOfficer.code, WorkGrid.code).join(
                WorkGrid, WorkGrid.id == PatrolOfficer.work_grid_id)).all())
            assert assigned == {f"P{n:04d}": g.code
                                for n, g in enumerate(plan.work_grids, start=1)}
            assert s.scalar(select(AuditRecord.id).where(AuditRecord.entity == "work_grid")) \
                is None      # one import: the city's (its work grids are part of it)
    finally:
        db.dispose()
