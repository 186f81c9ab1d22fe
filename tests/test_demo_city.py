"""The demo city: counts, determinism, grid invariants and a case history that replays."""
from __future__ import annotations

import json
import re
from collections import Counter, defaultdict
from datetime import datetime, timedelta
from itertools import pairwise

import pytest
from shapely.geometry import Point, Polygon
from sqlalchemy import func, select

from console.domain.case_number import parse_case_number
from console.domain.workflow import OPEN, Status, replay
from console.services import cases as case_services
from console.services.actor import SYSTEM_ACTOR
from console.sim.demo import build_demo, demo_exists
from console.store.database import open_database
from console.store.feed import changes_since
from console.store.models import (
    Case,
    CaseEvent,
    CaseNumberCounter,
    Category,
    Cell,
    Community,
    Department,
    Device,
    District,
    Meta,
    PatrolOfficer,
    Shift,
    Street,
    User,
    WorkGrid,
    WorkGridCell,
)
from tests.service_city import stored_state

SEED, CELLS, CASES = 3, 300, 1500
NOW = datetime(2026, 3, 11, 10, 30)        # a Wednesday morning
END_OF_DAY = datetime(2026, 3, 11, 23, 59, 59)


def build(path, *, seed=SEED, cells=CELLS, cases=CASES, now=NOW):
    db = open_database(f"sqlite:///{path}")
    build_demo(db, seed=seed, cells=cells, cases=cases, now=now)
    return db


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    db = build(tmp_path_factory.mktemp("demo") / "demo.db")
    yield db
    db.dispose()


def count(s, model) -> int:
    return s.scalar(select(func.count()).select_from(model))


def rows(s, model, order) -> list[tuple]:
    cols = [c for c in model.__table__.columns]
    return [tuple(r) for r in s.execute(select(*cols).order_by(order))]


# --- counts --------------------------------------------------------------------------------------

def test_counts(demo):
    with demo.session() as s:
        assert count(s, Cell) == CELLS
        assert count(s, District) == 3
        streets, communities, grids = count(s, Street), count(s, Community), count(s, WorkGrid)
        assert 1 <= streets <= communities < CELLS
        assert count(s, PatrolOfficer) == count(s, Device) == count(s, Shift) == grids
        assert count(s, WorkGridCell) == CELLS
        departments = count(s, Department)
        roles = Counter(s.scalars(select(User.role)))
        assert roles == {"dispatcher": 3, "leader": 1, "department": departments,
                         "patrol": grids, "admin": 1}
        meta = dict(s.execute(select(Meta.key, Meta.value)).all())
        assert meta["demo_seed"] == str(SEED)
        bbox = json.loads(meta["bbox"])
        assert (s.scalar(select(func.min(Cell.min_lon))), s.scalar(select(func.max(Cell.max_lat)))) \
            == (bbox[0], bbox[3])
        n = count(s, Case)
        assert CASES - 10 <= n <= CASES
        loaded = [r for r in changes_since(s, 0).rows if r.entity == "history"]
        assert [r.payload for r in loaded] == [{"cases": n}]
    assert demo_exists(demo)


def test_case_count_is_exact_when_the_day_is_over(tmp_path):
    db = build(tmp_path / "late.db", now=END_OF_DAY)
    try:
        with db.session() as s:
            assert count(s, Case) == CASES
    finally:
        db.dispose()


def test_case_count_is_exact_in_the_middle_of_the_day(demo):
    with demo.session() as s:
        assert count(s, Case) == CASES


def test_a_second_build_into_the_same_database_is_refused(demo):
    with pytest.raises(ValueError):
        build_demo(demo, seed=SEED, cells=CELLS, cases=10, now=NOW)


# --- determinism ---------------------------------------------------------------------------------

