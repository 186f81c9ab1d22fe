"""The unit grid as the map needs it: cells in arrays, region boundaries, work-grid colours.

Loaded once per page build (50,000 cells take about a second) and kept by the map for the
life of the page; everything here is plain data (numpy arrays, shapely geometries, tuples),
safe to hand from the worker thread that builds it to the GUI thread that uses it.
"""
from __future__ import annotations

import json
import math
from collections import defaultdict
from dataclasses import dataclass, field

import numpy as np
import shapely
from shapely.ops import polylabel
from sqlalchemy import Text, cast, select
from sqlalchemy.orm import Session

from console.services.overview import city_name
from console.store.models import (Cell, Community, District, Meta, Street, WorkGrid,
                                  WorkGridCell)

#: Boundary outlines lose vertices closer than this to the line (degrees, about 1 m).
SIMPLIFY_DEG = 0.00001
#: Label anchors need not be exact: polylabel stops at this precision (degrees, about 10 m).
LABEL_PRECISION_DEG = 0.0001
#: Cells this close count as neighbours when colouring work grids apart (degrees).
TOUCH_DEG = 0.000001
LEVELS = ("district", "street", "community")


@dataclass(frozen=True)
class Region:
    """A district, street or community: its outline derived from its cells, and a label point."""

    level: str
    id: int
    code: str
    name: str
    geometry: object          # shapely (Multi)Polygon
    label: tuple[float, float]  # lon, lat inside the region


@dataclass
class GridData:
    """Every cell of the city in index order; `index_of` maps a cell id to its position."""

    ids: np.ndarray                 # int64 cell ids
    codes: list[str]
    rings: list[np.ndarray]         # (n, 2) lon/lat, closed
    centroids: np.ndarray           # (n, 2) lon/lat
    community: np.ndarray           # int32 community id per cell
    work_grid: np.ndarray           # int32 work grid id per cell, -1 when none
    polygons: np.ndarray            # shapely polygons, for point lookups
    communities: dict[int, tuple[str, str, int]] = field(default_factory=dict)  # id → code, name, street
    streets: dict[int, tuple[str, str, int]] = field(default_factory=dict)      # id → code, name, district
    districts: dict[int, tuple[str, str]] = field(default_factory=dict)         # id → code, name
    work_grids: dict[int, tuple[str, str]] = field(default_factory=dict)        # id → code, name
    city_name: str = ""
    centre: tuple[float, float] | None = None
    _tree: shapely.STRtree | None = None

    def __post_init__(self) -> None:
        self.index_of = {int(cid): i for i, cid in enumerate(self.ids)}

    def __len__(self) -> int:
        return len(self.codes)

    @property
    def bbox(self) -> tuple[float, float, float, float]:
        """min lon, min lat, max lon, max lat of the whole grid."""
        if not len(self):
            return (0.0, 0.0, 0.0, 0.0)
        bounds = shapely.total_bounds(self.polygons)
        return tuple(float(v) for v in bounds)

    @property
    def cell_size_m(self) -> float:
        """The side of a typical cell in metres (the square root of the median area)."""
        if not len(self):
            return 100.0
        lat = float(np.median(self.centroids[:, 1]))
        deg2 = float(np.median(shapely.area(self.polygons)))
        return math.sqrt(deg2 * 111_320.0 ** 2 * math.cos(math.radians(lat)))

    @property
    def tree(self) -> shapely.STRtree:
        if self._tree is None:
            self._tree = shapely.STRtree(self.polygons)
        return self._tree

    def cells_near(self, lons: np.ndarray, lats: np.ndarray, distance_deg: float) -> np.ndarray:
        """Pairs (point index, cell index) of every cell within `distance_deg` of each point."""
        if not len(self) or not len(lons):
            return np.empty((2, 0), dtype=np.int64)
        points = shapely.points(lons, lats)
        if distance_deg <= 0:   # on the cell or its edge
            return self.tree.query(points, predicate="intersects")
        return self.tree.query(points, predicate="dwithin", distance=distance_deg)

    def cell_at(self, lon: float, lat: float) -> int | None:
        """The index of the cell covering a point, or None outside the grid."""
        if not len(self):
            return None
        hits = self.tree.query(shapely.Point(lon, lat), predicate="intersects")
        return int(hits[0]) if len(hits) else None


