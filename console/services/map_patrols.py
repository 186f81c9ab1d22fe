"""Patrol officers on the map: who they are, where they were, and what state each is in now.

`PatrolWatch` keeps the live state between feed batches without touching the database: fixes
go in, the markers that changed come out. It is plain Python (numpy and shapely for the
point-in-work-grid test of two thousand fixes at once), so it runs wherever the caller likes.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

import numpy as np
import shapely
from sqlalchemy import select
from sqlalchemy.orm import Session

from console.domain.patrol_state import PatrolStatus, PatrolTrack, Shift, on_shift, patrol_status
from console.services.map_grid import GridData
from console.services.settings import SHARED_SETTINGS, get_setting
from console.store.models import (LatestPosition, PatrolOfficer, Position, Shift as ShiftRow,
                                  WorkGrid)

#: Fixes older than this are not drawn at all: yesterday's position misleads more than none.
SHOW_FIX_FOR = timedelta(hours=12)
TRAIL_MINUTES = 15
#: Positions read at start to know who has been still or away long enough for a state.
HISTORY_MINUTES = 35
#: Trails sent with the page keep one point per this many seconds (the live feed adds the rest).
TRAIL_STEP_S = 15
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


@dataclass(frozen=True)
class PatrolView:
    """One patrol marker as the map draws it."""

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


def latest_fixes(session: Session, now: datetime) -> dict[int, Fix]:
    """The newest recent fix of each officer (of any of their devices)."""
    out: dict[int, Fix] = {}
    for r in session.execute(select(LatestPosition).where(
            LatestPosition.patrol_officer_id.is_not(None), LatestPosition.at >= now - SHOW_FIX_FOR)):
        fix = r[0]
        known = out.get(fix.patrol_officer_id)
        if known is None or fix.at > known.at:
            out[fix.patrol_officer_id] = Fix(fix.patrol_officer_id, fix.at, fix.lon, fix.lat,
                                             fix.speed, fix.battery)
    return out


def recent_tracks(session: Session, officer_ids: Iterable[int], now: datetime,
                  minutes: int = TRAIL_MINUTES,
                  step_s: int = TRAIL_STEP_S) -> dict[int, list[tuple[datetime, float, float]]]:
    """(at, lon, lat) of each officer's last `minutes`, at most one point per `step_s`."""
    since = now - timedelta(minutes=minutes)
    ids = list(officer_ids)
    out: dict[int, list[tuple[datetime, float, float]]] = defaultdict(list)
    # Chunks of ids keep the IN list short; each id is an index range on (officer, at).
    for start in range(0, len(ids), 500):
        rows = session.execute(select(Position.patrol_officer_id, Position.at, Position.lon,
                                      Position.lat)
                               .where(Position.patrol_officer_id.in_(ids[start:start + 500]),
                                      Position.at >= since)
                               .order_by(Position.patrol_officer_id, Position.at))
        for officer, at, lon, lat in rows:
            track = out[officer]
            if not track or (at - track[-1][0]).total_seconds() >= step_s:
                track.append((at, lon, lat))
    return dict(out)


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


@dataclass(frozen=True)
class StateRules:
    """The thresholds of the patrol states: the alert rules' shared settings, so the map's
    orange marker and the off-post alert agree about the same officer."""

    offline_min: float = 10
    off_post_min: float = 10
    idle_min: float = 20
    idle_radius_m: float = 30