def test_same_seed_and_now_give_identical_cities_and_cases(demo, tmp_path):
    other = build(tmp_path / "again.db")
    try:
        for model, order in [(Cell, Cell.code), (WorkGridCell, WorkGridCell.cell_id),
                             (Case, Case.id), (CaseEvent, CaseEvent.id),
                             (CaseNumberCounter, CaseNumberCounter.day), (User, User.id)]:
            with demo.session() as a, other.session() as b:
                mine, theirs = rows(a, model, order), rows(b, model, order)
            assert mine and mine == theirs, model.__tablename__
    finally:
        other.dispose()


def test_another_seed_gives_another_city(demo, tmp_path):
    other = build(tmp_path / "seed4.db", seed=4, cases=200)
    try:
        with demo.session() as a, other.session() as b:
            assert rows(a, Cell, Cell.code)[:20] != rows(b, Cell, Cell.code)[:20]
    finally:
        other.dispose()


# --- the grid ------------------------------------------------------------------------------------

def test_region_codes_nest(demo):
    with demo.session() as s:
        district = dict(s.execute(select(District.id, District.code)).all())
        street = {i: (code, district[d]) for i, code, d in
                  s.execute(select(Street.id, Street.code, Street.district_id))}
        community = {i: (code, street[st][0]) for i, code, st in
                     s.execute(select(Community.id, Community.code, Community.street_id))}
        cells = s.execute(select(Cell.code, Cell.community_id)).all()
    assert all(len(c) == 6 and c.isdigit() for c in district.values())
    for code, parent in street.values():
        assert len(code) == 9 and code.isdigit() and code.startswith(parent)
    for code, parent in community.values():
        assert len(code) == 12 and code.isdigit() and code.startswith(parent)
    codes = [c.code for c in cells]
    assert len(set(codes)) == len(codes) == CELLS
    for code, community_id in cells:
        assert len(code) in (14, 15) and code.isdigit()
        assert code.startswith(community[community_id][0])
    assert len({len(c) for c in codes}) == 1       # one width city-wide


def test_every_cell_in_exactly_one_work_grid_of_its_street(demo):
    with demo.session() as s:
        membership = Counter(s.scalars(select(WorkGridCell.cell_id)))
        cell_ids = set(s.scalars(select(Cell.id)))
        grid_street = dict(s.execute(select(WorkGrid.id, WorkGrid.street_id)).all())
        grid_code = dict(s.execute(select(WorkGrid.id, WorkGrid.code)).all())
        street_code = dict(s.execute(select(Street.id, Street.code)).all())
        street_of_cell = dict(s.execute(select(Cell.id, Community.street_id)
                                        .join(Community, Community.id == Cell.community_id)).all())
        pairs = s.execute(select(WorkGridCell.work_grid_id, WorkGridCell.cell_id)).all()
    assert set(membership) == cell_ids
    assert set(membership.values()) == {1}
    for grid_id, cell_id in pairs:
        assert street_of_cell[cell_id] == grid_street[grid_id]
        assert grid_code[grid_id].startswith(street_code[grid_street[grid_id]] + "W")


def test_cells_tile_without_overlap(demo):
    with demo.session() as s:
        cells = s.execute(select(Cell.id, Cell.ring, Cell.centroid_lon, Cell.centroid_lat,
                                 Cell.min_lon, Cell.max_lon, Cell.min_lat, Cell.max_lat)).all()
    polygons = {c.id: Polygon(c.ring) for c in cells}
    for c in cells:
        poly = polygons[c.id]
        assert poly.is_valid and poly.contains(Point(c.centroid_lon, c.centroid_lat))
        assert poly.bounds == (c.min_lon, c.min_lat, c.max_lon, c.max_lat)
    # Every centroid lies in its own cell only.
    for c in cells[:60]:
        point = Point(c.centroid_lon, c.centroid_lat)
        assert [i for i, p in polygons.items() if p.covers(point)] == [c.id]


