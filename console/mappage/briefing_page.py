"""A standalone HTML map of a campaign or of streets, for briefings: one file that opens in any
browser with no network (Leaflet's script and style written into it, from the xstatic-leaflet
package the console's own map uses; no tiles), the scope's cells shaded by open cases with
their codes in tooltips, and its open cases as points with number, category and state.
"""
from __future__ import annotations

import html
from datetime import datetime
from pathlib import Path

import folium
import xstatic.pkg.leaflet as xs_leaflet
from branca.element import Element

from console.services.reports_map import ScopeMap

#: open cases in a cell → fill colour (the console map's scale)
SHADES = ((7, "#c62828"), (4, "#e0622c"), (2, "#e69a2e"), (1, "#d6b42a"))
EMPTY = "#9aa7b8"


def _shade(n: int) -> str:
    return next((c for limit, c in SHADES if n >= limit), EMPTY)


def write_scope_html(data: ScopeMap, path: Path, *, heading: str, generated_at: datetime,
                     status_name=lambda s: s) -> Path:
    """Write the map as one self-contained HTML file."""
    lons = [p[0] for _, ring, _ in data.cells for p in ring] or [0.0]
    lats = [p[1] for _, ring, _ in data.cells for p in ring] or [0.0]
    m = folium.Map(location=[(min(lats) + max(lats)) / 2, (min(lons) + max(lons)) / 2],
                   tiles=None, prefer_canvas=True, zoom_start=13)
    # Nothing from a CDN: Leaflet itself goes into the page below.
    m.default_js, m.default_css = [], []
    leaflet = Path(xs_leaflet.BASE_DIR)
    m.get_root().header.add_child(Element(
        "<style>" + (leaflet / "leaflet.css").read_text(encoding="utf-8") + "</style>"
        "<script>" + (leaflet / "leaflet.js").read_text(encoding="utf-8") + "</script>"),
        name="leaflet_inline", index=0)
    features = [{"type": "Feature", "properties": {"code": code, "open": n, "fill": _shade(n)},
                 "geometry": {"type": "Polygon", "coordinates": [ring]}}
                for code, ring, n in data.cells]
    folium.GeoJson({"type": "FeatureCollection", "features": features},
                   style_function=lambda f: {"fillColor": f["properties"]["fill"],
                                             "fillOpacity": 0.55, "color": "#44546a",
                                             "weight": 0.6},
                   tooltip=folium.GeoJsonTooltip(fields=["code", "open"],
                                                 aliases=["网格", "未结"])).add_to(m)
    for number, lat, lon, category, status, urgent in data.cases:
        folium.CircleMarker(
            [lat, lon], radius=6 if urgent else 4, color="#c62828" if urgent else "#1565c0",
            fill=True, fill_opacity=0.9,
            popup=folium.Popup(html.escape(f"{number} {category} {status_name(status)}"))).add_to(m)
    if features:
        m.fit_bounds([[min(lats), min(lons)], [max(lats), max(lons)]])
    m.get_root().html.add_child(Element(
        '<div style="position:fixed;top:10px;left:60px;z-index:1000;background:white;'
        'padding:6px 10px;font:16px sans-serif;border:1px solid #999">'
        f"<b>{html.escape(heading)}</b> · {html.escape(data.title)}<br>"
        f"<small>{generated_at:%Y-%m-%d %H:%M}</small></div>"))
    m.save(str(path))
    return path
