"""The page's files from installed packages: Leaflet, Leaflet.markercluster, Leaflet.heat, ours.

They are copied next to the page, so the page refers to them by relative paths, works the
same from any folder, and can be opened in a browser for debugging. Nothing is fetched.
"""
from __future__ import annotations

import shutil
from importlib.util import find_spec
from pathlib import Path

import xstatic.pkg.leaflet as xs_leaflet
import xstatic.pkg.leaflet_markercluster as xs_cluster

from console.resources import RESOURCES

MAP_RESOURCES = RESOURCES / "map"
# Found without importing folium (half a second): only a page not built before needs it.
_FOLIUM_TEMPLATES = Path(find_spec("folium").submodule_search_locations[0]) / "templates"

# (source, destination under the page folder); a folder is copied whole.
_FILES = (
    (Path(xs_leaflet.BASE_DIR) / "leaflet.js", "lib/leaflet/leaflet.js"),
    (Path(xs_leaflet.BASE_DIR) / "leaflet.css", "lib/leaflet/leaflet.css"),
    (Path(xs_leaflet.BASE_DIR) / "images", "lib/leaflet/images"),
    (Path(xs_cluster.BASE_DIR) / "leaflet.markercluster.js", "lib/markercluster/leaflet.markercluster.js"),
    (Path(xs_cluster.BASE_DIR) / "MarkerCluster.css", "lib/markercluster/MarkerCluster.css"),
    (_FOLIUM_TEMPLATES / "leaflet_heat.min.js", "lib/heat/leaflet_heat.min.js"),
)

LEAFLET_JS = "lib/leaflet/leaflet.js"
LEAFLET_CSS = "lib/leaflet/leaflet.css"
CLUSTER_JS = "lib/markercluster/leaflet.markercluster.js"
CLUSTER_CSS = "lib/markercluster/MarkerCluster.css"
HEAT_JS = "lib/heat/leaflet_heat.min.js"
#: Loaded before anything else (it starts reading the grid file; see ccc_boot.js).
BOOT_JS = "ccc_boot.js"
#: Our own scripts in load order (each relies on the ones before it).
APP_JS = ("ccc_core.js", "ccc_cellgrid.js", "ccc_boundaries.js", "ccc_patrols.js",
          "ccc_cases.js", "ccc_tools.js", "ccc_draw.js", "ccc_app.js", "ccc_ops.js")
APP_CSS = ("ccc_map.css",)
#: Qt ships the QWebChannel client inside its resources; a page of any origin may load it.
QWEBCHANNEL_JS = "qrc:///qtwebchannel/qwebchannel.js"


def app_path(name: str) -> str:
    return f"app/{name}"


def copy_assets(folder: Path) -> None:
    """Put every file the page loads under `folder` (lib/ from packages, app/ from resources)."""
    for source, target in _FILES:
        dest = folder / target
        dest.parent.mkdir(parents=True, exist_ok=True)
        if source.is_dir():
            shutil.copytree(source, dest, dirs_exist_ok=True)
        else:
            shutil.copyfile(source, dest)
    (folder / "app").mkdir(parents=True, exist_ok=True)
    for name in (BOOT_JS,) + APP_JS + APP_CSS:
        shutil.copyfile(MAP_RESOURCES / name, folder / app_path(name))
