"""Cells a grid import retired are offered for no new work — the hotline's cell search and
location, the map's search, new cases, work grids and the alert engine's work-grid rings — while
the cases on them keep showing their cell (SQLite and PostgreSQL)."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from console.domain.errors import DomainError, NotFound
from console.services import cases, case_desk, hotline, map_data, roster
from console.services.actor import SYSTEM_ACTOR, snapshot
from console.services.grid_import import apply_grid_import, plan_grid_import
from console.store import patrol_queries
from console.store.database import open_database
from console.store.models import Case, Cell, User, WorkGrid, WorkGridCell
from tests.pg_server import PG_URL, fresh_database
from tests.test_grid_import import COMMUNITY, NOW, SIZE, _category, cell, square, write_geojson

GONE = f"{COMMUNITY}04"
KEPT = f"{COMMUNITY}02"


def _inside(i: int) -> tuple[float, float]:
    x, y = square(i)[0]
    return x + SIZE / 2, y + SIZE / 2


def _city_with_a_retired_cell(db, tmp_path) -> dict[str, int]:
    first = write_geojson(tmp_path / "v1.geojson",
                          [cell(i, square(i), ZRWG="W1") for i in range(1, 5)])
    with db.transaction() as s:
        apply_grid_import(s, plan_grid_import(s, first), NOW)
    numbers = {}
    with db.transaction() as s:
        for i, address in ((4, "文三路 88 号"), (2, "文三路 90 号")):
            lon, lat = _inside(i)
            change = cases.report(s, SYSTEM_ACTOR, category_code=_category(s), source="hotline",
                                  lon=lon, lat=lat, address=address, at=NOW)
            numbers[address] = change.case_id
    second = write_geojson(tmp_path / "v2.geojson",
                           [cell(i, square(i), ZRWG="W1") for i in range(1, 4)])
    with db.transaction() as s:
        assert plan_grid_import(s, second).diff.retired == [GONE]
        apply_grid_import(s, plan_grid_import(s, second), NOW)
    return numbers


def _check(db, tmp_path):
    ids = _city_with_a_retired_cell(db, tmp_path)
    with db.session() as s:
        gone = s.scalars(select(Cell).where(Cell.code == GONE)).one()
        assert gone.retired_at == NOW
        # The hotline: typed code, code search, address search, map click.
        with pytest.raises(DomainError) as refused:
            hotline.place_of_cell(s, GONE)
        assert refused.value.code == "cell_retired"
        assert hotline.place_of_cell(s, KEPT).cell_code == KEPT
        assert [p.cell_code for p in hotline.find_places(s, COMMUNITY)] == \
            [f"{COMMUNITY}0{i}" for i in (1, 2, 3)]
        assert [p.label for p in hotline.find_places(s, "文三路")] == ["文三路 90 号"]
        with pytest.raises(DomainError) as outside:
            hotline.place_at(s, *_inside(4))
        assert outside.value.code == "location_outside_city"
        # The map's search finds the case on the retired cell, not the cell itself.
        hits = map_data.search(s, GONE)
        assert ("cell", GONE) not in {(h.kind, h.key) for h in hits}
        assert ("cell", KEPT) in {(h.kind, h.key) for h in map_data.search(s, KEPT)}
        # History: the case on the retired cell still shows it.
        assert case_desk.case_detail(s, ids["文三路 88 号"]).cell_code == GONE
        assert map_data.locate_case(s, ids["文三路 88 号"]) is not None
        assert s.get(Case, ids["文三路 88 号"]).cell_id == gone.id
        grid = s.scalars(select(WorkGrid.id).where(WorkGrid.code == "W1")).one()
    with db.transaction() as s, pytest.raises(DomainError) as refused:
        cases.report(s, SYSTEM_ACTOR, category_code=_category(s), source="hotline",
                     cell_code=GONE, at=NOW)
    assert refused.value.code == "cell_retired"
    with db.transaction() as s:
        admin = s.scalars(select(User).where(User.role == "admin")).first()
        if admin is None:
            admin = User(username="grid-admin", display_name="管理员", role="admin", active=True)
            s.add(admin)
            s.flush()
        admin = snapshot(admin)
    with db.transaction() as s, pytest.raises(NotFound):
        roster.set_work_grid_cells(s, admin, grid, [gone.id], at=NOW)
    # A membership left over from before (written behind the importer's back) is not read.
    with db.transaction() as s:
        s.add(WorkGridCell(work_grid_id=grid, cell_id=gone.id))
    with db.session() as s:
        assert len(patrol_queries.work_grid_rings(s, [grid])[grid]) == 3
        assert len(patrol_queries.work_grid_cells(s, [grid])[grid].rings) == 3


def test_retired_cells_are_offered_for_no_new_work_sqlite(tmp_path):
    db = open_database(f"sqlite:///{tmp_path / 'retired.db'}")
    try:
        _check(db, tmp_path)
    finally:
        db.dispose()


def test_retired_cells_are_offered_for_no_new_work_postgresql(tmp_path):
    if not PG_URL:
        pytest.skip("CITY_CONSOLE_TEST_PG_URL is not set")
    with fresh_database("console_grid_retired") as url:
        db = open_database(url)
        try:
            _check(db, tmp_path)
        finally:
            db.dispose()
