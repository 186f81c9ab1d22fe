"""One patrol truth: the same fixes (accurate, wild, outside every cell, stale) give the map's
marker state, the open patrol alerts and the KPI strip's patrol counts one verdict."""
from __future__ import annotations

from datetime import timedelta

from console.domain.alert_rules import PATROL_KIND_STATUS, Kind
from console.domain.patrol_state import PatrolStatus, patrol_state, shift_window
from console.services import map_grid, map_patrols
from console.services.alerts import AlertEngine
from console.services.kpis import kpis
from tests import alert_city as C
from tests.alert_city import LAT0, LON0, MONDAY, STEP

H = lambda hh, mm=0, day=MONDAY: day.replace(hour=hh, minute=mm)   # noqa: E731
EAST = lambda t: (LON0 + STEP * 1.5, LAT0 + STEP * 0.5)            # noqa: E731  cell 2
NOWHERE = lambda t: (LON0 + STEP * 9, LAT0 + STEP * 9)              # noqa: E731  outside the grid
SPOT = lambda t: (LON0 + STEP * 0.4, LAT0 + STEP * 1.4)             # noqa: E731  cell 3

# (from, to, where, accuracy): the officer's day, fixes every 30 s.
DAY = [(H(8), H(8, 30), C.inside, 8.0),
       (H(8, 30, ), H(8, 44), EAST, 8.0),
       (H(8, 44, ) + timedelta(seconds=30), H(8, 50), C.inside, 400.0),   # wild: proves nothing
       (H(8, 50) + timedelta(seconds=30), H(9), NOWHERE, 12.0),
       (H(9) + timedelta(seconds=30), H(9, 25), SPOT, 5.0)]               # then silence
CHECKS = [H(8, 20), H(8, 31), H(8, 42), H(8, 50), H(8, 58), H(9, 10), H(9, 24), H(9, 34), H(9, 36),
          H(15, 40), H(21), H(5, day=MONDAY + timedelta(days=1))]


def map_verdict(db, officer: int, now, *, summaries: bool = False):
    """The map's view at `now`, built at start from the whole recent history, or (summaries)
    from the tracks the alert engine stored and the fixes since, as the map page builds it
    when there are some."""
    with db.session() as s:
        grid = map_grid.load_grid(s)
        rules = map_patrols.state_rules(s)
        fixes = map_patrols.latest_fixes(s, now)
        start = map_patrols.start_tracks(s, now, rules) if summaries else None
        if summaries:
            assert start is not None and officer in start.tracks, now
        minutes = map_patrols.TRAIL_MINUTES if summaries else map_patrols.HISTORY_MINUTES
        tracks = map_patrols.recent_tracks(s, fixes, now, minutes=minutes)
        watch = map_patrols.PatrolWatch(map_patrols.patrol_roster(s), grid, now, fixes, tracks,
                                        rules, start)
    return watch.verdict(officer, now), watch.state(officer, now)


def test_map_alerts_and_kpis_agree_on_every_patrol_state(db):
    city = C.build(db)
    engine = AlertEngine()
    written = 0
    seen: set[PatrolStatus] = set()
    stored = 0
    for now in CHECKS:
        while written < len(DAY) and DAY[written][1] <= now:
            start, end, where, accuracy = DAY[written]
            C.walk(db, city, start, end, where, accuracy=accuracy)
            written += 1
        C.evaluate(db, engine, now)
        fresh = AlertEngine()   # a seat taking over the lease now finds the same
        with db.session() as s:
            fresh.evaluate(s, now)   # (rolled back: only its findings matter)
            fresh_kinds = {f.kind for f in fresh.findings(s, now) if f.kind in PATROL_KIND_STATUS}
            figures = kpis(s, now)
        alerts = {Kind(a.kind) for a in C.open_alerts(db).values() if a.subject_type == "patrol"}
        verdict, marker = map_verdict(db, city.officer_id, now)
        # The map started from the engine's stored tracks decides as the one from the history.
        if city.officer_id in engine.tracks:   # (none before the first fix)
            # The map started from the engine's stored tracks decides as the engine's live
            # track does, to the second; and as the history's replay, up to the instant a run
            # began (8:30 has two fixes: the live track takes both, the replay's steps one).
            live = patrol_state(engine.tracks[city.officer_id],
                                shift_window(engine.patrols[city.officer_id].shifts, now), now,
                                engine.th.patrol_rules)
            from_stored, stored_marker = map_verdict(db, city.officer_id, now, summaries=True)
            assert from_stored == live and stored_marker is marker, now
            assert from_stored.conditions == verdict.conditions, now
            stored += 1
        seen.add(marker)
        assert marker is verdict.status, now
        assert {PATROL_KIND_STATUS[k] for k in alerts} == verdict.conditions, now
        assert fresh_kinds == alerts, now
        assert figures.patrols_off_post == int(PatrolStatus.OFF_POST in verdict.conditions), now
        assert figures.patrols_offline == int(PatrolStatus.OFFLINE in verdict.conditions), now
        assert figures.patrols_on_duty == int(verdict.on_duty), now
    assert stored >= len(CHECKS) - 1
    # The day went through every state, so the agreement says something.
    assert seen >= {PatrolStatus.ON_DUTY, PatrolStatus.OFF_POST, PatrolStatus.IDLE,
                    PatrolStatus.OFFLINE, PatrolStatus.LEFT_EARLY, PatrolStatus.OFF_SHIFT}, seen