def load_grid(session: Session) -> GridData:
    """All cells with their community and work grid, and the names of every region."""
    # The rings come as JSON text (cast by the database: PostgreSQL's driver would parse a json
    # column itself) and are parsed in one call: 50,000 json.loads through the ORM's JSON type
    # take longer than the rest of the build.
    rows = session.execute(select(Cell.id, Cell.code, Cell.community_id,
                                  cast(Cell.ring, Text).label("ring"))
                           .order_by(Cell.id)).all()
    grid_of = dict(session.execute(select(WorkGridCell.cell_id, WorkGridCell.work_grid_id)).all())
    rings = [np.asarray(r, dtype=np.float64).reshape(-1, 2)
             for r in json.loads("[" + ",".join(r.ring for r in rows) + "]")]
    polygons = _polygons(rings)
    data = GridData(
        ids=np.array([r.id for r in rows], dtype=np.int64),
        codes=[r.code for r in rows],
        rings=rings,
        centroids=shapely.get_coordinates(shapely.centroid(polygons)).reshape(-1, 2),
        community=np.array([r.community_id for r in rows], dtype=np.int32),
        work_grid=np.array([grid_of.get(r.id, -1) for r in rows], dtype=np.int32),
        polygons=polygons,
    )
    data.communities = {r.id: (r.code, r.name, r.street_id) for r in session.execute(
        select(Community.id, Community.code, Community.name, Community.street_id))}
    data.streets = {r.id: (r.code, r.name, r.district_id) for r in session.execute(
        select(Street.id, Street.code, Street.name, Street.district_id))}
    data.districts = {r.id: (r.code, r.name) for r in session.execute(
        select(District.id, District.code, District.name))}
    data.work_grids = {r.id: (r.code, r.name) for r in session.execute(
        select(WorkGrid.id, WorkGrid.code, WorkGrid.name))}
    data.city_name = city_name(session)
    centre = session.get(Meta, "centre")
    if centre is not None:
        try:
            lon, lat = json.loads(centre.value)
            data.centre = (float(lon), float(lat))
        except (ValueError, TypeError):
            data.centre = None   # a hand-edited value: the grid's own middle will do
    return data


def _polygons(rings: list[np.ndarray]) -> np.ndarray:
    """Shapely polygons of many rings in one vectorised call."""
    if not rings:
        return np.empty(0, dtype=object)
    counts = np.fromiter((len(r) for r in rings), dtype=np.int64, count=len(rings))
    indices = np.repeat(np.arange(len(rings)), counts)
    return shapely.polygons(shapely.linearrings(np.concatenate(rings), indices=indices))


def _label_point(geometry) -> tuple[float, float]:
    """A point well inside the region (its largest part when it has several)."""
    part = geometry
    if geometry.geom_type == "MultiPolygon":
        part = max(geometry.geoms, key=lambda g: g.area)
    try:
        point = polylabel(part, LABEL_PRECISION_DEG)
    except Exception:   # noqa: BLE001 — a degenerate outline still gets a label somewhere
        point = part.representative_point()
    return (round(point.x, 6), round(point.y, 6))


def _union(parts: list) -> object:
    # unary_union dissolves the shared edges between neighbouring cells; make_valid first so a
    # slightly self-touching imported ring cannot make the whole region fail.
    return shapely.union_all(shapely.make_valid(np.asarray(parts, dtype=object)))


def _region(level: str, rid: int, code: str, name: str, shape) -> Region:
    # Unions of the next level use the exact shapes; only what is drawn is simplified (a
    # simplified outline no longer shares its edges, and the union would leave slivers).
    drawn = shape.simplify(SIMPLIFY_DEG, preserve_topology=True)
    return Region(level, rid, code, name, drawn, _label_point(shape))


def region_boundaries(grid: GridData) -> dict[str, list[Region]]:
    """Community, street and district outlines, each the union of the level below."""
    cells_of: dict[int, list] = defaultdict(list)
    for community_id, polygon in zip(grid.community.tolist(), grid.polygons):
        cells_of[community_id].append(polygon)
    out: dict[str, list[Region]] = {level: [] for level in LEVELS}
    community_shapes: dict[int, list] = defaultdict(list)   # street id → community outlines
    for cid, parts in cells_of.items():
        code, name, street_id = grid.communities.get(cid, (str(cid), "", -1))
        shape = _union(parts)
        out["community"].append(_region("community", cid, code, name, shape))
        community_shapes[street_id].append(shape)
    street_shapes: dict[int, list] = defaultdict(list)
    for sid, parts in community_shapes.items():
        code, name, district_id = grid.streets.get(sid, (str(sid), "", -1))
        shape = _union(parts)
        out["street"].append(_region("street", sid, code, name, shape))
        street_shapes[district_id].append(shape)
    for did, parts in street_shapes.items():
        code, name = grid.districts.get(did, (str(did), ""))
        shape = _union(parts)
        out["district"].append(_region("district", did, code, name, shape))
    return out


def work_grid_colours(grid: GridData, colours: int = 6) -> dict[int, int]:
    """A colour number per work grid such that neighbouring grids differ where possible."""
    if not len(grid):
        return {}
    left, right = grid.tree.query(grid.polygons, predicate="dwithin", distance=TOUCH_DEG)
    a, b = grid.work_grid[left], grid.work_grid[right]
    keep = (a != b) & (a >= 0) & (b >= 0)
    neighbours: dict[int, set[int]] = defaultdict(set)
    for x, y in zip(a[keep].tolist(), b[keep].tolist()):
        neighbours[x].add(y)
        neighbours[y].add(x)
    ids = sorted(set(grid.work_grid.tolist()) - {-1})
    return greedy_colouring(ids, neighbours, colours)


def greedy_colouring(nodes: list[int], neighbours: dict[int, set[int]],
                     colours: int) -> dict[int, int]:
    """Welsh–Powell: most-connected first, each takes the least-used colour its neighbours lack."""
    order = sorted(nodes, key=lambda n: (-len(neighbours.get(n, ())), n))
    out: dict[int, int] = {}
    used = [0] * colours
    for node in order:
        taken = {out[m] for m in neighbours.get(node, ()) if m in out}
        free = [c for c in range(colours) if c not in taken] or list(range(colours))
        colour = min(free, key=lambda c: (used[c], c))
        out[node] = colour
        used[colour] += 1
    return out
