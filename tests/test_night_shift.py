"""夜查: a shift from 19:00 to 02:00 (Mondays only, so the Tuesday morning part belongs to
Monday's shift) and the attendance rules at its boundary minutes, in the rules and end to end
through the alert engine."""
from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from console.domain import alert_rules as rules
from console.domain.alert_rules import Kind, PatrolFacts, Thresholds
from console.domain.patrol_state import (
    PatrolStatus,
    PatrolTrack,
    next_state_change,
    patrol_state,
    shift_window,
)
from console.services.alerts import AlertEngine
from tests import alert_city as C

MON = datetime(2026, 11, 23)
NIGHT = ("0", "19:00", "02:00")
TH = Thresholds()          # off post 10 min, idle 20 min, offline 10 min, left early 30 min
OFFICER = PatrolFacts(1, "P0001", "王强", (NIGHT,))


def at(day: int, hhmm: str) -> datetime:
    """Minute `hhmm` of MON + day."""
    h, m = map(int, hhmm.split(":"))
    return MON + timedelta(days=day, hours=h, minutes=m)


@pytest.mark.parametrize(("now", "current"), [
    (at(0, "18:59"), None),
    (at(0, "19:00"), (at(0, "19:00"), at(1, "02:00"))),
    (at(0, "23:59"), (at(0, "19:00"), at(1, "02:00"))),
    (at(1, "00:00"), (at(0, "19:00"), at(1, "02:00"))),   # Tuesday, but Monday's shift
    (at(1, "01:59"), (at(0, "19:00"), at(1, "02:00"))),
    (at(1, "02:00"), None),
    (at(1, "02:01"), None),
    (at(1, "19:00"), None),                                # Tuesday has no shift of its own
])
def test_the_shift_window_at_the_boundary_minutes(now, current):
    assert shift_window((NIGHT,), now).current == current


def _kinds(track: PatrolTrack | None, now: datetime) -> set[Kind]:
    return {f.kind for f in rules.patrol_findings(OFFICER, track, now, TH)}


def _track(fixes: list[tuple[datetime, bool, float]]) -> PatrolTrack:
    """A track of fixes (time, inside the area, metres east of a fixed spot)."""
    track = PatrolTrack()
    for t, inside, east in fixes:
        track.add(t, 116.4 + east / 85_000, 39.9, inside=inside, radius_m=TH.idle_radius_m)
    return track


def test_off_post_counts_from_the_start_and_across_the_date_change():
    # Outside since before the shift: counted from 19:00, more than 10 minutes from 19:10.
    early = _track([(at(0, "18:50"), False, 0), (at(0, "19:10"), False, 500)])
    assert Kind.OFF_POST not in _kinds(early, at(0, "19:10"))
    assert Kind.OFF_POST in _kinds(early, at(0, "19:10") + timedelta(seconds=1))
    # Outside from 23:55, still reporting after midnight: off post from 00:05 on, since 23:55.
    track = _track([(at(0, "23:50"), True, 0), (at(0, "23:55"), False, 300),
                    (at(1, "00:00"), False, 600), (at(1, "00:05"), False, 900)])
    assert Kind.OFF_POST not in _kinds(track, at(1, "00:05"))
    track.add(at(1, "00:06"), 116.41, 39.9, inside=False, radius_m=30)
    (finding,) = [f for f in rules.patrol_findings(OFFICER, track, at(1, "00:06"), TH)
                  if f.kind is Kind.OFF_POST]
    assert finding.params["since"] == "2026-11-23T23:55:00"
    # The shift ends at 02:00: nothing is said about the officer from then on.
    late = _track([(at(1, "01:40"), False, 0), (at(1, "01:59"), False, 500)])
    assert Kind.OFF_POST in _kinds(late, at(1, "01:59"))
    assert _kinds(late, at(1, "02:00")) == set() == _kinds(late, at(1, "02:01"))


def test_idle_across_midnight():
    fixes = [(at(0, "23:45") + timedelta(minutes=m), True, (m % 2) * 5) for m in range(21)]
    track = _track(fixes)                       # still from 23:45 to 00:05
    assert Kind.IDLE not in _kinds(track, at(1, "00:05"))     # exactly 20 minutes: not more
    track.add(at(1, "00:06"), 116.4, 39.9, inside=True, radius_m=30)
    assert Kind.IDLE in _kinds(track, at(1, "00:06"))


