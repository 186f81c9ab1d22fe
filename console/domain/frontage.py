"""门前三包: a unit's stretch of street as geometry, and which units a case lies near.

Plain data in and out (GeoJSON dicts, lon/lat in degrees); shapely does the geometry and
pyproj's geodesics the metres: distances are measured in an azimuthal equidistant projection
centred on the case, which keeps distances from that point true (no zone edges, no scale
error), and is safe in any thread.
"""
from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import shapely
from pyproj import Geod
from shapely.geometry import LineString, Point, Polygon, shape

from console.domain.errors import DomainError
from console.domain.limits import COUNT_LIMITS

UNIT_KINDS = ("shop", "organisation")            # 商户, 单位
RECORD_KINDS = ("warning", "notice", "offence")  # 劝导, 告知, 违规 (a confirmed case)
_M_PER_DEG = 111_320.0


def parse_points(text: str) -> list[list[float]]:
    """'lon lat; lon lat; ...' as [[lon, lat], ...]; DomainError('bad_stretch') if malformed."""
    points: list[list[float]] = []
    for i, part in enumerate(p for p in text.replace("；", ";").split(";") if p.strip()):
        bits = part.replace(",", " ").replace("，", " ").split()
        try:
            lon, lat = (float(b) for b in bits)
        except ValueError:
            raise DomainError("bad_stretch", point=i + 1) from None
        points.append([lon, lat])
    return points


def points_text(geometry: dict[str, Any]) -> str:
    """A stretch as the workbook writes it: 'lon lat; lon lat; ...' (a polygon closes itself)."""
    coords = stretch_points(geometry)
    return "; ".join(f"{lon:.7f} {lat:.7f}" for lon, lat in coords)


def stretch_points(geometry: dict[str, Any]) -> list[list[float]]:
    """The vertices of a stored stretch (a polygon's outer ring, closed)."""
    if geometry.get("type") == "Polygon":
        return [list(p) for p in geometry["coordinates"][0]]
    return [list(p) for p in geometry.get("coordinates", ())]


def stretch_geometry(points: Sequence[Sequence[float]]) -> dict[str, Any]:
    """GeoJSON for a stretch given by its vertices: a closed ring of at least four points is a
    polygon (the frontage area), anything else of two or more a line (the kerb).
    DomainError: too few or too many points, a coordinate off the globe, a degenerate shape."""
    if len(points) > COUNT_LIMITS["stretch_points"]:
        raise DomainError("too_many_items", field="stretch_points",
                          limit=COUNT_LIMITS["stretch_points"])
    coords = []
    for i, p in enumerate(points):
        # From a client's GeoJSON anything may stand here: a number, a string, a null.
        if not isinstance(p, (list, tuple)) or len(p) != 2:
            raise DomainError("bad_stretch", point=i + 1)
        try:
            lon, lat = float(p[0]), float(p[1])
        except (TypeError, ValueError):
            raise DomainError("bad_stretch", point=i + 1) from None
        if not (math.isfinite(lon) and math.isfinite(lat) and -180 <= lon <= 180
                and -90 <= lat <= 90):
            raise DomainError("bad_stretch", point=i + 1)
        coords.append([lon, lat])
    if len(coords) < 2:
        raise DomainError("stretch_too_short")
    if len(coords) >= 4 and coords[0] == coords[-1]:
        if not Polygon(coords).is_valid or Polygon(coords).area == 0:
            raise DomainError("stretch_not_simple")
        return {"type": "Polygon", "coordinates": [coords]}
    if LineString(coords).length == 0:
        raise DomainError("stretch_too_short")
    return {"type": "LineString", "coordinates": coords}


def bbox(geometry: dict[str, Any]) -> tuple[float, float, float, float]:
    """(min_lon, min_lat, max_lon, max_lat) of a stretch."""
    pts = stretch_points(geometry)
    lons, lats = [p[0] for p in pts], [p[1] for p in pts]
    return min(lons), min(lats), max(lons), max(lats)


def degrees_around(lat: float, metres: float) -> tuple[float, float]:
    """(Δlon, Δlat) that surely cover `metres` around a point at `lat` (with a margin)."""
    dlat = metres / _M_PER_DEG * 1.1 + 1e-6
    dlon = dlat / max(math.cos(math.radians(min(abs(lat), 89.0))), 0.01)
    return dlon, dlat


_WGS84 = Geod(ellps="WGS84")


def _around(lon: float, lat: float):
    """lon/lat → metres in the azimuthal equidistant projection centred on (lon, lat), made from
    geodesics (azimuth and distance from the centre): exact from the centre, and pyproj's Geod
    needs no PROJ context, which a Transformer shared or made in worker threads crashed on."""
    def project(coords: np.ndarray) -> np.ndarray:
        n = len(coords)
        azimuth, _, metres = _WGS84.inv(np.full(n, lon), np.full(n, lat),
                                        coords[:, 0], coords[:, 1])
        radians = np.radians(azimuth)
        return np.column_stack((metres * np.sin(radians), metres * np.cos(radians)))
    return project


def distance_m(geometry: dict[str, Any], lon: float, lat: float) -> float:
    """Metres from the point to the stretch (0 inside a polygon), to the millimetre: a case's
    position is never better than that, and the threshold then means what it says."""
    local = shapely.transform(shape(geometry), _around(lon, lat))
    return round(local.distance(Point(0.0, 0.0)), 3)


@dataclass(frozen=True, slots=True)
class Candidate:
    """A unit whose stretch might lie near a case (from the box query)."""

    id: int
    code: str
    name: str
    stretch: dict[str, Any]


@dataclass(frozen=True, slots=True)
class Suggestion:
    unit_id: int
    code: str
    name: str
    distance_m: float


def suggest(candidates: Iterable[Candidate], lon: float, lat: float,
            max_m: float) -> list[Suggestion]:
    """The units whose stretch lies within `max_m` metres of the point (the limit included),
    nearest first; of equal distance the lower code first."""
    out = []
    for c in candidates:
        d = distance_m(c.stretch, lon, lat)
        if d <= max_m:
            out.append(Suggestion(c.id, c.code, c.name, d))
    out.sort(key=lambda s: (s.distance_m, s.code))
    return out


def stretch_from_geojson(value: Any) -> dict[str, Any]:
    """A stretch given as GeoJSON (the map's drawing): checked like one typed in."""
    if not isinstance(value, dict) or value.get("type") not in ("LineString", "Polygon"):
        raise DomainError("bad_stretch", point=0)
    coords = value.get("coordinates")
    if value["type"] == "Polygon":
        coords = coords[0] if isinstance(coords, list) and coords else None
    if not isinstance(coords, list):
        raise DomainError("bad_stretch", point=0)
    return stretch_geometry(coords)


def anchor(geometry: dict[str, Any]) -> tuple[float, float]:
    """A point on the stretch where the map marks the unit (the middle of a line, a point
    inside a polygon)."""
    g = shape(geometry)
    p = g.interpolate(0.5, normalized=True) if g.geom_type == "LineString" \
        else g.representative_point()
    return p.x, p.y
