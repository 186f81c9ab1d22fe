"""The unit grid as the map needs it: cells in arrays, region boundaries, work-grid colours.

Loaded once per page build (50,000 cells take about a second) and kept by the map for the
life of the page; everything here is plain data (numpy arrays, shapely geometries, tuples),
safe to hand from the worker thread that builds it to the GUI thread that uses it.
"""
from __future__ import annotations

import hashlib
import json
import math
import uuid
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
import shapely
from shapely.ops import polylabel
from sqlalchemy import BigInteger, Text, cast, func, select
from sqlalchemy.orm import Session

from console.services.cell_index import CellIndex, ring_boxes
from console.services.overview import city_name
from console.store.models import (Cell, Community, District, Meta, Street, WorkGrid,
                                  WorkGridCell)

#: Boundary outlines lose vertices closer than this to the line (degrees, about 1 m).
SIMPLIFY_DEG = 0.00001
#: Label anchors need not be exact: polylabel stops at this precision (degrees, about 10 m).
LABEL_PRECISION_DEG = 0.0001
#: The Meta key a writer of the grid bumps (see `bump_grid_version`).
GRID_VERSION_KEY = "grid_version"
#: Cells this close count as neighbours when colouring work grids apart (degrees).
TOUCH_DEG = 0.000001
LEVELS = ("district", "street", "community")
#: Cells measured for the typical cell size when the polygons are not made yet.
SIZE_SAMPLE = 2000


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
    rings: Sequence[np.ndarray]     # (n, 2) lon/lat, closed
    centroids: np.ndarray           # (n, 2) lon/lat
    community: np.ndarray           # int32 community id per cell
    work_grid: np.ndarray           # int32 work grid id per cell, -1 when none
    communities: dict[int, tuple[str, str, int]] = field(default_factory=dict)  # id → code, name, street
    streets: dict[int, tuple[str, str, int]] = field(default_factory=dict)      # id → code, name, district
    districts: dict[int, tuple[str, str]] = field(default_factory=dict)         # id → code, name
    work_grids: dict[int, tuple[str, str]] = field(default_factory=dict)        # id → code, name
    city_name: str = ""
    centre: tuple[float, float] | None = None
    #: Shapely polygons of the cells, for point lookups: made when first asked for (a cached
    #: grid's page needs none; half a second at 200,000 cells).
    shapes: np.ndarray | None = None
    _tree: shapely.STRtree | None = None

    @cached_property
    def index_of(self) -> dict[int, int]:
        """Cell id → index (made when first asked for: a tenth of a second at 200,000)."""
        return {int(cid): i for i, cid in enumerate(self.ids.tolist())}

    def __len__(self) -> int:
        return len(self.codes)

    @cached_property
    def bbox(self) -> tuple[float, float, float, float]:
        """min lon, min lat, max lon, max lat of the whole grid."""
        if not len(self):
            return (0.0, 0.0, 0.0, 0.0)
        if self.shapes is None and isinstance(self.rings, FlatRings):
            low, high = self.rings.coords.min(axis=0), self.rings.coords.max(axis=0)
            return (float(low[0]), float(low[1]), float(high[0]), float(high[1]))
        bounds = shapely.total_bounds(self.polygons)
        return tuple(float(v) for v in bounds)

    @property
    def polygons(self) -> np.ndarray:
        if self.shapes is None:
            self.shapes = _polygons(self.rings)
        return self.shapes

    @property
    def cell_size_m(self) -> float:
        """The side of a typical cell in metres (the square root of the median area)."""
        if not len(self):
            return 100.0
        lat = float(np.median(self.centroids[:, 1]))
        shapes = self.shapes
        if shapes is None:   # a sample is as good for "a typical cell", and needs no full build
            step = max(1, len(self) // SIZE_SAMPLE)
            shapes = _polygons([self.rings[i] for i in range(0, len(self), step)])
        deg2 = float(np.median(shapely.area(shapes)))
        return math.sqrt(deg2 * 111_320.0 ** 2 * math.cos(math.radians(lat)))

    @cached_property
    def index(self) -> CellIndex:
        """Point lookups that make only the polygons they test (see cell_index)."""
        rings = self.rings
        if isinstance(rings, FlatRings):
            boxes = ring_boxes(rings, rings.coords, rings.counts)
        else:
            boxes = ring_boxes(rings)
        return CellIndex(rings, boxes, self.shapes)

    def shapes_of(self, cells: np.ndarray) -> np.ndarray:
        """The polygons of some cells (all made already, or made now and kept)."""
        if self.shapes is not None:
            return self.shapes[cells]
        return self.index.shapes_of(cells)

    @property
    def tree(self) -> shapely.STRtree:
        if self._tree is None:
            self._tree = shapely.STRtree(self.polygons)
        return self._tree

    def cells_near(self, lons: np.ndarray, lats: np.ndarray, distance_deg: float) -> np.ndarray:
        """Pairs (point index, cell index) of every cell within `distance_deg` of each point."""
        if not len(self) or not len(lons):
            return np.empty((2, 0), dtype=np.int64)
        if distance_deg <= 0:   # on the cell or its edge
            return self.index.covering(lons, lats)
        points = shapely.points(lons, lats)
        return self.tree.query(points, predicate="dwithin", distance=distance_deg)

    def cell_at(self, lon: float, lat: float) -> int | None:
        """The index of the cell covering a point, or None outside the grid."""
        if not len(self):
            return None
        hits = self.index.covering(np.array([lon]), np.array([lat]))[1]
        return int(hits.min()) if len(hits) else None


def load_grid(session: Session) -> GridData:
    """All cells with their community and work grid, and the names of every region."""
    # The rings come as JSON text (cast by the database: PostgreSQL's driver would parse a json
    # column itself) and are parsed in one call: 50,000 json.loads through the ORM's JSON type
    # take longer than the rest of the build.
    rows = session.execute(select(Cell.id, Cell.code, Cell.community_id,
                                  cast(Cell.ring, Text).label("ring"))
                           .where(Cell.retired_at.is_(None)).order_by(Cell.id)).all()
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
        shapes=polygons,
    )
    data.communities = {r.id: (r.code, r.name, r.street_id) for r in session.execute(
        select(Community.id, Community.code, Community.name, Community.street_id))}
    data.streets = {r.id: (r.code, r.name, r.district_id) for r in session.execute(
        select(Street.id, Street.code, Street.name, Street.district_id))}
    data.districts = {r.id: (r.code, r.name) for r in session.execute(
        select(District.id, District.code, District.name))}
    data.work_grids = {r.id: (r.code, r.name) for r in session.execute(
        select(WorkGrid.id, WorkGrid.code, WorkGrid.name))}
    place_of(session, data)
    return data


