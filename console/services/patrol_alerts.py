"""The patrol half of the alert engine: officers, shifts and work areas, a track per officer,
and the patrol findings (off post, idle, offline, left early).

`PatrolAlerts` is mixed into services/alerts.AlertEngine and shares its state: the tracks are
fed the new fixes of each pass (by history id), rebuilt at a start from the stored summaries
and the fixes since (or the history replayed), and stored again every TRACK_SAVE_EVERY.
Officers are re-decided only when their track, shifts or thresholds change, or when the clock
reaches the next instant their state could change at. No Qt; SQL through store modules.
"""
from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from console.domain import alert_rules as rules
from console.domain.alert_rules import Finding, Kind, PatrolFacts, Thresholds
from console.domain.patrol_replay import replay_many
from console.domain.patrol_state import (
    PatrolTrack,
    ShiftWindow,
    TrackSummary,
    next_state_change,
    shift_window,
)
from console.domain.work_areas import GridAreas
from console.services.alert_digests import OFFLINE_GROUP, DigestBook, silent_since
from console.store import patrol_queries as pq
from console.store import patrol_tracks as tracks_store

#: Static patrol data (officers, shifts, work grids) is re-read at least this often.
PATROL_RELOAD = timedelta(minutes=10)
#: The tracks that changed are stored this often (patrol_track_summaries): a seat that starts
#: or takes over reads them and the fixes since, not the half hour of history. Every pass
#: would rewrite one row per phone on shift (about 40 ms at 10,000 officers).
TRACK_SAVE_EVERY = timedelta(seconds=30)
#: With no track changing (a quiet night), the stored ones are marked current this often: a
#: start finds them within the history window and need not replay it.
TRACK_REFRESH = timedelta(minutes=10)
_EPOCH = datetime(1970, 1, 1)


def _when(us: Any) -> datetime:
    """The naive datetime of microseconds since 1970-01-01 (as the history is read)."""
    return _EPOCH + timedelta(microseconds=int(us))


