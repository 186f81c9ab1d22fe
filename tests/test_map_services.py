"""The map's services: grid, boundaries, measures, markers, heat, search, patrol states.

Qt-free, against a small generated city (tests/map_city.py).
"""
from __future__ import annotations

from datetime import datetime, timedelta

import numpy as np
import pytest
import shapely
from sqlalchemy import delete, func, select, update

from console.domain.workflow import OPEN, Status
from console.services import cases, map_data, map_grid, map_patrols
from console.services.positions import Fix, record_positions
from console.store.models import (Campaign, Case, CaseCampaign, Cell, Community, District,
                                  PatrolOfficer, Shift, Street)
from tests.map_city import CATEGORY, dispatcher, build_map_city, now


@pytest.fixture(scope="module")
def city(tmp_path_factory):
    return build_map_city(tmp_path_factory.mktemp("map-city"))


@pytest.fixture
def cdb(city, tmp_path):
    database = city.open(tmp_path)
    yield database
    database.dispose()


@pytest.fixture
def grid(cdb):
    with cdb.session() as s:
        return map_grid.load_grid(s)


def test_the_grid_holds_every_cell_with_its_region_and_work_grid(cdb, grid):
    with cdb.session() as s:
        rows = s.execute(select(Cell.id, Cell.code, Cell.community_id, Cell.centroid_lon,
                                Cell.centroid_lat).order_by(Cell.id)).all()
    assert [r.code for r in rows] == grid.codes
    assert grid.community.tolist() == [r.community_id for r in rows]
    assert np.allclose(grid.centroids, [(r.centroid_lon, r.centroid_lat) for r in rows], atol=1e-6)
    assert (grid.work_grid >= 0).all()          # the demo puts every cell in a work grid
    first = rows[0]
    assert grid.cell_at(first.centroid_lon, first.centroid_lat) == grid.index_of[first.id]
    assert grid.cell_at(0.0, 0.0) is None


def test_boundaries_are_the_union_of_their_cells(cdb, grid):
    regions = map_grid.region_boundaries(grid)
    with cdb.session() as s:
        counts = {level: s.scalar(select(func.count()).select_from(model))
                  for level, model in (("community", Community), ("street", Street),
                                       ("district", District))}
    assert {level: len(regions[level]) for level in counts} == counts
    total = shapely.union_all(grid.polygons).area
    for level in ("community", "street", "district"):
        # Every level covers the city exactly once: no gap, no overlap, no sliver.
        assert sum(r.geometry.area for r in regions[level]) == pytest.approx(total, rel=1e-4)
        for region in regions[level]:
            assert region.name and region.geometry.is_valid
            # The label stands inside its own region.
            assert region.geometry.buffer(1e-6).contains(shapely.Point(region.label))
    # A community's outline is one ring around its cells, not the cells' inner edges.
    community = regions["community"][0]
    own = grid.polygons[grid.community == community.id]
    assert community.geometry.geom_type == "Polygon"
    assert len(community.geometry.exterior.coords) < 4 * len(own)


def test_neighbouring_work_grids_get_different_colours(grid):
    colours = map_grid.work_grid_colours(grid)
    assert set(colours) == set(grid.work_grid.tolist())
    left, right = grid.tree.query(grid.polygons, predicate="dwithin",
                                  distance=map_grid.TOUCH_DEG)
    a, b = grid.work_grid[left], grid.work_grid[right]
    pairs = {(x, y) for x, y in zip(a.tolist(), b.tolist()) if x != y}
    assert pairs, "the test city has neighbouring grids"
    assert all(colours[x] != colours[y] for x, y in pairs)


def test_greedy_colouring_keeps_neighbours_apart_and_uses_the_palette_evenly():
    ring = {i: {(i - 1) % 5, (i + 1) % 5} for i in range(5)}
    colours = map_grid.greedy_colouring(list(ring), ring, 3)
    assert all(colours[i] != colours[j] for i in ring for j in ring[i])
    # Without neighbours every colour is used as often as the others.
    alone = map_grid.greedy_colouring(list(range(12)), {}, 6)
    assert sorted(list(alone.values()).count(c) for c in range(6)) == [2] * 6


