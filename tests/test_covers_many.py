"""The batch polygon test of the alert engine (covers_many) agrees with WorkArea.covers on
every point, edges, shared edges and corners included."""
from __future__ import annotations

import random

from hypothesis import given, settings
from hypothesis import strategies as st

from console.domain.work_areas import WorkArea, covers_many

# Two irregular quads sharing an edge, a triangle, and closed and open rings alike.
RINGS = [[[120.0, 30.0], [120.0011, 30.00002], [120.00108, 30.0009], [119.99998, 30.00088],
          [120.0, 30.0]],
         [[120.0011, 30.00002], [120.0022, 30.0], [120.0021, 30.0010], [120.00108, 30.0009]],
         [[120.0030, 30.0], [120.0040, 30.0005], [120.0031, 30.0012]]]
AREAS = [WorkArea(RINGS), WorkArea(RINGS[1:]), WorkArea([]), None]
VERTICES = [tuple(p) for ring in RINGS for p in ring]


@st.composite
def points(draw):
    kind = draw(st.sampled_from(["anywhere", "vertex", "edge"]))
    if kind == "anywhere":
        return (draw(st.floats(119.9995, 120.0045)), draw(st.floats(29.9995, 30.0015)))
    a = draw(st.sampled_from(VERTICES))
    if kind == "vertex":
        nudge = draw(st.sampled_from([0.0, 1e-10, -1e-10, 2e-9, -2e-9]))
        return (a[0] + nudge, a[1] - nudge)
    ring = draw(st.sampled_from(RINGS))
    k = draw(st.integers(0, len(ring) - 1))
    (x1, y1), (x2, y2) = ring[k], ring[(k + 1) % len(ring)]
    t = draw(st.floats(0, 1))
    off = draw(st.sampled_from([0.0, 5e-10, -5e-10, 3e-9, -3e-9]))
    return (x1 + t * (x2 - x1) + off, y1 + t * (y2 - y1) - off)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(points(), st.sampled_from(AREAS)), min_size=1, max_size=40))
def test_covers_many_agrees_with_covers(batch):
    areas = [area for _, area in batch]
    lons = [p[0] for p, _ in batch]
    lats = [p[1] for p, _ in batch]
    want = [area is None or area.covers(lon, lat) for area, lon, lat in zip(areas, lons, lats)]
    assert covers_many(areas, lons, lats) == want


def test_covers_many_finds_both_answers_on_a_random_cloud():
    rng = random.Random(5)
    lons = [rng.uniform(119.9995, 120.0045) for _ in range(2000)]
    lats = [rng.uniform(29.9995, 30.0015) for _ in range(2000)]
    areas = [AREAS[0]] * 2000
    got = covers_many(areas, lons, lats)
    assert got == [AREAS[0].covers(x, y) for x, y in zip(lons, lats)]
    assert 0 < sum(got) < 2000


def test_rings_decoded_at_once_equal_the_json_decoder():
    import json

    from console.store.patrol_queries import parse_rings as _rings

    texts = [json.dumps(r) for r in RINGS] + ["[[1, 2], [3.5e-3, -4], [5, 6]]", "[]"]
    want = [[tuple(map(float, p)) for p in json.loads(t)] for t in texts]
    got = [[tuple(map(float, p)) for p in ring] for ring in _rings(texts)]
    assert got == want
    odd = ['[[1, 2, 3], [4, 5, 6], [7, 8, 9]]']   # not pairs: the JSON decoder takes it
    assert _rings(odd) == json.loads("[" + odd[0] + "]")


def _lazy(rings, loaded):
    boxes = [(min(p[0] for p in r), min(p[1] for p in r), max(p[0] for p in r),
              max(p[1] for p in r)) for r in rings]
    return WorkArea.from_boxes(boxes, lambda i: loaded.append(i) or rings[i])


@settings(max_examples=200, deadline=None)
@given(st.lists(points(), min_size=1, max_size=40), st.booleans())
def test_an_area_known_by_its_boxes_decides_as_one_built_from_its_rings(pts, batch):
    """The first pass builds areas from the cells' boxes and reads a ring only when a fix
    falls in its box: the verdicts are the eager area's, one at a time or in a batch."""
    loaded: list[int] = []
    lazy, eager = _lazy(RINGS, loaded), AREAS[0]
    lons, lats = [p[0] for p in pts], [p[1] for p in pts]
    if batch:
        got = covers_many([lazy] * len(pts), lons, lats)
    else:
        got = [lazy.covers(x, y) for x, y in pts]
    assert got == [eager.covers(x, y) for x, y in pts]
    assert len(loaded) == len(set(loaded))          # each ring read once


def test_a_box_with_no_point_in_it_reads_no_ring():
    loaded: list[int] = []
    lazy = _lazy(RINGS, loaded)
    assert covers_many([lazy], [120.0035], [30.0006]) == [True]
    assert not lazy.covers(120.0100, 30.0100)
    assert loaded == [2]


def _grid_areas(grids):
    """GridAreas of `grids` (name → rings), the rings given by their boxes and loaded lazily."""
    from console.domain.work_areas import GridAreas

    rows = [(g, ring) for g, rings in grids.items() for ring in rings]
    boxes = [(min(p[0] for p in r), min(p[1] for p in r), max(p[0] for p in r),
              max(p[1] for p in r)) for _, r in rows]
    loaded = []

    def load(wanted):
        loaded.extend(wanted)
        return [rows[i][1] for i in wanted]

    return GridAreas([g for g, _ in rows], boxes, load), loaded


GRIDS = {1: RINGS, 2: RINGS[1:], 3: [], 7: RINGS[2:]}


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(points(), st.sampled_from([1, 2, 3, 7, None, 9])),
                min_size=1, max_size=40))
def test_grid_areas_agree_with_work_areas(batch):
    """Every grid at once decides as each grid's WorkArea (3: no cells; 9: unknown)."""
    areas, _ = _grid_areas(GRIDS)
    grids = [g for _, g in batch]
    lons = [p[0] for p, _ in batch]
    lats = [p[1] for p, _ in batch]
    want = [g is None or WorkArea(GRIDS.get(g, [])).covers(x, y)
            for g, x, y in zip(grids, lons, lats)]
    assert areas.covers_many(grids, lons, lats) == want
    assert [areas.covers(g, x, y) for g, x, y in zip(grids, lons, lats)] == want


def test_grid_areas_load_each_ring_once_and_only_when_needed():
    areas, loaded = _grid_areas(GRIDS)
    rng = random.Random(9)
    lons = [rng.uniform(119.9995, 120.0045) for _ in range(500)]
    lats = [rng.uniform(29.9995, 30.0015) for _ in range(500)]
    got = areas.covers_many([2] * 500, lons, lats)
    assert got == [WorkArea(GRIDS[2]).covers(x, y) for x, y in zip(lons, lats)]
    assert 0 < sum(got) < 500
    assert sorted(loaded) == [3, 4]            # grid 2's rows, each once
    areas.covers_many([2] * 500, lons, lats)
    assert sorted(loaded) == [3, 4]
