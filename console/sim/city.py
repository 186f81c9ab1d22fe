"""Deterministic generator of a demo city's unit grid (单元网格) and its administrative hierarchy.

Pure data: no Qt, no SQL. The city is a noisy blob of cells on a square lattice in metres whose
vertices are jittered (shared vertices keep neighbours gap-free and non-overlapping), projected
to lon/lat with a local equirectangular projection around the centre. Districts are angular
sectors; streets, communities and work grids come from recursive bisection, repaired so every
region is 4-connected.
"""

from __future__ import annotations

import heapq
import itertools
import math
import random
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from console.sim import _names


@dataclass(frozen=True)
class DistrictPlan:
    code: str  # 6-digit county code (区县)
    name: str


@dataclass(frozen=True)
class StreetPlan:
    code: str  # 9 digits: district code + 3-digit serial
    name: str  # ends with 街道
    district_code: str


@dataclass(frozen=True)
class CommunityPlan:
    code: str  # 12 digits: street code + 3-digit serial
    name: str  # ends with 社区
    street_code: str


@dataclass(frozen=True)
class CellPlan:
    code: str  # community code + 2-digit (or, city-wide, 3-digit) sequence
    community_code: str
    ring: tuple[tuple[float, float], ...]  # (lon, lat), closed, counter-clockwise
    centroid: tuple[float, float]  # (lon, lat)
    area_m2: float


@dataclass(frozen=True)
class WorkGridPlan:
    code: str  # street code + "W" + serial
    name: str
    street_code: str
    cell_codes: tuple[str, ...]


@dataclass(frozen=True)
class CityPlan:
    name: str
    centre: tuple[float, float]
    districts: tuple[DistrictPlan, ...]
    streets: tuple[StreetPlan, ...]
    communities: tuple[CommunityPlan, ...]
    cells: tuple[CellPlan, ...]
    work_grids: tuple[WorkGridPlan, ...]
    bbox: tuple[float, float, float, float]  # min_lon, min_lat, max_lon, max_lat


DEFAULT_CENTRE = (120.1551, 30.2741)  # 杭州 武林广场
CITY_NAME = "杭州市"

# Vertex jitter as a fraction of the cell size j. A quad's area is then within 1 ± (4j + 4j²)
# of nominal, so 0.055 guarantees convex quads within ±25% (±23.2% at worst).
JITTER = 0.055
SPLIT_NOISE = 0.06  # relative wobble of each bisection so sibling regions differ in size
STREET_TARGET = (330, 470)  # cells per street, drawn per district
STREET_CAP = 600
COMMUNITY_TARGET = (52, 68)  # cells per community, drawn per street
COMMUNITY_CAP = 92  # keeps sequences at 2 digits (repair can add a few orphan cells)

# WGS84, for the local radii of curvature of the projection.
_WGS84_A = 6378137.0
_WGS84_E2 = 6.69437999014e-3


# --- projection ---------------------------------------------------------------------------

def _radii(lat_deg: float) -> tuple[float, float]:
    """Meridional and prime-vertical radii of curvature (m) at a latitude."""
    s2 = math.sin(math.radians(lat_deg)) ** 2
    w = math.sqrt(1.0 - _WGS84_E2 * s2)
    return _WGS84_A * (1.0 - _WGS84_E2) / w**3, _WGS84_A / w


def metres_to_lonlat(x, y, centre: tuple[float, float] = DEFAULT_CENTRE):
    """Project local east/north metres around `centre` to (lon, lat) degrees; scalars or arrays."""
    m, n = _radii(centre[1])
    per_rad_lon = n * math.cos(math.radians(centre[1]))
    lon = centre[0] + np.degrees(np.asarray(x, dtype=float) / per_rad_lon)
    lat = centre[1] + np.degrees(np.asarray(y, dtype=float) / m)
    return (float(lon), float(lat)) if lon.ndim == 0 else (lon, lat)


def lonlat_to_metres(lon, lat, centre: tuple[float, float] = DEFAULT_CENTRE):
    """Inverse of `metres_to_lonlat`: (lon, lat) degrees to local east/north metres."""
    m, n = _radii(centre[1])
    x = np.radians(np.asarray(lon, dtype=float) - centre[0]) * n * math.cos(math.radians(centre[1]))
    y = np.radians(np.asarray(lat, dtype=float) - centre[1]) * m
    return (float(x), float(y)) if x.ndim == 0 else (x, y)


# --- outline ------------------------------------------------------------------------------

