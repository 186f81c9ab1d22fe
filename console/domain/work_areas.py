"""Work areas: the union of a work grid's cells, and whether fixes lie in one.

Plain geometry over [lon, lat] rings (WGS-84 degrees; no Qt, no SQL). A point on any cell's
edge, within about 0.1 mm, is inside: coordinates computed to lie on a shared edge must not
fall out through rounding. `WorkArea` is one grid; `GridAreas` every grid of a city at once,
for the alert engine, whose first pass tests tens of thousands of fixes against 50,000 cells.
"""
from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence

import numpy as np

# Points closer than this to a cell edge count as on it (about 0.1 mm).
_EDGE_EPS = 1e-9


def ring_covers(ring: Sequence[Sequence[float]], lon: float, lat: float) -> bool:
    """Whether the polygon ring [[lon, lat], ...] contains the point, its boundary included."""
    n = len(ring)
    inside = False
    for i in range(n):
        x1, y1 = ring[i][0], ring[i][1]
        x2, y2 = ring[(i + 1) % n][0], ring[(i + 1) % n][1]
        # On the edge: collinear within epsilon and inside the edge's bounding box.
        cross = (x2 - x1) * (lat - y1) - (y2 - y1) * (lon - x1)
        scale = max(abs(x2 - x1), abs(y2 - y1), 1e-12)
        if (abs(cross) <= _EDGE_EPS * scale and min(x1, x2) - _EDGE_EPS <= lon <= max(x1, x2) + _EDGE_EPS
                and min(y1, y2) - _EDGE_EPS <= lat <= max(y1, y2) + _EDGE_EPS):
            return True
        if (y1 > lat) != (y2 > lat):
            x_at = x1 + (lat - y1) * (x2 - x1) / (y2 - y1)
            if lon < x_at:
                inside = not inside
    return inside


_BUCKET = 0.001   # degrees (about 100 m): the spatial hash of a work area's cells


#: Bounding boxes read from the database are widened by this much more (about 1 cm), so a box
#: stored with its last digit rounded still finds every point its ring covers.
_BOX_MARGIN = 1e-7