def test_every_officer_has_grid_device_shift_and_user(demo):
    with demo.session() as s:
        officers = s.execute(select(PatrolOfficer.id, PatrolOfficer.work_grid_id,
                                    PatrolOfficer.user_id)).all()
        devices = Counter(s.scalars(select(Device.patrol_officer_id)))
        shifts = s.execute(select(Shift.patrol_officer_id, Shift.start, Shift.end)).all()
        patrol_users = set(s.scalars(select(User.id).where(User.role == "patrol")))
        grids = set(s.scalars(select(WorkGrid.id)))
    assert {o.work_grid_id for o in officers} == grids          # one officer per grid
    assert len({o.user_id for o in officers}) == len(officers)
    assert {o.user_id for o in officers} == patrol_users
    assert devices == {o.id: 1 for o in officers}
    assert Counter(sh.patrol_officer_id for sh in shifts) == {o.id: 1 for o in officers}
    for sh in shifts:
        assert sh.start != sh.end and len(sh.start) == len(sh.end) == 5


# --- the cases -----------------------------------------------------------------------------------

def test_every_case_replays_to_its_stored_fields(demo):
    with demo.session() as s:
        all_cases = list(s.scalars(select(Case).order_by(Case.id)))
        events = defaultdict(list)
        for ev in s.scalars(select(CaseEvent).order_by(CaseEvent.id)):
            events[ev.case_id].append(ev)
        users = {u.id: (u.display_name, u.role) for u in s.scalars(select(User))}
    assert len(events) == len(all_cases)
    for case in all_cases:
        evs = events[case.id]
        assert evs[0].action == "report" and evs[0].at == case.reported_at
        state = replay(evs[0].data["category_code"], [(e.action, e.data, e.at) for e in evs])
        assert state == stored_state(case), case.number
        assert evs[-1].to_status == case.status and evs[-1].at == case.updated_at
        for prev, ev in pairwise(evs):
            assert ev.from_status == prev.to_status and prev.at <= ev.at <= NOW
        for ev in evs:
            if ev.actor_id is not None:
                assert users[ev.actor_id] == (ev.actor_name, ev.actor_role)
        registers = [e.at for e in evs if e.action == "register"]
        assert case.registered_at == (registers[0] if registers else None)


def test_case_timestamps_and_places_are_consistent(demo):
    with demo.session() as s:
        all_cases = list(s.scalars(select(Case)))
        rings = dict(s.execute(select(Cell.id, Cell.ring)).all())
        default_dept = dict(s.execute(select(Category.code, Category.department_id)).all())
        grid_of_officer = dict(s.execute(select(PatrolOfficer.id, PatrolOfficer.work_grid_id)).all())
        grids_of_cell = dict(s.execute(select(WorkGridCell.cell_id, WorkGridCell.work_grid_id)).all())
    first_day = NOW - timedelta(days=90)
    for c in all_cases:
        times = [t for t in (c.reported_at, c.registered_at, c.dispatched_at, c.handled_at,
                             c.closed_at) if t is not None]
        assert times == sorted(times) and first_day <= times[0] and times[-1] <= NOW
        assert Polygon(rings[c.cell_id]).covers(Point(c.lon, c.lat)), c.number
        if c.status in ("dispatched", "handled", "checking", "closed"):
            assert c.department_id == default_dept[c.category_code]
            assert c.deadline is not None and c.deadline > c.dispatched_at
        if c.reporter_patrol_id is not None:
            assert c.source == "patrol"
            assert grid_of_officer[c.reporter_patrol_id] == grids_of_cell[c.cell_id]


def test_status_mix(demo):
    with demo.session() as s:
        status = Counter(s.scalars(select(Case.status)))
        overdue = s.scalar(select(func.count()).select_from(Case).where(
            Case.status == "dispatched", Case.deadline < NOW))
        late_closed = s.scalar(select(func.count()).select_from(Case).where(
            Case.status == "closed", Case.handled_at > Case.deadline))
        reworked = s.scalar(select(func.count()).select_from(Case).where(Case.rework_count > 0))
    total = sum(status.values())
    assert status["closed"] > total / 2
    assert status["rejected"] > 0
    assert sum(n for st, n in status.items() if Status(st) in OPEN) > 0
    assert overdue > 0 and late_closed > 0 and reworked > 0
    assert set(status) <= {s.value for s in Status}


