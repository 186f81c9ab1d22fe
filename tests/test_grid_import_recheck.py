"""apply re-checks the grid it was planned against: when another seat imported in between, it
refuses with grid_changed and writes nothing — also when the other seat holds the grid's lock
at the very moment (SQLite and PostgreSQL)."""
from __future__ import annotations

import threading

import pytest
from sqlalchemy import func, select

from console.services import grid_import
from console.services.grid_import import GridImportError, apply_grid_import, plan_grid_import
from console.services.map_grid import grid_version
from console.store.database import open_database
from console.store.models import Cell
from tests.pg_server import PG_URL, fresh_database
from tests.test_grid_import import COMMUNITY, NOW, cell, square, write_geojson


def _files(tmp_path):
    a = write_geojson(tmp_path / "a.geojson", [cell(i, square(i)) for i in range(1, 4)])
    b = write_geojson(tmp_path / "b.geojson", [cell(i, square(i, row=2)) for i in range(5, 9)])
    return a, b


def _stale_plan_is_refused(db, tmp_path):
    a, b = _files(tmp_path)
    with db.session() as s:
        plan_a, plan_b = plan_grid_import(s, a), plan_grid_import(s, b)
    assert plan_a.grid_version == plan_b.grid_version == ""
    with db.transaction() as s:
        apply_grid_import(s, plan_a, NOW)
    with pytest.raises(GridImportError) as refused, db.transaction() as s:
        apply_grid_import(s, plan_b, NOW)
    assert refused.value.code == "grid_changed"
    with db.session() as s:
        assert sorted(s.scalars(select(Cell.code))) == [f"{COMMUNITY}0{i}" for i in (1, 2, 3)]
        version = grid_version(s)
    # Planned again, against the grid as it is now, it goes in (and retires a's cells).
    with db.transaction() as s:
        again = plan_grid_import(s, b)
        assert again.grid_version == version and len(again.diff.retired) == 3
        apply_grid_import(s, again, NOW)


def _racing_seat_is_refused(db, tmp_path, monkeypatch):
    """Seat A holds the grid's lock inside apply when seat B starts applying the same-aged
    plan: whichever way the threads are scheduled, B must refuse, never apply a stale diff."""
    a, b = _files(tmp_path)
    with db.session() as s:
        plan_a, plan_b = plan_grid_import(s, a), plan_grid_import(s, b)
    locked, release = threading.Event(), threading.Event()
    real = grid_import._write_regions
    holder = threading.get_ident()

    def paused(session, features):
        if threading.get_ident() == holder:
            locked.set()
            assert release.wait(30)
        return real(session, features)

    monkeypatch.setattr(grid_import, "_write_regions", paused)
    outcome: dict[str, object] = {}

    def seat_b():
        try:
            with db.transaction() as s:
                apply_grid_import(s, plan_b, NOW)
            outcome["b"] = "applied"
        except GridImportError as exc:
            outcome["b"] = exc.code

    def seat_a():
        nonlocal holder
        holder = threading.get_ident()
        with db.transaction() as s:
            apply_grid_import(s, plan_a, NOW)
        outcome["a"] = "applied"

    ta = threading.Thread(target=seat_a)
    ta.start()
    assert locked.wait(30)
    tb = threading.Thread(target=seat_b)
    tb.start()
    release.set()
    ta.join(60)
    tb.join(60)
    assert outcome == {"a": "applied", "b": "grid_changed"}
    with db.session() as s:
        assert s.scalar(select(func.count()).select_from(Cell)) == 3


@pytest.fixture
def sqlite_db(tmp_path):
    d = open_database(f"sqlite:///{tmp_path / 'recheck.db'}")
    yield d
    d.dispose()


@pytest.fixture
def pg_db():
    if not PG_URL:
        pytest.skip("CITY_CONSOLE_TEST_PG_URL is not set")
    with fresh_database("console_grid_recheck") as url:
        d = open_database(url)
        yield d
        d.dispose()


def test_a_stale_plan_is_refused_sqlite(sqlite_db, tmp_path):
    _stale_plan_is_refused(sqlite_db, tmp_path)


def test_a_stale_plan_is_refused_postgresql(pg_db, tmp_path):
    _stale_plan_is_refused(pg_db, tmp_path)


@pytest.mark.parametrize("run", range(3))
def test_a_racing_seat_is_refused_sqlite(sqlite_db, tmp_path, monkeypatch, run):
    _racing_seat_is_refused(sqlite_db, tmp_path, monkeypatch)


@pytest.mark.parametrize("run", range(3))
def test_a_racing_seat_is_refused_postgresql(pg_db, tmp_path, monkeypatch, run):
    _racing_seat_is_refused(pg_db, tmp_path, monkeypatch)
