"""Demo city generator: determinism, codes, hierarchy, geometry (tiling, areas), work grids, speed."""
from __future__ import annotations

import hashlib
import os
import re
import subprocess
import sys
import time
from collections import Counter, defaultdict

import numpy as np
import pytest
import shapely
from hypothesis import given, settings
from hypothesis import strategies as st
from shapely.geometry import Polygon

from console.sim import city
from console.sim.city import (DEFAULT_CENTRE, CityPlan, generate_city, lonlat_to_metres,
                              metres_to_lonlat)

CELL = 100.0


@pytest.fixture(scope="module")
def plan() -> CityPlan:
    return generate_city()


def metric_polygons(p: CityPlan) -> list[Polygon]:
    """Cells as shapely polygons in local metres (areas and lengths in m², m)."""
    out = []
    for c in p.cells:
        x, y = lonlat_to_metres(*np.array(c.ring).T, p.centre)
        out.append(Polygon(np.column_stack([x, y])))
    return out


def edge_neighbours(polys: list[Polygon]) -> tuple[list[tuple[int, int]], float]:
    """Pairs of cells sharing an edge, and the largest overlap area between any two cells."""
    tree = shapely.STRtree(polys)
    left, right = tree.query(polys, predicate="intersects")
    keep = left < right
    left, right = left[keep], right[keep]
    a, b = np.array(polys, dtype=object)[left], np.array(polys, dtype=object)[right]
    inter = shapely.intersection(a, b)
    overlap = float(shapely.area(inter).max()) if len(inter) else 0.0
    shared = shapely.length(inter) > CELL / 2  # a common side, not a corner touch
    return list(zip(left[shared].tolist(), right[shared].tolist())), overlap


def assert_contiguous(region_of: list[str], pairs: list[tuple[int, int]]) -> None:
    """Every region (cells with the same key) is one edge-connected piece."""
    parent = list(range(len(region_of)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i, j in pairs:
        if region_of[i] == region_of[j]:
            parent[find(i)] = find(j)
    roots = defaultdict(set)
    for i, key in enumerate(region_of):
        roots[key].add(find(i))
    broken = {k: len(r) for k, r in roots.items() if len(r) > 1}
    assert not broken, f"regions in pieces: {broken}"


def check_invariants(p: CityPlan, cells: int, districts: int) -> None:
    """Structural invariants that must hold for any parameters."""
    assert len(p.cells) == cells
    assert len(p.districts) == districts
    codes = [c.code for c in p.cells]
    assert len(set(codes)) == cells
    width = len(codes[0])
    assert width in (14, 15) and all(len(c) == width and c.isdigit() for c in codes)
    comm = {c.code: c for c in p.communities}
    streets = {s.code: s for s in p.streets}
    dists = {d.code for d in p.districts}
    assert len(comm) == len(p.communities) and len(streets) == len(p.streets)
    for c in p.cells:
        assert c.code[:12] == c.community_code and c.community_code in comm
    for c in p.communities:
        assert re.fullmatch(r"\d{12}", c.code) and c.code[:9] == c.street_code in streets
    for s in p.streets:
        assert re.fullmatch(r"\d{9}", s.code) and s.code[:6] == s.district_code in dists
    assert all(re.fullmatch(r"\d{6}", d) for d in dists)
    # No empty levels: every community holds cells, every street communities.
    assert {c.community_code for c in p.cells} == set(comm)
    assert {c.street_code for c in p.communities} == set(streets)
    assert {s.district_code for s in p.streets} == dists
    # Work grids cover every cell exactly once and stay inside their street.
    covered = Counter(code for g in p.work_grids for code in g.cell_codes)
    assert set(covered) == set(codes) and max(covered.values()) == 1
    for g in p.work_grids:
        assert g.street_code in streets and all(c[:9] == g.street_code for c in g.cell_codes)
    assert len({g.code for g in p.work_grids}) == len(p.work_grids)


# ---- determinism -------------------------------------------------------------------------------

def test_same_seed_gives_identical_plan():
    assert generate_city(seed=5, cells=1500) == generate_city(seed=5, cells=1500)


def test_different_seeds_give_different_cities():
    a, b = generate_city(seed=5, cells=1500), generate_city(seed=6, cells=1500)
    assert [c.ring for c in a.cells] != [c.ring for c in b.cells]
    assert [s.name for s in a.streets] != [s.name for s in b.streets] or a.bbox != b.bbox


DIGEST = ("import hashlib, sys; from console.sim.city import generate_city; "
          "print(hashlib.sha256(repr(generate_city(seed=3, cells=800)).encode()).hexdigest())")


def test_deterministic_across_processes_and_hash_seeds():
    """The database build relies on it: string hashing must not leak into the plan."""
    digests = set()
    for hash_seed in ("1", "2"):
        env = dict(os.environ, PYTHONHASHSEED=hash_seed)
        out = subprocess.run([sys.executable, "-c", DIGEST], env=env, capture_output=True,
                             text=True, check=True, cwd=os.path.dirname(os.path.dirname(__file__)))
        digests.add(out.stdout.strip())
    here = hashlib.sha256(repr(generate_city(seed=3, cells=800)).encode()).hexdigest()
    assert digests == {here}


# ---- counts, codes, hierarchy ------------------------------------------------------------------

def test_default_plan_invariants(plan):
    check_invariants(plan, 5000, 3)
    assert plan.name == "杭州市" and plan.centre == DEFAULT_CENTRE


@pytest.mark.parametrize("cells", [1, 7, 333, 2021])
def test_exact_cell_count(cells):
    check_invariants(generate_city(seed=9, cells=cells, districts=1), cells, 1)


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 10**6), cells=st.integers(40, 1500), districts=st.integers(1, 5),
       grid=st.integers(10, 120))