def _open_per_cell(cdb):
    with cdb.session() as s:
        return dict(s.execute(select(Case.cell_id, func.count())
                              .where(Case.status.in_([x.value for x in OPEN]))
                              .group_by(Case.cell_id)).all())


def test_open_and_overdue_counts_per_cell(cdb, grid):
    expected = _open_per_cell(cdb)
    with cdb.session() as s:
        values = map_data.cell_values(s, grid, "open", now())
        overdue = map_data.cell_values(s, grid, "overdue", now())
        n_overdue = s.scalar(select(func.count()).select_from(Case).where(
            Case.status == Status.DISPATCHED.value, Case.deadline < now()))
    assert values == {grid.index_of[c]: n for c, n in expected.items()}
    assert sum(overdue.values()) == n_overdue
    # A live update names cells: every one of them is answered, zero included.
    quiet = next(c for c in grid.ids.tolist() if c not in expected)
    busy = next(iter(expected))
    with cdb.session() as s:
        some = map_data.cell_values(s, grid, "open", now(), cell_ids=[quiet, busy])
    assert some == {grid.index_of[quiet]: 0, grid.index_of[busy]: expected[busy]}


def test_a_new_case_raises_its_cell_and_closing_lowers_it(cdb, grid):
    code = grid.codes[5]
    with cdb.session() as s:
        before = map_data.cell_values(s, grid, "open", now(), cell_ids=[int(grid.ids[5])])[5]
    with cdb.transaction() as s:
        change = cases.report(s, dispatcher(s), category_code=CATEGORY, source="hotline",
                              cell_code=code)
    with cdb.session() as s:
        assert map_data.cell_values(s, grid, "open", now(), cell_ids=[int(grid.ids[5])])[5] == \
            before + 1
        markers, gone = map_data.case_markers(s, now(), [change.case_id])
    assert [m.number for m in markers] == [change.number] and gone == []
    assert markers[0].tone == "new"
    with cdb.transaction() as s:
        cases.reject(s, dispatcher(s), change.case_id, change.version, reason="重复")
    with cdb.session() as s:
        assert map_data.case_markers(s, now(), [change.case_id]) == ([], [change.case_id])


def test_campaign_measure_shades_its_streets_and_counts_tagged_cases(cdb, grid):
    with cdb.session() as s:
        assert map_data.cell_values(s, grid, "campaign", now())   # the demo's own campaign
    with cdb.transaction() as s:                                   # out of the way: this one's
        s.execute(delete(CaseCampaign))
        s.execute(delete(Campaign))
    with cdb.session() as s:
        assert map_data.cell_values(s, grid, "campaign", now()) == {}
        street = s.execute(select(Street.id, Street.code).order_by(Street.id)).first()
        case = s.execute(select(Case.id, Case.cell_id).where(
            Case.status.in_([x.value for x in OPEN])).limit(1)).first()
    with cdb.transaction() as s:
        s.add(Campaign(id=1, name="迎检", starts_at=now() - timedelta(days=1),
                       ends_at=now() + timedelta(days=1), area={"streets": [street.code]},
                       categories=[], targets={}))
        s.flush()
        s.add(CaseCampaign(case_id=case.id, campaign_id=1))
    with cdb.session() as s:
        values = map_data.cell_values(s, grid, "campaign", now())
        assert map_data.campaign_names(s, now()) == ["迎检"]
    street_cells = {i for i, c in enumerate(grid.community.tolist())
                    if grid.communities[c][2] == street.id}
    assert street_cells <= set(values)
    assert values[grid.index_of[case.cell_id]] == 1
    assert sum(values.values()) == 1


def test_case_tones_follow_status_and_time():
    n = datetime(2026, 3, 11, 15, 0)
    later = n + timedelta(hours=2)
    assert map_data.case_tone("dispatched", n - timedelta(minutes=1), 1.01, n, 0.8) == "overdue"
    assert map_data.case_tone("dispatched", later, 0.85, n, 0.8) == "near"
    assert map_data.case_tone("dispatched", later, 0.5, n, 0.8) == "running"
    assert map_data.case_tone("reported", None, None, n, 0.8) == "new"
    assert map_data.case_tone("checking", later, None, n, 0.8) == "checking"
    assert map_data.case_tone("parked", None, None, n, 0.8) == "parked"


