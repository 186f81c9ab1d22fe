"""A small demo city for the map tests, built once per module and copied for each test.

The generated demo (400 cells, a few work grids with one officer each) with every shift
made round-the-clock, so the officers' states do not depend on the hour the tests run, and
one fresh fix per officer inside their own work grid.
"""
from __future__ import annotations

import shutil
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import select, update

from console.services.actor import Actor, actor_for
from console.services.positions import Fix, record_positions
from console.sim.demo import build_demo
from console.store.database import Database, open_database
from console.store.models import Cell, Device, PatrolOfficer, Shift, WorkGridCell

CATEGORY = "10101"   # 上水井盖


def dispatcher(session) -> Actor:
    """The demo's first dispatcher, as stored (the services check the user row)."""
    return actor_for(session)


@dataclass
class Officer:
    id: int
    name: str
    device: str
    work_grid_id: int
    home: tuple[float, float]     # lon, lat of a cell centre in the officer's own grid
    away: tuple[float, float]     # lon, lat of a cell centre in another grid


@dataclass
class MapCity:
    path: Path
    officers: list[Officer]
    cell_codes: list[str]

    def open(self, folder: Path) -> Database:
        """A private copy of the city's database in `folder`."""
        target = folder / "city.db"
        shutil.copyfile(self.path, target)
        return open_database(f"sqlite:///{target}")


def now() -> datetime:
    return datetime.now().replace(microsecond=0)


def build_map_city(folder: Path, cells: int = 400, cases: int = 600) -> MapCity:
    path = folder / "map-city.db"
    db = open_database(f"sqlite:///{path}")
    try:
        build_demo(db, seed=7, cells=cells, cases=cases, now=now())
        with db.transaction() as s:
            s.execute(update(Shift).values(weekdays="0123456", start="00:00", end="00:00"))
            rows = s.execute(select(PatrolOfficer.id, PatrolOfficer.name, PatrolOfficer.work_grid_id,
                                    Device.unique_id)
                             .join(Device, Device.patrol_officer_id == PatrolOfficer.id)
                             .where(PatrolOfficer.work_grid_id.is_not(None))
                             .order_by(PatrolOfficer.id)).all()
            centres: dict[int, list[tuple[float, float]]] = {}
            for grid, lon, lat in s.execute(select(WorkGridCell.work_grid_id, Cell.centroid_lon,
                                                   Cell.centroid_lat)
                                            .join(Cell, Cell.id == WorkGridCell.cell_id)
                                            .order_by(Cell.id)):
                centres.setdefault(grid, []).append((lon, lat))
            codes = list(s.scalars(select(Cell.code).order_by(Cell.id)))
        officers = []
        for r in rows:
            others = [g for g in centres if g != r.work_grid_id]
            home = centres[r.work_grid_id][len(centres[r.work_grid_id]) // 2]
            away = centres[others[0]][len(centres[others[0]]) // 2]
            officers.append(Officer(r.id, r.name, r.unique_id, r.work_grid_id, home, away))
        at = now() - timedelta(seconds=10)
        with db.transaction() as s:
            record_positions(s, [Fix(o.device, at, o.home[1], o.home[0], speed=1.3, battery=80.0)
                                 for o in officers])
    finally:
        db.dispose()
    return MapCity(path, officers, codes)
