"""Patrol officers on duty: shifts, tracks and what their positions say about them.

Pure functions and small value objects over plain data (no Qt, no SQL), shared by the alert
rules, the KPI strip, the map and the simulator. Times are naive local datetimes; coordinates
are WGS-84 longitude/latitude in degrees. Work areas (which fix lies in one) are in
domain/work_areas.py, the start-up replay of the history in domain/patrol_replay.py.
"""
from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from functools import cached_property, lru_cache
from typing import NamedTuple

_M_PER_DEG = 111_320.0
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


def _occurrence_at(shifts: Sequence[Shift], now: datetime) -> tuple[datetime, datetime] | None:
    for weekdays, start, end in shifts:
        hit = current_shift(weekdays, start, end, now)
        if hit is not None:
            return hit
    return None


#: How many back-to-back occurrences on_shift joins at most on each side (a week of 24-hour
#: shifts): enough for any roster, and a bound on the work.
_JOINED = 7


def on_shift(shifts: Sequence[Shift], now: datetime) -> tuple[datetime, datetime] | None:
    """The stretch of duty of an officer's shifts that contains `now`: occurrences back to back
    (a 24-hour shift every day, or 08:00–16:00 then 16:00–24:00) are one stretch, so standing
    still across midnight is still 窝岗 and the shift does not restart at the hand-over."""
    hit = _occurrence_at(shifts, now)
    if hit is None:
        return None
    begin, end = hit
    for _ in range(_JOINED):
        before = _occurrence_at(shifts, begin - timedelta(microseconds=1))
        if before is None or before[1] != begin:
            break
        begin = before[0]
    for _ in range(_JOINED):
        after = _occurrence_at(shifts, end)
        if after is None or after[0] != end:
            break
        end = after[1]
    return begin, end


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

    def to_summary(self) -> TrackSummary:
        """Everything add and patrol_state read, as plain values (times in microseconds since
        1970-01-01 of the naive local time): a track made again from_summary and fed the
        fixes that follow decides exactly what this one fed them decides."""
        anchor = self.anchor
        return TrackSummary(_us(self.last_at), self.last_lon, self.last_lat, self.last_speed,
                            _us(self.outside_since), _us(self.still_since),
                            None if anchor is None else anchor[0],
                            None if anchor is None else anchor[1])

    @classmethod
    def from_summary(cls, s: TrackSummary) -> PatrolTrack:
        """The track a summary was taken of."""
        anchor = None if s.anchor_lon is None or s.anchor_lat is None else (s.anchor_lon,
                                                                             s.anchor_lat)
        return cls(_dt(s.last_at_us), s.last_lon, s.last_lat, s.last_speed,
                   _dt(s.outside_since_us), _dt(s.still_since_us), anchor)


class TrackSummary(NamedTuple):
    """A PatrolTrack as stored (store.models.PatrolTrackSummary's columns, in this order)."""

    last_at_us: int | None
    last_lon: float
    last_lat: float
    last_speed: float | None
    outside_since_us: int | None
    still_since_us: int | None
    anchor_lon: float | None
    anchor_lat: float | None


_EPOCH = datetime(1970, 1, 1)


def _us(at: datetime | None) -> int | None:
    # Integer arithmetic on the timedelta: exact, where total_seconds() would round.
    if at is None:
        return None
    d = at - _EPOCH
    return (d.days * 86_400 + d.seconds) * 1_000_000 + d.microseconds


def _dt(us: int | None) -> datetime | None:
    return None if us is None else _EPOCH + timedelta(microseconds=int(us))


class PatrolStatus(StrEnum):
    """How a patrol officer is doing now, for markers and counts."""

    OFF_SHIFT = "off_shift"
    MOVING = "moving"
    ON_DUTY = "on_duty"      # in shift, reporting, inside the area, neither moving nor idle
    IDLE = "idle"
    OFF_POST = "off_post"
    OFFLINE = "offline"
    LEFT_EARLY = "left_early"


#: A left-early state stays until the next shift begins, but no longer than this.
LEFT_EARLY_HOLD = timedelta(hours=12)
#: Fixes replayed at start-up (the map and the alert engine alike) keep one per this many
#: seconds, and only the useful ones: both then rebuild the same tracks from the same history.
REPLAY_STEP_S = 15
#: Minutes of history replayed at start-up (at least; longer when a threshold needs it).
HISTORY_MINUTES = 35


@dataclass(frozen=True)
class PatrolRules:
    """The thresholds of the patrol states (the shared alert settings)."""

    offline_min: float = 10
    off_post_min: float = 10
    idle_min: float = 20
    idle_radius_m: float = 30
    leave_early_min: float = 30

    # The thresholds as durations, made once: patrol_state runs for every officer every pass.
    @cached_property
    def offline(self) -> timedelta:
        return timedelta(minutes=self.offline_min)

    @cached_property
    def off_post(self) -> timedelta:
        return timedelta(minutes=self.off_post_min)

    @cached_property
    def idle(self) -> timedelta:
        return timedelta(minutes=self.idle_min)

    @cached_property
    def leave_early(self) -> timedelta:
        return timedelta(minutes=self.leave_early_min)

    @property
    def history(self) -> timedelta:
        """How far back the start-up replay must look for every run to have its start."""
        return timedelta(minutes=max(HISTORY_MINUTES, self.idle_min + 2, self.off_post_min + 2))