@pytest.mark.parametrize(("last_seen", "now", "left_early"), [
    (at(1, "01:29"), at(1, "01:38"), False),    # silent 9 minutes: not yet offline
    (at(1, "01:29"), at(1, "01:39"), True),     # last seen before 01:30, silent 10 minutes
    (at(1, "01:30"), at(1, "01:59"), False),    # seen at end − 30 min: stayed long enough
    (at(1, "01:29"), at(1, "01:59"), True),
    (at(1, "01:29"), at(1, "02:00"), True),     # kept after the end…
    (at(1, "01:29"), at(1, "02:01"), True),
    (at(1, "01:29"), at(1, "13:59"), True),
    (at(1, "01:29"), at(1, "14:00"), False),    # …for twelve hours
    (at(0, "23:59"), at(1, "00:00"), False),    # the date change alone changes nothing
])
def test_left_early_at_the_boundary_minutes(last_seen, now, left_early):
    track = _track([(at(0, "19:00"), True, 0), (last_seen, True, 0)])
    assert (Kind.LEFT_EARLY in _kinds(track, now)) is left_early
    state = patrol_state(track, shift_window((NIGHT,), now), now, TH.patrol_rules)
    assert (state.status is PatrolStatus.LEFT_EARLY) is left_early


def test_the_next_change_is_found_across_midnight():
    """The engine re-decides an officer only at next_state_change: across the date change it
    must still name 01:30 (end − 30 min) and 02:00 (the end)."""
    track = _track([(at(0, "19:00"), True, 0), (at(1, "01:25"), True, 0)])
    now = at(1, "01:26")
    window = shift_window((NIGHT,), now)
    assert next_state_change(track, window, now, TH.patrol_rules) == at(1, "01:30")
    assert window.valid_until == at(1, "02:00")


def test_end_to_end_through_the_engine_at_the_boundaries(db):
    """The Monday night shift, walked inside then off post after midnight and left early, with
    one engine pass per boundary minute."""
    city = C.build(db, shift=NIGHT)
    engine = AlertEngine()
    key = f"off_post:patrol:{city.officer_id}"
    early = f"left_early:patrol:{city.officer_id}"

    def kinds(now):
        C.evaluate(db, engine, now)
        return {k.split(":")[0] for k in C.open_alerts(db) if ":patrol:" in k}

    assert kinds(at(0, "18:59")) == set()                    # before the shift
    C.walk(db, city, at(0, "19:00"), at(0, "23:55"), C.inside, every_s=300)
    assert kinds(at(0, "19:00")) == set()
    outside = (C.LON0 + C.STEP * 5, C.LAT0 + C.STEP * 5)
    C.walk(db, city, at(0, "23:56"), at(1, "00:06"), lambda t: outside, every_s=60)
    assert kinds(at(1, "00:00")) == set()
    assert kinds(at(1, "00:06")) == set()                    # outside exactly 10 minutes
    assert kinds(at(1, "00:07")) == {"off_post"}
    assert C.open_alerts(db)[key].params["since"] == "2026-11-23T23:56:00"
    C.walk(db, city, at(1, "00:08"), at(1, "01:29"), C.inside, every_s=60)
    assert kinds(at(1, "01:29")) == set()                    # back inside: cleared
    assert kinds(at(1, "01:38")) == set()
    assert kinds(at(1, "01:39")) == {"left_early"}
    assert kinds(at(1, "02:00")) == {"left_early"}
    assert kinds(at(1, "02:01")) == {"left_early"}
    assert early in C.open_alerts(db)


def test_back_to_back_shifts_are_one_stretch_of_duty():
    """A 24-hour shift every day, or 08–16 then 16–24: no restart at the hand-over, so standing
    still across midnight stays 窝岗 (it used to start again at 00:00)."""
    from console.domain.patrol_state import on_shift
    day = datetime(2026, 3, 9)                                     # a Monday
    every_day = [("0123456", "00:00", "00:00")]
    assert on_shift(every_day, day + timedelta(minutes=5)) == (day - timedelta(days=7),
                                                               day + timedelta(days=8))
    halves = [("0123456", "08:00", "16:00"), ("0123456", "16:00", "00:00")]
    assert on_shift(halves, day.replace(hour=15)) == (day.replace(hour=8),
                                                      day + timedelta(days=1))
    apart = [("0123456", "08:00", "12:00"), ("0123456", "14:00", "18:00")]
    assert on_shift(apart, day.replace(hour=15)) == (day.replace(hour=14), day.replace(hour=18))
