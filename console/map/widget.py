"""The live map in the centre of the window: toolbar, web view, and their wiring.

Start-up: the page is built in a worker (load the city, write the files), then loaded from
its file; once its script has connected the channel the widget follows the change feed.
Clicks come back from the page as selection signals; the other features ask the map to show
a case, a patrol or a cell through the same selection hub.
"""
from __future__ import annotations

import dataclasses
import logging
import shutil
import tempfile
import time
import weakref
from datetime import datetime
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QEvent, QPoint, QTimer, Signal
from PySide6.QtGui import QColor, QGuiApplication
from PySide6.QtWidgets import QMenu, QVBoxLayout, QWidget

from console.common.messages import describe_error
from console.common.seat_settings import SeatSettings
from console.common.selection import Selection
from console.common.theme import current_theme
from console.domain.changes import ChangeKind
from console.live.tasks import TaskRunner
from console.map import loader, texts
from console.map.bridge import MapBridge
from console.map.live import LiveMap
from console.map.search import MapSearch
from console.map.tiles_dialog import TilesDialog
from console.map.toolbar import MapToolBar
from console.map.view import MapView
from console.mappage import drawing, page
from console.paths import data_dir
from console.services import base_map, map_data, map_patrols

# Feed kinds after which the page's own grid may be out of date.
_GRID_KINDS = frozenset({ChangeKind.CITY, ChangeKind.WORK_GRID})
log = logging.getLogger(__name__)
BACKGROUND = {"dark": "#0a1220", "light": "#eef1f5"}
# A fit "soon" waits this long after the last ask: the view takes its new size first (the
# wall's, or the seat's again after it), and a burst of resizes fits once.
FIT_DELAY_MS = 300


