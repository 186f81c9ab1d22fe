"""Patrol officers on duty: shifts, work areas and what their positions say about them.

Pure functions and small value objects over plain data (no Qt, no SQL), shared by the alert
rules, the KPI strip, the map and the simulator. Times are naive local datetimes; coordinates
are WGS-84 longitude/latitude in degrees.
"""
from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from functools import lru_cache

_M_PER_DEG = 111_320.0
# Points closer than this to a cell edge count as on it (about 0.1 mm): coordinates that
# were computed to lie on a shared edge must not fall out through rounding.
_EDGE_EPS = 1e-9
# A fix worse than this says little about where the officer stands: it still proves the phone
# is on (offline), but does not start or break an off-post or idle run.
MAX_USEFUL_ACCURACY_M = 50.0


# --- shifts ------------------------------------------------------------------------------

@lru_cache(maxsize=256)
def _minutes(hhmm: str) -> int:
    h, m = hhmm.split(":")
    return int(h) * 60 + int(m)


def in_shift(weekdays: str, start: str, end: str, now: datetime) -> bool:
    """Whether `now` is inside a recurring shift (an end before the start runs overnight)."""
    return current_shift(weekdays, start, end, now) is not None


def _occurrence(day: datetime, start: str, end: str) -> tuple[datetime, datetime]:
    """The shift that starts on `day` (midnight) as (start, end); overnight ends the next day."""
    s, e = _minutes(start), _minutes(end)
    begin = day + timedelta(minutes=s)
    finish = day + timedelta(minutes=e)
    if e <= s:      # overnight (or a 24-hour shift when start == end)
        finish += timedelta(days=1)
    return begin, finish


def current_shift(weekdays: str, start: str, end: str, now: datetime
                  ) -> tuple[datetime, datetime] | None:
    """The occurrence of the shift that contains `now` (start inclusive, end exclusive)."""
    today = now.replace(hour=0, minute=0, second=0, microsecond=0)
    # An overnight shift that started yesterday belongs to yesterday's weekday.
    for back in (0, 1):
        day = today - timedelta(days=back)
        if str(day.weekday()) not in weekdays:
            continue
        begin, finish = _occurrence(day, start, end)
        if begin <= now < finish:
            return begin, finish
    return None


def last_shift(weekdays: str, start: str, end: str, now: datetime
               ) -> tuple[datetime, datetime] | None:
    """The latest occurrence that has started by `now` (the current one, else the last ended)."""
    today = now.replace(hour=0, minute=0, second=0, microsecond=0)
    for back in range(9):
        day = today - timedelta(days=back)
        if str(day.weekday()) not in weekdays:
            continue
        begin, finish = _occurrence(day, start, end)
        if begin <= now:
            return begin, finish
    return None


def next_shift_start(weekdays: str, start: str, end: str, now: datetime) -> datetime | None:
    """When the next occurrence after `now` begins (None for a shift on no weekday)."""
    today = now.replace(hour=0, minute=0, second=0, microsecond=0)
    for ahead in range(9):
        day = today + timedelta(days=ahead)
        if str(day.weekday()) in weekdays:
            begin, _ = _occurrence(day, start, end)
            if begin > now:
                return begin
    return None


def minutes_to_shift_end(end: str, now: datetime) -> float:
    """Minutes from `now` to the next time the clock shows `end`."""
    h, m = map(int, end.split(":"))
    target = now.replace(hour=h, minute=m, second=0, microsecond=0)
    if target <= now:
        target += timedelta(days=1)
    return (target - now).total_seconds() / 60


Shift = tuple[str, str, str]   # (weekdays, "HH:MM" start, "HH:MM" end)


def on_shift(shifts: Iterable[Shift], now: datetime) -> tuple[datetime, datetime] | None:
    """The occurrence of any of an officer's shifts that contains `now`."""
    for weekdays, start, end in shifts:
        hit = current_shift(weekdays, start, end, now)
        if hit is not None:
            return hit
    return None


def latest_shift(shifts: Iterable[Shift], now: datetime) -> tuple[datetime, datetime] | None:
    """The most recently started occurrence of any of an officer's shifts."""
    found = [s for s in (last_shift(*sh, now) for sh in shifts) if s is not None]
    return max(found) if found else None


def next_start(shifts: Iterable[Shift], now: datetime) -> datetime | None:
    """The earliest next start of any of an officer's shifts."""
    found = [s for s in (next_shift_start(*sh, now) for sh in shifts) if s is not None]
    return min(found) if found else None


# --- geometry ----------------------------------------------------------------------------

def distance_m(lon1: float, lat1: float, lon2: float, lat2: float) -> float:
    """Ground distance in metres (equirectangular: exact enough within a city)."""
    dx = (lon2 - lon1) * _M_PER_DEG * math.cos(math.radians((lat1 + lat2) / 2))
    dy = (lat2 - lat1) * _M_PER_DEG
    return math.hypot(dx, dy)