def test_the_map_starts_from_stored_tracks_and_the_fixes_written_since(db):
    """A seat opening its map while phones report: the engine stored its tracks a while ago
    and fixes arrived after them. The map takes those fixes (the engine's own tuples) and
    decides as a replay of the whole history does — it used to fail on them, leaving the map
    without a case marker or a patrol."""
    city = C.build(db)
    engine = AlertEngine()
    C.walk(db, city, H(8), H(8, 20), C.inside)
    C.evaluate(db, engine, H(8, 20))                      # the engine stores the tracks
    C.walk(db, city, H(8, 20, ) + timedelta(seconds=30), H(8, 40), EAST)   # then walks off
    with db.session() as s:
        start = map_patrols.start_tracks(s, H(8, 40), map_patrols.state_rules(s))
    assert start is not None and len(start.fixes) == 40   # 8:20:30 … 8:40, every 30 s
    from_stored, marker = map_verdict(db, city.officer_id, H(8, 40), summaries=True)
    replayed, replayed_marker = map_verdict(db, city.officer_id, H(8, 40))
    assert marker is replayed_marker is PatrolStatus.OFF_POST
    assert from_stored.conditions == replayed.conditions


def test_an_officer_the_stored_tracks_lack_is_replayed_from_the_history(db):
    """An officer new since the engine stored its tracks: the map replays their history up to
    now (as the engine replays it up to the stored point and feeds the fixes since). Fed the
    fixes since a second time, the track restarted at the first of them — on duty where the
    officer had been off post for 25 minutes."""
    from sqlalchemy import delete

    from console.services.positions import Fix as PhoneFix
    from console.services.positions import record_positions
    from console.store.models import Device, PatrolOfficer, PatrolTrackSummary, Shift
    city = C.build(db)
    with db.transaction() as s:   # a second officer keeps the stored tracks from being empty
        other = PatrolOfficer(code="P0002", name="李四", work_grid_id=None)
        s.add(other)
        s.flush()
        s.add(Device(unique_id="phone-2", patrol_officer_id=other.id))
        s.add(Shift(patrol_officer_id=other.id, weekdays="0123456", start="08:00", end="16:00"))
    with db.transaction() as s:
        record_positions(s, [PhoneFix(device="phone-2", at=H(8, 10), lon=LON0, lat=LAT0,
                                      accuracy=8.0)])
    engine = AlertEngine()
    C.walk(db, city, H(8), H(8, 20), EAST)                # off post from 8:00
    C.evaluate(db, engine, H(8, 20))
    with db.transaction() as s:                           # no stored track of this officer
        s.execute(delete(PatrolTrackSummary).where(
            PatrolTrackSummary.patrol_officer_id == city.officer_id))
    C.walk(db, city, H(8, 20) + timedelta(seconds=30), H(8, 25), EAST)
    replayed, marker = map_verdict(db, city.officer_id, H(8, 25))
    with db.session() as s:
        start = map_patrols.start_tracks(s, H(8, 25), map_patrols.state_rules(s))
    assert start is not None and city.officer_id not in start.tracks and start.fixes
    with db.session() as s:
        fixes = map_patrols.latest_fixes(s, H(8, 25))
        tracks = map_patrols.recent_tracks(s, fixes.keys() - start.tracks.keys(), H(8, 25),
                                           minutes=map_patrols.HISTORY_MINUTES)
        watch = map_patrols.PatrolWatch(map_patrols.patrol_roster(s), map_grid.load_grid(s),
                                        H(8, 25), fixes, tracks, map_patrols.state_rules(s),
                                        start)
    assert watch.state(city.officer_id, H(8, 25)) is marker is PatrolStatus.OFF_POST
    assert watch.verdict(city.officer_id, H(8, 25)).conditions == replayed.conditions
