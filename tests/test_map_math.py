"""Map math and colours: pure functions, no Qt, no database."""
from __future__ import annotations

import math

import numpy as np
import pytest

from console.mappage import mapmath, styles

HANGZHOU = (120.1551, 30.2741)


def test_mercator_matches_the_slippy_map_formula_and_round_trips():
    lon, lat = HANGZHOU
    for zoom in (0, 5, 12, 18):
        x, y = mapmath.mercator(lon, lat, zoom)
        n = 2 ** zoom
        # The OSM wiki's tile formula, in pixels.
        assert x == pytest.approx((lon + 180) / 360 * n * 256)
        rad = math.radians(lat)
        assert y == pytest.approx((1 - math.asinh(math.tan(rad)) / math.pi) / 2 * n * 256)
        back = mapmath.unmercator(x, y, zoom)
        assert back == pytest.approx((lon, lat), abs=1e-9)


def test_mercator_clips_the_poles_to_a_square_world():
    assert mapmath.mercator(0, 90)[1] == pytest.approx(0, abs=1e-6)
    assert mapmath.mercator(0, -90)[1] == pytest.approx(256, abs=1e-6)


def test_tile_numbers():
    assert mapmath.tile_of(0, 0, 1) == (1, 1)
    assert mapmath.tile_of(-179.9, 85, 3) == (0, 0)
    assert mapmath.tile_of(*HANGZHOU, 12) == (3415, 1686)
    assert mapmath.tile_of(180, -85.1, 4) == (15, 15)   # the edge stays on the last tile


def test_fit_zoom_is_the_largest_zoom_at_which_the_box_fits():
    bbox = (120.0, 30.15, 120.28, 30.38)
    zoom = mapmath.fit_zoom(bbox, 1100, 760)
    for z, fits in ((zoom, True), (zoom + 1, False)):
        x0, y1 = mapmath.mercator(bbox[0], bbox[1], z)
        x1, y0 = mapmath.mercator(bbox[2], bbox[3], z)
        assert (x1 - x0 <= 1060 and y1 - y0 <= 720) is fits
    assert mapmath.fit_zoom((120, 30, 120, 30), 800, 600) == 19   # a point: the closest zoom


def test_haversine_agrees_with_a_known_distance():
    # One degree of latitude on Leaflet's 6,371 km sphere is 111.195 km.
    assert mapmath.haversine_m(120, 30, 120, 31) == pytest.approx(111_194.9, rel=1e-5)
    assert mapmath.haversine_m(*HANGZHOU, *HANGZHOU) == 0


@pytest.mark.parametrize("value, klass", [(0, 0), (1, 1), (2, 2), (3, 2), (4, 3), (6, 3), (7, 4),
                                          (500, 4), (-1, 0)])
def test_class_of_open_case_counts(value, klass):
    assert mapmath.class_of(value, styles.MEASURE_BREAKS["open"]) == klass


def test_rings_survive_the_trip_as_integers_to_a_tenth_of_a_metre():
    rings = [np.array([[120.1623761, 30.2776954], [120.1634316, 30.2777148],
                       [120.1634418, 30.2786466], [120.1623761, 30.2776954]]),
             np.array([[120.0, 30.0], [120.001, 30.0], [120.001, 30.001]])]
    counts, coords = mapmath.encode_rings(rings)
    back = mapmath.decode_rings(counts, coords)
    assert [len(r) for r in back] == [3, 3]            # the closing vertex is dropped
    assert np.allclose(back[0], rings[0][:-1], atol=1e-6)
    assert np.allclose(back[1], rings[1], atol=1e-6)
    # Four bytes per coordinate: a quarter of "120.1623761," as text.
    assert len(coords) == math.ceil(6 * 2 * 4 / 3) * 4


def test_robust_max_ignores_a_lone_hot_spot():
    values = [1] * 95 + [2] * 4 + [500]
    assert mapmath.robust_max(values) == 2
    assert mapmath.robust_max([]) == 1.0
    assert mapmath.robust_max([0, 0]) == 1.0


