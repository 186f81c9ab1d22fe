"""The alert engine's start-up replay of every officer at once (replay_many) rebuilds exactly
the tracks the map's one-by-one replay does (replay_steps, then PatrolTrack.add per step)."""
from __future__ import annotations

from datetime import datetime, timedelta

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from console.domain.patrol_replay import replay_many, replay_steps
from console.domain.patrol_state import _M_PER_DEG, PatrolTrack

EPOCH = datetime(1970, 1, 1)
START = datetime(2026, 3, 2, 9)
RADIUS = 30.0
# Gaps around the step (exactly 15 s included), repeated instants, long silences.
gaps_us = st.sampled_from([0, 1, 5_000_000, 14_999_999, 15_000_000, 15_000_001, 30_000_000,
                           61_000_000, 600_000_000])
# Moves around the idle radius (metres along the latitude), exactly 30 m included.
moves_m = st.sampled_from([0.0, 1.0, 29.999999, 30.0, 30.000001, 45.0, 200.0])
officer_fixes = st.lists(st.tuples(gaps_us, moves_m, st.sampled_from([1.0, -1.0])),
                         min_size=1, max_size=120)


def one_by_one(fixes: list[tuple[datetime, float, float]]) -> PatrolTrack:
    track = PatrolTrack()
    for at, lon, lat in replay_steps(fixes):
        track.add(at, lon, lat, inside=True, radius_m=RADIUS)
    return track


@settings(max_examples=200, deadline=None)
@given(st.lists(officer_fixes, min_size=1, max_size=6))
def test_replay_many_rebuilds_the_tracks_of_the_one_by_one_replay(officers):
    rows = []
    histories = {}
    for officer, moves in enumerate(officers, start=1):
        at, lon, lat = START, 120.0 + officer / 100, 30.0
        fixes = []
        for gap, metres, sign in moves:
            at += timedelta(microseconds=gap)
            lat += sign * metres / _M_PER_DEG
            fixes.append((at, lon, lat))
            rows.append((officer, (at - EPOCH) // timedelta(microseconds=1), lon, lat))
        histories[officer] = fixes
    a = np.array(rows, dtype=object)
    got = replay_many(a[:, 0].astype(np.int64), a[:, 1].astype(np.int64),
                      a[:, 2].astype(np.float64), a[:, 3].astype(np.float64), RADIUS)
    assert set(got) == set(histories)
    for officer, fixes in histories.items():
        steps, anchor = got[officer]
        want = one_by_one(fixes)
        flat = [r for r in rows if r[0] == officer]
        base = rows.index(flat[0])
        assert [fixes[i - base] for i in steps] == replay_steps(fixes)
        last = fixes[int(steps[-1]) - base]
        assert (last[0], last[1], last[2]) == (want.last_at, want.last_lon, want.last_lat)
        assert fixes[anchor - base][0] == want.still_since
        assert (fixes[anchor - base][1], fixes[anchor - base][2]) == want.anchor