def test_case_numbers_are_unique_daily_and_in_time_order(demo):
    with demo.session() as s:
        numbered = s.execute(select(Case.number, Case.reported_at).order_by(Case.reported_at,
                                                                            Case.id)).all()
        counters = dict(s.execute(select(CaseNumberCounter.day, CaseNumberCounter.last)).all())
    assert len({n for n, _ in numbered}) == len(numbered)
    by_day: dict[str, list[int]] = defaultdict(list)
    for number, reported in numbered:
        assert len(number) == 12 and number.isdigit()
        day, serial = parse_case_number(number)
        assert day == reported.date()
        by_day[f"{day:%Y%m%d}"].append(serial)
    for day, serials in by_day.items():
        assert serials == list(range(1, len(serials) + 1)), day
    assert counters == {day: len(serials) for day, serials in by_day.items()}
    assert len(counters) >= 89


def test_numbering_continues_after_the_history(tmp_path):
    # Built at the end of the day so that today surely has history cases.
    db = build(tmp_path / "cont.db", cells=200, cases=300, now=END_OF_DAY)
    try:
        today, yesterday = END_OF_DAY.date(), END_OF_DAY.date() - timedelta(days=1)
        with db.session() as s:
            counters = dict(s.execute(select(CaseNumberCounter.day, CaseNumberCounter.last)).all())
            max_id = s.scalar(select(func.max(Case.id)))
            cell = s.scalars(select(Cell.code).order_by(Cell.code)).first()
        assert counters[f"{today:%Y%m%d}"] > 0 and counters[f"{yesterday:%Y%m%d}"] > 0

        def new_report(at: datetime):
            with db.transaction() as s:
                return case_services.report(s, SYSTEM_ACTOR, category_code="20102",
                                            source="video", cell_code=cell, at=at)

        first = new_report(END_OF_DAY)
        assert first.number == f"{today:%Y%m%d}{counters[f'{today:%Y%m%d}'] + 1:04d}"
        assert first.case_id == max_id + 1
        late = new_report(datetime.combine(yesterday, END_OF_DAY.time()))    # a late entry
        assert late.number == f"{yesterday:%Y%m%d}{counters[f'{yesterday:%Y%m%d}'] + 1:04d}"
        tomorrow = new_report(END_OF_DAY + timedelta(seconds=1))
        assert tomorrow.number == f"{today + timedelta(days=1):%Y%m%d}0001"
        # Generated history and service-written cases store time as the same text, so SQL
        # range queries (overdue, today's cases) treat both alike.
        with db.engine.connect() as con:
            raw = dict(con.exec_driver_sql(
                "SELECT id, reported_at FROM cases WHERE id IN (?, ?)", (1, first.case_id)).all())
        assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{6}", raw[1])
        assert raw[first.case_id] == END_OF_DAY.isoformat(" ", "microseconds")
    finally:
        db.dispose()


def test_a_campaign_runs_over_the_busiest_streets_with_its_cases_tagged(demo):
    """The leader's dashboard and the wall's campaign page have something to show."""
    from console.services import campaign_progress
    from console.store.models import Campaign, CaseCampaign
    since = NOW - timedelta(days=10)
    with demo.session() as s:
        (c,) = s.scalars(select(Campaign)).all()
        assert c.kind == "inspection" and c.closed_at is None
        assert c.starts_at <= NOW < c.ends_at
        busiest = Counter(s.scalars(select(Street.code).join(Community).join(Cell).join(
            Case, Case.cell_id == Cell.id).where(Case.reported_at >= since)))
        top = [code for code, _ in busiest.most_common(2)]
        assert sorted(c.area["streets"]) == sorted(top)
        tagged = s.scalar(select(func.count()).select_from(CaseCampaign)
                          .where(CaseCampaign.campaign_id == c.id))
        assert tagged > 0
        progress = campaign_progress.progress(s, c.id, NOW)
        assert [t.key for t in progress.targets] == ["on_time_closure_rate", "open_focus_max",
                                                      "patrol_coverage"]