class PatrolAlerts:
    """The patrol state of an AlertEngine and the passes' patrol steps."""

    th: Thresholds
    _position_id: int

    def _init_patrols(self) -> None:
        """Nothing known yet: the first pass reads every officer and track."""
        self.tracks: dict[int, PatrolTrack] = {}
        self.patrols: dict[int, PatrolFacts] = {}
        self.areas: dict[int, int | None] = {}            # officer id → work grid (None: none)
        self.windows: dict[int, ShiftWindow] = {}          # officer id → shifts around now
        self._pattern_windows: dict[tuple[Any, ...], ShiftWindow] = {}
        self._grid_areas = GridAreas([], [], lambda rows: [])
        self._area_grids: set[int] | None = None         # the grids _grid_areas holds
        self._position_id = 0
        self._patrols_read_at: datetime | None = None
        # Patrols are re-decided when their track, shifts or thresholds change, or when the
        # clock reaches the next instant their state could change at (patrol_state's own
        # thresholds): a pass costs the fixes that arrived, not the 10,000 officers.
        self._patrol_all = True
        self._patrol_dirty: set[int] = set()
        self._patrol_next: dict[int, datetime] = {}
        # Track summaries: what is stored of each track, the officers fed since the last save,
        # when it was, and whether the next save replaces every row (after a history replay).
        self._saved: dict[int, TrackSummary] = {}
        self._track_dirty: set[int] = set()
        self._saved_at: datetime | None = None
        self._written_at: datetime | None = None
        self._save_all = False
        #: How the last start was made: "summaries" or "history" (for tests and the bench).
        self.started_from = ""
        # Offline officers are decided together (one digest when many fall silent at once):
        # each one's finding, the digest's book, who is on shift, the newest fix of all.
        self.offline_book = DigestBook()
        self._offline_found: dict[int, Finding] = {}
        self._on_shift: set[int] = set()
        self._offline_dirty = True
        self._newest_fix: datetime | None = None



    def _patrols_to_decide(self, now: datetime) -> set[int] | None:
        """The officers whose state may have changed since the last pass (None: all)."""
        if self._patrol_all:
            return None
        ids = self._patrol_dirty
        ids.update(pid for pid, at in self._patrol_next.items() if at <= now)
        return ids


    def _patrol_findings(self, ids: set[int] | None, now: datetime) -> list[Finding]:
        """The findings of the officers `ids` (None: all), noting when each is due again."""
        th, rules_ = self.th, self.th.patrol_rules
        if ids is None:
            ids = set(self.patrols)
            self._patrol_next = {}
            self._on_shift = set()
            gone = set(self._offline_found) - ids
            for pid in gone:
                self._offline_found.pop(pid)
                self.offline_book.place(pid, (), now)
        out: list[Finding] = []
        offline, on_shift, book = self._offline_found, self._on_shift, self.offline_book
        for pid in ids:
            p = self.patrols.get(pid)
            if p is None:
                self._patrol_next.pop(pid, None)
                on_shift.discard(pid)
                if offline.pop(pid, None) is not None:
                    book.place(pid, (), now)
                continue
            track, window = self.tracks.get(pid), self._window(p, now)
            if window.current is not None:
                on_shift.add(pid)
            else:
                on_shift.discard(pid)
            silent = None
            for f in rules.patrol_findings(p, track, now, th, window):
                if f.kind is Kind.OFFLINE:
                    silent = f
                else:
                    out.append(f)
            if silent is not None:
                offline[pid] = silent
                book.place(pid, ((Kind.OFFLINE_DIGEST, OFFLINE_GROUP, {
                    "id": pid, "code": p.code, "name": p.name,
                    "since": silent_since(silent.params)}),), now)
            elif offline.pop(pid, None) is not None:
                book.place(pid, (), now)
            self._patrol_next[pid] = next_state_change(track, window, now, rules_)
        if ids:
            self._offline_dirty = True
        self._patrol_all = False
        self._patrol_dirty = set()
        return out


    def _window(self, p: PatrolFacts, now: datetime) -> ShiftWindow:
        """The officer's shift window, asked of the calendar only when a shift starts or ends."""
        window = self.windows.get(p.id)
        if window is None or not window.holds(now):
            # Officers share a few shift patterns: one window per pattern serves them all.
            window = self._pattern_windows.get(p.shifts)
            if window is None or not window.holds(now):
                window = self._pattern_windows[p.shifts] = shift_window(p.shifts, now)
            self.windows[p.id] = window
        return window


    def _read_tracks(self, session: Session, now: datetime) -> None:
        """Every officer's track: from the stored summaries and the fixes since, as the seat
        that wrote them holds them; else (none, or too old) by replaying the history."""
        since = now - self.th.patrol_rules.history
        start = tracks_store.track_start(session, now, self.th.patrol_rules.history, self._position_id)
        self.tracks, self._saved, self._track_dirty = {}, {}, set()
        self._saved_at = None
        if start is None:
            self._replay(pq.useful_history(session, list(self.patrols), since, self._position_id))
            self._latest_fixes(session, None)
            self._save_all = True
            self.started_from = "history"
            return
        stored = start.summaries
        self._written_at = stored.written_at
        self.tracks = {o: PatrolTrack.from_summary(s) for o, s in stored.tracks.items()}
        self._saved = dict(stored.tracks)
        self._save_all = False
        self.started_from = "summaries"
        # The first save waits for the next one's time: the rows stay valid meanwhile, and a
        # takeover's pass does not rewrite every track it has just read.
        self._saved_at = now
        # An officer the writer had no track of (new since): the window's history, up to the
        # summaries' point; the fixes after it follow for everyone alike.
        missing = [o for o in self.patrols if o not in self.tracks]
        if missing:
            self._replay(pq.useful_history(session, missing, since, stored.upto))
        self._take_fixes(start.fixes)
        if missing:
            self._latest_fixes(session, set(missing))
        else:
            self._newest_fix = max((t.last_at for t in self.tracks.values()
                                    if t.last_at is not None), default=None)
        self._patrol_dirty = set()


    def _latest_fixes(self, session: Session, officers: set[int] | None) -> None:
        """When each phone last spoke (of `officers`; None: all), older than the window too:
        it is all that matters of an old fix (offline, left early)."""
        for r in pq.latest_fixes(session, officers):
            track = self.tracks.setdefault(r.patrol_officer_id, PatrolTrack())
            if track.last_at is None or r.at > track.last_at:
                track.last_at, track.last_lon, track.last_lat = r.at, r.lon, r.lat
                track.last_speed = r.speed
        self._newest_fix = max((t.last_at for t in self.tracks.values()
                                if t.last_at is not None), default=None)


    def _save_tracks(self, session: Session, now: datetime) -> None:
        """Store the tracks that changed since the last save (all rows, after a replay), as of
        the history id this pass has read to: with every unchanged row, valid as of it."""
        if not self._save_all:
            if self._saved_at is not None and self._saved_at <= now < self._saved_at + TRACK_SAVE_EVERY:
                return
            ids: Any = self._track_dirty
        else:
            ids = self.tracks
        saved, tracks = self._saved, self.tracks
        rows = []
        for officer in ids:
            track = tracks.get(officer)
            if track is None:
                continue
            summary = track.to_summary()
            if saved.get(officer) != summary:
                rows.append((officer, summary))
        if rows or self._save_all:
            tracks_store.write_track_summaries(session, self._position_id, now, rows,
                                    replace_all=self._save_all)
            self._written_at = now
        elif self._written_at is None or not (self._written_at <= now
                                              < self._written_at + TRACK_REFRESH):
            # Nothing changed since: every stored track is current as of this pass.
            tracks_store.mark_track_summaries(session, self._position_id, now)
            self._written_at = now
        if self._save_all:
            saved.clear()
        saved.update(rows)
        self._saved_at, self._track_dirty, self._save_all = now, set(), False


    def _read_patrols(self, session: Session, now: datetime) -> None:
        officers = pq.patrol_officers(session)
        shifts = pq.shifts(session)
        grids = {o.work_grid_id for o in officers if o.work_grid_id is not None}
        if self._area_grids is None or not grids <= self._area_grids:
            # Kept until a work grid changes (the feed says) or a new one is given: read again
            # every few minutes with the roster, they are read once. A ring is decoded when a
            # fix first falls in its box.
            ids, boxes, texts = [], [], []
            for grid_id, cells in pq.work_grid_cells(session, grids).items():
                ids += [grid_id] * len(cells.boxes)
                boxes += cells.boxes
                texts += cells.rings
            self._grid_areas = GridAreas(
                ids, boxes, lambda rows: pq.parse_rings([texts[r] for r in rows]))
            self._area_grids = grids
        self.patrols = {o.id: PatrolFacts(o.id, o.code, o.name, tuple(shifts.get(o.id, ())))
                        for o in officers}
        self.windows = {}
        # No work grid: never off post (as the map sees it); a grid without cells: always.
        self.areas = {o.id: o.work_grid_id for o in officers}
        self._patrols_read_at = now
        self._patrol_all = True


    def _replay(self, history: pq.History) -> None:
        """Start-up: rebuild each track from its useful recent fixes, as the map does.

        The same steps as the map's replay (patrol_replay.replay_steps), taken for all officers
        at once (replay_many), so both start from the same tracks. Only the trailing run outside
        the work area matters for off post, so it is found walking back from the newest step:
        one batch of polygon tests per step back, over the officers still outside.
        """
        at_us, lon, lat = history.at_us, history.lon, history.lat
        replayed = replay_many(history.officer, at_us, lon, lat, self.th.idle_radius_m)
        for officer, (steps, anchor) in replayed.items():
            last = int(steps[-1])
            track = self.tracks.setdefault(officer, PatrolTrack())
            track.last_at, track.last_speed = _when(at_us[last]), None
            track.last_lon, track.last_lat = float(lon[last]), float(lat[last])
            track.anchor = (float(lon[anchor]), float(lat[anchor]))
            track.still_since = _when(at_us[anchor])
            track.outside_since = None
        # Walking back, step by step: officer → (its grid, its steps, how many are left).
        walking = {officer: (self.areas.get(officer), steps.tolist(), len(steps))
                   for officer, (steps, _) in replayed.items()}
        walking = {o: w for o, w in walking.items() if w[0] is not None}
        since: dict[int, int] = {}
        while walking:
            officers = list(walking)
            at = [walking[o][1][walking[o][2] - 1] for o in officers]
            inside = self._grid_areas.covers_many([walking[o][0] for o in officers],
                                                  lon[at].tolist(), lat[at].tolist())
            for o, i, within in zip(officers, at, inside):
                grid, steps, left = walking.pop(o)
                if not within:
                    since[o] = i
                    if left > 1:
                        walking[o] = (grid, steps, left - 1)
        for officer, i in since.items():
            self.tracks[officer].outside_since = _when(at_us[i])


    def _take_fixes(self, fixes: list[Any]) -> int:
        # (id, officer, at, lon, lat, accuracy, speed) as pq.positions_after reads them
        fixes = [tuple(f) for f in fixes if f[1] is not None]
        radius = self.th.idle_radius_m
        tracks, areas, dirty = self.tracks, self.areas, self._patrol_dirty
        self._track_dirty.update(f[1] for f in fixes)
        # Every fix's polygon test at once: the batch is one fix from each phone on shift.
        inside = self._grid_areas.covers_many([areas.get(f[1]) for f in fixes],
                                              [f[3] for f in fixes], [f[4] for f in fixes])
        for (_, officer, at, lon, lat, accuracy, speed), within in zip(fixes, inside):
            track = tracks.get(officer)
            if track is None:
                track = tracks[officer] = PatrolTrack()
            track.add(at, lon, lat, inside=within, radius_m=radius, accuracy=accuracy,
                      speed=speed)
            dirty.add(officer)
        if fixes:
            newest = max(f[2] for f in fixes)
            if self._newest_fix is None or newest > self._newest_fix:
                self._newest_fix = newest
        return len(fixes)
