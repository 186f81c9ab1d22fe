"""Which coordinate system a grid file is in, and turning its coordinates into WGS 84.

A centre's files come in CGCS2000 (geographic, or a 3° Gauss–Krüger zone whose eastings may or
may not carry the zone number in front), WGS 84, Web Mercator, or the shifted GCJ-02 / BD-09
of commercial maps. The system comes from the file (.prj, GeoJSON `crs`) or from the user;
a zone stated without or with the wrong prefix form is put right from the eastings, because
that is the commonest mistake in the field and the eastings say it unambiguously.
CGCS2000 and WGS 84 differ by centimetres: both are stored as they come.
"""
from __future__ import annotations

import functools
import math
import threading
from dataclasses import dataclass

import numpy as np
import pyproj
from pyproj.exceptions import CRSError

from console.gis import shifted
from console.gis.errors import GisError

WGS84 = "EPSG:4326"
GK_ZONES = range(25, 46)            # CGCS2000 3° zones 25 (75°E) … 45 (135°E)
_GK_PREFIXED_FIRST = 4513           # EPSG:4513 = zone 25 with the zone number in the easting
_GK_PLAIN_FIRST = 4534              # EPSG:4534 = CM 75E, easting 500 000 m at the meridian
_SHIFTED = {"GCJ02": "gcj02", "GCJ-02": "gcj02", "BD09": "bd09", "BD-09": "bd09"}
_NAMES = {"WGS84": WGS84, "WGS-84": WGS84, "CGCS2000": "EPSG:4490", "WEBMERCATOR": "EPSG:3857",
          "WEB-MERCATOR": "EPSG:3857", "MERCATOR": "EPSG:3857"}
#: "GK3" / "CGCS2000-GK3": a Gauss–Krüger 3° zone to be read off the eastings (or the centre).
_GK_AUTO = {"GK3", "CGCS2000-GK3", "CGCS2000GK3", "GK"}


# pyproj keeps each OS thread's PROJ context pointer in thread-specific storage, but the object
# that frees the context in a threading.local. A Qt pool thread drops its Python thread state
# after every task, so the context was freed while the pointer stayed: the next task on that
# thread used freed memory (a segfault on the second dry run in the import dialog). Holding the
# freeing object for each OS thread keeps the context as long as the thread. (pyproj 3.7.)
_CONTEXTS: dict[int, object] = {}
_CONTEXTS_LOCK = threading.Lock()


def _keeps_context(fn):
    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        finally:
            _keep_context()
    return wrapper


def _keep_context() -> None:
    try:
        from pyproj._context import get_context_manager
    except ImportError:          # a pyproj without it manages its contexts otherwise
        return
    manager = get_context_manager()
    if manager is not None:
        with _CONTEXTS_LOCK:
            _CONTEXTS[threading.get_native_id()] = manager


class CrsError(GisError):
    """A coordinate system that cannot be used: a code (worded in console/common/grid_texts.py)."""


@dataclass(frozen=True)
class SourceCrs:
    """The coordinate system of a file: an EPSG/PROJ system, or one of the shifted ones."""

    label: str                       # what the report shows: "EPSG:4528 CGCS2000 / … zone 40"
    crs: pyproj.CRS | None = None    # None for GCJ-02 / BD-09 and for an automatic GK zone
    shift: str | None = None         # "gcj02" | "bd09"
    gk_auto: bool = False            # a GK 3° zone to be found from the eastings

    @property
    def geographic(self) -> bool:
        return self.shift is not None or (self.crs is not None and self.crs.is_geographic)


@_keeps_context
def parse_crs(text: str) -> SourceCrs:
    """A system the user named: an EPSG code ("EPSG:4549", "4549"), a name (WGS84, CGCS2000,
    WebMercator, GCJ02, BD09, GK3) or anything PROJ understands; CrsError otherwise."""
    key = text.strip().upper().replace(" ", "").replace("_", "-")
    if key in _SHIFTED:
        name = _SHIFTED[key]
        return SourceCrs("GCJ-02" if name == "gcj02" else "BD-09", shift=name)
    if key in _GK_AUTO:
        return SourceCrs("CGCS2000 Gauss–Krüger 3° (zone from the eastings)", gk_auto=True)
    spec = _NAMES.get(key, text.strip())
    if spec.isdigit():
        spec = f"EPSG:{spec}"
    try:
        crs = pyproj.CRS.from_user_input(spec)
    except CRSError:
        raise CrsError("crs_unknown", f"unknown coordinate system {text!r} (try WGS84, "
                       "CGCS2000, EPSG:4490, EPSG:4513–4554, WebMercator, GCJ02, BD09 or GK3)",
                       crs=text.strip()[:80]) from None
    return _checked(crs, text)


@_keeps_context
def crs_from_wkt(wkt: str) -> SourceCrs:
    """The system a .prj file states (ESRI or OGC WKT)."""
    try:
        crs = pyproj.CRS.from_wkt(wkt)
    except CRSError:
        raise CrsError("prj_unknown", "the .prj file does not describe a coordinate system "
                       "PROJ knows; name it with --crs") from None
    epsg = crs.to_epsg(min_confidence=70)
    return _checked(pyproj.CRS.from_epsg(epsg) if epsg else crs, crs.name)


