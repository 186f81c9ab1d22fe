"""The folium part of the map page: Leaflet's map, the layers and the layer control.

Imported only when a page's HTML is not cached (see page.write_page): importing folium takes
half a second at start, and the HTML is the same while the seat's choices and the grid are.
"""
from __future__ import annotations

import folium
from branca.element import MacroElement
from folium.elements import JSCSSMixin
from folium.map import Layer
from folium.plugins import HeatMap, MarkerCluster
from folium.template import Template
from folium.utilities import JsCode

from console.mappage import assets, mapmath
from console.mappage.page_options import (_ASSUMED_SIZE, BOUNDARY_ZOOMS, HEAT_OPTIONS,
                                          MAX_NATIVE_TILE_ZOOM, MAX_ZOOM, MIN_ZOOM, PageOptions)
from console.mappage.page_data import DATA_FILE, PageContent

#: The patrol layers read their colours from the data file rather than repeat them here.
_STATE_COLOURS = JsCode("window.CCC_DATA.config.stateColours")


class _Start(JSCSSMixin, MacroElement):
    """Loads the page's own files and sets up its panes before any layer is added."""

    _template = Template("""
        {% macro script(this, kwargs) %}
            CCC.init({{ this._parent.get_name() }});
        {% endmacro %}""")

    def __init__(self) -> None:
        super().__init__()
        self._name = "CccInit"
        self.default_js = [("qwebchannel", assets.QWEBCHANNEL_JS), ("ccc_data", DATA_FILE)] + \
            [(name, assets.app_path(name)) for name in assets.APP_JS]
        self.default_css = [(name, assets.app_path(name)) for name in assets.APP_CSS]


class _AppLayer(Layer):
    """A layer made by a factory of the page's JavaScript, listed in the layer control."""

    _template = Template("""
        {% macro script(this, kwargs) %}
            var {{ this.get_name() }} = {{ this.factory }}({{ this.options|tojavascript }});
        {% endmacro %}""")

    def __init__(self, factory: str, name: str, *, show: bool, **options) -> None:
        super().__init__(name=name, overlay=True, control=True, show=show)
        self._name = "CccLayer"
        self.factory = factory
        self.options = options


class _Wire(MacroElement):
    """Hands the layers folium created to the page's controller."""

    _template = Template("""
        {% macro script(this, kwargs) %}
            CCC.start({{ this._parent.get_name() }}, {{ this.control.get_name() }}, {
            {%- for key, layer in this.layers.items() %}
                {{ key|tojson }}: {{ layer.get_name() }},
            {%- endfor %}
            });
        {% endmacro %}""")

    def __init__(self, control, layers: dict) -> None:
        super().__init__()
        self._name = "CccStart"
        self.control = control
        self.layers = layers


def _base_map(content: PageContent, options: PageOptions) -> folium.Map:
    # The whole city: a remembered view is the page's to apply at start (config "view"), so
    # the kept HTML stays the same when the seat pans.
    bbox = content.grid.bbox
    centre = content.grid.centre or ((bbox[0] + bbox[2]) / 2, (bbox[1] + bbox[3]) / 2)
    lon, lat = centre
    zoom = mapmath.fit_zoom(bbox, *_ASSUMED_SIZE) if len(content.grid) else 12
    m = folium.Map(location=[lat, lon], zoom_start=int(zoom), tiles=None, prefer_canvas=True,
                   control_scale=False, min_zoom=MIN_ZOOM, max_zoom=MAX_ZOOM,
                   zoom_snap=1, zoom_delta=1, wheel_px_per_zoom_level=90)
    # Only Leaflet itself: folium's default jQuery, Bootstrap and icon fonts come from CDNs.
    # The boot script first: it starts reading grid.bin while the rest is parsed.
    m.default_js = [("ccc_boot", assets.app_path(assets.BOOT_JS)), ("leaflet", assets.LEAFLET_JS)]
    m.default_css = [("leaflet_css", assets.LEAFLET_CSS)]
    return m


def build_map(content: PageContent, options: PageOptions) -> folium.Map:
    """The folium map of the page (not yet written)."""
    names, shown = options.layer_names, options.shown
    m = _base_map(content, options)
    _Start().add_to(m)
    layers: dict[str, object] = {}
    if options.tile_url:
        tiles = folium.TileLayer(
            tiles=options.tile_url, attr=options.tile_attribution or options.tile_url,
            name=names["tiles"], max_zoom=MAX_ZOOM, max_native_zoom=MAX_NATIVE_TILE_ZOOM,
            overlay=False, control=True, show="tiles" in shown,
            subdomains=options.tile_subdomains or "abc")
        tiles.add_to(m)
    # The points come with data.js (set by the page at start): the page itself then depends
    # on the seat's choices alone, and a heat map's worth of numbers is not templated.
    heat = HeatMap([], name=names["heat"], show="heat" in shown, max=1.0, **HEAT_OPTIONS)
    heat.default_js = [("leaflet-heat.js", assets.HEAT_JS)]
    layers["heat"] = heat
    layers["cells"] = _AppLayer("L.ccc.cellGrid", names["cells"], show="cells" in shown)
    for level in ("community", "street", "district"):
        layers[level] = _AppLayer("L.ccc.boundaries", names[level], show=level in shown,
                                  level=level, theme=options.theme, **BOUNDARY_ZOOMS[level])
    layers["trails"] = _AppLayer("L.ccc.trails", names["trails"], show="trails" in shown,
                                 colours=_STATE_COLOURS)
    cases = MarkerCluster(name=names["cases"], show="cases" in shown,
                          icon_create_function="L.ccc.clusterIcon",
                          maxClusterRadius=45, disableClusteringAtZoom=16,
                          showCoverageOnHover=False, spiderfyOnMaxZoom=True, chunkedLoading=True,
                          removeOutsideVisibleBounds=True,
                          # Clusters change at once: a console is read at a glance, and offscreen
                          # (screenshots, tests) CSS transitions may never end.
                          animate=False)
    cases.default_js = [("markerclusterjs", assets.CLUSTER_JS)]
    cases.default_css = [("markerclustercss", assets.CLUSTER_CSS)]
    layers["cases"] = cases
    layers["patrols"] = _AppLayer("L.ccc.patrols", names["patrols"], show="patrols" in shown,
                                  colours=_STATE_COLOURS)
    # Control order = the order added: the grid first, analysis layers last.
    for key in ("cells", "district", "street", "community", "cases", "patrols", "trails", "heat"):
        layers[key].add_to(m)
    # Folded to its icon: the map in the middle of the window is narrow, and a seat that
    # set its layers does not need the list in view (hovering the icon opens it).
    control = folium.LayerControl(position="topright", collapsed=True)
    control.add_to(m)
    _Wire(control, layers).add_to(m)
    return m
