"""Patrol officers on the map: who they are, where they were, and what state each is in now.

`PatrolWatch` keeps the live state between feed batches without touching the database: fixes
go in, the markers that changed come out. It is plain Python (numpy and shapely for the
point-in-work-grid test of two thousand fixes at once), so it runs wherever the caller likes.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import NamedTuple

import numpy as np
import shapely
from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from console.domain.patrol_state import (  # HISTORY_MINUTES: the loader's and tests' too
    HISTORY_MINUTES,  # noqa: F401
    MAX_USEFUL_ACCURACY_M,
    REPLAY_STEP_S,
    PatrolRules,
    PatrolState,
    PatrolStatus,
    PatrolTrack,
    Shift,
    ShiftWindow,
    patrol_state,
    shift_window,
)
from console.services.map_grid import GridData
from console.services.settings import SHARED_SETTINGS, get_setting
from console.store import patrol_tracks
from console.store.models import LatestPosition, PatrolOfficer, Position, WorkGrid
from console.store.models import Shift as ShiftRow

#: Fixes older than this are not drawn at all: yesterday's position misleads more than none.
SHOW_FIX_FOR = timedelta(hours=12)
TRAIL_MINUTES = 15
#: Trails sent with the page keep one point per this many seconds (the live feed adds the rest);
#: they are also the history replayed for the states, stepped as the alert engine steps it.
TRAIL_STEP_S = REPLAY_STEP_S
#: A day's track is simplified to this tolerance (degrees, about 3 m) before it is drawn.
TRACK_SIMPLIFY_DEG = 0.00003


@dataclass(frozen=True)
class PatrolInfo:
    id: int
    code: str
    name: str
    work_grid_id: int | None
    work_grid: str
    shifts: tuple[Shift, ...]


class PatrolView(NamedTuple):
    """One patrol marker as the map draws it (a tuple: two thousand are made every tick)."""

    id: int
    lon: float
    lat: float
    state: str
    at: datetime
    battery: float | None
    speed: float | None


def patrol_roster(session: Session) -> list[PatrolInfo]:
    """Every active officer with their work grid's name and shifts."""
    shifts: dict[int, list[Shift]] = defaultdict(list)
    for r in session.execute(select(ShiftRow.patrol_officer_id, ShiftRow.weekdays, ShiftRow.start,
                                    ShiftRow.end)):
        shifts[r.patrol_officer_id].append((r.weekdays, r.start, r.end))
    rows = session.execute(select(PatrolOfficer.id, PatrolOfficer.code, PatrolOfficer.name,
                                  PatrolOfficer.work_grid_id, WorkGrid.name.label("grid"))
                           .outerjoin(WorkGrid, WorkGrid.id == PatrolOfficer.work_grid_id)
                           .where(PatrolOfficer.active.is_(True)).order_by(PatrolOfficer.id))
    return [PatrolInfo(r.id, r.code, r.name, r.work_grid_id, r.grid or "",
                       tuple(shifts.get(r.id, ()))) for r in rows]


@dataclass(frozen=True)
class Fix:
    officer_id: int
    at: datetime
    lon: float
    lat: float
    speed: float | None = None
    battery: float | None = None
    accuracy: float | None = None


def latest_fixes(session: Session, now: datetime) -> dict[int, Fix]:
    """The newest fix of each officer (of any of their devices).

    Old ones too: a fix too old to draw still says when the phone last spoke (offline, left
    early), as it does to the alert engine."""
    out: dict[int, Fix] = {}
    for r in session.execute(select(LatestPosition).where(
            LatestPosition.patrol_officer_id.is_not(None))):
        fix = r[0]
        known = out.get(fix.patrol_officer_id)
        if known is None or fix.at > known.at:
            out[fix.patrol_officer_id] = Fix(fix.patrol_officer_id, fix.at, fix.lon, fix.lat,
                                             fix.speed, fix.battery, fix.accuracy)
    return out


def recent_tracks(session: Session, officer_ids: Iterable[int], now: datetime,
                  minutes: int = TRAIL_MINUTES,
                  step_s: int = TRAIL_STEP_S) -> dict[int, list[tuple[datetime, float, float]]]:
    """(at, lon, lat) of each officer's last `minutes`, at most one point per `step_s`; only
    fixes accurate enough to place the officer (the others start and break no state's run)."""
    since = now - timedelta(minutes=minutes)
    ids = list(officer_ids)
    out: dict[int, list[tuple[datetime, float, float]]] = defaultdict(list)
    # Chunks of ids keep the IN list short; each id is an index range on (officer, at).
    for start in range(0, len(ids), 500):
        rows = session.execute(select(Position.patrol_officer_id, Position.at, Position.lon,
                                      Position.lat)
                               .where(Position.patrol_officer_id.in_(ids[start:start + 500]),
                                      Position.at >= since,
                                      or_(Position.accuracy.is_(None),
                                          Position.accuracy <= MAX_USEFUL_ACCURACY_M))
                               .order_by(Position.patrol_officer_id, Position.at))
        for officer, at, lon, lat in rows:
            track = out[officer]
            if not track or (at - track[-1][0]).total_seconds() >= step_s:
                track.append((at, lon, lat))
    return dict(out)