def ring_covers(ring: Sequence[Sequence[float]], lon: float, lat: float) -> bool:
    """Whether the polygon ring [[lon, lat], ...] contains the point, its boundary included."""
    n = len(ring)
    inside = False
    for i in range(n):
        x1, y1 = ring[i][0], ring[i][1]
        x2, y2 = ring[(i + 1) % n][0], ring[(i + 1) % n][1]
        # On the edge: collinear within epsilon and inside the edge's bounding box.
        cross = (x2 - x1) * (lat - y1) - (y2 - y1) * (lon - x1)
        scale = max(abs(x2 - x1), abs(y2 - y1), 1e-12)
        if (abs(cross) <= _EDGE_EPS * scale and min(x1, x2) - _EDGE_EPS <= lon <= max(x1, x2) + _EDGE_EPS
                and min(y1, y2) - _EDGE_EPS <= lat <= max(y1, y2) + _EDGE_EPS):
            return True
        if (y1 > lat) != (y2 > lat):
            x_at = x1 + (lat - y1) * (x2 - x1) / (y2 - y1)
            if lon < x_at:
                inside = not inside
    return inside


_BUCKET = 0.001   # degrees (about 100 m): the spatial hash of a work area's cells


def _buckets(x0: float, y0: float, x1: float, y1: float) -> Iterable[tuple[int, int]]:
    for bx in range(math.floor((x0 - _EDGE_EPS) / _BUCKET), math.floor((x1 + _EDGE_EPS) / _BUCKET) + 1):
        for by in range(math.floor((y0 - _EDGE_EPS) / _BUCKET),
                        math.floor((y1 + _EDGE_EPS) / _BUCKET) + 1):
            yield bx, by


class WorkArea:
    """The union of a work grid's cells; a point on any cell's edge is inside."""

    def __init__(self, rings: Iterable[Sequence[Sequence[float]]]) -> None:
        self.rings: list[tuple[tuple[float, float], ...]] = []
        # bucket → the cells whose bounding box (widened by the edge tolerance) touches it, so
        # a fix is tested against one or two cells instead of the grid's eighty.
        self._index: dict[tuple[int, int], list[int]] = {}
        for ring in rings:
            pts = tuple((float(p[0]), float(p[1])) for p in ring)
            if len(pts) < 3:
                continue
            xs, ys = [p[0] for p in pts], [p[1] for p in pts]
            for key in _buckets(min(xs), min(ys), max(xs), max(ys)):
                self._index.setdefault(key, []).append(len(self.rings))
            self.rings.append(pts)

    @classmethod
    def from_rings(cls, rings: Iterable[Sequence[Sequence[float]]]) -> WorkArea:
        """Build from cell rings ([[lon, lat], ...] each)."""
        return cls(rings)

    def covers(self, lon: float, lat: float) -> bool:
        """Whether the point lies in the area (boundary included)."""
        candidates = self._index.get((math.floor(lon / _BUCKET), math.floor(lat / _BUCKET)))
        return bool(candidates) and any(ring_covers(self.rings[i], lon, lat) for i in candidates)


# --- what the positions say --------------------------------------------------------------

@dataclass
class PatrolTrack:
    """What one officer's stream of fixes says so far; fed in time order, O(1) per fix.

    `outside_since`: the first fix of the current run of fixes outside the work area.
    `still_since`/`anchor`: the first fix of the current run that stayed within the idle
    radius of where that run began.
    """

    last_at: datetime | None = None
    last_lon: float = 0.0
    last_lat: float = 0.0
    last_speed: float | None = None
    outside_since: datetime | None = None
    still_since: datetime | None = None
    anchor: tuple[float, float] | None = None

    def add(self, at: datetime, lon: float, lat: float, *, inside: bool, radius_m: float,
            accuracy: float | None = None, speed: float | None = None) -> None:
        """Take one fix into account (a fix older than the last one only proves the phone lived)."""
        if self.last_at is not None and at < self.last_at:
            return   # a buffered fix sent late: history, not the present
        self.last_at, self.last_lon, self.last_lat, self.last_speed = at, lon, lat, speed
        if accuracy is not None and accuracy > MAX_USEFUL_ACCURACY_M:
            return
        if inside:
            self.outside_since = None
        elif self.outside_since is None:
            self.outside_since = at
        if self.anchor is None or distance_m(self.anchor[0], self.anchor[1], lon, lat) > radius_m:
            self.anchor, self.still_since = (lon, lat), at


class PatrolStatus(StrEnum):
    """How a patrol officer is doing now, for markers and counts."""

    OFF_SHIFT = "off_shift"
    MOVING = "moving"
    ON_DUTY = "on_duty"      # in shift, reporting, inside the area, neither moving nor idle
    IDLE = "idle"
    OFF_POST = "off_post"
    OFFLINE = "offline"


def patrol_status(track: PatrolTrack | None, shift: tuple[datetime, datetime] | None,
                  now: datetime, *, offline_min: float = 10, off_post_min: float = 10,
                  idle_min: float = 20) -> PatrolStatus:
    """One status per officer; the most urgent wins (offline, off post, idle, moving, on duty)."""
    if shift is None:
        return PatrolStatus.OFF_SHIFT
    begin = shift[0]
    seen = track.last_at if track is not None and track.last_at and track.last_at >= begin else None
    if now - (seen or begin) >= timedelta(minutes=offline_min):
        return PatrolStatus.OFFLINE
    if track is None or seen is None:
        return PatrolStatus.ON_DUTY      # shift just began; the phone has not spoken yet
    if track.outside_since is not None and now - max(track.outside_since, begin) > timedelta(
            minutes=off_post_min):
        return PatrolStatus.OFF_POST
    if track.still_since is not None and seen - max(track.still_since, begin) > timedelta(
            minutes=idle_min):
        return PatrolStatus.IDLE
    if track.last_speed is not None and track.last_speed > 0.5:
        return PatrolStatus.MOVING
    return PatrolStatus.ON_DUTY
