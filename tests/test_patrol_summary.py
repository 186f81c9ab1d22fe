"""A track made again from its stored summary and fed the rest of the fixes decides exactly
what a track fed every fix decides: what a seat taking over the alerts starts from."""
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

T0 = datetime(2026, 11, 23, 7, 50)
SHIFTS = (("0123456", "08:00", "09:00"),)
RULES = PatrolRules(offline_min=3, off_post_min=4, idle_min=5, idle_radius_m=30,
                    leave_early_min=20)

# A fix: seconds after T0 (late ones included: a phone's buffer), metres east and north of a
# point (an idle radius is 30 m), inside the work area or not, accuracy (some too poor), speed.
fixes = st.lists(st.tuples(
    st.integers(0, 3600).map(lambda s: T0 + timedelta(seconds=s, microseconds=s % 7)),
    st.floats(-80, 80), st.floats(-80, 80), st.booleans(),
    st.one_of(st.none(), st.sampled_from([5.0, 49.9, 50.0, 50.1, 400.0])),
    st.one_of(st.none(), st.floats(0, 3))), max_size=60)


def feed(track: PatrolTrack, items) -> None:
    for at, east, north, inside, accuracy, speed in items:
        track.add(at, 116.4 + east / 85_000, 39.9 + north / 111_320, inside=inside,
                  radius_m=RULES.idle_radius_m, accuracy=accuracy, speed=speed)


@settings(max_examples=300, deadline=None)
@given(fixes, st.data())
def test_a_track_from_its_summary_continues_as_the_whole_track(items, data):
    cut = data.draw(st.integers(0, len(items)))
    whole = PatrolTrack()
    feed(whole, items)
    before = PatrolTrack()
    feed(before, items[:cut])
    summary = before.to_summary()
    restored = PatrolTrack.from_summary(summary)
    assert restored == before and restored.to_summary() == summary
    feed(restored, items[cut:])
    assert restored == whole
    # And so every decision the map and the alerts make of it, at any instant.
    for minutes in range(0, 75, 2):
        now = T0 + timedelta(minutes=minutes, seconds=17)
        window = shift_window(SHIFTS, now)
        assert patrol_state(restored, window, now, RULES) == patrol_state(whole, window, now,
                                                                          RULES)
        assert (next_state_change(restored, window, now, RULES)
                == next_state_change(whole, window, now, RULES))


def test_a_summary_keeps_every_microsecond_and_the_empty_track():
    empty = PatrolTrack()
    assert PatrolTrack.from_summary(empty.to_summary()) == empty
    track = PatrolTrack(datetime(1969, 12, 31, 23, 59, 59, 999_999), 116.4, 39.9, 0.0,
                        datetime(2026, 11, 23, 8, 0, 0, 1), datetime(2099, 1, 1), (116.41, 39.91))
    assert PatrolTrack.from_summary(track.to_summary()) == track