class StartTracks(NamedTuple):
    """The stored tracks (officer → PatrolTrack) and the fixes written after them, in order."""

    tracks: dict[int, PatrolTrack]
    fixes: list


def start_tracks(session: Session, now: datetime, rules: PatrolRules) -> StartTracks | None:
    """The tracks the alert engine stored and the fixes since (None: none to start from, then
    the recent history is replayed): the map's start and the engine's agree."""
    upto = session.scalar(select(func.max(Position.id))) or 0
    start = patrol_tracks.track_start(session, now, rules.history, upto)
    if start is None:
        return None
    return StartTracks({o: PatrolTrack.from_summary(s)
                        for o, s in start.summaries.tracks.items()}, start.fixes)


def track_of_day(session: Session, officer_id: int, now: datetime) -> list[tuple[float, float]]:
    """(lon, lat) of an officer's walk since midnight, simplified for drawing."""
    midnight = now.replace(hour=0, minute=0, second=0, microsecond=0)
    points = session.execute(select(Position.lon, Position.lat)
                             .where(Position.patrol_officer_id == officer_id,
                                    Position.at >= midnight, Position.at <= now)
                             .order_by(Position.at)).all()
    if len(points) < 3:
        return [(float(x), float(y)) for x, y in points]
    line = shapely.LineString(points).simplify(TRACK_SIMPLIFY_DEG, preserve_topology=False)
    return [(round(x, 6), round(y, 6)) for x, y in line.coords]


#: The thresholds of the patrol states: the alert rules' shared settings, so the map's orange
#: marker and the off-post alert agree about the same officer.
StateRules = PatrolRules


_RULE_KEYS = {"offline_min": "alert_offline_min", "off_post_min": "alert_off_post_min",
              "idle_min": "alert_idle_min", "idle_radius_m": "alert_idle_radius_m",
              "leave_early_min": "alert_leave_early_min"}


def state_rules(session: Session) -> StateRules:
    """The thresholds as set for this city (defaults where unset or not positive)."""
    values = {}
    for name, key in _RULE_KEYS.items():
        default = getattr(StateRules, name)
        if key not in SHARED_SETTINGS:
            continue
        try:
            value = float(get_setting(session, key))
        except (TypeError, ValueError):
            continue
        values[name] = value if value > 0 else default
    return StateRules(**values)


