"""The bucket index finds exactly the cells a shapely tree finds, edges and corners included."""
from __future__ import annotations

import numpy as np
import shapely

from console.services.cell_index import CellIndex, ring_boxes


def _grid(rng: np.random.Generator, side: int = 30) -> list[np.ndarray]:
    """A jittered square grid (shared edges, like the city's) with a few big odd cells."""
    rings = []
    step = 0.001
    for i in range(side):
        for j in range(side):
            x, y = 120 + i * step, 30 + j * step
            rings.append(np.array([[x, y], [x + step, y], [x + step, y + step], [x, y + step],
                                   [x, y]]))
    for _ in range(5):   # cells many buckets wide, overlapping others
        x, y = 120 + rng.uniform(0, 0.02), 30 + rng.uniform(0, 0.02)
        w = rng.uniform(0.003, 0.01)
        rings.append(np.array([[x, y], [x + w, y + w / 3], [x + w / 2, y + w], [x, y]]))
    return rings


def test_point_lookups_match_a_shapely_tree():
    rng = np.random.default_rng(7)
    rings = _grid(rng)
    polygons = np.array([shapely.Polygon(r) for r in rings], dtype=object)
    tree = shapely.STRtree(polygons)
    index = CellIndex(rings, ring_boxes(rings))
    vertices = np.concatenate(rings)[rng.choice(sum(map(len, rings)), 300)]
    lons = np.concatenate([rng.uniform(119.99, 120.04, 2000), vertices[:, 0],
                           120 + np.round(rng.uniform(0, 0.03, 200), 3)])   # on grid lines
    lats = np.concatenate([rng.uniform(29.99, 30.04, 2000), vertices[:, 1],
                           rng.uniform(30, 30.03, 200)])
    expected = tree.query(shapely.points(lons, lats), predicate="intersects")
    got = index.covering(lons, lats)
    assert set(map(tuple, expected.T.tolist())) == set(map(tuple, got.T.tolist()))
    assert len(got[0]) > 2000   # most points fall in some cell; edge points in several
    made = sum(shape is not None for shape in index._shapes)
    assert made == len(np.unique(index.candidates(lons, lats)[1]))


def test_an_empty_grid_covers_nothing():
    index = CellIndex([], np.empty((0, 4)))
    assert index.covering(np.array([120.0]), np.array([30.0])).shape == (2, 0)
