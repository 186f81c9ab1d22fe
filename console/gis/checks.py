"""From raw features to checked cells in WGS 84, and every problem found on the way.

Problems are codes with parameters (the report and, later, the wizard put them in words):
errors keep a feature out of the import, warnings let it in. File-level problems (a
coordinate system that cannot be right) have no feature index and stop the whole import.
"""
from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import shapely

from console.gis import crs as crsmod
from console.gis.fields import FieldMap, Place, place_of, text_of
from console.gis.reader import RawFeature, SourceFile

ERROR, WARNING = "error", "warning"
#: Overlaps smaller than this share of the smaller cell are drawing noise, not overlaps.
OVERLAP_SHARE = 0.01
#: A cell farther than this from every other cell of its community lies outside it.
OUTSIDE_TOLERANCE_M = 50.0
#: A grid whose middle is farther than this from the centre's region is somewhere else.
FAR_KM = 100.0
_M_PER_DEG_LAT = 110_574.0
_M_PER_DEG_LON_EQ = 111_320.0


@dataclass(frozen=True)
class Problem:
    code: str
    severity: str
    detail: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {"problem": self.code, "severity": self.severity, **self.detail}


@dataclass
class CheckedFeature:
    index: int
    code: str | None
    place: Place | None = None
    ring: np.ndarray | None = None          # WGS 84 lon/lat, closed, counter-clockwise
    centroid: tuple[float, float] | None = None
    area_m2: float = 0.0
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not any(p.severity == ERROR for p in self.problems)

    def add(self, problem: str, severity: str = ERROR, **detail: Any) -> None:
        self.problems.append(Problem(problem, severity, detail))


@dataclass(frozen=True)
class CheckOptions:
    code_lengths: tuple[int, ...] = (14, 15)
    repair: bool = False
    centre: tuple[float, float] | None = None      # the centre's region (lon, lat), if known


def check_features(source: SourceFile, fmap: FieldMap, stated: crsmod.SourceCrs,
                   options: CheckOptions) -> tuple[list[CheckedFeature], list[Problem],
                                                   crsmod.SourceCrs]:
    """Check every feature and convert its ring to WGS 84; returns the features, the file's
    own problems and the coordinate system finally used."""
    out = [_structure(raw, fmap, options) for raw in source.features]
    rings: list[tuple[CheckedFeature, np.ndarray]] = []
    for feature, raw in zip(out, source.features):
        if feature.ring is not None:
            rings.append((feature, feature.ring))
    file_problems: list[Problem] = []
    if not rings:
        file_problems.append(Problem("no_cells", ERROR))
        return out, file_problems, stated
    coords = np.concatenate([r for _, r in rings])
    used, file_problems, lon, lat = to_wgs84_checked(stated, coords[:, 0], coords[:, 1],
                                                     options.centre)
    if lon is None:
        return out, file_problems, used
    ends = np.cumsum([len(r) for _, r in rings])
    wgs = np.column_stack([lon, lat])
    for (feature, _), ring in zip(rings, np.split(wgs, ends[:-1])):
        feature.ring = ring
    _geometry(rings, options.repair)
    _duplicates(out)
    _neighbours([f for f in out if f.ok and f.ring is not None])
    return out, file_problems, used


def to_wgs84_checked(stated: crsmod.SourceCrs, xs: np.ndarray, ys: np.ndarray,
                     centre: tuple[float, float] | None
                     ) -> tuple[crsmod.SourceCrs, list[Problem], np.ndarray | None,
                                np.ndarray | None]:
    """A file's coordinates in WGS 84, after settling its Gauss–Krüger zone and looking for the
    obvious mistakes; the system used, the file's problems, and lon/lat (None when an error
    means the coordinates cannot be right)."""
    problems: list[Problem] = []
    try:
        used, note = crsmod.settle_gk(stated, xs, centre and centre[0])
    except crsmod.CrsError as exc:      # the refusal's own code: the report words it
        return stated, [Problem(exc.code, ERROR, exc.params)], None, None
    if note:
        problems.append(Problem("crs_corrected", WARNING, {
            "crs": used.label, "stated": stated.label, "note": note}))
    mistake = _sense(used, xs, ys, centre)
    if mistake is not None:
        return used, problems + [mistake], None, None
    lon, lat = crsmod.to_wgs84(used, xs, ys)
    if not (np.all(np.isfinite(lon)) and np.all(np.isfinite(lat))):
        return used, problems + [Problem("crs_out_of_range", ERROR, {"crs": used.label})], \
            None, None
    mid_lon, mid_lat = float(np.median(lon)), float(np.median(lat))
    if centre is not None:
        km = crsmod.distance_km(mid_lon, mid_lat, *centre)
        if km > FAR_KM:
            problems.append(Problem("far_from_centre", ERROR, {
                "km": round(km), "grid": [round(mid_lon, 4), round(mid_lat, 4)],
                "centre": list(centre), "crs": used.label}))
    return used, problems, lon, lat