def test_legend_labels_cover_every_whole_number_once():
    assert styles.class_labels([1, 2, 4, 7]) == ["0", "1", "2–3", "4–6", "≥7"]
    assert styles.class_labels([1, 2, 3]) == ["0", "1", "2", "≥3"]
    assert styles.class_labels([0, 1, 3]) == ["<0", "0", "1–2", "≥3"]


def test_every_measure_has_a_colour_per_class_and_zero_is_not_painted():
    for measure, breaks in styles.MEASURE_BREAKS.items():
        if measure == "work_grid":
            continue
        assert len(styles.MEASURE_COLOURS[measure]) == len(breaks) + 1
        assert styles.cell_colour(measure, styles.DEFAULT_VALUE[measure]) is None
    assert styles.cell_colour("open", 9) == styles.MEASURE_COLOURS["open"][-1]
    assert styles.cell_colour("work_grid", -1) == styles.NO_WORK_GRID_COLOUR
    palette = styles.MEASURE_COLOURS["work_grid"]
    assert styles.cell_colour("work_grid", len(palette) + 1) == palette[1]


def test_every_state_the_domain_decides_has_a_colour_a_place_and_a_name():
    from console.domain.patrol_state import PatrolStatus
    from console.map import texts
    states = {str(s) for s in PatrolStatus}
    assert states == set(styles.PATROL_COLOURS) == set(styles.PATROL_DRAW_ORDER)
    assert states == set(texts.STATE_NAMES)


def test_patrol_states_and_case_tones_have_distinct_colours():
    assert len(set(styles.PATROL_COLOURS.values())) == len(styles.PATROL_COLOURS)
    assert len(set(styles.TONE_COLOURS.values())) == len(styles.TONE_COLOURS)


def test_the_binary_grid_round_trips_rings_and_codes_small_and_large_cells():
    from console.mappage import grid_binary
    from console.services.map_grid import GridData
    small = np.array([[120.1, 30.2], [120.101, 30.2], [120.101, 30.201], [120.1, 30.201],
                      [120.1, 30.2]])
    large = np.array([[120.0, 30.0], [120.5, 30.0], [120.5, 30.4], [120.0, 30.0]])   # no int16
    codes = ["A-1,2", "中心·东"]
    for rings in ([small], [small, large]):
        grid = GridData(ids=np.arange(len(rings)), codes=codes[:len(rings)], rings=rings,
                        centroids=np.zeros((len(rings), 2)),
                        community=np.zeros(len(rings), np.int32),
                        work_grid=np.full(len(rings), -1, np.int32),
                        communities={0: ("C1", "社区", 0)})
        data = grid_binary.encode(grid, {})
        header = grid_binary.read(data)[0]
        assert header["delta"] == ("i4" if len(rings) == 2 else "i2")
        back = grid_binary.cell_rings(data)
        for got, ring in zip(back, rings):
            assert np.allclose(got, ring[:-1], rtol=0, atol=1e-6)
        assert grid_binary.cell_codes(data) == codes[:len(rings)]
        offsets = [offset for offset, _, _ in header["sections"].values()]
        assert all(o % 8 == 0 for o in offsets), "each section viewable in place"
    assert grid_binary.project(np.array([list(HANGZHOU)]))[0] / grid_binary.UNITS == \
        pytest.approx(mapmath.mercator(*HANGZHOU), abs=1e-6)


def test_cell_codes_are_front_coded_and_come_back_whole():
    from console.mappage import grid_binary
    from console.services.map_grid import GridData
    codes = ["33010200100101", "33010200100102", "33010200100210", "x", "", "中心·东𝄞1",
             "中心·东𝄞2", "中心·东𝄡", "L" * 300, "L" * 301 + "a"]
    ring = np.array([[120.1, 30.2], [120.101, 30.2], [120.101, 30.201], [120.1, 30.2]])
    n = len(codes)
    grid = GridData(ids=np.arange(n), codes=codes, rings=[ring] * n,
                    centroids=np.zeros((n, 2)), community=np.zeros(n, np.int32),
                    work_grid=np.full(n, -1, np.int32), communities={0: ("C1", "社区", 0)})
    data = grid_binary.encode(grid, {})
    assert grid_binary.cell_codes(data) == codes
    sections = grid_binary.read(data)[1]
    assert sections["codeShared"][1] == 13 and sections["codeText"].size < len("".join(codes)) * 3
