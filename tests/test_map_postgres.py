"""The map on the shared PostgreSQL server: the same city reads the same as on SQLite.

Runs when CITY_CONSOLE_TEST_PG_URL names a server database the tests may create databases
from (`.ci/run` sets it); skipped otherwise.
"""
from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy import delete

from console.services import map_data, map_grid, map_patrols
from console.sim.demo import build_demo
from console.store.database import open_database
from console.store.models import Meta
from tests.pg_server import fresh_database, needs_pg

pytestmark = needs_pg
NOW = datetime(2026, 3, 11, 15, 0)


def _city(url: str):
    db = open_database(url)
    build_demo(db, seed=4, cells=400, cases=600, now=NOW)
    return db


@pytest.fixture(scope="module")
def both(tmp_path_factory):
    """The same demo city on PostgreSQL and on SQLite."""
    with fresh_database("map") as pg_url:
        pg = _city(pg_url)
        lite = _city(f"sqlite:///{tmp_path_factory.mktemp('map-pg') / 'city.db'}")
        yield pg, lite
        pg.dispose()
        lite.dispose()


def _read(db):
    with db.session() as s:
        grid = map_grid.load_grid(s)
        regions = map_grid.region_boundaries(grid)
        return {
            "codes": grid.codes,
            "rings": [r.tolist() for r in grid.rings[:20]],
            "regions": {k: sorted((r.code, round(r.geometry.area, 12)) for r in v)
                        for k, v in regions.items()},
            "open": map_data.cell_values(s, grid, "open", NOW),
            "overdue": map_data.cell_values(s, grid, "overdue", NOW),
            "markers": sorted((m.number, m.tone) for m in map_data.case_markers(s, NOW)[0]),
            "heat": sorted(map_data.heat_points(s, grid, NOW - timedelta(days=7))),
            "search": [(h.kind, h.key) for h in map_data.search(s, grid.codes[0][:9])],
            "roster": [(p.code, p.work_grid, p.shifts) for p in map_patrols.patrol_roster(s)],
        }


def test_postgresql_and_sqlite_show_the_same_map(both):
    pg, lite = both
    on_pg, on_lite = _read(pg), _read(lite)
    for key in on_lite:
        assert on_pg[key] == on_lite[key], key
    assert on_pg["open"] and on_pg["markers"]


def test_the_grid_fingerprint_reads_alike_and_follows_a_change(both):
    pg, lite = both
    prints = []
    for db in (pg, lite):
        with db.session() as s:
            prints.append(map_grid.grid_fingerprint(s))
    # Same city, same fingerprint: a page cached from one database serves the other.
    assert prints[0] == prints[1]
    with pg.transaction() as s:
        map_grid.bump_grid_version(s)
    with pg.session() as s:
        assert map_grid.grid_fingerprint(s) != prints[0]
    with pg.transaction() as s:   # leave the module's city as it was for the other tests
        s.execute(delete(Meta).where(Meta.key == map_grid.GRID_VERSION_KEY))
