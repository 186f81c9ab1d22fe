"""Build the demo city database: regions, people, devices, shifts and 90 days of history."""
from __future__ import annotations

import json
import math
import tempfile
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import func, insert, select

from console.domain.changes import ChangeAction, ChangeKind
from console.domain.roles import Role
from console.services import campaigns, holidays
from console.services.actor import actor_for
from console.services.grid_import import (GridImportOptions, apply_grid_import,
                                          plan_grid_import)
from console.services.map_grid import bump_grid_version
from console.sim import _people
from console.sim.city import CityPlan, generate_city
from console.sim.history import HistoryGenerator
from console.store import feed
from console.store.database import Database
from console.store.models import (Case, Cell, Community, Department, Device, Meta, PatrolOfficer,
                                  Shift, Street, User)

Progress = Callable[[float, str], None]

#: The demo's campaign began this many days ago and runs this many days in all.
CAMPAIGN_DAYS_BEFORE = 10
CAMPAIGN_DAYS = 30
# Four overlapping shift patterns so some officers are on duty at any hour of the demo.
SHIFT_PATTERNS = (("07:00", "15:00"), ("11:00", "19:00"), ("15:00", "23:00"), ("23:00", "07:00"))


def demo_exists(db: Database) -> bool:
    """Whether this database already holds a demo city."""
    with db.session() as s:
        return s.get(Meta, "demo_seed") is not None


def history_days(cases: int) -> int:
    """90 days by default; a bigger history spreads over more days (about 3,000 cases a day)."""
    return max(90, math.ceil(cases / 3000))


def build_demo(db: Database, *, seed: int = 1, cells: int = 5000, cases: int = 30000,
               days: int | None = None, progress: Progress | None = None,
               now: datetime | None = None) -> None:
    """Fill an empty (migrated) database with a demo city; deterministic for a seed."""
    report = progress or (lambda fraction, stage: None)
    now = now or datetime.now().replace(microsecond=0)
    with db.session() as s:
        if s.scalar(select(func.count()).select_from(Cell)):
            raise ValueError("the database already has a unit grid; demo data goes into an empty one")
    report(0.0, "city")
    plan = generate_city(seed=seed, cells=cells)
    report(0.05, "city")
    with db.transaction() as s, tempfile.TemporaryDirectory(prefix="demo-grid-") as folder:
        # The grid goes in as a centre's would: a GeoJSON file through the grid importer.
        s.add_all([Meta(key="city_name", value=plan.name),
                   Meta(key="centre", value=json.dumps(plan.centre))])
        s.flush()
        # The officers first, with no work grid: the grid file names each grid's officer and
        # the importer assigns them, as it would a centre's 监督员编号 column.
        officers = _insert_people(s, plan, seed)
        # The national holidays and make-up days, as a centre's setup seeds them: the history's
        # deadlines and the live cases' count working days as a real centre's would.
        holidays.seed_holidays(s, actor_for(s, "admin"), at=now)
        _import_city(s, plan, write_grid_geojson(plan, Path(folder) / "demo-grid.geojson",
                                                 officers), now)
        # The same seed and size make the same grid: seats on two such databases share the
        # map's kept page (grid_cache), and a seat's page is reused from the first start.
        bump_grid_version(s, token=f"demo:{seed}:{cells}")
        s.get(Meta, "bbox").value = json.dumps(plan.bbox)
        # A seat already open on this database re-reads the city, the roster and the title.
        for kind in (ChangeKind.CITY, ChangeKind.WORK_GRID, ChangeKind.OFFICER, ChangeKind.DEVICE,
                     ChangeKind.SHIFT):
            feed.record(s, kind, None, ChangeAction.LOADED, now)
    report(0.1, "people")
    generator = HistoryGenerator(db, seed=seed, now=now, days=days or history_days(cases))
    generator.run(cases, lambda f: report(0.1 + 0.88 * f, "history"))
    with db.transaction() as s:
        _add_campaign(s, now)
        s.add(Meta(key="demo_seed", value=str(seed)))
    if db.is_sqlite:
        with db.engine.connect() as con:
            con.exec_driver_sql("ANALYZE")
    report(1.0, "done")


