"""GCJ-02 / BD-09 against the widely published Beijing sample (116.404, 39.915) of the open
coordtransform libraries, and the iterated inverse to well under 1e-6°."""
from __future__ import annotations

import numpy as np
import pytest

from console.gis import shifted

POINT = (116.404, 39.915)


def test_forward_conversions_match_the_published_values():
    assert shifted.wgs84_to_gcj02(*POINT) == pytest.approx((116.41024449916938, 39.91640428150164), abs=1e-11)
    assert shifted.gcj02_to_bd09(*POINT) == pytest.approx((116.41036949371029, 39.92133699351021), abs=1e-11)
    assert shifted.bd09_to_gcj02(*POINT) == pytest.approx((116.39762729119315, 39.90865673957631), abs=1e-11)


def test_inverse_by_iteration_round_trips_below_a_microdegree():
    lons = np.linspace(73.5, 134.5, 41)
    lats = np.linspace(18.5, 53.0, 41)
    lon, lat = np.meshgrid(lons, lats)
    back = shifted.gcj02_to_wgs84(*shifted.wgs84_to_gcj02(lon, lat))
    assert np.max(np.abs(back[0] - lon)) < 1e-6 and np.max(np.abs(back[1] - lat)) < 1e-6
    # The libraries' one-step inverse is only good to metres; ours is closer than it.
    one_step = (116.39775550083061, 39.91359571849836)
    ours = shifted.gcj02_to_wgs84(*POINT)
    assert ours == pytest.approx(one_step, abs=1e-5)
    assert shifted.wgs84_to_gcj02(*ours) == pytest.approx(POINT, abs=1e-9)


def test_bd09_round_trip_and_no_shift_outside_china():
    w = shifted.bd09_to_wgs84(*shifted.wgs84_to_bd09(*POINT))
    assert w == pytest.approx(POINT, abs=1e-6)
    assert shifted.wgs84_to_gcj02(2.35, 48.85) == (2.35, 48.85)