def crs_from_geojson(member: object) -> SourceCrs | None:
    """The legacy GeoJSON `crs` member ({"type": "name", "properties": {"name": …}})."""
    if not isinstance(member, dict):
        return None
    name = (member.get("properties") or {}).get("name")
    if not isinstance(name, str):
        return None
    if name.endswith("CRS84"):     # OGC's lon/lat WGS 84, RFC 7946's default
        return parse_crs(WGS84)
    return parse_crs(name)


def stated_crs(chosen: str | None, prj_wkt: str | None, geojson_crs: object) -> SourceCrs:
    """The system to read a file in: the user's choice, else the .prj, else the GeoJSON `crs`
    member, else WGS 84 (GeoJSON's own)."""
    if chosen:
        return parse_crs(chosen)
    if prj_wkt:
        return crs_from_wkt(prj_wkt)
    return crs_from_geojson(geojson_crs) or parse_crs(WGS84)


def _checked(crs: pyproj.CRS, text: str) -> SourceCrs:
    if not (crs.is_geographic or crs.is_projected) or crs.is_geocentric:
        raise CrsError("crs_not_map", f"{text!r} is not a map coordinate system (geographic "
                       "or projected)", crs=str(text)[:80])
    epsg = crs.to_epsg()
    label = f"EPSG:{epsg} {crs.name}" if epsg else crs.name
    return SourceCrs(label, crs=crs)


def gk_zone_epsg(zone: int, prefixed: bool) -> int:
    """The EPSG code of CGCS2000 3° Gauss–Krüger zone `zone` (25–45), with or without the zone
    number in front of the easting."""
    return (_GK_PREFIXED_FIRST if prefixed else _GK_PLAIN_FIRST) + zone - GK_ZONES.start


def _gk_zone_of(epsg: int | None) -> int | None:
    if epsg is None:
        return None
    for first in (_GK_PREFIXED_FIRST, _GK_PLAIN_FIRST):
        if first <= epsg < first + len(GK_ZONES):
            return GK_ZONES.start + epsg - first
    return None


@_keeps_context
def settle_gk(source: SourceCrs, xs: np.ndarray,
              centre_lon: float | None) -> tuple[SourceCrs, str | None]:
    """Put a Gauss–Krüger zone right from the eastings: a prefixed easting (e.g. 40 512 345)
    names its zone; an unprefixed one (≈ 500 000 ± 250 000) keeps the stated zone's meridian,
    or, for an automatic zone, the centre's. Returns the system and a note when it changed."""
    epsg = source.crs.to_epsg() if source.crs is not None else None
    zone = _gk_zone_of(epsg)
    if zone is None and not source.gk_auto:
        return source, None
    median = float(np.median(xs)) if len(xs) else 0.0
    if median >= 1_000_000:
        found = int(median // 1_000_000)
        if found not in GK_ZONES:
            raise CrsError("gk_zone_not_chinese", f"eastings around {median:,.0f} m name zone "
                           f"{found}, which is not a CGCS2000 3° zone of China (25–45)",
                           easting=f"{median:,.0f}", zone=found)
        new = gk_zone_epsg(found, prefixed=True)
    else:
        if zone is None:
            if centre_lon is None:
                raise CrsError("gk_zone_needed", "the eastings carry no zone number and the "
                               "centre's region is not set: name the zone with --crs "
                               "(EPSG:4534–4554)")
            zone = int(round(centre_lon / 3.0))
        new = gk_zone_epsg(zone, prefixed=False)
    if new == epsg:
        return source, None
    settled = _checked(pyproj.CRS.from_epsg(new), f"EPSG:{new}")
    note = (f"the eastings ({median:,.0f} m) fit {settled.label}"
            + (f", not the stated EPSG:{epsg}" if epsg else ""))
    return settled, note


@_keeps_context
def to_wgs84(source: SourceCrs, xs: np.ndarray, ys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Coordinates in `source` → WGS 84 longitude, latitude (degrees)."""
    if source.shift == "gcj02":
        return shifted.gcj02_to_wgs84(xs, ys)
    if source.shift == "bd09":
        return shifted.bd09_to_wgs84(xs, ys)
    if source.crs is None:
        raise CrsError("gk_zone_needed", "the Gauss–Krüger zone is not settled yet")
    epsg = source.crs.to_epsg()
    if epsg in (4326, 4490):     # already longitude/latitude; CGCS2000 ≈ WGS 84 within cm
        return np.asarray(xs, dtype=float), np.asarray(ys, dtype=float)
    transformer = pyproj.Transformer.from_crs(source.crs, WGS84, always_xy=True)
    lon, lat = transformer.transform(np.asarray(xs, dtype=float), np.asarray(ys, dtype=float))
    return np.asarray(lon), np.asarray(lat)


def distance_km(lon1: float, lat1: float, lon2: float, lat2: float) -> float:
    """Great-circle distance on a sphere of the Earth's mean radius."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0088 * math.asin(min(1.0, math.sqrt(h)))
