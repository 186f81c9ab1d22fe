"""Work grids (责任网格) drawn as polygons in a file of their own, and which cells they hold.

A work-grid file has one feature per work grid: its code, name and, optionally, the codes of
its officers, and a polygon (holes and several parts allowed: a grid may span a road). The
coordinates go through the same checks as the unit grid's (console/gis/checks.py).

Cells are assigned by a point inside them — the centroid, or for a cell whose centroid falls
outside it (an L-shaped cell) shapely's point on surface — not by the largest overlap: work
grids are drawn along cell edges, so a cell's middle lies well inside its own grid while an
edge digitised a few metres off still does not reach it, and a point query is one STRtree
lookup per cell where overlaps need an intersection each. The overlap decides only between
two grids whose polygons both hold the point (overlapping drawings), and the report names
those cells.
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np
import shapely

from console.gis import crs as crsmod
from console.gis.checks import ERROR, WARNING, Problem, to_wgs84_checked
from console.gis.fields import text_of
from console.gis.reader import RawFeature, SourceFile

_ALIASES = {
    "code": ("work_grid", "work_grid_code", "zrwg", "zrwgbm", "zrwgdm", "责任网格编码",
             "责任网格代码", "责任网格", "code", "wgbm", "bm", "编码"),
    "name": ("work_grid_name", "zrwgmc", "责任网格名称", "name", "mc", "名称"),
    "officer": ("officer", "officers", "officer_code", "jdy", "jdybh", "监督员", "监督员编号"),
}
#: Officer codes in one attribute are separated by any of these (full-width ones included).
_SEPARATORS = re.compile(r"[,;，；、|/\s]+")


@dataclass(frozen=True)
class AreaFields:
    """Attribute name per role of a work-grid file; None: not in the file."""

    code: str | None = None
    name: str | None = None
    officer: str | None = None

    def to_dict(self) -> dict[str, str | None]:
        return asdict(self)


def detect_area_fields(fields: list[str], *, code_field: str | None = None,
                       name_field: str | None = None,
                       officer_field: str | None = None) -> AreaFields:
    """Chosen names first (KeyError if the file lacks one), then the usual names."""
    by_lower = {f.lower(): f for f in fields}
    found: dict[str, str | None] = {}
    for role, wanted in (("code", code_field), ("name", name_field), ("officer", officer_field)):
        if wanted == "":            # left out on purpose, whatever the attributes are called
            found[role] = None
        elif wanted is not None:
            if wanted not in fields:
                raise KeyError(wanted)
            found[role] = wanted
        else:
            found[role] = next((by_lower[a] for a in _ALIASES[role] if a in by_lower), None)
    return AreaFields(**found)


def officer_codes(value: Any) -> list[str]:
    """The officer codes one attribute names ("P001;P002", "P001、P002"), in order, once each."""
    text = text_of(value)
    if text is None:
        return []
    return list(dict.fromkeys(c for c in _SEPARATORS.split(text) if c))


@dataclass
class CheckedArea:
    index: int                          # 1-based feature number in the file
    code: str | None
    name: str | None = None
    officers: list[str] = field(default_factory=list)
    geometry: Any = None                # shapely (Multi)Polygon in WGS 84, or None
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not any(p.severity == ERROR for p in self.problems)

    def add(self, problem: str, severity: str = ERROR, **detail: Any) -> None:
        self.problems.append(Problem(problem, severity, detail))


def check_areas(source: SourceFile, fields: AreaFields, stated: crsmod.SourceCrs, *,
                centre: tuple[float, float] | None = None, repair: bool = False
                ) -> tuple[list[CheckedArea], list[Problem], crsmod.SourceCrs]:
    """Every feature as a work grid in WGS 84 with its problems; the file's own problems and
    the coordinate system used."""
    areas = [_structure(raw, fields) for raw in source.features]
    drawn = [(area, raw) for area, raw in zip(areas, source.features) if area.ok and raw.parts]
    if not drawn:
        return areas, [Problem("no_areas", ERROR)], stated
    rings = [ring for _, raw in drawn for part in raw.parts for ring in part]
    coords = np.concatenate(rings)
    used, problems, lon, lat = to_wgs84_checked(stated, coords[:, 0], coords[:, 1], centre)
    if lon is None:
        return areas, problems, used
    wgs = np.column_stack([lon, lat])
    start = 0
    for area, raw in drawn:
        polygons = []
        for part in raw.parts:
            converted = []
            for ring in part:
                converted.append(wgs[start:start + len(ring)])
                start += len(ring)
            polygons.append(converted)
        _geometry(area, polygons, repair)
    _duplicates(areas)
    _shared_officers(areas)
    return areas, problems, used


def _structure(raw: RawFeature, fields: AreaFields) -> CheckedArea:
    code = text_of(raw.attributes.get(fields.code)) if fields.code else None
    area = CheckedArea(raw.index, code,
                       text_of(raw.attributes.get(fields.name)) if fields.name else None,
                       officer_codes(raw.attributes.get(fields.officer)) if fields.officer else [])
    if code is None:
        area.add("no_work_grid_code")
    if not raw.parts:
        empty = raw.geometry_type in ("", "Polygon", "MultiPolygon")
        area.add("no_geometry" if empty else "not_polygon", type=raw.geometry_type)
    elif not all(np.all(np.isfinite(r)) for part in raw.parts for r in part):
        area.add("bad_coordinates")
    return area


def _geometry(area: CheckedArea, polygons: list[list[np.ndarray]], repair: bool) -> None:
    try:
        geometry = shapely.MultiPolygon([shapely.Polygon(rings[0], rings[1:])
                                         for rings in polygons])
    except (ValueError, shapely.errors.GEOSException):   # a ring of fewer than four points
        area.add("empty_geometry", points=min(len(r) for rings in polygons for r in rings))
        return
    if not shapely.is_valid(geometry):
        reason = shapely.is_valid_reason(geometry)
        code = "self_intersection" if "Self-intersection" in reason else "invalid_geometry"
        fixed = shapely.make_valid(geometry) if repair else None
        pieces = [g for g in shapely.get_parts(fixed) if g.geom_type == "Polygon"
                  and g.area > 0] if fixed is not None else []
        if not pieces:
            area.add(code, reason=reason)
            return
        area.add("repaired", WARNING, was=code, kept_share=1.0)
        geometry = shapely.MultiPolygon(pieces)
    if geometry.area <= 0:
        area.add("empty_geometry", points=0)
        return
    area.geometry = geometry


def _duplicates(areas: list[CheckedArea]) -> None:
    counts = Counter(a.code for a in areas if a.code is not None)
    first: dict[str, int] = {}
    for a in areas:
        if a.code is not None and counts[a.code] > 1:
            first.setdefault(a.code, a.index)
            a.add("duplicate_code", code=a.code, count=counts[a.code], first=first[a.code])


def _shared_officers(areas: list[CheckedArea]) -> None:
    """An officer patrols one work grid: named under several, the first keeps the officer."""
    first: dict[str, CheckedArea] = {}
    for a in areas:
        if not a.ok:
            continue
        for officer in a.officers:
            owner = first.setdefault(officer, a)
            if owner is not a:
                a.add("officer_in_two_grids", WARNING, officer=officer, other=owner.code)


@dataclass
class Assignment:
    """Which area holds each cell (-1: none), and the cells two or more areas hold."""

    area_of: np.ndarray                                   # int per cell
    in_two: list[tuple[int, list[int]]] = field(default_factory=list)   # cell → areas


def assign_cells(areas: list[Any], rings: list[np.ndarray],
                 centroids: np.ndarray) -> Assignment:
    """Each cell to the area holding its inside point (module docstring); `areas` are shapely
    geometries (None: left out), `rings` the cells' WGS 84 rings, `centroids` (n, 2)."""
    n = len(rings)
    area_of = np.full(n, -1, dtype=np.int64)
    kept = [i for i, g in enumerate(areas) if g is not None]
    if not n or not kept:
        return Assignment(area_of)
    cells = _cell_polygons(rings)
    x, y = centroids[:, 0], centroids[:, 1]
    inside = shapely.contains_xy(cells, x, y)
    points = shapely.points(centroids)
    if not np.all(inside):
        points[~inside] = shapely.point_on_surface(cells[~inside])
    tree = shapely.STRtree([areas[i] for i in kept])
    cell_i, tree_i = tree.query(points, predicate="intersects")
    area_i = np.asarray(kept)[tree_i]
    counts = np.bincount(cell_i, minlength=n)
    single = counts[cell_i] == 1
    area_of[cell_i[single]] = area_i[single]
    out = Assignment(area_of)
    several: dict[int, list[int]] = {}
    for c, a in zip(cell_i[~single].tolist(), area_i[~single].tolist()):
        several.setdefault(c, []).append(a)
    for c, found in sorted(several.items()):
        shares = [shapely.area(shapely.intersection(cells[c], areas[a])) for a in found]
        area_of[c] = found[int(np.argmax(shares))]
        out.in_two.append((c, sorted(found)))
    return out


def _cell_polygons(rings: list[np.ndarray]) -> np.ndarray:
    counts = np.fromiter((len(r) for r in rings), dtype=np.int64, count=len(rings))
    indices = np.repeat(np.arange(len(rings)), counts)
    return shapely.polygons(shapely.linearrings(np.concatenate(rings), indices=indices))
