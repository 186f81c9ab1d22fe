"""The start-up replay of the position history: the steps the map and the alert engine both
feed their tracks, for one officer (replay_steps) or for every officer at once (replay_many).

Plain data and numpy arrays; no Qt, no SQL.
"""
from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

import numpy as np

from console.domain.patrol_state import _M_PER_DEG, REPLAY_STEP_S, distance_m


def replay_steps(history: Iterable[tuple[datetime, float, float]], step_s: float = REPLAY_STEP_S
                 ) -> list[tuple[datetime, float, float]]:
    """The fixes of one officer's history (time order) that the start-up replay feeds: one per
    `step_s` (the first of each gap). Give it only useful fixes (accuracy within
    MAX_USEFUL_ACCURACY_M): the others start and break no run."""
    out: list[tuple[datetime, float, float]] = []
    for fix in history:
        if not out or (fix[0] - out[-1][0]).total_seconds() >= step_s:
            out.append(fix)
    return out


def replay_many(officer: np.ndarray, at_us: np.ndarray, lon: np.ndarray, lat: np.ndarray,
                radius_m: float, step_s: float = REPLAY_STEP_S
                ) -> dict[int, tuple[np.ndarray, int]]:
    """replay_steps and the idle anchor of PatrolTrack.add for many officers at once.

    The arrays hold useful fixes sorted by officer, time (microseconds) and id. Returns officer
    → (indices of its replay steps, index of the step its idle anchor was set at): exactly what
    replay_steps and feeding those steps to PatrolTrack.add give, computed one step at a time
    for every officer together instead of one fix at a time in Python.
    """
    n = len(officer)
    if n == 0:
        return {}
    first = np.flatnonzero(np.r_[True, officer[1:] != officer[:-1]])
    end = np.r_[first[1:], n]
    groups = len(first)
    # One increasing key over all officers (each in a band of its own), so a single
    # searchsorted finds every officer's next step: the first fix >= last step + step_s.
    t = at_us - at_us.min()
    band = int(t.max()) + int(step_s * 1_000_000) + 1
    key = t + np.repeat(np.arange(groups, dtype=np.int64) * band, end - first)
    step_us = round(step_s * 1_000_000)
    columns = [first]
    live = np.arange(groups)
    cur = first
    while len(live):
        nxt = np.searchsorted(key, key[cur] + step_us, side="left")
        ok = nxt < end[live]
        live, cur = live[ok], nxt[ok]
        if len(live):
            col = np.full(groups, -1, dtype=np.int64)
            col[live] = cur
            columns.append(col)
    steps = np.stack(columns, axis=1)             # officer × step, -1 past the last step
    anchor = first.copy()                          # the first step sets the anchor
    for j in range(1, steps.shape[1]):
        idx = steps[:, j]
        has = np.flatnonzero(idx >= 0)
        at, here = anchor[has], idx[has]
        d = _distance_m_many(lon[at], lat[at], lon[here], lat[here])
        moved = d > radius_m
        # numpy's cos and hypot may differ from math's in the last bit: decide the near ties
        # with the very function PatrolTrack.add uses.
        for k in np.flatnonzero(np.abs(d - radius_m) <= 1e-6 * max(radius_m, 1.0)):
            a, h = int(at[k]), int(here[k])
            moved[k] = distance_m(lon[a], lat[a], lon[h], lat[h]) > radius_m
        anchor[has[moved]] = here[moved]
    out = {}
    for g in range(groups):
        row = steps[g]
        out[int(officer[first[g]])] = (row[row >= 0], int(anchor[g]))
    return out


def _distance_m_many(lon1: np.ndarray, lat1: np.ndarray, lon2: np.ndarray, lat2: np.ndarray
                     ) -> np.ndarray:
    dx = (lon2 - lon1) * _M_PER_DEG * np.cos(np.radians((lat1 + lat2) / 2))
    dy = (lat2 - lat1) * _M_PER_DEG
    return np.hypot(dx, dy)