class WorkArea:
    """The union of a work grid's cells; a point on any cell's edge is inside."""

    def __init__(self, rings: Iterable[Sequence[Sequence[float]]]) -> None:
        self.rings: list[tuple[tuple[float, float], ...] | None] = []
        self._load: Callable[[int], Sequence[Sequence[float]]] | None = None
        self._edges: dict[int, np.ndarray] = {}
        # bucket → the cells whose bounding box (widened by the edge tolerance) touches it, so
        # a fix is tested against one or two cells instead of the grid's eighty.
        index: dict[tuple[int, int], list[int]] = {}
        floor, eps = math.floor, _EDGE_EPS
        for ring in rings:
            pts = tuple([(float(x), float(y)) for x, y, *_ in ring])
            if len(pts) < 3:
                continue
            xs, ys = [p[0] for p in pts], [p[1] for p in pts]
            n = len(self.rings)
            # _buckets, inlined: a megacity's first pass builds 50,000 of these.
            by0, by1 = floor((min(ys) - eps) / _BUCKET), floor((max(ys) + eps) / _BUCKET)
            for bx in range(floor((min(xs) - eps) / _BUCKET), floor((max(xs) + eps) / _BUCKET) + 1):
                for by in range(by0, by1 + 1):
                    cell = index.get((bx, by))
                    if cell is None:
                        index[(bx, by)] = [n]
                    else:
                        cell.append(n)
            self.rings.append(pts)
        # Tuples of ints are left alone by the garbage collector; lists would be scanned.
        self._index: dict[tuple[int, int], tuple[int, ...]] = {k: tuple(v) for k, v in index.items()}

    @classmethod
    def from_rings(cls, rings: Iterable[Sequence[Sequence[float]]]) -> WorkArea:
        """Build from cell rings ([[lon, lat], ...] each)."""
        return cls(rings)

    @classmethod
    def from_boxes(cls, boxes: Sequence[Sequence[float]],
                   load: Callable[[int], Sequence[Sequence[float]]]) -> WorkArea:
        """Cells known by their bounding boxes (min lon, min lat, max lon, max lat); `load(i)`
        gives cell i's ring the first time a point falls in its box. A first pass over 50,000
        cells then reads only the rings its fixes fall in."""
        area = cls([])
        area._load = load
        area.rings = [None] * len(boxes)
        index: dict[tuple[int, int], list[int]] = {}
        floor, eps = math.floor, _EDGE_EPS + _BOX_MARGIN
        for n, (x0, y0, x1, y1) in enumerate(boxes):
            by0, by1 = floor((y0 - eps) / _BUCKET), floor((y1 + eps) / _BUCKET)
            for bx in range(floor((x0 - eps) / _BUCKET), floor((x1 + eps) / _BUCKET) + 1):
                for by in range(by0, by1 + 1):
                    cell = index.get((bx, by))
                    if cell is None:
                        index[(bx, by)] = [n]
                    else:
                        cell.append(n)
        area._index = {k: tuple(v) for k, v in index.items()}
        return area

    def ring(self, i: int) -> tuple[tuple[float, float], ...]:
        """Cell i's ring (empty for one of fewer than three points: it covers nothing)."""
        ring = self.rings[i]
        if ring is None:
            assert self._load is not None
            pts = tuple([(float(x), float(y)) for x, y, *_ in self._load(i)])
            ring = self.rings[i] = pts if len(pts) >= 3 else ()
        return ring

    def covers(self, lon: float, lat: float) -> bool:
        """Whether the point lies in the area (boundary included)."""
        candidates = self._index.get((math.floor(lon / _BUCKET), math.floor(lat / _BUCKET)))
        return bool(candidates) and any(ring_covers(self.ring(i), lon, lat) for i in candidates)

    def candidates(self, lon: float, lat: float) -> tuple[int, ...]:
        """The cells (indices into rings) a point may lie in."""
        return self._index.get((math.floor(lon / _BUCKET), math.floor(lat / _BUCKET))) or ()

    def edges_of(self, cells: Sequence[int]) -> np.ndarray:
        """len(cells) × edge × (x1, y1, x2, y2): the edges ring_covers walks of each of `cells`;
        NaN past a ring's end. Each cell's edges are made once."""
        uniq, inverse = np.unique(np.asarray(cells, dtype=np.int64), return_inverse=True)
        blocks = []
        for i in uniq.tolist():
            block = self._edges.get(i)
            if block is None:
                ring = self.ring(i)
                block = self._edges[i] = np.array(
                    [(*ring[k], *ring[(k + 1) % len(ring)]) for k in range(len(ring))],
                    dtype=np.float64).reshape(len(ring), 4)
            blocks.append(block)
        width = max((len(b) for b in blocks), default=0)
        out = np.full((len(blocks), width, 4), np.nan)
        for j, block in enumerate(blocks):
            out[j, :len(block)] = block
        return out[inverse.reshape(-1)]