class MapWidget(MapSearch, QWidget):
    """The map feature: everything the centre of the window shows and does."""

    page_loaded = Signal(float)       # seconds from load() to the grid drawn (first paint)
    on_screen = Signal(float)         # seconds from build() (the map asked for) to the grid drawn
    filled = Signal(float)            # seconds from build() to cases, patrols, measure sent
    page_failed = Signal(str)
    js_event = Signal(str, dict)      # every event of the page, for tests and benchmarks
    polygon_drawn = Signal(object)    # a GeoJSON Polygon drawn on the map, or None: given up

    def __init__(self, tasks: TaskRunner, settings: SeatSettings, selection: Selection,
                 parent: QWidget | None = None, *, build: bool = True) -> None:
        super().__init__(parent)
        self.setObjectName("mapWidget")
        self.tasks, self.settings, self.selection = tasks, settings, selection
        self.model: loader.MapModel | None = None
        # `ready`: the page is connected and filled, live deltas may flow; until then sends
        # wait in `_pending` (the page's first script connects before the fill arrives).
        self.ready = False
        self._connected = False
        self._fill: loader.Fill | None = None
        self._build_no = 0
        self._view_held = False   # on the wall: its view is not the seat's to remember
        self._fit_fill = False
        self._fit_timer = QTimer(self, singleShot=True, interval=FIT_DELAY_MS)
        self._fit_timer.timeout.connect(lambda: self.fit_city(fill=self._fit_fill))
        self.grid_drawn = False
        self._pending: list[tuple[str, dict]] = []
        self._load_started = self._asked = 0.0
        self._theme = current_theme()
        folder = data_dir() / "map-pages"
        folder.mkdir(parents=True, exist_ok=True)
        self.folder = Path(tempfile.mkdtemp(prefix="page-", dir=folder))
        # The grid's part of pages built at earlier starts, by grid fingerprint (grid_cache).
        self.grid_cache = folder / "grid-cache"
        # The page's files go with the widget, whatever way it is destroyed.
        self._cleanup = weakref.finalize(self, shutil.rmtree, str(self.folder), True)

        self.toolbar = MapToolBar(self)
        self.bridge = MapBridge()     # owned by the page (see MapView)
        self.view = MapView(self.bridge, self)
        self.live = LiveMap(tasks, self.bridge, self)
        self.live.measure_loaded.connect(
            lambda update: self.toolbar.enable_campaign(bool(update.campaigns)))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.toolbar)
        layout.addWidget(self.view, 1)

        self.bridge.event.connect(self._on_event)
        self.toolbar.search_requested.connect(self.search)
        self.toolbar.measure_changed.connect(self.set_measure)
        self.toolbar.heat_days_changed.connect(self.set_heat_days)
        self.toolbar.heat_night_changed.connect(self.set_heat_night)
        self.toolbar.measuring_toggled.connect(lambda on: self.send("measuring", on=on))
        self.toolbar.fit_requested.connect(lambda: self.send("fit"))
        self.toolbar.tiles_requested.connect(self.edit_tiles)
        self.toolbar.set_choices(settings.get("map/measure"), settings.get("map/heat_days"))
        selection.show_case_on_map.connect(self.show_case)
        selection.show_patrol_on_map.connect(self.show_patrol)
        selection.show_cell_on_map.connect(self.show_cell)
        app = QCoreApplication.instance()
        if app is not None:
            # The page must go before the web engine profile does, at the latest when the
            # application quits (deferred deletes still run after aboutToQuit).
            app.aboutToQuit.connect(self.shutdown)
        if build:
            self.build()

    def shutdown(self) -> None:
        """Stop following the feed and release the page; safe to call twice."""
        if getattr(self, "_shut", False):
            return
        self._shut = True
        self.ready = self._connected = False
        self.live.stop()
        self.bridge.event.disconnect(self._on_event)
        self.view.stop()
        self.view.map_page.setUrlRequestInterceptor(None)
        self.view.map_page.deleteLater()

    # --- the view ------------------------------------------------------------------------

    def fit_city(self, *, fill: bool = False) -> None:
        """The whole city in view, at the map's present size; `fill`: in quarter zoom steps
        (the wall, where whole steps left the city filling half of it)."""
        self._fit_timer.stop()
        self.send("fit", fill=fill)

    def fit_city_soon(self, *, fill: bool = False) -> None:
        """`fit_city` once the view has stopped changing size (FIT_DELAY_MS after the last
        ask); the last ask's `fill` holds."""
        self._fit_fill = fill
        self._fit_timer.start()

    def saved_view(self) -> str:
        """The view the seat keeps ('lat,lon,zoom'; empty: the whole city)."""
        return self.settings.get("map/view")

    def hold_view(self, held: bool) -> None:
        """While held (the wall), the page's moves are not remembered as the seat's view."""
        self._view_held = held

    def restore_view(self, view: str) -> None:
        """Back to a view `saved_view` gave, after the wall showed the whole city; none
        saved: the whole city once the map has the seat's size again."""
        try:
            lat, lon, zoom = view.split(",")
        except ValueError:
            self.fit_city_soon()
            return
        self._fit_timer.stop()       # a wall's fit still pending must not follow it
        self.send("view", lat=float(lat), lon=float(lon), zoom=int(zoom))

    # --- building and loading --------------------------------------------------------------

    def page_options(self) -> page.PageOptions:
        """The seat's choices and the words of the page, read here on the GUI thread."""
        shown = {k for k in self.settings.get("map/layers").split(",") if k}
        view = None
        try:
            lat, lon, zoom = self.settings.get("map/view").split(",")
            view = (float(lat), float(lon), int(zoom))
        except ValueError:
            view = None   # never set, or edited by hand: show the whole city
        return page.PageOptions(
            texts=texts.page_texts(), layer_names=texts.layer_names(), theme=current_theme(),
            shown=frozenset(shown | {"tiles"}) if shown else page.DEFAULT_LAYERS,
            tile_url=self.settings.get("map/tile_url").strip(),
            tile_attribution=self.settings.get("map/tile_attribution").strip(),
            tile_subdomains=self.settings.get("map/tile_subdomains").strip(), view=view)

    def build(self, verify: bool = False) -> None:
        """Build the page in a worker and load it (again, e.g. after the tile URL changed);
        `verify`: check the grid's fingerprint before reusing a kept page (loader.city_grid)."""
        if self.tasks.db is None:
            return
        options = self.page_options()
        self._theme = options.theme
        folder, measure, cache = self.folder, self.settings.get("map/measure"), self.grid_cache
        heat_days = int(self.settings.get("map/heat_days"))
        self.ready = self._connected = self.grid_drawn = False
        self._fill = None
        self._build_no += 1
        number = self._build_no
        self.live.stop()
        self._asked = time.perf_counter()
        self.toolbar.info.setText(self.tr("Loading the map…"))
        # The grid's page first; the rest is read once it is written, and sent when the page
        # has connected (see _fill_read): the grid is on screen without waiting for it.
        def build_page(s) -> tuple[loader.MapModel, page.PageOptions]:
            # The centre's base map unless this seat names tiles of its own (services/base_map).
            tiles = base_map.tiles_for_seat(s, base_map.BaseMap(
                options.tile_url, options.tile_subdomains, options.tile_attribution))
            drawn = dataclasses.replace(options, tile_url=tiles.url,
                                        tile_subdomains=tiles.subdomains,
                                        tile_attribution=tiles.attribution)
            return loader.build_page(s, folder, drawn, measure=measure, now=datetime.now(),
                                     cache=cache, verify=verify), drawn
        self.tasks.run(build_page,
                       on_done=lambda built: self._built(built[0], built[1], heat_days, number),
                       on_error=self._build_failed, owner=self)

    def _built(self, model: loader.MapModel, options: page.PageOptions, heat_days: int,
               number: int) -> None:
        if number != self._build_no or getattr(self, "_shut", False):
            return   # a newer build was asked for meanwhile, or the page is gone (a quit)
        self.model = model
        trail = options.trail_minutes
        night = self.toolbar.heat_night.isChecked()
        self.tasks.run(lambda s: loader.fill(s, model, heat_days=heat_days, trail_minutes=trail,
                                             now=datetime.now(), heat_night=night),
                       on_done=lambda done: self._fill_read(done, number),
                       on_error=self._build_failed, owner=self)
        self.toolbar.enable_campaign(bool(model.campaigns))
        self.toolbar.set_choices(model.measure, int(self.settings.get("map/heat_days")))
        self._load_started = time.perf_counter()
        self.view.open(str(model.page),
                       tile_hosts=page.tile_hosts(options.tile_url, options.tile_subdomains),
                       background=BACKGROUND[options.theme])

    def _fill_read(self, done: loader.Fill, number: int) -> None:
        if number != self._build_no or getattr(self, "_shut", False):
            return
        self._fill = done
        self._send_fill()

    def _send_fill(self) -> None:
        """Once the page is connected and the rest is read: send it, then follow the feed."""
        done, model = self._fill, self.model
        if not self._connected or done is None or model is None or self.ready:
            return
        loader.apply_fill(model, done)
        for text in done.messages:
            self.bridge.send_text(text)
        # Megabytes of text at 50,000 cases: the page has them now.
        self._fill = model.fill = None
        self.live.measure_loaded.emit(done.measure)
        self.ready = True
        self.live.start(model)
        pending, self._pending = self._pending, []
        for op, payload in pending:
            self.bridge.send(op, **payload)
        self.filled.emit(time.perf_counter() - self._asked)
        self._check_grid(model)

    def _check_grid(self, model: loader.MapModel) -> None:
        """A page shown by grid version alone: check the grid itself now, and rebuild if a
        writer changed it without bumping the version."""
        if model.grid_source is None or model.grid_source.verified:
            return
        number = self._build_no

        def checked(changed: bool) -> None:
            if changed and number == self._build_no and not getattr(self, "_shut", False):
                log.warning("the unit grid changed without a new grid version: map rebuilt")
                self.build(verify=True)
        self.tasks.run(lambda s: loader.grid_changed(s, model), on_done=checked, owner=self)

    def _build_failed(self, exc: BaseException) -> None:
        text = describe_error(exc)
        message = self.tr("The map could not be built: {error}").format(error=text)
        self.toolbar.info.setText(message)
        self.toolbar.info.setToolTip(message)   # the note is cut to the toolbar's width
        self.page_failed.emit(text)

    # --- talking to the page ---------------------------------------------------------------

    def send(self, op: str, **payload) -> None:
        """Send to the page now, or as soon as it is ready."""
        if self.ready:
            self.bridge.send(op, **payload)
        else:
            self._pending.append((op, payload))

    def apply_feed(self, batch) -> None:
        """Every FeedBatch of the change feed (connected to MainWindow.feed_changed)."""
        if not self.settings.get("map/tile_url").strip() and any(
                row.entity == ChangeKind.SETTINGS and (row.payload or {}).get("key") in
                base_map.KEYS for row in batch.rows):
            self.build()     # the centre's base map changed, and this seat draws it
            return
        self.live.accept(batch)
        if self.model is not None and any(row.entity in _GRID_KINDS for row in batch.rows):
            self._grid_written(self.model)

    def _grid_written(self, model: loader.MapModel) -> None:
        """The grid or its work grids were written at some seat: the cells and the work-grid
        colours are built into the page, so a grid that differs from the page's means a new
        page (a roster change that left the grid alone costs one fingerprint read)."""
        number = self._build_no

        def checked(differs: bool) -> None:
            if differs and number == self._build_no and not getattr(self, "_shut", False):
                self.build()
        self.tasks.run(lambda s: loader.grid_differs(s, model), on_done=checked, owner=self,
                       key=(id(self), "grid-written"))

    def _on_event(self, name: str, data: dict) -> None:
        if getattr(self, "_shut", False):
            return
        handler = getattr(self, f"_ev_{name}", None)
        if handler is not None:
            handler(data)
        self.js_event.emit(name, data)

    def _ev_ready(self, data: dict) -> None:
        self._connected = True
        self.follow_theme()   # the theme may have changed while the page was built
        self._send_fill()

    def _ev_firstPaint(self, data: dict) -> None:  # noqa: N802
        self.toolbar.info.clear()
        self.grid_drawn = True
        now = time.perf_counter()
        self.page_loaded.emit(now - self._load_started)
        self.on_screen.emit(now - self._asked)

    def _ev_error(self, data: dict) -> None:
        log.error("map page: %s (%s)", data.get("message"), data.get("where"))

    def _ev_cellClicked(self, data: dict) -> None:  # noqa: N802
        self.selection.cell_selected.emit(str(data["code"]))

    def _ev_caseClicked(self, data: dict) -> None:  # noqa: N802
        self.selection.case_selected.emit(int(data["id"]))

    def _ev_patrolClicked(self, data: dict) -> None:  # noqa: N802
        officer = int(data["id"])
        if not data.get("fromPython"):
            self.selection.patrol_selected.emit(officer)
        self.tasks.run(lambda s: map_patrols.track_of_day(s, officer, datetime.now()),
                       on_done=lambda track: self.send("patrolDetail", id=officer, track=track),
                       owner=self)

    def _ev_contextMenu(self, data: dict) -> None:  # noqa: N802
        lon, lat = float(data["lon"]), float(data["lat"])
        menu = QMenu(self)
        menu.setObjectName("mapContextMenu")
        report = menu.addAction(self.tr("Report a case here"))
        report.triggered.connect(lambda: self.selection.report_here.emit(lon, lat))
        measure = menu.addAction(self.tr("Measure distance from here"))
        measure.triggered.connect(lambda: self._measure_from(lat, lon))
        copy = menu.addAction(self.tr("Copy coordinates"))
        copy.triggered.connect(
            lambda: QGuiApplication.clipboard().setText(f"{lon:.6f}, {lat:.6f}"))
        menu.aboutToHide.connect(menu.deleteLater)
        self.context_menu = menu
        menu.popup(self.view.mapToGlobal(QPoint(int(data["x"]), int(data["y"]))))

    def draw_polygon(self, polygon: dict | None = None) -> None:
        """Let the user draw an area on the map (`polygon`: the one drawn before, shown);
        `polygon_drawn` brings it back."""
        self.send("drawPolygon", on=True, ring=drawing.polygon_corners(polygon))
        self.toolbar.info.setText(self.tr("Click the corners of the area; double-click or Enter "
                                          "closes it, Esc gives up."))

    def stop_drawing(self) -> None:
        self.send("drawPolygon", on=False)

    def _ev_polygonDrawn(self, data: dict) -> None:  # noqa: N802
        self.toolbar.info.clear()
        self.polygon_drawn.emit(drawing.polygon_geojson(data.get("ring")))

    def _measure_from(self, lat: float, lon: float) -> None:
        self.toolbar.ruler.setChecked(True)
        self.send("measuring", on=True, start=[lat, lon])

    def _ev_measured(self, data: dict) -> None:
        text = texts.distance(float(data.get("metres") or 0))
        self.toolbar.info.setText(self.tr("Distance: {distance}").format(distance=text))
        if not data.get("running"):
            points = data.get("points") or []
            if len(points) >= 2:
                self.selection.line_drawn.emit([[float(x), float(y)] for x, y in points])
            self.toolbar.ruler.blockSignals(True)
            self.toolbar.ruler.setChecked(False)
            self.toolbar.ruler.blockSignals(False)

    def _ev_layers(self, data: dict) -> None:
        self.settings.set("map/layers", ",".join(sorted(data.get("shown") or [])) or "none")

    def _ev_view(self, data: dict) -> None:
        if self._view_held:
            return
        self.settings.set("map/view", f"{float(data['lat']):.6f},{float(data['lon']):.6f},"
                                      f"{int(data['zoom'])}")

    def _ev_notFound(self, data: dict) -> None:  # noqa: N802
        watch = self.model.watch if self.model is not None else None
        info = watch.info.get(data.get("key")) if watch is not None else None
        if data.get("kind") == "patrol" and info is not None:
            self.toolbar.info.setText(self.tr("{name} has no recent position.").format(
                name=info.name))
            return
        self.toolbar.info.setText(self.tr("Not on the map: {what}").format(what=data.get("key")))

    # --- what the toolbar and the other features ask -------------------------------------

    def set_measure(self, measure: str) -> None:
        self.settings.set("map/measure", measure)
        self.live.set_measure(measure)

    def set_heat_days(self, days: int) -> None:
        self.settings.set("map/heat_days", days)
        self._send_heat()

    def set_heat_night(self, on: bool) -> None:
        """Night reports only (夜查), for this seat until it is switched off again."""
        self._send_heat()

    def _send_heat(self) -> None:
        model = self.model
        if model is None:
            return
        days = int(self.settings.get("map/heat_days"))
        night = self.toolbar.heat_night.isChecked()
        self.tasks.run(lambda s: loader.heat(s, model, days, datetime.now(), night),
                       on_done=lambda points: self.send("heat", points=points),
                       owner=self)

    def show_cell(self, code: str) -> None:
        self.send("focus", kind="cell", code=code)

    def show_patrol(self, officer_id: int) -> None:
        self.send("focus", kind="patrol", id=int(officer_id))

    def show_case(self, case_id: int) -> None:
        """Centre on a case (open or not) and ring it."""
        self.tasks.run(lambda s: map_data.locate_case(s, int(case_id)),
                       on_done=self._go_to_hit, owner=self)

    def _go_to_hit(self, hit) -> None:
        if hit is None or hit.lat is None:
            return
        self.send("focus", kind="point", lat=hit.lat, lon=hit.lon, zoom=17, id=hit.key)

    def edit_tiles(self) -> None:
        """Let the user set the base map; a changed one rebuilds the page (never a reload of
        the old one: the tiles are part of what folium lays out)."""
        dialog = TilesDialog(self.settings, self)
        self.tiles_dialog = dialog
        before = self._tile_settings()
        dialog.finished.connect(lambda _: self._tiles_edited(before))
        dialog.open()

    def _tile_settings(self) -> tuple[str, str, str]:
        return tuple(self.settings.get(k) for k in ("map/tile_url", "map/tile_subdomains",
                                                     "map/tile_attribution"))

    def _tiles_edited(self, before: tuple[str, str, str]) -> None:
        if self._tile_settings() != before:
            self.build()

    # --- theme ---------------------------------------------------------------------------

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802
        # apply_theme() changes the application's palette and style sheet; the page follows.
        if event.type() in (QEvent.Type.PaletteChange, QEvent.Type.ApplicationPaletteChange,
                            QEvent.Type.StyleChange):
            # Asked later: apply_theme() records the theme's name after the palette change.
            QTimer.singleShot(0, self.follow_theme)
        super().changeEvent(event)

    def follow_theme(self) -> None:
        """Give the page the application's theme if it has another one."""
        theme = current_theme()
        if self._connected and theme != self._theme:
            self._theme = theme
            self.bridge.send("theme", name=theme)
            self.view.map_page.setBackgroundColor(QColor(BACKGROUND.get(theme, BACKGROUND["dark"])))