def grid_fingerprint(session: Session) -> str:
    """A short hash that changes whenever what the map draws of the grid changes.

    Two parts: the grid version a writer of the grid bumps (`bump_grid_version`), and
    aggregates of the cells read from their indexes alone (count, ids, bounding boxes, codes,
    communities, work-grid membership) plus the small region tables whole, so that a writer
    that forgot the version still changes the hash. Tens of milliseconds at 200,000 cells,
    against seconds for reading and encoding the grid itself.
    """
    h = hashlib.sha256()
    version = session.get(Meta, GRID_VERSION_KEY)
    h.update(repr(version.value if version is not None else "").encode())
    big = BigInteger()
    queries = [
        select(func.count(), func.min(Cell.id), func.max(Cell.id), func.sum(Cell.min_lon),
               func.sum(Cell.max_lon), func.sum(Cell.min_lat), func.sum(Cell.max_lat)),
        select(func.sum(cast(Cell.community_id, big) * cast(Cell.id, big))),
        select(func.sum(func.length(Cell.code))),
        select(func.count(), func.sum(cast(WorkGridCell.work_grid_id, big)
                                      * cast(WorkGridCell.cell_id, big))),
    ]
    for q in queries:
        h.update(repr(tuple(_plain(v) for v in session.execute(q).one())).encode())
    for q in (select(District.id, District.code, District.name).order_by(District.id),
              select(Street.id, Street.code, Street.name, Street.district_id).order_by(Street.id),
              select(Community.id, Community.code, Community.name, Community.street_id)
              .order_by(Community.id),
              select(WorkGrid.id, WorkGrid.code, WorkGrid.name).order_by(WorkGrid.id)):
        for row in session.execute(q):
            h.update(repr(tuple(row)).encode())
    return h.hexdigest()[:24]