def covers_many(areas: Sequence[WorkArea | None], lons: Sequence[float], lats: Sequence[float]
                ) -> list[bool]:
    """[areas[i] is None or areas[i].covers(lons[i], lats[i])] for a batch of fixes: ring_covers'
    very arithmetic, over every (fix, candidate cell) pair at once."""
    out = [True] * len(lons)
    by_area: dict[int, tuple[WorkArea, list[int], list[int]]] = {}   # id → (area, fixes, cells)
    for i, area in enumerate(areas):
        if area is None:
            continue
        found = area.candidates(lons[i], lats[i])
        out[i] = False
        if found:
            group = by_area.get(id(area))
            if group is None:
                group = by_area[id(area)] = (area, [], [])
            group[1].extend([i] * len(found))
            group[2].extend(found)
    if not by_area:
        return out
    edges = [area.edges_of(cells) for area, _, cells in by_area.values()]
    width = max(block.shape[1] for block in edges)
    blocks, pair_fix = [], []
    for (area, fixes, cells), block in zip(by_area.values(), edges):
        if block.shape[1] < width:
            block = np.pad(block, ((0, 0), (0, width - block.shape[1]), (0, 0)),
                           constant_values=np.nan)
        blocks.append(block)
        pair_fix += fixes
    e = np.concatenate(blocks)
    fix = np.array(pair_fix)
    hit = _hits(e, np.asarray(lons, dtype=np.float64)[fix], np.asarray(lats, dtype=np.float64)[fix])
    for i in fix[hit].tolist():
        out[i] = True
    return out