def _blob_cells(rng: np.random.Generator, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Lattice (col, row) of `n` 4-connected cells filling a noisy blob around the origin."""
    ks = np.arange(1, 13)
    amp = rng.uniform(0.2, 1.0, ks.size) * 0.22 / ks**0.9  # sum < 0.6: radius stays positive
    amp[0] *= 0.5  # k=1 only nudges the blob off-centre, as real centres rarely sit mid-city
    phase = rng.uniform(0.0, 2 * math.pi, ks.size)

    def radius(theta: np.ndarray) -> np.ndarray:
        return 1.0 + (amp * np.cos(np.multiply.outer(theta, ks) + phase)).sum(axis=-1)

    r_theta = radius(np.linspace(0.0, 2 * math.pi, 1440, endpoint=False))
    scale = math.sqrt(n / (math.pi * float(np.mean(r_theta**2))))  # blob area == n cells
    half = int(math.ceil(scale * float(r_theta.max()) * 1.1)) + 3
    side = 2 * half
    centres = np.arange(side) - half + 0.5
    cx, cy = np.meshgrid(centres, centres)  # [row, col]; row grows northwards
    dist = np.hypot(cx, cy) / (scale * radius(np.arctan2(cy, cx)))

    # Grow from the middle, always taking the frontier cell deepest inside the blob: this fills
    # the blob's sub-level set while guaranteeing one connected piece.
    d = dist.ravel().tolist()
    queued = bytearray(side * side)
    start = half * side + half
    heap = [(d[start], start)]
    queued[start] = 1
    out: list[int] = []
    while len(out) < n:
        _, i = heapq.heappop(heap)
        out.append(i)
        r, c = divmod(i, side)
        steps = ((i - 1, c > 0), (i + 1, c < side - 1), (i - side, r > 0), (i + side, r < side - 1))
        for j, ok in steps:
            if ok and not queued[j]:
                queued[j] = 1
                heapq.heappush(heap, (d[j], j))
    idx = np.array(out)
    return idx % side - half, idx // side - half


def _neighbours(col: np.ndarray, row: np.ndarray) -> list[tuple[int, ...]]:
    """For each cell, the indices of its edge-sharing (4-connected) neighbours."""
    c0, r0 = col - col.min(), row - row.min()
    grid = np.full((r0.max() + 3, c0.max() + 3), -1)
    grid[r0 + 1, c0 + 1] = np.arange(col.size)
    west, east = grid[r0 + 1, c0], grid[r0 + 1, c0 + 2]
    south, north = grid[r0, c0 + 1], grid[r0 + 2, c0 + 1]
    stacked = np.stack([west, east, south, north], axis=1)
    return [tuple(j for j in nb if j >= 0) for nb in stacked.tolist()]


# --- partitioning -------------------------------------------------------------------------

class _Lattice:
    """Cell positions and adjacency shared by the partitioning steps."""

    def __init__(self, col: np.ndarray, row: np.ndarray) -> None:
        self.col, self.row = col, row
        self.nbr = _neighbours(col, row)
        self._mark = [0] * col.size  # scratch for `pieces`; a fresh stamp per call avoids clearing
        self._stamp = 0

    def pieces(self, idx: np.ndarray) -> int:
        """Number of 4-connected pieces the cells `idx` form."""
        mark, nbr = self._mark, self.nbr
        self._stamp += 2
        inside, seen = self._stamp, self._stamp + 1
        cells = idx.tolist()
        for i in cells:
            mark[i] = inside
        count = 0
        for s in cells:
            if mark[s] != inside:
                continue
            count += 1
            mark[s] = seen
            stack = [s]
            while stack:
                for j in nbr[stack.pop()]:
                    if mark[j] == inside:
                        mark[j] = seen
                        stack.append(j)
        return count


def _bisect(idx: np.ndarray, lattice: _Lattice, k: int, cap: int, rng: random.Random,
            out: list[np.ndarray]) -> None:
    """Split cells `idx` into `k` blocky parts (appended to `out` west→east / north→south)."""
    if k <= 1:
        out.append(idx)
        return
    c, r = lattice.col[idx], lattice.row[idx]
    k1 = k // 2 + (k % 2 if rng.random() < 0.5 else 0)
    k2 = k - k1
    n = idx.size
    want = n * k1 / k * (1.0 + rng.uniform(-SPLIT_NOISE, SPLIT_NOISE))
    lo, hi = max(k1, n - k2 * cap), min(n - k2, k1 * cap)  # honour `cap` on every leaf if possible
    n1 = int(round(min(max(want, lo), hi))) if lo <= hi else int(round(min(max(want, k1), n - k2)))
    west_first = np.lexsort((-r, c))  # vertical cut: west part first
    north_first = np.lexsort((c, -r))  # horizontal cut: north part first
    # Cut across the longer side, unless that leaves a part in pieces and the other cut does not
    # (concave parents): fragments would later be merged away and distort the sizes.
    best = None
    orders = (west_first, north_first) if np.ptp(c) >= np.ptp(r) else (north_first, west_first)
    for order in orders:
        s = idx[order]
        score = lattice.pieces(s[:n1]) + lattice.pieces(s[n1:])
        if best is None or score < best[0]:
            best = (score, s)
        if score == 2:
            break
    s = best[1]
    _bisect(s[:n1], lattice, k1, cap, rng, out)
    _bisect(s[n1:], lattice, k2, cap, rng, out)


def _repair(labels: list[int], parents: list[int], nbr: list[tuple[int, ...]]) -> list[int]:
    """Make every label 4-connected by handing stray pieces to a sibling region they touch."""
    n = len(labels)
    while True:
        comp = [-1] * n
        sizes: list[int] = []
        comp_label: list[int] = []
        for s in range(n):
            if comp[s] >= 0:
                continue
            cid, lab = len(sizes), labels[s]
            comp[s] = cid
            stack, size = [s], 0
            while stack:
                i = stack.pop()
                size += 1
                for j in nbr[i]:
                    if comp[j] < 0 and labels[j] == lab:
                        comp[j] = cid
                        stack.append(j)
            sizes.append(size)
            comp_label.append(lab)
        main: dict[int, int] = {}
        for cid, (lab, size) in enumerate(zip(comp_label, sizes)):
            if lab not in main or size > sizes[main[lab]]:
                main[lab] = cid
        is_main = [main[comp_label[cid]] == cid for cid in range(len(sizes))]
        if all(is_main):
            return labels
        touching: dict[int, Counter] = {}
        for i in range(n):
            if not is_main[comp[i]]:
                for j in nbr[i]:
                    if is_main[comp[j]] and parents[j] == parents[i] and labels[j] != labels[i]:
                        touching.setdefault(comp[i], Counter())[labels[j]] += 1
        if not touching:
            return labels  # parent itself is split; nothing sensible to merge into
        new = {cid: min(cnt, key=lambda lab: (-cnt[lab], lab)) for cid, cnt in touching.items()}
        labels = [new.get(comp[i], labels[i]) for i in range(n)]


def _subdivide(parents: list[int], n_parents: int, lattice: _Lattice,
               size_for: Callable[[int], float], cap: int,
               rng: random.Random) -> tuple[list[int], list[int]]:
    """Split each parent into blocky, connected children; returns (labels, child→parent)."""
    par = np.asarray(parents)
    labels = [0] * len(parents)
    child_parent: list[int] = []
    for p in range(n_parents):
        members = np.flatnonzero(par == p)
        target = size_for(p)
        k = max(1, round(members.size / target), math.ceil(members.size / cap))
        k = min(k, members.size)
        leaves: list[np.ndarray] = []
        _bisect(members, lattice, k, cap, rng, leaves)
        for leaf in leaves:
            for i in leaf.tolist():
                labels[i] = len(child_parent)
            child_parent.append(p)
    labels = _repair(labels, parents, lattice.nbr)
    # Repair can swell a region past `cap` with orphans; split such regions again, in place.
    for _ in range(4):
        sizes = Counter(labels)
        big = [lab for lab, size in sizes.items() if size > cap]
        if not big:
            break
        lab_arr = np.asarray(labels)
        keys = [(lab, 0) for lab in range(len(child_parent))]
        for lab in big:
            leaves = []
            members = np.flatnonzero(lab_arr == lab)
            _bisect(members, lattice, math.ceil(sizes[lab] / cap), cap, rng, leaves)
            for j, leaf in enumerate(leaves[1:], start=1):
                for i in leaf.tolist():
                    labels[i] = len(keys)
                keys.append((lab, j))
                child_parent.append(child_parent[lab])
        labels = _repair(labels, parents, lattice.nbr)
        rank = {old: new for new, old in enumerate(sorted(range(len(keys)), key=keys.__getitem__))}
        labels = [rank[lab] for lab in labels]
        child_parent = [child_parent[old] for old in sorted(range(len(keys)), key=keys.__getitem__)]
    return labels, child_parent


def _district_sectors(col: np.ndarray, row: np.ndarray, bearings: list[float],
                      rng: random.Random) -> list[int]:
    """Assign each cell to a district by angular sector around the centre, sized at random."""
    order = sorted(range(len(bearings)), key=lambda i: bearings[i] % 360.0)
    b = [bearings[i] % 360.0 for i in order]
    gaps = [((b[(i + 1) % len(b)] - b[i]) % 360.0) or 360.0 for i in range(len(b))]
    g = max(range(len(b)), key=gaps.__getitem__)
    # Start the pie in the widest gap between bearings, so each district lands near its bearing.
    order = order[g + 1:] + order[:g + 1]
    start = math.radians(b[g] + gaps[g] / 2.0)
    # Real boundaries wander: twist the sector lines with a wave along the radius.
    radius = np.hypot(col + 0.5, row + 0.5)
    wave = float(radius.max()) / rng.uniform(1.2, 2.0)
    twist = 0.22 * np.sin(2 * math.pi * radius / wave + rng.uniform(0, 2 * math.pi))
    twist += 0.08 * np.sin(2 * math.pi * radius / (wave / 3.1) + rng.uniform(0, 2 * math.pi))
    ang = (np.arctan2(row + 0.5, col + 0.5) + twist - start) % (2 * math.pi)
    weights = np.array([1.0 + rng.uniform(-0.25, 0.25) for _ in order])
    bounds = np.round(np.cumsum(weights) / weights.sum() * col.size).astype(int)
    labels = np.empty(col.size, dtype=int)
    ranked = np.argsort(ang, kind="stable")
    lo = 0
    for pos, hi in enumerate(bounds.tolist()):
        labels[ranked[lo:hi]] = order[pos]
        lo = hi
    return labels.tolist()


# --- geometry -----------------------------------------------------------------------------

def _cell_geometry(nprng: np.random.Generator, col: np.ndarray, row: np.ndarray, size: float,
                   centre: tuple[float, float], cell_code: list[str], comm_code: list[str],
                   comm_of: list[int]) -> tuple[list[CellPlan], tuple[float, float, float, float]]:
    """Jittered quads for every cell, projected to lon/lat; returns the plans and the bbox."""
    c0, r0 = int(col.min()), int(row.min())
    h, w = int(row.max()) - r0 + 2, int(col.max()) - c0 + 2
    # One jitter per lattice vertex: neighbouring quads share it, so they tile exactly.
    vx = (np.arange(w) + c0)[None, :] * size + nprng.uniform(-JITTER, JITTER, (h, w)) * size
    vy = (np.arange(h) + r0)[:, None] * size + nprng.uniform(-JITTER, JITTER, (h, w)) * size
    r, c = row - r0, col - c0
    corners = [(r, c), (r, c + 1), (r + 1, c + 1), (r + 1, c)]  # SW, SE, NE, NW: counter-clockwise
    xs = np.stack([vx[a, b] for a, b in corners], axis=1)
    ys = np.stack([vy[a, b] for a, b in corners], axis=1)
    xn, yn = np.roll(xs, -1, axis=1), np.roll(ys, -1, axis=1)
    cross = xs * yn - xn * ys
    area = cross.sum(axis=1) / 2.0
    gx = ((xs + xn) * cross).sum(axis=1) / (6.0 * area)
    gy = ((ys + yn) * cross).sum(axis=1) / (6.0 * area)

    lon, lat = metres_to_lonlat(xs, ys, centre)
    lon, lat = np.round(lon, 7), np.round(lat, 7)  # ~1 cm; shared vertices round identically
    glon, glat = metres_to_lonlat(gx, gy, centre)
    bbox = (float(lon.min()), float(lat.min()), float(lon.max()), float(lat.max()))
    plans = []
    rows = zip(lon.tolist(), lat.tolist(), np.round(glon, 7).tolist(), np.round(glat, 7).tolist(),
               np.round(area, 2).tolist())
    for i, (lo, la, gl, ga, a) in enumerate(rows):
        ring = tuple(zip(lo, la))
        plans.append(CellPlan(cell_code[i], comm_code[comm_of[i]], ring + ring[:1], (gl, ga), a))
    return plans, bbox


# --- assembly -----------------------------------------------------------------------------

def generate_city(seed: int = 1, cells: int = 5000, centre: tuple[float, float] = DEFAULT_CENTRE,
                  cell_size_m: float = 100.0, districts: int = 3, work_grid_cells: int = 80) -> CityPlan:
    """Generate a deterministic demo city of exactly `cells` unit-grid cells around `centre`."""
    if cells < 1 or districts < 1 or cells < districts:
        raise ValueError("need at least one cell per district")
    if cell_size_m <= 0 or work_grid_cells < 1:
        raise ValueError("cell_size_m and work_grid_cells must be positive")
    rng = random.Random(seed)
    nprng = np.random.default_rng(seed)
    centre = (float(centre[0]), float(centre[1]))

    col, row = _blob_cells(nprng, cells)
    lattice = _Lattice(col, row)
    catalogue = _names.district_catalogue(districts, rng)
    sectors = _district_sectors(col, row, [b for _, _, b in catalogue], rng)
    dist_of = _repair(sectors, [0] * cells, lattice.nbr)

    street_targets = [rng.uniform(*STREET_TARGET) for _ in catalogue]
    street_of, street_district = _subdivide(dist_of, districts, lattice,
                                            street_targets.__getitem__, STREET_CAP, rng)
    comm_targets = [rng.uniform(*COMMUNITY_TARGET) for _ in street_district]
    comm_of, comm_street = _subdivide(street_of, len(street_district), lattice,
                                      comm_targets.__getitem__, COMMUNITY_CAP, rng)
    grid_cap = max(1, math.ceil(work_grid_cells * 1.3))
    grid_of, grid_street = _subdivide(street_of, len(street_district), lattice,
                                      lambda _: work_grid_cells, grid_cap, rng)

    # --- codes and names -----------------------------------------------------------------
    district_plans = [DistrictPlan(code, name) for code, name, _ in catalogue]
    cx, cy = (col + 0.5) * cell_size_m, (row + 0.5) * cell_size_m
    s_arr = np.asarray(street_of)
    n_streets = len(street_district)
    s_dist2 = np.bincount(s_arr, cx, n_streets) ** 2 + np.bincount(s_arr, cy, n_streets) ** 2
    s_dist2 /= np.bincount(s_arr, minlength=n_streets) ** 2  # squared distance of street centroids

    taken: set[str] = set()
    coined = _names.coined(rng)
    street_code: list[str] = [""] * n_streets
    street_name: list[str] = [""] * n_streets
    for d, (dcode, _, _) in enumerate(catalogue):
        mine = [s for s, p in enumerate(street_district) if p == d]
        if len(mine) > 999:
            raise ValueError("more than 999 streets in one district")
        for serial, s in enumerate(mine, start=1):
            street_code[s] = f"{dcode}{serial:03d}"
        real = iter(_names.HANGZHOU_STREETS.get(dcode, ()))
        for s in sorted(mine, key=lambda s: s_dist2[s]):  # real names go to central streets first
            street_name[s] = _names.take(itertools.chain(real, coined), taken, "街道")

    comm_names = _names.coined(rng, _names.COMMUNITY_VARIANTS)
    comm_code: list[str] = []
    community_plans: list[CommunityPlan] = []
    serials: Counter = Counter()
    for s in comm_street:
        serials[s] += 1
        if serials[s] > 999:
            raise ValueError("more than 999 communities in one street")
        code = f"{street_code[s]}{serials[s]:03d}"
        comm_code.append(code)
        name = _names.take(comm_names, taken, "社区")
        community_plans.append(CommunityPlan(code, name, street_code[s]))

    # Cells: number west→east, north→south inside each community.
    c_arr = np.asarray(comm_of)
    order = np.lexsort((col, -row, c_arr))
    counts = np.bincount(c_arr, minlength=len(comm_code))
    width = 2 if counts.max() <= 99 else 3
    seq = np.arange(cells) - np.repeat(np.cumsum(counts) - counts, counts) + 1
    cell_code = [""] * cells
    for i, k in zip(order.tolist(), seq.tolist()):
        cell_code[i] = f"{comm_code[comm_of[i]]}{k:0{width}d}"

    cell_plans, bbox = _cell_geometry(nprng, col, row, cell_size_m, centre,
                                      cell_code, comm_code, comm_of)

    work_grids: list[WorkGridPlan] = []
    g_cells: list[list[str]] = [[] for _ in grid_street]
    for i, g in enumerate(grid_of):
        g_cells[g].append(cell_code[i])
    serials.clear()
    per_street = Counter(grid_street)
    for g, s in enumerate(grid_street):
        serials[s] += 1
        w = max(2, len(str(per_street[s])))
        work_grids.append(WorkGridPlan(f"{street_code[s]}W{serials[s]:0{w}d}",
                                       f"{street_name[s]}第{serials[s]}责任网格",
                                       street_code[s], tuple(sorted(g_cells[g]))))

    return CityPlan(
        name=CITY_NAME,
        centre=centre,
        districts=tuple(sorted(district_plans, key=lambda p: p.code)),
        streets=tuple(sorted((StreetPlan(street_code[s], street_name[s], catalogue[d][0])
                              for s, d in enumerate(street_district)), key=lambda p: p.code)),
        communities=tuple(sorted(community_plans, key=lambda p: p.code)),
        cells=tuple(sorted(cell_plans, key=lambda p: p.code)),
        work_grids=tuple(sorted(work_grids, key=lambda p: p.code)),
        bbox=bbox,
    )