_RULE_KEYS = {"offline_min": "alert_offline_min", "off_post_min": "alert_off_post_min",
              "idle_min": "alert_idle_min", "idle_radius_m": "alert_idle_radius_m"}


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
                 rules: StateRules | None = None) -> None:
        self.info = {p.id: p for p in roster}
        self.rules = rules or StateRules()
        self._grid = grid
        self._fix: dict[int, Fix] = {}
        self._track: dict[int, PatrolTrack] = {}
        self._views: dict[int, PatrolView] = {}
        history = [Fix(o, at, lon, lat) for o, track in (tracks or {}).items()
                   for at, lon, lat in track]
        history.sort(key=lambda f: f.at)
        self._take(history)
        self.apply((fixes or {}).values(), now)

    def views(self) -> list[PatrolView]:
        """Every patrol that has a marker, in id order."""
        return [self._views[k] for k in sorted(self._views)]

    def view(self, officer_id: int) -> PatrolView | None:
        return self._views.get(officer_id)

    def apply(self, fixes: Iterable, now: datetime) -> list[PatrolView]:
        """Take fixes (with officer id, at, lon, lat, speed, battery): the views that changed."""
        newest: dict[int, Fix] = {}
        for f in fixes:
            officer = getattr(f, "officer_id", None) or getattr(f, "patrol_officer_id", None)
            if officer is None or officer not in self.info:
                continue
            known = self._fix.get(officer)
            if known is not None and f.at < known.at:
                continue   # a late fix from a phone's buffer: history, not the present
            if officer not in newest or f.at >= newest[officer].at:
                newest[officer] = Fix(officer, f.at, f.lon, f.lat, f.speed, f.battery)
        if not newest:
            return []
        self._take(list(newest.values()))
        return self._update(list(newest), now, moved=True)

    def refresh(self, now: datetime) -> list[PatrolView]:
        """Re-derive every state for the clock alone (offline, shift start and end, idle)."""
        return self._update(list(self._fix), now, moved=False)

    def _take(self, fixes: list[Fix]) -> None:
        """Feed fixes (in time order) to the officers' tracks and remember the newest."""
        if not fixes:
            return
        inside = self._inside(fixes)
        radius = self.rules.idle_radius_m
        for fix, within in zip(fixes, inside):
            track = self._track.setdefault(fix.officer_id, PatrolTrack())
            track.add(fix.at, fix.lon, fix.lat, inside=within, radius_m=radius, speed=fix.speed)
            known = self._fix.get(fix.officer_id)
            if known is None or fix.at >= known.at:
                self._fix[fix.officer_id] = fix

    def _inside(self, fixes: list[Fix]) -> list[bool]:
        """Whether each fix lies in its officer's work grid (edges included), all at once.

        An officer without a work grid is never off post: there is no post to leave."""
        grids = np.array([self.info[f.officer_id].work_grid_id or -1 for f in fixes],
                         dtype=np.int64)
        result = (grids < 0).tolist()
        if not len(self._grid) or (grids < 0).all():
            return [True] * len(fixes) if not len(self._grid) else result
        lons = np.array([f.lon for f in fixes], dtype=np.float64)
        lats = np.array([f.lat for f in fixes], dtype=np.float64)
        point_idx, cell_idx = self._grid.cells_near(lons, lats, 0.0)
        hit = self._grid.work_grid[cell_idx] == grids[point_idx]
        for p in np.unique(point_idx[hit]).tolist():
            result[p] = True
        return result

    def state(self, officer: int, now: datetime) -> PatrolStatus:
        rules = self.rules
        return patrol_status(self._track.get(officer), on_shift(self.info[officer].shifts, now),
                             now, offline_min=rules.offline_min,
                             off_post_min=rules.off_post_min, idle_min=rules.idle_min)

    def _update(self, officers: list[int], now: datetime, *, moved: bool) -> list[PatrolView]:
        changed = []
        for officer in officers:
            fix = self._fix[officer]
            old = self._views.get(officer)
            if now - fix.at > SHOW_FIX_FOR:
                if old is not None:
                    del self._views[officer]
                    changed.append(replace(old, state="gone"))
                continue
            state = self.state(officer, now).value
            if old is not None and not moved and old.state == state:
                continue
            view = PatrolView(officer, fix.lon, fix.lat, state, fix.at, fix.battery, fix.speed)
            if view != old:
                self._views[officer] = view
                changed.append(view)
        return changed
