"""A polygon drawn on the map (its corners as the page sends them) as GeoJSON, and back.

The page sends [lon, lat] pairs in the order clicked; the service (services/campaigns.py:
polygon_cells) takes a GeoJSON Polygon. A ring that crosses itself is left for the service to
refuse with its own sentence (campaign_bad_polygon): the leader sees why and draws again.
"""
from __future__ import annotations

from typing import Any

#: More corners than this is not a hand-drawn area (and would only slow the cell test).
MAX_CORNERS = 500


def polygon_geojson(corners: Any) -> dict[str, Any] | None:
    """A closed GeoJSON Polygon of three or more distinct corners; None for anything else."""
    if not isinstance(corners, list) or len(corners) > MAX_CORNERS:
        return None
    ring: list[list[float]] = []
    for point in corners:
        try:
            lon, lat = float(point[0]), float(point[1])
        except (TypeError, ValueError, IndexError):
            return None
        if not (-180 <= lon <= 180 and -90 <= lat <= 90):
            return None
        if not ring or ring[-1] != [lon, lat]:
            ring.append([round(lon, 7), round(lat, 7)])
    if len(ring) > 1 and ring[0] == ring[-1]:
        ring.pop()
    if len({tuple(p) for p in ring}) < 3:
        return None
    return {"type": "Polygon", "coordinates": [ring + [ring[0]]]}


def polygon_corners(polygon: dict[str, Any] | None) -> list[list[float]]:
    """The outer ring's corners of a stored GeoJSON polygon (to show it while drawing anew)."""
    if not polygon:
        return []
    geometry = polygon.get("geometry", polygon)
    coords = geometry.get("coordinates") or []
    if geometry.get("type") == "MultiPolygon":
        coords = coords[0] if coords else []
    ring = coords[0] if coords else []
    return [[float(p[0]), float(p[1])] for p in ring[:-1]] if len(ring) > 3 else []
