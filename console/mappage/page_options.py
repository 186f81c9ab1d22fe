"""The seat's choices for its map page and the page's fixed layout numbers (no folium here:
both the page writer and the folium part read them)."""
from __future__ import annotations

from dataclasses import dataclass, field

MIN_ZOOM, MAX_ZOOM, MAX_NATIVE_TILE_ZOOM = 9, 20, 18
#: Overlays shown on a seat that has not chosen yet (the heat map is an analysis view).
DEFAULT_LAYERS = frozenset({"tiles", "cells", "district", "street", "community", "cases",
                            "patrols", "trails"})
#: Zooms at which each boundary level draws its lines and its names.
BOUNDARY_ZOOMS = {
    "district": {"lineZoom": [0, 22], "labelZoom": [0, 12]},
    "street": {"lineZoom": [11, 22], "labelZoom": [13, 14]},
    "community": {"lineZoom": [13, 22], "labelZoom": [15, 17]},
}
# max_zoom 0 turns off Leaflet.heat's own zoom scaling (v = 1); the page sets `max` for the
# zoom instead, from how many cells one heat cell covers (see ccc_app.js, _heatScale).
HEAT_OPTIONS = {"radius": 14, "blur": 18, "min_opacity": 0.05, "max_zoom": 0,
                "gradient": {0.2: "#1d4ed8", 0.45: "#06b6d4", 0.65: "#facc15", 0.85: "#f97316",
                             1.0: "#dc2626"}}
#: A rough map size for the first zoom when no view is remembered; the page fits on start.
_ASSUMED_SIZE = (1100, 760)


@dataclass
class PageOptions:
    """What this seat chose and the words for it; made on the GUI thread."""

    texts: dict
    layer_names: dict[str, str]
    theme: str = "dark"
    shown: frozenset[str] = DEFAULT_LAYERS
    tile_url: str = ""
    tile_attribution: str = ""
    tile_subdomains: str = "abc"
    view: tuple[float, float, int] | None = None    # lat, lon, zoom
    trail_minutes: int = 15
    extra_config: dict = field(default_factory=dict)