def test_invariants_hold_for_any_parameters(seed, cells, districts, grid):
    p = generate_city(seed=seed, cells=cells, districts=districts, work_grid_cells=grid)
    check_invariants(p, cells, districts)
    pairs, overlap = edge_neighbours(metric_polygons(p))
    assert overlap < 0.01
    grid_of = {code: g.code for g in p.work_grids for code in g.cell_codes}
    for key in (lambda c: c.code[:6], lambda c: c.code[:9], lambda c: c.code[:12],
                lambda c: grid_of[c.code]):
        assert_contiguous([key(c) for c in p.cells], pairs)


def test_default_districts_are_real_hangzhou_ones(plan):
    assert {(d.code, d.name) for d in plan.districts} == {
        ("330102", "上城区"), ("330105", "拱墅区"), ("330106", "西湖区")}


def test_extra_districts_get_unique_plausible_codes_and_names():
    p = generate_city(seed=2, cells=3000, districts=14)
    codes = [d.code for d in p.districts]
    names = [d.name for d in p.districts]
    assert len(set(codes)) == 14 and len(set(names)) == 14
    assert all(c.startswith("3301") and len(c) == 6 for c in codes)
    assert all(n.endswith("区") and len(n) >= 3 for n in names)


def test_default_codes_are_14_digits_and_sizes_are_realistic(plan):
    assert all(len(c.code) == 14 for c in plan.cells)
    per_comm = Counter(c.community_code for c in plan.cells)
    per_street = Counter(c.code[:9] for c in plan.cells)
    assert max(per_comm.values()) <= 99
    assert 50 <= np.mean(list(per_comm.values())) <= 75
    assert min(per_comm.values()) >= 25
    assert min(per_street.values()) >= 200 and max(per_street.values()) <= 600


def test_more_than_99_cells_per_community_switches_the_whole_city_to_3_digit_sequences(monkeypatch):
    monkeypatch.setattr(city, "COMMUNITY_TARGET", (130, 150))
    monkeypatch.setattr(city, "COMMUNITY_CAP", 200)
    p = generate_city(seed=4, cells=2000, districts=1)
    assert max(Counter(c.community_code for c in p.cells).values()) > 99
    assert all(len(c.code) == 15 for c in p.cells)
    check_invariants(p, 2000, 1)


