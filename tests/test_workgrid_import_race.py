"""Two seats apply work-grid plans of the same age: the one that takes the grid's lock second
refuses with grid_changed and writes nothing — whichever way the threads are scheduled, and
also when the other seat is importing the unit grid itself (SQLite and PostgreSQL)."""
from __future__ import annotations

import threading

import pytest
from sqlalchemy import func, select

from console.services import grid_import, work_grid_plan
from console.services.grid_import import GridImportError, apply_grid_import, plan_grid_import
from console.services.workgrid_import import apply_workgrid_import, plan_workgrid_import
from console.store.database import open_database
from console.store.models import Cell, WorkGrid
from tests.pg_server import PG_URL, fresh_database
from tests.test_grid_import import NOW, cell, square, write_geojson
from tests.test_workgrid_import import area, box, membership


def _city(db, tmp_path):
    path = write_geojson(tmp_path / "grid.geojson", [cell(i + 1, square(i)) for i in range(6)])
    with db.transaction() as s:
        apply_grid_import(s, plan_grid_import(s, path), NOW)


def _race(db, tmp_path, monkeypatch, *, first: str):
    """Seat A holds the lock inside its apply (a work-grid import, or a grid import) while
    seat B applies a work-grid plan made before A's."""
    _city(db, tmp_path)
    mine = write_geojson(tmp_path / "b.geojson", [area("B1", box(0, 6))])
    with db.session() as s:
        plan_b = plan_workgrid_import(s, mine)
        if first == "workgrids":
            plan_a = plan_workgrid_import(s, write_geojson(tmp_path / "a.geojson", [
                area("A1", box(0, 3)), area("A2", box(3, 6))]))
        else:
            plan_a = plan_grid_import(s, write_geojson(tmp_path / "g2.geojson", [
                cell(i + 1, square(i)) for i in range(7)]))
    locked, release = threading.Event(), threading.Event()
    holder = None
    target, name = (work_grid_plan, "write") if first == "workgrids" else \
        (grid_import, "_write_regions")
    real = getattr(target, name)

    def paused(*args, **kwargs):
        if threading.get_ident() == holder:
            locked.set()
            assert release.wait(30)
        return real(*args, **kwargs)
    monkeypatch.setattr(target, name, paused)
    outcome: dict[str, object] = {}

    def seat_a():
        nonlocal holder
        holder = threading.get_ident()
        with db.transaction() as s:
            (apply_workgrid_import if first == "workgrids" else apply_grid_import)(s, plan_a, NOW)
        outcome["a"] = "applied"

    def seat_b():
        try:
            with db.transaction() as s:
                apply_workgrid_import(s, plan_b, NOW)
            outcome["b"] = "applied"
        except GridImportError as exc:
            outcome["b"] = exc.code

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
        assert "B1" not in set(s.scalars(select(WorkGrid.code)))
        if first == "workgrids":
            assert set(membership(db).values()) == {"A1", "A2"}
        else:
            assert s.scalar(select(func.count()).select_from(Cell)) == 7


@pytest.fixture
def sqlite_db(tmp_path):
    d = open_database(f"sqlite:///{tmp_path / 'race.db'}")
    yield d
    d.dispose()


@pytest.fixture
def pg_db():
    if not PG_URL:
        pytest.skip("CITY_CONSOLE_TEST_PG_URL is not set")
    with fresh_database("console_workgrid_race") as url:
        d = open_database(url)
        yield d
        d.dispose()


@pytest.mark.parametrize("first", ["workgrids", "grid"])
@pytest.mark.parametrize("run", range(2))
def test_a_racing_seat_is_refused_sqlite(sqlite_db, tmp_path, monkeypatch, first, run):
    _race(sqlite_db, tmp_path, monkeypatch, first=first)


@pytest.mark.parametrize("first", ["workgrids", "grid"])
@pytest.mark.parametrize("run", range(2))
def test_a_racing_seat_is_refused_postgresql(pg_db, tmp_path, monkeypatch, first, run):
    _race(pg_db, tmp_path, monkeypatch, first=first)
