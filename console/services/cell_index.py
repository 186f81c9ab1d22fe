"""Which cell covers a point, without making every cell's polygon first.

A shapely tree over 200,000 cell polygons costs half a second to make (the polygons alone),
paid at every start before the first patrol could be judged. Cells are small and alike, so a
uniform bucket grid over their bounding boxes (numpy, tens of milliseconds) narrows a point
to a few candidates, and only those candidates' polygons are made, once each, when first
tested. Plain data; safe to hand between threads (a polygon made twice by two threads is the
same polygon).
"""
from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import shapely

#: A bucket is this many typical cells wide: few buckets per cell, few cells per bucket.
BUCKET_CELLS = 2.0


def ring_boxes(rings: Sequence[np.ndarray], coords: np.ndarray | None = None,
               counts: np.ndarray | None = None) -> np.ndarray:
    """(n, 4) min lon, min lat, max lon, max lat of each ring."""
    if coords is None:
        if not len(rings):
            return np.empty((0, 4))
        counts = np.fromiter((len(r) for r in rings), dtype=np.int64, count=len(rings))
        coords = np.concatenate(list(rings))
    starts = np.cumsum(counts) - counts
    xs, ys = coords[:, 0], coords[:, 1]
    return np.stack([np.minimum.reduceat(xs, starts), np.minimum.reduceat(ys, starts),
                     np.maximum.reduceat(xs, starts), np.maximum.reduceat(ys, starts)], axis=1)


def make_polygons(rings: Sequence[np.ndarray]) -> np.ndarray:
    """Shapely polygons of rings of any lengths, in one vectorised call."""
    if not len(rings):
        return np.empty(0, dtype=object)
    counts = np.fromiter((len(r) for r in rings), dtype=np.int64, count=len(rings))
    indices = np.repeat(np.arange(len(rings)), counts)
    return shapely.polygons(shapely.linearrings(np.concatenate(list(rings)), indices=indices))


class CellIndex:
    """Point → covering cells, over `rings` (a sequence of closed (k, 2) lon/lat arrays)."""

    def __init__(self, rings: Sequence[np.ndarray], boxes: np.ndarray,
                 shapes: np.ndarray | None = None) -> None:
        self.rings, self.boxes = rings, boxes
        n = len(boxes)
        # Polygons made so far (None: not yet); all of them when the caller had them already.
        self._shapes = shapes if shapes is not None else np.full(n, None, dtype=object)
        if not n:
            self.x0 = self.y0 = 0.0
            self.size, self.nx, self.ny = 1.0, 1, 1
            self._keys = self._cells = np.empty(0, dtype=np.int64)
            return
        width = float(np.median(np.maximum(boxes[:, 2] - boxes[:, 0],
                                           boxes[:, 3] - boxes[:, 1])))
        self.x0, self.y0 = float(boxes[:, 0].min()), float(boxes[:, 1].min())
        span = max(float(boxes[:, 2].max()) - self.x0, float(boxes[:, 3].max()) - self.y0)
        # At most 4096 buckets a side, however small the cells.
        self.size = max(width * BUCKET_CELLS, span / 4096, 1e-9)
        ix0, iy0 = self._bucket(boxes[:, 0], boxes[:, 1])
        ix1, iy1 = self._bucket(boxes[:, 2], boxes[:, 3])
        self.nx, self.ny = int(ix1.max()) + 1, int(iy1.max()) + 1
        wide = ix1 - ix0 + 1
        spans = wide * (iy1 - iy0 + 1)
        cell = np.repeat(np.arange(n), spans)
        offset = np.arange(int(spans.sum())) - np.repeat(np.cumsum(spans) - spans, spans)
        w = np.repeat(wide, spans)
        keys = (np.repeat(iy0, spans) + offset // w) * self.nx + np.repeat(ix0, spans) + offset % w
        order = np.argsort(keys, kind="stable")
        self._keys, self._cells = keys[order], cell[order]

    def _bucket(self, xs: np.ndarray, ys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        return (np.floor((xs - self.x0) / self.size).astype(np.int64),
                np.floor((ys - self.y0) / self.size).astype(np.int64))

    def shapes_of(self, cells: np.ndarray) -> np.ndarray:
        """The polygons of some cells (made on first use, kept)."""
        cells = np.asarray(cells, dtype=np.int64)
        have = self._shapes[cells]
        missing = np.unique(cells[np.equal(have, None)])
        if len(missing):
            made = make_polygons([self.rings[i] for i in missing.tolist()])
            shapely.prepare(made)
            self._shapes[missing] = made
            have = self._shapes[cells]
        return have

    def candidates(self, lons: np.ndarray, lats: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Pairs (point index, cell index) whose cell's box holds the point (edges included)."""
        lons, lats = np.asarray(lons, dtype=np.float64), np.asarray(lats, dtype=np.float64)
        if not len(self._keys) or not len(lons):
            return np.empty(0, dtype=np.int64), np.empty(0, dtype=np.int64)
        bx, by = self._bucket(lons, lats)
        inside = (bx >= 0) & (bx < self.nx) & (by >= 0) & (by < self.ny)
        key = np.where(inside, by * self.nx + bx, -1)
        lo = np.searchsorted(self._keys, key, "left")
        hi = np.where(inside, np.searchsorted(self._keys, key, "right"), lo)
        counts = hi - lo
        points = np.repeat(np.arange(len(lons)), counts)
        pos = np.repeat(lo, counts) + np.arange(int(counts.sum())) - \
            np.repeat(np.cumsum(counts) - counts, counts)
        cells = self._cells[pos]
        b = self.boxes[cells]
        x, y = lons[points], lats[points]
        keep = (b[:, 0] <= x) & (x <= b[:, 2]) & (b[:, 1] <= y) & (y <= b[:, 3])
        return points[keep], cells[keep]

    def covering(self, lons: np.ndarray, lats: np.ndarray) -> np.ndarray:
        """(2, k): every (point index, cell index) whose cell covers the point, edges included
        (the pairs a shapely tree's "intersects" query gives)."""
        points, cells = self.candidates(lons, lats)
        if not len(points):
            return np.empty((2, 0), dtype=np.int64)
        hit = shapely.intersects_xy(self.shapes_of(cells), np.asarray(lons)[points],
                                    np.asarray(lats)[points])
        return np.vstack([points[hit], cells[hit]])