def _add_campaign(s, now: datetime) -> None:
    """A 迎检 preparation running over the two busiest streets, on their two commonest
    categories, as a duty leader would have set it up: the dashboard and the wall's campaign
    page have something to show in the demo."""
    since = now - timedelta(days=CAMPAIGN_DAYS_BEFORE)
    in_period = Case.reported_at >= since
    streets = s.execute(select(Street.code, Street.name)
                        .join(Community, Community.street_id == Street.id)
                        .join(Cell, Cell.community_id == Community.id)
                        .join(Case, Case.cell_id == Cell.id).where(in_period)
                        .group_by(Street.code, Street.name)
                        .order_by(func.count().desc(), Street.code).limit(2)).all()
    categories = s.scalars(select(Case.category_code).where(in_period)
                           .group_by(Case.category_code)
                           .order_by(func.count().desc(), Case.category_code).limit(2)).all()
    if not streets or not categories:
        return   # a demo without history (cases=0): nothing to follow
    departments = s.scalars(select(Case.department_id)
                            .where(in_period, Case.department_id.is_not(None),
                                   Case.category_code.in_(categories))
                            .group_by(Case.department_id)
                            .order_by(func.count().desc(), Case.department_id).limit(2)).all()
    leader = actor_for(s, "leader1")
    starts = since.replace(hour=0, minute=0, second=0)
    ends = starts + timedelta(days=CAMPAIGN_DAYS)
    campaigns.create(s, leader, campaigns.CampaignForm(
        name="、".join(n for _, n in streets) + " 迎检准备", kind="inspection",
        starts_at=starts, ends_at=ends, streets=[c for c, _ in streets],
        categories=list(categories),
        targets={"on_time_closure_rate": 0.95, "open_focus_max": 5,
                 "open_focus_by": (ends - timedelta(days=3)).date().isoformat(),
                 "patrol_coverage": 1.0},
        leader_id=leader.user_id, departments=list(departments)), now)


def write_grid_geojson(plan: CityPlan, path: Path,
                       officers: dict[str, str] | None = None) -> Path:
    """The plan's unit grid as a GIS department would hand it over: one polygon per cell with
    its code, the names of its community, street and district, its work grid and, given
    `officers` (work grid code → officer code), the officer who patrols it."""
    names = {r.code: r.name for r in (*plan.districts, *plan.streets, *plan.communities)}
    grid_of = {c: g for g in plan.work_grids for c in g.cell_codes}
    features = []
    for c in plan.cells:
        grid = grid_of.get(c.code)
        street = c.community_code[:9]
        features.append({"type": "Feature", "geometry": {
            "type": "Polygon", "coordinates": [[list(p) for p in c.ring]]}, "properties": {
            "code": c.code, "community": names[c.community_code], "street": names[street],
            "district": names[street[:6]], "work_grid": grid.code if grid else None,
            "work_grid_name": grid.name if grid else None}})
        if officers is not None:
            features[-1]["properties"]["officer"] = officers.get(grid.code) if grid else None
    doc = {"type": "FeatureCollection", "features": features,
           "crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:OGC:1.3:CRS84"}}}
    path.write_text(json.dumps(doc, ensure_ascii=False, separators=(",", ":")),
                    encoding="utf-8")
    return path


def _import_city(s, plan: CityPlan, path: Path, now: datetime) -> None:
    report = plan_grid_import(s, path, GridImportOptions(code_field="code",
                                                         code_lengths=(14, 15)))
    if not report.importable:      # the generator and the importer disagree: a bug
        raise ValueError(f"the demo grid does not import: {report.to_dict()['problems']} "
                         f"{report.to_dict()['feature_problems'][:5]}")
    apply_grid_import(s, report, now)


def _insert_people(s, plan: CityPlan, seed: int) -> dict[str, str]:
    """The desk, the departments' users, and one officer (with phone and shift) per work grid
    of the plan; returns work grid code → officer code (the grid import assigns them)."""
    names = _people.name_stream(seed)
    # The desk: the first dispatcher is who the console signs in as by default; the simulator
    # acts as the others, so the audit trail shows real colleagues at work.
    s.add_all([User(username=f"dispatcher{i}", display_name=next(names), role=Role.DISPATCHER)
               for i in range(1, 4)])
    s.add(User(username="leader1", display_name=next(names), role=Role.LEADER))
    for dep in s.scalars(select(Department).order_by(Department.id)):
        s.add(User(username=f"dept{dep.id}", display_name=f"{dep.name}·{next(names)}",
                   role=Role.DEPARTMENT, department_id=dep.id))
    s.flush()
    officers: dict[str, str] = {}
    for n, grid in enumerate(plan.work_grids, start=1):
        name = next(names)
        user = User(username=f"patrol{n:04d}", display_name=name, role=Role.PATROL)
        s.add(user)
        s.flush()
        officer = PatrolOfficer(code=f"P{n:04d}", name=name, phone=f"139{seed % 100:02d}{n:06d}",
                                user_id=user.id)
        officers[grid.code] = officer.code
        s.add(officer)
        s.flush()
        s.add(Device(unique_id=f"patrol-{n:04d}", patrol_officer_id=officer.id))
        start, end = SHIFT_PATTERNS[n % len(SHIFT_PATTERNS)]
        s.add(Shift(patrol_officer_id=officer.id, weekdays="0123456", start=start, end=end))
    s.flush()
    return officers