def _plain(value):
    # Sums of floats differ in the last bits between drivers' types; 1e-9° is far below a cell.
    return round(float(value), 9) if isinstance(value, float) else (
        None if value is None else int(value) if not isinstance(value, str) else value)


def grid_version(session: Session) -> str | None:
    """The grid version the last writer of the grid set, or None if none ever did: one row
    read, where the fingerprint aggregates the whole cells table (a tenth of a second and more
    at 200,000 cells). A page kept for this version may be shown at once (see map.loader)."""
    row = session.get(Meta, GRID_VERSION_KEY)
    return row.value if row is not None and row.value else None


def bump_grid_version(session: Session, token: str | None = None) -> None:
    """Record that the grid changed (call in the transaction that changes cells, regions or
    work-grid membership). The version is a new random token, so two databases never share
    one by chance; a writer that knows the grid is the same as another database's (the demo,
    from its seed) may pass its own, and their seats then share the kept page."""
    value = token or uuid.uuid4().hex
    row = session.get(Meta, GRID_VERSION_KEY)
    if row is None:
        session.add(Meta(key=GRID_VERSION_KEY, value=value))
    else:
        row.value = value


class FlatRings(Sequence):
    """Rings kept as one (n, 2) array and their vertex counts; a ring is made when asked for
    (a cached grid is seldom asked: splitting 200,000 rings up front took a tenth of a second)."""

    def __init__(self, coords: np.ndarray, counts: np.ndarray) -> None:
        self.coords, self.counts = coords, counts
        self.ends = np.cumsum(counts)

    def __len__(self) -> int:
        return len(self.counts)

    def __getitem__(self, i):
        if isinstance(i, slice):
            return [self[k] for k in range(*i.indices(len(self)))]
        end = int(self.ends[i])
        return self.coords[end - int(self.counts[i]):end]


def rebuild_grid(arrays: dict[str, np.ndarray], names: dict) -> GridData:
    """A GridData from the arrays and names `grid_cache` kept (the inverse of its store)."""
    counts = arrays["counts"].astype(np.int64)
    coords = arrays["coords"].reshape(-1, 2)
    rings = FlatRings(coords, counts)

    def keyed(d: dict) -> dict:
        return {int(k): tuple(v) for k, v in d.items()}
    grid = GridData(ids=arrays["ids"], codes=list(names["codes"]), rings=rings,
                    centroids=arrays["centroids"], community=arrays["community"],
                    work_grid=arrays["work_grid"],
                    communities=keyed(names["communities"]), streets=keyed(names["streets"]),
                    districts=keyed(names["districts"]), work_grids=keyed(names["work_grids"]))
    if "bbox" in names:   # kept by the cache: no pass over every vertex at start
        grid.__dict__["bbox"] = tuple(float(v) for v in names["bbox"])
    return grid


def place_of(session: Session, grid: GridData) -> None:
    """Set the city's name and centre (kept in Meta, read fresh even for a cached grid)."""
    grid.city_name = city_name(session)
    centre = session.get(Meta, "centre")
    grid.centre = None
    if centre is not None:
        try:
            lon, lat = json.loads(centre.value)
            grid.centre = (float(lon), float(lat))
        except (ValueError, TypeError):
            grid.centre = None   # a hand-edited value: the grid's own middle will do


def _polygons(rings: Sequence[np.ndarray]) -> np.ndarray:
    """Shapely polygons of many rings in one vectorised call."""
    if not len(rings):
        return np.empty(0, dtype=object)
    if isinstance(rings, FlatRings):
        return shapely.polygons(shapely.linearrings(
            rings.coords, indices=np.repeat(np.arange(len(rings.counts)), rings.counts)))
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