def test_every_open_case_has_a_marker(cdb):
    with cdb.session() as s:
        markers, gone = map_data.case_markers(s, now())
        open_ids = set(s.scalars(select(Case.id).where(Case.status.in_([x.value for x in OPEN]))))
    assert {m.id for m in markers} == open_ids and gone == []
    assert {m.tone for m in markers} <= set(map_data.TONES)


def test_heat_points_weigh_each_cell_by_its_reports(cdb, grid):
    since = now() - timedelta(days=7)
    with cdb.session() as s:
        points = map_data.heat_points(s, grid, since)
        reported = s.scalar(select(func.count()).select_from(Case).where(Case.reported_at >= since))
    assert sum(w for _, _, w in points) == reported
    lat, lon, _ = points[0]
    assert grid.cell_at(lon, lat) is not None
    assert map_data.heat_since(datetime(2026, 3, 11, 15, 30), 0) == datetime(2026, 3, 11)


def test_search_finds_cells_cases_patrols_and_streets(cdb, city):
    with cdb.session() as s:
        number = s.scalar(select(Case.number).order_by(Case.id.desc()))
        street = s.scalar(select(Street.name))
        hits = map_data.search(s, city.cell_codes[3])
        assert (hits[0].kind, hits[0].key) == ("cell", city.cell_codes[3])
        hits = map_data.search(s, number)
        assert (hits[0].kind, hits[0].label) == ("case", number)
        officer = city.officers[0]
        hits = map_data.search(s, officer.name)
        assert hits[0].kind == "patrol" and hits[0].key == str(officer.id)
        assert hits[0].lat == pytest.approx(officer.home[1])
        assert map_data.search(s, street)[0].kind == "street"
        assert map_data.search(s, "%") == [] and map_data.search(s, "  ") == []


def test_locate_case_uses_the_point_or_the_cell(cdb):
    with cdb.session() as s:
        case = s.scalars(select(Case).where(Case.lon.is_not(None))).first()
        hit = map_data.locate_case(s, case.id)
        assert (hit.lon, hit.lat, hit.label) == (case.lon, case.lat, case.number)
        assert map_data.locate_case(s, 10**9) is None


# --- patrols ---------------------------------------------------------------------------

def _watch(cdb, grid, at):
    with cdb.session() as s:
        roster = map_patrols.patrol_roster(s)
        fixes = map_patrols.latest_fixes(s, at)
        tracks = map_patrols.recent_tracks(s, fixes, at)
        rules = map_patrols.state_rules(s)
    return map_patrols.PatrolWatch(roster, grid, at, fixes, tracks, rules)


def _fix(officer, at, lon, lat, speed=1.3):
    return Fix(officer.device, at, lat, lon, speed=speed, battery=70.0)


def test_roster_has_names_grids_and_shifts(cdb, city):
    with cdb.session() as s:
        roster = {p.id: p for p in map_patrols.patrol_roster(s)}
        total = s.scalar(select(func.count()).select_from(PatrolOfficer))
    assert len(roster) == total
    officer = roster[city.officers[0].id]
    assert officer.name == city.officers[0].name and officer.work_grid
    assert officer.shifts == (("0123456", "00:00", "00:00"),)


def test_a_walking_officer_in_their_grid_moves_and_one_elsewhere_is_off_post(cdb, grid, city):
    t0 = now()
    watch = _watch(cdb, grid, t0)
    a, b = city.officers[:2]
    assert watch.view(a.id).state == "moving"
    # b walks out of their grid: off post only after the threshold (10 min by default).
    for minute in range(0, 13):
        at = t0 + timedelta(minutes=minute)
        changed = watch.apply([map_patrols.Fix(b.id, at, b.away[0], b.away[1], 1.3, 60.0)], at)
    assert [v.id for v in changed] == [b.id]
    assert changed[0].state == "off_post" and changed[0].battery == 60.0
    # Back home: on post again at once.
    at = t0 + timedelta(minutes=13)
    view = watch.apply([map_patrols.Fix(b.id, at, b.home[0], b.home[1], 1.3, 60.0)], at)[0]
    assert view.state == "moving"