def _structure(raw: RawFeature, fmap: FieldMap, options: CheckOptions) -> CheckedFeature:
    code = text_of(raw.attributes.get(fmap.code)) if fmap.code else None
    feature = CheckedFeature(raw.index, code)
    if code is None:
        feature.add("no_code")
    elif not code.isdigit() or len(code) not in options.code_lengths:
        feature.add("bad_code", code=code, lengths=list(options.code_lengths))
    else:
        feature.place, clashes = place_of(code, raw.attributes, fmap)
        for role in clashes:
            feature.add("hierarchy_clash", WARNING, field=getattr(fmap, role))
    if not raw.parts:
        empty = raw.geometry_type in ("", "Polygon", "MultiPolygon")
        feature.add("no_geometry" if empty else "not_polygon", type=raw.geometry_type)
        return feature
    if len(raw.parts) > 1:
        feature.add("multipart", parts=len(raw.parts))
        return feature
    rings = raw.parts[0]
    if len(rings) > 1:
        feature.add("holes_dropped", WARNING, holes=len(rings) - 1)
    ring = rings[0]
    if not np.all(np.isfinite(ring)):
        feature.add("bad_coordinates")
        return feature
    if len(ring) and not np.array_equal(ring[0], ring[-1]):
        if options.repair:
            feature.add("ring_closed", WARNING)
        else:
            feature.add("unclosed_ring")
        ring = np.vstack([ring, ring[:1]])
    if len(ring) < 4:       # a triangle closed is four points; fewer encloses nothing
        feature.add("empty_geometry", points=len(ring))
        return feature
    feature.ring = ring
    return feature


