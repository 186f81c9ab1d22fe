"""Map math: Web Mercator, tile numbers, fitting a view, colour classes, compact coordinates.

Pure functions (no Qt, no Leaflet) so they can be tested alone; the page's JavaScript does
the same projection with Leaflet's own code, and the tests hold the two together.
"""
from __future__ import annotations

import base64
import math
from collections.abc import Sequence

import numpy as np

TILE_SIZE = 256
#: Leaflet's Web Mercator clips latitudes here, so the world is a square.
MAX_LATITUDE = 85.0511287798
EARTH_RADIUS_M = 6_371_000.0   # the radius Leaflet's map.distance() uses
#: Coordinates travel to the page as integers of this many units per degree (0.1 m).
MICRODEGREES = 1_000_000


def mercator(lon: float, lat: float, zoom: float = 0) -> tuple[float, float]:
    """World pixel coordinates of a point at a zoom level (origin top-left, 256 px at zoom 0)."""
    lat = max(-MAX_LATITUDE, min(MAX_LATITUDE, lat))
    scale = TILE_SIZE * 2 ** zoom
    x = (lon + 180.0) / 360.0 * scale
    s = math.sin(math.radians(lat))
    y = (0.5 - math.log((1 + s) / (1 - s)) / (4 * math.pi)) * scale
    return x, y


def unmercator(x: float, y: float, zoom: float = 0) -> tuple[float, float]:
    """The lon, lat of world pixel coordinates (the inverse of `mercator`)."""
    scale = TILE_SIZE * 2 ** zoom
    lon = x / scale * 360.0 - 180.0
    n = math.pi - 2 * math.pi * y / scale
    lat = math.degrees(math.atan(math.sinh(n)))
    return lon, lat


def tile_of(lon: float, lat: float, zoom: int) -> tuple[int, int]:
    """The XYZ tile holding a point."""
    x, y = mercator(lon, lat, zoom)
    last = 2 ** zoom - 1
    return min(last, max(0, int(x // TILE_SIZE))), min(last, max(0, int(y // TILE_SIZE)))


def fit_zoom(bbox: tuple[float, float, float, float], width_px: int, height_px: int,
             padding_px: int = 20, max_zoom: int = 19) -> int:
    """The largest whole zoom at which the bounding box (min lon, min lat, max lon, max lat)
    fits into a view of the given size."""
    min_lon, min_lat, max_lon, max_lat = bbox
    w = max(1, width_px - 2 * padding_px)
    h = max(1, height_px - 2 * padding_px)
    x0, y1 = mercator(min_lon, min_lat)
    x1, y0 = mercator(max_lon, max_lat)
    dx, dy = max(x1 - x0, 1e-12), max(y1 - y0, 1e-12)
    zoom = math.floor(math.log2(min(w / dx, h / dy)))
    return max(0, min(max_zoom, zoom))


def haversine_m(lon1: float, lat1: float, lon2: float, lat2: float) -> float:
    """Great-circle distance in metres, as Leaflet's map.distance() computes it."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(a)))


def class_of(value: float, breaks: Sequence[float]) -> int:
    """The colour class of a value: 0 below breaks[0], i when breaks[i-1] <= value < breaks[i]."""
    for i, edge in enumerate(breaks):
        if value < edge:
            return i
    return len(breaks)


def encode_rings(rings: Sequence[np.ndarray]) -> tuple[str, str]:
    """Rings as two base64 strings: vertex counts (uint16) and lon/lat pairs (int32, 1e-6°).

    The closing vertex is dropped (the page closes every ring). Integer microdegrees keep
    0.1 m precision and shared vertices identical, at a quarter of the size of JSON text.
    """
    if not len(rings):
        return "", ""
    counts = np.fromiter((len(r) for r in rings), dtype=np.int64, count=len(rings))
    coords = np.concatenate(rings).reshape(-1, 2)
    ends = np.cumsum(counts)
    starts = ends - counts
    # Vectorised: a loop comparing 200,000 rings' ends one by one took most of the encoding.
    closed = (counts > 1) & np.all(coords[starts] == coords[np.maximum(ends - 1, 0)], axis=1)
    keep = np.ones(len(coords), dtype=bool)
    keep[(ends - 1)[closed]] = False
    opened = (counts - closed).astype("<u2")
    micro = np.round(coords[keep] * MICRODEGREES).astype("<i4")
    return (base64.b64encode(opened.tobytes()).decode("ascii"),
            base64.b64encode(micro.tobytes()).decode("ascii"))


def decode_rings(counts_b64: str, coords_b64: str) -> list[np.ndarray]:
    """The inverse of `encode_rings` (open rings, lon/lat in degrees)."""
    counts = np.frombuffer(base64.b64decode(counts_b64), dtype="<u2")
    coords = np.frombuffer(base64.b64decode(coords_b64), dtype="<i4").reshape(-1, 2)
    out, start = [], 0
    for n in counts.tolist():
        out.append(coords[start:start + n] / MICRODEGREES)
        start += n
    return out


def encode_ints(values: Sequence[int] | np.ndarray, dtype: str = "<i2") -> str:
    """A dense integer array as base64 (for per-cell values and indexes)."""
    return base64.b64encode(np.asarray(values, dtype=dtype).tobytes()).decode("ascii")


def robust_max(values: Sequence[float], share: float = 0.95) -> float:
    """The value below which `share` of the values lie (at least 1): a heat map scaled to its
    maximum shows one hot spot and nothing else."""
    if not len(values):
        return 1.0
    ordered = sorted(values)
    return max(1.0, float(ordered[min(len(ordered) - 1, int(share * len(ordered)))]))


def heat_weights(points: Sequence[tuple[float, float, float]]) -> list[list[float]]:
    """Heat-map points with weights scaled to 0..1 by the robust maximum (clipped above it)."""
    top = robust_max([w for _, _, w in points])
    return [[lat, lon, round(min(1.0, w / top), 3)] for lat, lon, w in points]


def metres_per_pixel(lat: float, zoom: float) -> float:
    """Ground size of one screen pixel in Web Mercator at a latitude and zoom."""
    return 40_075_016.686 * math.cos(math.radians(lat)) / (TILE_SIZE * 2 ** zoom)
