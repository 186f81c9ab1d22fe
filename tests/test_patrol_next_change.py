"""The alert engine re-decides an officer only on new fixes or at next_state_change: the state
must be the same at every instant before that one, whatever the track and the shifts."""
from __future__ import annotations

from datetime import datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from console.domain.patrol_state import (
    PatrolRules,
    PatrolTrack,
    next_state_change,
    patrol_state,
    shift_window,
)

MONDAY = datetime(2026, 3, 2)
MINUTE = timedelta(minutes=1)
minutes = st.integers(min_value=0, max_value=3 * 24 * 60)
opt_minutes = st.none() | minutes
hhmm = st.sampled_from(["00:00", "06:30", "08:00", "12:00", "16:00", "17:30", "22:00"])
shifts = st.lists(st.tuples(st.sampled_from(["0123456", "01234", "56", ""]), hhmm, hhmm),
                  max_size=2)


@st.composite
def tracks(draw):
    last = draw(opt_minutes)
    if last is None:
        return None
    at = lambda m: MONDAY + m * MINUTE if m is not None else None
    outside = draw(opt_minutes)
    still = draw(opt_minutes)
    return PatrolTrack(last_at=at(last), last_speed=draw(st.none() | st.sampled_from([0.0, 2.0])),
                       outside_since=at(min(outside, last)) if outside is not None else None,
                       still_since=at(min(still, last)) if still is not None else None,
                       anchor=(120.0, 30.0) if still is not None else None)


@settings(max_examples=300, deadline=None)
@given(tracks(), shifts, minutes, st.integers(min_value=0, max_value=59),
       st.lists(st.integers(min_value=1, max_value=40 * 60), min_size=1, max_size=60),
       st.sampled_from([PatrolRules(), PatrolRules(offline_min=3, off_post_min=7, idle_min=4,
                                                   leave_early_min=45)]))
def test_deciding_only_at_the_next_change_agrees_with_deciding_every_pass(
        track, officer_shifts, start, second, gaps_s, rules):
    now = MONDAY + start * MINUTE + timedelta(seconds=second)
    window = shift_window(officer_shifts, now)
    state = patrol_state(track, window, now, rules)
    until = next_state_change(track, window, now, rules)
    for gap in gaps_s:
        # Passes at random times, and at the change instant itself and just after it.
        passes = {now + timedelta(seconds=gap), until, until + timedelta(microseconds=1)}
        for at in sorted(passes):
            if at <= now:
                continue
            now = at
            if not window.holds(now):
                window = shift_window(officer_shifts, now)
            if now >= until:
                state = patrol_state(track, window, now, rules)
                until = next_state_change(track, window, now, rules)
                assert until > now
            fresh = patrol_state(track, shift_window(officer_shifts, now), now, rules)
            assert state == fresh, (now, until)