class PatrolWatch:
    """The live state of every patrol, advanced by fixes and by the clock."""

    def __init__(self, roster: list[PatrolInfo], grid: GridData, now: datetime,
                 fixes: dict[int, Fix] | None = None,
                 tracks: dict[int, list[tuple[datetime, float, float]]] | None = None,
                 rules: StateRules | None = None, start: StartTracks | None = None) -> None:
        """`tracks`: the recent history, replayed in steps; `start` (instead, for the officers
        it has): the tracks as the alert engine stores them and the fixes since, fed as the
        engine feeds them, so both start from the same tracks. `fixes`: the newest of each."""
        self.info = {p.id: p for p in roster}
        self.rules = rules or StateRules()
        self._grid = grid
        self._fix: dict[int, Fix] = {}
        self._track: dict[int, PatrolTrack] = {}
        self._views: dict[int, PatrolView] = {}
        self._shifts: dict[int, ShiftWindow] = {}
        self._cell: dict[int, int] = {}   # officer → index of the cell of their newest fix
        # Replay the recent history step by step, so idle and off-post runs have their start.
        steps: dict[int, dict[int, object]] = defaultdict(dict)
        restored = start.tracks if start is not None else {}
        for officer, track in (tracks or {}).items():
            if officer in restored:
                continue
            for i, (at, lon, lat) in enumerate(track):
                steps[i][officer] = Fix(officer, at, lon, lat)
        self._track.update(restored)
        if start is not None:
            # In arrival order, officer by officer: round i holds each one's i-th fix.
            # The fixes are the engine's driver tuples (id, officer, at, lon, lat, accuracy,
            # speed), as store.patrol_tracks.track_start reads them for both. Only for the
            # officers with a stored track: the others' history, replayed above, runs up to
            # now and holds these fixes already (fed again, they restarted the track).
            count: dict[int, int] = defaultdict(int)
            for _, officer, at, lon, lat, accuracy, speed in start.fixes:
                if officer in self.info and officer in restored:
                    steps[count[officer]][officer] = Fix(officer, at, lon, lat, speed=speed,
                                                         accuracy=accuracy)
                    count[officer] += 1
        for i in sorted(steps):
            self._take(steps[i])
        self.apply((fixes or {}).values(), now)

    def views(self) -> list[PatrolView]:
        """Every patrol that has a marker, in id order."""
        return [self._views[k] for k in sorted(self._views)]

    def view(self, officer_id: int) -> PatrolView | None:
        return self._views.get(officer_id)

    def apply(self, fixes: Iterable, now: datetime) -> list[PatrolView]:
        """Take fixes (with officer_id or patrol_officer_id, at, lon, lat, speed, battery):
        the views that changed. The fix objects are kept as they come (no copies)."""
        newest: dict[int, object] = {}
        known = self._fix
        for f in fixes:
            officer = getattr(f, "patrol_officer_id", None) or getattr(f, "officer_id", None)
            if officer is None or officer not in self.info:
                continue
            last = known.get(officer)
            if last is not None and f.at < last.at:
                continue   # a late fix from a phone's buffer: history, not the present
            other = newest.get(officer)
            if other is None or f.at >= other.at:
                newest[officer] = f
        if not newest:
            return []
        self._take(newest)
        return self._update(list(newest), now, moved=True)

    def refresh(self, now: datetime) -> list[PatrolView]:
        """Re-derive every state for the clock alone (offline, shift start and end, idle)."""
        return self._update(list(self._fix), now, moved=False)

    def _take(self, fixes: dict[int, object]) -> None:
        """Feed each officer's fix to their track and remember it as the newest."""
        if not fixes:
            return
        officers = list(fixes)
        inside = self._inside(officers, list(fixes.values()))
        radius = self.rules.idle_radius_m
        tracks, known = self._track, self._fix
        for officer, within in zip(officers, inside):
            fix = fixes[officer]
            track = tracks.get(officer)
            if track is None:
                track = tracks[officer] = PatrolTrack()
            track.add(fix.at, fix.lon, fix.lat, inside=within, radius_m=radius, speed=fix.speed,
                      accuracy=getattr(fix, "accuracy", None))
            last = known.get(officer)
            if last is None or fix.at >= last.at:
                known[officer] = fix

    def _inside(self, officers: list[int], fixes: list) -> list[bool]:
        """Whether each fix lies in its officer's work grid (edges included), all at once.

        Most fixes fall in the cell of the officer's previous fix (a cell is 100 m, a fix
        5 s of walking), so that cell is tested first, vectorised; only the others go to the
        spatial index. An officer without a work grid is never off post."""
        grid = self._grid
        grids = np.array([self.info[o].work_grid_id or -1 for o in officers], dtype=np.int64)
        if not len(grid):
            return [True] * len(fixes)
        result = grids < 0
        if result.all():
            return result.tolist()
        lons = np.array([f.lon for f in fixes], dtype=np.float64)
        lats = np.array([f.lat for f in fixes], dtype=np.float64)
        cells = np.array([self._cell.get(o, -1) for o in officers], dtype=np.int64)
        same = np.zeros(len(officers), dtype=bool)
        known = np.flatnonzero(cells >= 0)
        if len(known):
            same[known] = shapely.contains_xy(grid.shapes_of(cells[known]), lons[known],
                                              lats[known])
        result |= same & (grid.work_grid[np.maximum(cells, 0)] == grids)
        moved = np.flatnonzero(~same)
        if len(moved):
            cells[moved] = -1
            point_idx, cell_idx = grid.cells_near(lons[moved], lats[moved], 0.0)
            hit = grid.work_grid[cell_idx] == grids[moved][point_idx]
            result[moved[np.unique(point_idx[hit])]] = True
            # Remember a covering cell of each moved fix (its own grid's first, if any).
            order = np.lexsort((~hit, point_idx))
            firsts = np.unique(point_idx[order], return_index=True)[1]
            cells[moved[point_idx[order][firsts]]] = cell_idx[order][firsts]
        for officer, cell in zip(officers, cells.tolist()):
            self._cell[officer] = cell
        return result.tolist()

    def _shift(self, officer: int, now: datetime) -> ShiftWindow:
        """The officer's shift window around `now`, asked of the calendar again only when a
        shift starts or ends: two thousand calendar walks per tick would be the largest cost
        of a live update."""
        window = self._shifts.get(officer)
        if window is None or not window.holds(now):
            window = self._shifts[officer] = shift_window(self.info[officer].shifts, now)
        return window

    def verdict(self, officer: int, now: datetime) -> PatrolState:
        """The officer's patrol state: the decision the alerts and the KPI strip use too."""
        return patrol_state(self._track.get(officer), self._shift(officer, now), now, self.rules)

    def state(self, officer: int, now: datetime) -> PatrolStatus:
        return self.verdict(officer, now).status

    def _update(self, officers: list[int], now: datetime, *, moved: bool) -> list[PatrolView]:
        # The hot loop of every live tick (two thousand officers): names are bound once.
        changed = []
        views, fixes, tracks, shift = self._views, self._fix, self._track, self._shift
        rules = self.rules
        stale = now - SHOW_FIX_FOR
        for officer in officers:
            fix = fixes[officer]
            old = views.get(officer)
            if fix.at < stale:
                if old is not None:
                    del views[officer]
                    changed.append(old._replace(state="gone"))
                continue
            state = patrol_state(tracks.get(officer), shift(officer, now), now, rules).status.value
            if old is not None and not moved and old.state == state:
                continue
            view = PatrolView(officer, fix.lon, fix.lat, state, fix.at, fix.battery, fix.speed)
            if view != old:
                views[officer] = view
                changed.append(view)
        return changed
