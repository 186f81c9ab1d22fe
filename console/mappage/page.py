"""Writing the map page: an offline Leaflet page (laid out by folium) in a folder.

folium lays out the map (canvas renderer), the base tiles if a URL is set, the marker
cluster and heat layers and the layer control; the unit grid, boundaries and patrols are
layers made by the page's own JavaScript (resources/map), declared here as folium layers so
they sit in the same layer control. Every script and style sheet is a file in the folder.
"""
from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path
from urllib.parse import urlsplit

from console.mappage import assets, grid_cache
from console.mappage.page_data import PageContent, page_config, write_data
# Re-exported: callers name them as page.PageOptions, page.DEFAULT_LAYERS.
from console.mappage.page_options import (BOUNDARY_ZOOMS, DEFAULT_LAYERS, HEAT_OPTIONS,  # noqa: F401
                                          MAX_NATIVE_TILE_ZOOM, MAX_ZOOM, MIN_ZOOM, PageOptions)

PAGE_FILE = "index.html"


#: the port a URL of each tile scheme reaches when it names none.
DEFAULT_PORTS = {"http": 80, "https": 443}


def tile_hosts(url: str, subdomains: str = "abc") -> set[str]:
    """Every "host:port" a tile URL can reach ({s} takes each subdomain): the only ones the
    guard lets by — the port too, so a page script cannot reach another service on that host."""
    if not url:
        return set()
    letters = (subdomains or "abc") if "{s}" in url else " "
    hosts = set()
    for letter in letters:
        parts = urlsplit(url.replace("{s}", letter.strip()))
        try:
            port = parts.port or DEFAULT_PORTS.get(parts.scheme.lower())
        except ValueError:   # a port out of range: no host at all
            continue
        if parts.hostname and port:
            hosts.add(f"{parts.hostname.lower()}:{port}")
    return hosts


def write_page(folder: Path, content: PageContent, options: PageOptions, grid_file: Path) -> Path:
    """Write index.html, data.js and every library into `folder`, with the grid's file
    (`grid_binary.encode`, usually from the cache); returns the page's path."""
    folder.mkdir(parents=True, exist_ok=True)
    assets.copy_assets(folder)
    grid_cache.link_into(grid_file, folder)
    config = page_config(texts=options.texts, theme=options.theme, bbox=content.grid.bbox,
                         trail_minutes=options.trail_minutes)
    config["fitOnStart"] = options.view is None
    # Applied by the page before any layer is added (never part of the HTML: see _html_key).
    config["view"] = list(options.view) if options.view is not None else None
    config["cellMetres"] = content.grid.cell_size_m
    config["heatRadius"] = HEAT_OPTIONS["radius"] + HEAT_OPTIONS["blur"]
    config.update(options.extra_config)
    write_data(folder, content, config)
    page = folder / PAGE_FILE
    # The HTML depends on the seat's choices and the grid's extent alone: kept beside the
    # grid's file (so it goes when the grid changes), it spares importing folium at start.
    kept = grid_file.parent / f"page-{_html_key(content, options)}.html"
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
HTML_FORMAT = 3


def _html_key(content: PageContent, options: PageOptions) -> str:
    # Not the remembered view: a pan would then cost the next start folium's import and build.
    source = Path(__file__).with_name("folium_page.py").stat()
    grid = content.grid
    key = [HTML_FORMAT, source.st_mtime_ns, source.st_size, options.layer_names, options.theme,
           sorted(options.shown), options.tile_url, options.tile_attribution,
           options.tile_subdomains, len(grid) > 0, list(grid.bbox), grid.centre]
    text = json.dumps(key, ensure_ascii=False, sort_keys=True, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:20]