def test_names(plan):
    street_names = [s.name for s in plan.streets]
    assert all(n.endswith("街道") and len(n) >= 4 for n in street_names)
    assert len(set(street_names)) == len(street_names)
    by_street = defaultdict(list)
    for c in plan.communities:
        assert c.name.endswith("社区") and len(c.name) >= 4
        by_street[c.street_code].append(c.name)
    assert all(len(set(v)) == len(v) for v in by_street.values())
    # The central streets carry real names.
    assert {"湖滨街道", "武林街道", "北山街道"} <= set(street_names)


def test_names_stay_unique_in_a_big_city():
    p = generate_city(seed=1, cells=30000, districts=4)
    street_names = [s.name for s in p.streets]
    assert len(set(street_names)) == len(street_names)
    comm_names = [c.name for c in p.communities]
    assert len(set(comm_names)) == len(comm_names)


def test_cells_numbered_west_to_east_then_north_to_south(plan):
    by_comm = defaultdict(list)
    for c in plan.cells:
        by_comm[c.community_code].append(c)
    for cells in by_comm.values():
        seqs = [int(c.code[12:]) for c in cells]
        assert seqs == list(range(1, len(cells) + 1))
        x, y = lonlat_to_metres(*np.array([c.centroid for c in cells]).T, plan.centre)
        for i in range(len(cells) - 1):
            same_row = abs(y[i + 1] - y[i]) < CELL / 2
            if same_row:
                assert x[i + 1] > x[i] + CELL / 2, (cells[i].code, cells[i + 1].code)
            else:
                assert y[i + 1] < y[i] - CELL / 2, (cells[i].code, cells[i + 1].code)


# ---- geometry ----------------------------------------------------------------------------------

def test_rings_are_closed_counter_clockwise_convex_quads(plan):
    for c in plan.cells[:2000]:
        assert len(c.ring) == 5 and c.ring[0] == c.ring[-1]
        ring = shapely.LinearRing(c.ring)
        assert ring.is_ccw
        poly = Polygon(c.ring)
        assert poly.is_valid and poly.convex_hull.area == pytest.approx(poly.area, rel=1e-9)
        assert poly.contains(shapely.Point(c.centroid))


def test_cells_tile_without_overlaps_or_gaps(plan):
    polys = metric_polygons(plan)
    pairs, overlap = edge_neighbours(polys)
    assert overlap < 0.01  # m²; only coordinate rounding (1e-7°) remains
    # No gaps: the union has the summed area, is one piece and has no holes.
    union = shapely.union_all(polys)
    assert union.geom_type == "Polygon" and len(union.interiors) == 0
    assert union.area == pytest.approx(sum(p.area for p in polys), rel=1e-6)
    # Every cell touches another along an edge; interior cells have four edge neighbours.
    degree = Counter(i for pair in pairs for i in pair)
    assert len(degree) == len(polys) and max(degree.values()) == 4


def test_areas_near_one_hectare_and_match_geometry(plan):
    polys = metric_polygons(plan)
    areas = np.array([c.area_m2 for c in plan.cells])
    assert areas.min() >= 7500 and areas.max() <= 12500
    assert areas.mean() == pytest.approx(10000, rel=0.02)
    # Stored vertices are rounded to 1e-7° (~1 cm), which moves areas by a square metre or so.
    assert np.allclose(areas, [p.area for p in polys], rtol=0, atol=3.0)


def test_regions_are_contiguous(plan):
    pairs, _ = edge_neighbours(metric_polygons(plan))
    grid_of = {code: g.code for g in plan.work_grids for code in g.cell_codes}
    assert_contiguous([c.code[:6] for c in plan.cells], pairs)
    assert_contiguous([c.code[:9] for c in plan.cells], pairs)
    assert_contiguous([c.code[:12] for c in plan.cells], pairs)
    assert_contiguous([grid_of[c.code] for c in plan.cells], pairs)