@dataclass(frozen=True, slots=True)
class ShiftWindow:
    """An officer's shifts as seen from a span of time in which they do not change.

    `current`: the occurrence containing the instant; `latest`: the most recently started
    one (the current one, else the last ended). Valid for `valid_from <= now < valid_until`,
    so a caller asks the calendar once per shift change, not once per patrol per tick.
    """

    current: tuple[datetime, datetime] | None
    latest: tuple[datetime, datetime] | None
    valid_from: datetime
    valid_until: datetime

    def holds(self, now: datetime) -> bool:
        return self.valid_from <= now < self.valid_until


def shift_window(shifts: Sequence[Shift], now: datetime) -> ShiftWindow:
    """The shift window of `shifts` around `now`."""
    current = on_shift(shifts, now)
    latest = latest_shift(shifts, now)
    until = next_start(shifts, now) or now + timedelta(days=1)
    if current is not None:
        until = min(until, current[1])
    return ShiftWindow(current, latest, now, until)


@dataclass(frozen=True, slots=True)
class PatrolState:
    """What an officer's fixes and shifts say now: every condition that holds, and the one
    status the map paints (the most urgent of them)."""

    status: PatrolStatus
    shift: tuple[datetime, datetime] | None = None   # the current one, or the one left early
    offline: bool = False
    off_post_since: datetime | None = None
    idle_since: datetime | None = None
    left_early: bool = False

    @property
    def conditions(self) -> frozenset[PatrolStatus]:
        """The alert-worthy conditions that hold (an offline officer may be last seen off post)."""
        out = set()
        if self.left_early:
            out.add(PatrolStatus.LEFT_EARLY)
        if self.offline:
            out.add(PatrolStatus.OFFLINE)
        if self.off_post_since is not None:
            out.add(PatrolStatus.OFF_POST)
        if self.idle_since is not None:
            out.add(PatrolStatus.IDLE)
        return frozenset(out)

    @property
    def on_duty(self) -> bool:
        """On shift and reporting (off post and idle officers are on duty, just not well)."""
        return self.shift is not None and not self.offline and not self.left_early


_OFF_SHIFT = PatrolState(PatrolStatus.OFF_SHIFT)


def _left_early(latest: tuple[datetime, datetime] | None, last_at: datetime | None,
                now: datetime, rules: PatrolRules) -> bool:
    """Seen in the latest shift, silent since before end − W: known from end − W on (once the
    silence has lasted the offline time), kept until the next shift begins (at most
    LEFT_EARLY_HOLD after the end). Never seen in a shift is "offline" for the whole of it."""
    if latest is None or last_at is None:
        return False
    begin, end = latest
    cutoff = end - rules.leave_early
    if not (begin <= last_at < cutoff) or now < cutoff:
        return False
    return (now - last_at >= rules.offline
            and now < end + LEFT_EARLY_HOLD)


def patrol_state(track: PatrolTrack | None, window: ShiftWindow, now: datetime,
                 rules: PatrolRules) -> PatrolState:
    """The one decision about a patrol officer, for the map, the alerts and the KPI strip.

    `window` must hold at `now` (see shift_window). Off post counts from the shift start and
    stands while the phone is silent ("last seen off post"); idle needs a live phone.
    """
    last_at = track.last_at if track is not None else None
    if _left_early(window.latest, last_at, now, rules):
        return PatrolState(PatrolStatus.LEFT_EARLY, window.latest, left_early=True)
    shift = window.current
    if shift is None:
        return _OFF_SHIFT
    begin = shift[0]
    seen = last_at if last_at is not None and last_at >= begin else None
    offline = now - (seen or begin) >= rules.offline
    if track is None or seen is None:
        # The shift just began and the phone has not spoken yet, or it never did.
        return PatrolState(PatrolStatus.OFFLINE if offline else PatrolStatus.ON_DUTY, shift,
                           offline=offline)
    off_post = None
    if track.outside_since is not None:
        since = max(track.outside_since, begin)
        if now - since > rules.off_post:
            off_post = since
    idle = None
    if not offline and track.still_since is not None and track.anchor is not None:
        since = max(track.still_since, begin)
        if seen - since > rules.idle:
            idle = since
    if offline:
        status = PatrolStatus.OFFLINE
    elif off_post is not None:
        status = PatrolStatus.OFF_POST
    elif idle is not None:
        status = PatrolStatus.IDLE
    elif track.last_speed is not None and track.last_speed > 0.5:
        status = PatrolStatus.MOVING
    else:
        status = PatrolStatus.ON_DUTY
    return PatrolState(status, shift, offline=offline, off_post_since=off_post, idle_since=idle)


_TICK = timedelta(microseconds=1)


def next_state_change(track: PatrolTrack | None, window: ShiftWindow, now: datetime,
                      rules: PatrolRules) -> datetime:
    """The earliest instant after `now` at which patrol_state may change with the clock alone
    (the track and the shifts unchanged): every threshold patrol_state compares `now` with.

    Between `now` and it the state is the same, so a caller that re-decides on new fixes, on
    changed shifts or thresholds and at this instant decides exactly as one that asks every pass.
    """
    out = window.valid_until
    last_at = track.last_at if track is not None else None
    if window.latest is not None and last_at is not None:
        end = window.latest[1]
        for t in (end - rules.leave_early, last_at + rules.offline, end + LEFT_EARLY_HOLD):
            if now < t < out:
                out = t
    if window.current is not None:
        begin = window.current[0]
        seen = last_at if last_at is not None and last_at >= begin else None
        t = (seen or begin) + rules.offline
        if now < t < out:
            out = t
        if track is not None and track.outside_since is not None:
            # "more than off_post_min": true from the first instant after the threshold.
            t = max(track.outside_since, begin) + rules.off_post + _TICK
            if now < t < out:
                out = t
    return out if out > now else now + timedelta(days=1)