def _hits(e: np.ndarray, lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
    """Per (point, cell) pair: whether ring_covers holds, with ring_covers' very arithmetic;
    `e` is pair × edge × (x1, y1, x2, y2), NaN past a ring's end."""
    lon, lat = lon[:, None], lat[:, None]
    x1, y1, x2, y2 = e[..., 0], e[..., 1], e[..., 2], e[..., 3]
    with np.errstate(invalid="ignore", divide="ignore"):
        cross = (x2 - x1) * (lat - y1) - (y2 - y1) * (lon - x1)
        scale = np.maximum(np.maximum(np.abs(x2 - x1), np.abs(y2 - y1)), 1e-12)
        on_edge = ((np.abs(cross) <= _EDGE_EPS * scale)
                   & (np.minimum(x1, x2) - _EDGE_EPS <= lon) & (lon <= np.maximum(x1, x2) + _EDGE_EPS)
                   & (np.minimum(y1, y2) - _EDGE_EPS <= lat) & (lat <= np.maximum(y1, y2) + _EDGE_EPS))
        spans = (y1 > lat) != (y2 > lat)          # NaN padding compares False: no crossing
        x_at = x1 + (lat - y1) * (x2 - x1) / (y2 - y1)
        crossings = np.count_nonzero(spans & (lon < x_at), axis=1)
    return on_edge.any(axis=1) | (crossings % 2 == 1)


# A bucket and a grid in one sortable integer: 21 bits each for the bucket's x and y (offset
# to be positive: any longitude and latitude fit) and for the grid id.
_BITS = 21
_OFF = 1 << (_BITS - 1)
_GRID_LIMIT = 1 << _BITS


def _key(bx: np.ndarray, by: np.ndarray, grid: np.ndarray) -> np.ndarray:
    return ((bx + _OFF) << (2 * _BITS)) | ((by + _OFF) << _BITS) | grid


def _spread(counts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For items with `counts` each: (item of every slot, slot's index within its item)."""
    item = np.repeat(np.arange(len(counts)), counts)
    within = np.arange(int(counts.sum())) - np.repeat(np.cumsum(counts) - counts, counts)
    return item, within


class GridAreas:
    """Every work grid of a city at once: the alert engine tests a batch of fixes, each against
    its officer's grid, with a handful of array operations instead of a spatial hash per grid.

    Cells are given as (grid id, bounding box) rows, a cell in two grids once for each, and
    `load(rows)` gives those rows' rings when a fix first falls in their boxes. A fix is tested
    against the cells of its grid whose widened box touches its bucket: the candidates
    WorkArea.from_boxes finds, so the answers are WorkArea's (tests/test_covers_many.py).
    """

    def __init__(self, grids: Sequence[int], boxes: Sequence[Sequence[float]],
                 load: Callable[[list[int]], Sequence[Sequence[Sequence[float]]]]) -> None:
        self._load = load
        self._edges: dict[int, np.ndarray] = {}
        grid = np.asarray(grids, dtype=np.int64).reshape(-1)
        if len(grid) and (grid.min() < 0 or grid.max() >= _GRID_LIMIT):
            raise ValueError(f"work grid ids must lie in [0, {_GRID_LIMIT})")
        b = np.asarray(boxes, dtype=np.float64).reshape(-1, 4)
        eps = _EDGE_EPS + _BOX_MARGIN
        bx0 = np.floor((b[:, 0] - eps) / _BUCKET).astype(np.int64)
        by0 = np.floor((b[:, 1] - eps) / _BUCKET).astype(np.int64)
        bx1 = np.floor((b[:, 2] + eps) / _BUCKET).astype(np.int64)
        by1 = np.floor((b[:, 3] + eps) / _BUCKET).astype(np.int64)
        ny = by1 - by0 + 1
        row, within = _spread((bx1 - bx0 + 1) * ny)
        keys = _key(bx0[row] + within // ny[row], by0[row] + within % ny[row], grid[row])
        order = np.argsort(keys, kind="stable")
        self._keys, self._rows = keys[order], row[order]

    def covers(self, grid: int | None, lon: float, lat: float) -> bool:
        """Whether the point lies in the grid's area (None: no grid, never off post)."""
        return self.covers_many([grid], [lon], [lat])[0]

    def covers_many(self, grids: Sequence[int | None], lons: Sequence[float],
                    lats: Sequence[float]) -> list[bool]:
        """[grids[i] is None or the point lies in grid grids[i]] for a batch of points (a grid
        without cells covers nothing)."""
        out = [True] * len(lons)
        asked = [i for i, g in enumerate(grids) if g is not None]
        if not asked:
            return out
        for i in asked:
            out[i] = False
        sel = np.asarray(asked, dtype=np.int64)
        grid = np.asarray([grids[i] for i in asked], dtype=np.int64)
        lon = np.asarray(lons, dtype=np.float64)[sel]
        lat = np.asarray(lats, dtype=np.float64)[sel]
        known = (grid >= 0) & (grid < _GRID_LIMIT)
        key = _key(np.floor(lon / _BUCKET).astype(np.int64),
                   np.floor(lat / _BUCKET).astype(np.int64), np.where(known, grid, 0))
        lo = np.searchsorted(self._keys, key, side="left")
        counts = np.where(known, np.searchsorted(self._keys, key, side="right") - lo, 0)
        point, within = _spread(counts)
        if not len(point):
            return out
        rows = self._rows[lo[point] + within]
        hit = _hits(self._edges_of(rows), lon[point], lat[point])
        for i in sel[point[hit]].tolist():
            out[i] = True
        return out

    def _edges_of(self, rows: np.ndarray) -> np.ndarray:
        """len(rows) × edge × (x1, y1, x2, y2), NaN past a ring's end; each row's edges are
        made once, those of a batch's new rows together."""
        uniq, inverse = np.unique(rows, return_inverse=True)
        wanted = uniq.tolist()
        edges = self._edges
        new = [r for r in wanted if r not in edges]
        if new:
            rings = [ring if len(ring) >= 3 else () for ring in self._load(new)]
            sizes = np.fromiter((len(ring) for ring in rings), np.int64, len(rings))
            points = np.array([p[:2] for ring in rings for p in ring],
                              dtype=np.float64).reshape(-1, 2)
            ring_of, k = _spread(sizes)
            start = np.cumsum(sizes) - sizes
            following = start[ring_of] + (k + 1) % np.maximum(sizes[ring_of], 1)
            flat = np.concatenate([points, points[following]], axis=1)
            for r, block in zip(new, np.split(flat, np.cumsum(sizes)[:-1])):
                edges[r] = block
        blocks = [edges[r] for r in wanted]
        width = max((len(b) for b in blocks), default=0)
        out = np.full((len(blocks), width, 4), np.nan)
        for j, block in enumerate(blocks):
            out[j, :len(block)] = block
        return out[inverse.reshape(-1)]
