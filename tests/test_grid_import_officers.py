"""Officers the grid file names but the database lacks are reported per feature, and the cell
code's length comes from the shared setting grid_code_lengths."""
from __future__ import annotations

from sqlalchemy import select

from console.services.grid_import import (GridImportOptions, apply_grid_import, code_lengths,
                                          plan_grid_import)
from console.store.models import PatrolOfficer, Setting, WorkGrid
from tests.test_grid_import import COMMUNITY, NOW, cell, db, square, write_geojson  # noqa: F401


def problems(report):
    return sorted((f.code, p.code, p.severity, p.detail.get("officer"))
                  for f in report.features for p in f.problems)


def test_an_officer_missing_from_the_database_is_warned_on_each_of_its_features(db, tmp_path):
    with db.transaction() as s:
        s.add(PatrolOfficer(code="P001", name="张三"))
    features = [cell(1, square(1), ZRWG="W1", JDY="P001"),
                cell(2, square(2), ZRWG="W2", JDY="P404"),
                cell(3, square(3), ZRWG="W2", JDY="P404")]
    path = write_geojson(tmp_path / "officers.geojson", features)
    with db.session() as s:
        report = plan_grid_import(s, path)
    assert report.fields.officer == "JDY"
    assert problems(report) == [(f"{COMMUNITY}02", "unknown_officer", "warning", "P404"),
                                (f"{COMMUNITY}03", "unknown_officer", "warning", "P404")]
    assert report.importable            # a warning: the work grid comes in without the officer
    with db.transaction() as s:
        apply_grid_import(s, report, NOW)
    with db.session() as s:
        grids = dict(s.execute(select(WorkGrid.code, WorkGrid.id)).all())
        assert set(grids) == {"W1", "W2"}
        officer = s.scalars(select(PatrolOfficer).where(PatrolOfficer.code == "P001")).one()
        assert officer.work_grid_id == grids["W1"]
        assert s.scalar(select(PatrolOfficer.id).where(PatrolOfficer.code == "P404")) is None


def test_the_code_length_is_the_shared_setting_unless_chosen(db, tmp_path):
    features = [cell(1, square(1)), {**cell(2, square(2)),
                                      "properties": {"CODE": f"{COMMUNITY}002"}}]
    path = write_geojson(tmp_path / "lengths.geojson", features)
    with db.session() as s:
        assert code_lengths(s) == (14, 15)
        assert [f.ok for f in plan_grid_import(s, path).features] == [True, True]
    with db.transaction() as s:
        s.add(Setting(key="grid_code_lengths", value={"v": [15]}, updated_at=NOW))
    with db.session() as s:
        assert code_lengths(s) == (15,)
        report = plan_grid_import(s, path)
        assert [(f.code, [p.code for p in f.problems]) for f in report.invalid] == \
            [(f"{COMMUNITY}01", ["bad_code"])]
        assert report.invalid[0].problems[0].detail["lengths"] == [15]
        chosen = plan_grid_import(s, path, GridImportOptions(code_lengths=(14, 15)))
        assert not chosen.invalid
    with db.transaction() as s:
        s.get(Setting, "grid_code_lengths").value = {"v": ["x", True]}
    with db.session() as s:
        assert code_lengths(s) == (14, 15)      # an unusable value falls back to the default