def test_bbox_and_centre(plan):
    pts = np.array([pt for c in plan.cells for pt in c.ring])
    assert plan.bbox == (pts[:, 0].min(), pts[:, 1].min(), pts[:, 0].max(), pts[:, 1].max())
    # A compact city around its centre: ~5000 ha is about 8 km across.
    x, y = lonlat_to_metres(pts[:, 0], pts[:, 1], plan.centre)
    assert 6000 < x.max() - x.min() < 14000 and 6000 < y.max() - y.min() < 14000
    assert abs(x.mean()) < 2000 and abs(y.mean()) < 2000


def test_outline_is_irregular_not_a_square(plan):
    union = shapely.union_all(metric_polygons(plan))
    assert union.area / union.envelope.area < 0.9
    assert union.area / union.convex_hull.area > 0.8


def test_cell_size_scales_the_grid():
    p = generate_city(seed=1, cells=300, cell_size_m=50.0, districts=1)
    assert np.mean([c.area_m2 for c in p.cells]) == pytest.approx(2500, rel=0.03)


def test_invalid_arguments_are_rejected():
    for kwargs in ({"cells": 0}, {"cells": 2, "districts": 3}, {"cell_size_m": 0},
                   {"work_grid_cells": 0}, {"districts": 0}):
        with pytest.raises(ValueError):
            generate_city(**kwargs)


# ---- work grids --------------------------------------------------------------------------------

def test_work_grids_near_target_size_with_tidy_codes_and_names(plan):
    sizes = [len(g.cell_codes) for g in plan.work_grids]
    assert np.mean(sizes) == pytest.approx(80, rel=0.15)
    assert min(sizes) >= 40 and max(sizes) <= 110
    names = {s.code: s.name for s in plan.streets}
    for g in plan.work_grids:
        m = re.fullmatch(r"(\d{9})W(\d{2})", g.code)
        assert m and m.group(1) == g.street_code
        assert g.name == f"{names[g.street_code]}第{int(m.group(2))}责任网格"


def test_work_grid_size_follows_parameter():
    p = generate_city(seed=3, cells=4000, work_grid_cells=200)
    assert np.mean([len(g.cell_codes) for g in p.work_grids]) == pytest.approx(200, rel=0.2)


# ---- projection --------------------------------------------------------------------------------

@settings(max_examples=200, deadline=None)
@given(x=st.floats(-50_000, 50_000), y=st.floats(-50_000, 50_000),
       lon=st.floats(-179, 179), lat=st.floats(-70, 70))
def test_projection_round_trip(x, y, lon, lat):
    back = lonlat_to_metres(*metres_to_lonlat(x, y, (lon, lat)), (lon, lat))
    assert back == pytest.approx((x, y), abs=1e-6)


def test_projection_scale_matches_wgs84_degree_lengths():
    # At 30°N one degree of latitude is 110,852 m and one of longitude 96,486 m.
    assert metres_to_lonlat(0.0, 110_852.4, (120.0, 30.0))[1] == pytest.approx(31.0, abs=1e-4)
    assert metres_to_lonlat(96_486.0, 0.0, (120.0, 30.0))[0] == pytest.approx(121.0, abs=1e-4)
    assert metres_to_lonlat(0.0, 0.0) == DEFAULT_CENTRE


def test_projection_accepts_arrays():
    lon, lat = metres_to_lonlat(np.array([0.0, 100.0]), np.array([0.0, -100.0]))
    assert lon.shape == lat.shape == (2,) and lon[1] > lon[0] and lat[1] < lat[0]


# ---- speed -------------------------------------------------------------------------------------

def test_5000_cells_generate_fast():
    start = time.perf_counter()
    generate_city(seed=11, cells=5000)
    assert time.perf_counter() - start < 2.0  # ~0.2 s on one core; slack for loaded CI


@pytest.mark.slow
def test_50000_cell_city():
    start = time.perf_counter()
    p = generate_city(seed=1, cells=50_000)
    elapsed = time.perf_counter() - start
    assert len(p.cells) == 50_000 and all(len(c.code) == 14 for c in p.cells)
    assert elapsed < 10.0
    assert len({c.code for c in p.cells}) == 50_000
