"""Building the map page with folium: an offline Leaflet page written to a folder.

folium lays out the map (canvas renderer), the base tiles if a URL is set, the marker
cluster and heat layers and the layer control; the unit grid, boundaries and patrols are
layers made by the page's own JavaScript (resources/map), declared here as folium layers so
they sit in the same layer control. Every script and style sheet is a file in the folder.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import hashlib
import json
import shutil

from console.mappage import assets, grid_cache
from console.mappage.page_data import PageContent, page_config, write_data

PAGE_FILE = "index.html"
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


def tile_hosts(url: str, subdomains: str = "abc") -> set[str]:
    """Every host a tile URL can reach ({s} takes each subdomain): the ones the guard lets by."""
    if not url:
        return set()
    letters = (subdomains or "abc") if "{s}" in url else " "
    hosts = set()
    for letter in letters:
        host = urlsplit(url.replace("{s}", letter.strip())).hostname
        if host:
            hosts.add(host.lower())
    return hosts


def write_page(folder: Path, content: PageContent, options: PageOptions, grid_script: Path) -> Path:
    """Write index.html, data.js and every library into `folder`, with the grid's script
    (`page_data.grid_script`, usually from the cache); returns the page's path."""
    folder.mkdir(parents=True, exist_ok=True)
    assets.copy_assets(folder)
    grid_cache.link_into(grid_script, folder)
    config = page_config(texts=options.texts, theme=options.theme, bbox=content.grid.bbox,
                         trail_minutes=options.trail_minutes)
    config["fitOnStart"] = options.view is None
    config["cellMetres"] = content.grid.cell_size_m
    config["heatRadius"] = HEAT_OPTIONS["radius"] + HEAT_OPTIONS["blur"]
    config.update(options.extra_config)
    write_data(folder, content, config)
    page = folder / PAGE_FILE
    # The HTML depends on the seat's choices and the grid's extent alone: kept beside the
    # grid's script (so it goes when the grid changes), it spares importing folium at start.
    kept = grid_script.parent / f"page-{_html_key(content, options)}.html"
    if kept.is_file():
        shutil.copyfile(kept, page)
        return page
    from console.mappage.folium_page import build_map
    build_map(content, options).save(str(page))
    if kept.parent != folder:
        tmp = kept.with_suffix(".tmp")
        shutil.copyfile(page, tmp)
        tmp.replace(kept)
    return page


#: Bumped when what the HTML holds changes in a way the key below cannot see.
HTML_FORMAT = 1


def _html_key(content: PageContent, options: PageOptions) -> str:
    source = Path(__file__).with_name("folium_page.py").stat()
    grid = content.grid
    key = [HTML_FORMAT, source.st_mtime_ns, source.st_size, options.layer_names, options.theme,
           sorted(options.shown), options.tile_url, options.tile_attribution,
           options.tile_subdomains, options.view, len(grid) > 0, list(grid.bbox), grid.centre]
    text = json.dumps(key, ensure_ascii=False, sort_keys=True, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:20]