def test_standing_still_makes_idle_and_silence_makes_offline(cdb, grid, city):
    t0 = now()
    watch = _watch(cdb, grid, t0)
    a = city.officers[0]
    for minute in range(0, 25):
        at = t0 + timedelta(minutes=minute)
        watch.apply([map_patrols.Fix(a.id, at, a.home[0], a.home[1], 0.0, 50.0)], at)
    assert watch.view(a.id).state == "idle"
    # No fix for a quarter of an hour: the clock alone turns the marker grey.
    changed = watch.refresh(t0 + timedelta(minutes=40))
    assert {v.id: v.state for v in changed}[a.id] == "offline"
    assert watch.refresh(t0 + timedelta(minutes=41)) == []   # nothing new: nothing sent


def test_off_shift_and_stale_fixes(cdb, grid, city):
    a = city.officers[0]
    with cdb.transaction() as s:
        s.execute(update(Shift).where(Shift.patrol_officer_id == a.id)
                  .values(weekdays="", start="08:00", end="09:00"))
    watch = _watch(cdb, grid, now())
    assert watch.view(a.id).state == "off_shift"
    # A fix older than half a day is not drawn at all.
    gone = watch.refresh(now() + map_patrols.SHOW_FIX_FOR + timedelta(minutes=1))
    assert a.id in {v.id for v in gone if v.state == "gone"}
    assert watch.view(a.id) is None


def test_late_fixes_from_a_phone_buffer_do_not_move_the_marker(cdb, grid, city):
    t0 = now()
    watch = _watch(cdb, grid, t0)
    a = city.officers[0]
    assert watch.apply([map_patrols.Fix(a.id, t0 - timedelta(minutes=5), a.away[0], a.away[1])],
                       t0) == []
    assert watch.view(a.id).lon == pytest.approx(a.home[0])


def test_tracks_are_thinned_for_trails_and_simplified_for_the_day(cdb, city):
    a = city.officers[0]
    t0 = now() - timedelta(minutes=10)
    lon, lat = a.home
    fixes = [_fix(a, t0 + timedelta(seconds=5 * i), lon + i * 0.00002, lat) for i in range(60)]
    with cdb.transaction() as s:
        record_positions(s, fixes)
    with cdb.session() as s:
        tracks = map_patrols.recent_tracks(s, [a.id], now(), minutes=15, step_s=15)
        day = map_patrols.track_of_day(s, a.id, now())
    times = [at for at, _, _ in tracks[a.id]]
    assert all((b - a_).total_seconds() >= 15 for a_, b in zip(times, times[1:]))
    assert 15 <= len(times) <= 25
    # A straight walk east (then the fixture's fix back home) simplifies to its corners.
    assert len(day) < 10
    assert max(x for x, _ in day) == pytest.approx(lon + 59 * 0.00002, abs=1e-6)
    assert day[-1] == pytest.approx((lon, lat), abs=1e-6)


def test_the_in_grid_test_agrees_with_the_cells_wherever_officers_walk(cdb, grid, city):
    """The previous-cell shortcut and the spatial index give the exact answer, edges included."""
    import random
    t0 = now()
    watch = _watch(cdb, grid, t0)
    rng = random.Random(3)
    min_lon, min_lat, max_lon, max_lat = grid.bbox
    officers = [o.id for o in city.officers]
    for step in range(8):
        fixes = []
        for officer in officers:
            if step % 3 == 2:   # now and then a point exactly on a cell's corner
                ring = grid.rings[rng.randrange(len(grid))]
                lon, lat = ring[0]
            else:
                lon = rng.uniform(min_lon - 0.001, max_lon + 0.001)
                lat = rng.uniform(min_lat - 0.001, max_lat + 0.001)
            fixes.append(map_patrols.Fix(officer, t0, float(lon), float(lat)))
        got = watch._inside(officers, fixes)
        for officer, fix, inside in zip(officers, fixes, got):
            point = shapely.Point(fix.lon, fix.lat)
            grid_id = watch.info[officer].work_grid_id
            expected = any(grid.polygons[i].covers(point)
                           for i in np.flatnonzero(grid.work_grid == grid_id))
            assert inside == expected, (step, officer, fix)