def _sense(used: crsmod.SourceCrs, xs: np.ndarray, ys: np.ndarray,
           centre: tuple[float, float] | None) -> Problem | None:
    """The obvious mistakes: metres given as degrees, latitude and longitude swapped."""
    if not used.geographic:
        if used.crs is not None and np.nanmax(np.abs(xs)) <= 180 and np.nanmax(np.abs(ys)) <= 90:
            return Problem("degrees_as_metres", ERROR, {"crs": used.label})
        return None
    mx, my = float(np.median(xs)), float(np.median(ys))
    if np.nanmax(np.abs(xs)) <= 90 < np.nanmax(np.abs(ys)) <= 180:
        return Problem("lat_lon_swapped", ERROR, {"x": round(mx, 4), "y": round(my, 4)})
    if np.nanmax(np.abs(xs)) > 180 or np.nanmax(np.abs(ys)) > 90:
        hint = ""
        if 1_000_000 <= mx < 46_000_000 and int(mx // 1_000_000) in crsmod.GK_ZONES:
            hint = f"EPSG:{crsmod.gk_zone_epsg(int(mx // 1_000_000), prefixed=True)}"
        elif 100_000 <= mx <= 900_000:
            hint = "EPSG:4534–4554 / GK3"
        elif abs(mx) > 1_000_000:
            hint = "EPSG:3857 (Web Mercator)"
        return Problem("metres_as_degrees", ERROR, {"x": round(mx), "y": round(my),
                                                    "crs": used.label, "try": hint})
    swapped_fits = 73 <= my <= 136 and 3 <= mx <= 54
    straight_fits = 73 <= mx <= 136 and 3 <= my <= 54
    if centre is not None:
        swapped_fits = crsmod.distance_km(my, mx, *centre) < FAR_KM
        straight_fits = crsmod.distance_km(mx, my, *centre) < FAR_KM
    if swapped_fits and not straight_fits:
        return Problem("lat_lon_swapped", ERROR, {"x": round(mx, 4), "y": round(my, 4)})
    return None


def _geometry(rings: list[tuple[CheckedFeature, np.ndarray]], repair: bool) -> None:
    features = [f for f, _ in rings]
    polys = _polygons([f.ring for f in features])
    valid = shapely.is_valid(polys)
    for i in np.flatnonzero(~valid).tolist():
        feature = features[i]
        reason = shapely.is_valid_reason(polys[i])
        code = "self_intersection" if "Self-intersection" in reason else "invalid_geometry"
        if not repair:
            feature.add(code, reason=reason)
            continue
        fixed = shapely.make_valid(polys[i])
        pieces = [g for g in shapely.get_parts(fixed) if g.geom_type == "Polygon" and g.area > 0]
        if not pieces:
            feature.add(code, reason=reason)
            continue
        best = max(pieces, key=lambda g: g.area)
        total = sum(g.area for g in pieces)
        feature.add("repaired", WARNING, was=code, kept_share=round(best.area / total, 3))
        polys[i] = best
        feature.ring = np.asarray(best.exterior.coords)
    oriented = shapely.orient_polygons(polys) if hasattr(shapely, "orient_polygons") else \
        np.array([shapely.geometry.polygon.orient(p) for p in polys], dtype=object)
    centroids = shapely.get_coordinates(shapely.centroid(oriented))
    areas = shapely.area(oriented)
    for feature, poly, (cx, cy), area in zip(features, oriented, centroids, areas):
        scale = _M_PER_DEG_LAT * _M_PER_DEG_LON_EQ * math.cos(math.radians(cy))
        feature.ring = np.asarray(poly.exterior.coords)
        feature.centroid = (round(float(cx), 7), round(float(cy), 7))
        feature.area_m2 = round(float(area) * scale, 2)
        if feature.ok and feature.area_m2 <= 0:
            feature.add("empty_geometry", points=len(feature.ring))


def _polygons(rings: list[np.ndarray]) -> np.ndarray:
    counts = np.fromiter((len(r) for r in rings), dtype=np.int64, count=len(rings))
    indices = np.repeat(np.arange(len(rings)), counts)
    return shapely.polygons(shapely.linearrings(np.concatenate(rings), indices=indices))


def _duplicates(features: list[CheckedFeature]) -> None:
    counts = Counter(f.code for f in features if f.code is not None)
    first: dict[str, int] = {}
    for f in features:
        if f.code is not None and counts[f.code] > 1:
            first.setdefault(f.code, f.index)
            f.add("duplicate_code", code=f.code, count=counts[f.code], first=first[f.code])


def _neighbours(features: list[CheckedFeature]) -> None:
    """Overlapping cells, and cells far from every other cell of their community."""
    if len(features) < 2:
        return
    polys = _polygons([f.ring for f in features])
    tree = shapely.STRtree(polys)
    a, b = tree.query(polys, predicate="overlaps")
    keep = a < b
    a, b = a[keep], b[keep]
    if len(a):
        shared = shapely.area(shapely.intersection(polys[a], polys[b]))
        smaller = np.minimum(shapely.area(polys[a]), shapely.area(polys[b]))
        for i, j, s, m in zip(a.tolist(), b.tolist(), shared.tolist(), smaller.tolist()):
            if m > 0 and s / m > OVERLAP_SHARE:
                share = round(s / m, 3)
                features[i].add("overlap", WARNING, other=features[j].code, share=share)
                features[j].add("overlap", WARNING, other=features[i].code, share=share)
    lat = float(np.median([f.centroid[1] for f in features]))
    tolerance = OUTSIDE_TOLERANCE_M / (_M_PER_DEG_LON_EQ * math.cos(math.radians(lat)))
    a, b = tree.query(polys, predicate="dwithin", distance=tolerance)
    community = np.array([f.place.community_code for f in features])
    near = np.zeros(len(features), dtype=bool)
    same = (a != b) & (community[a] == community[b])
    near[a[same]] = True
    sizes = Counter(community.tolist())
    for i in np.flatnonzero(~near).tolist():
        if sizes[community[i]] > 1:
            features[i].add("outside_community", WARNING, community=str(community[i]),
                             tolerance_m=OUTSIDE_TOLERANCE_M)
