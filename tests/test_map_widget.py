"""The live map in QtWebEngine: offline page, live deltas, clicks, tools, remembered choices.

Each test loads the real page offscreen, writes through the services, and reads back what
the page shows with runJavaScript (CCC.inspect), as a user would see it.
"""
from __future__ import annotations

import json
import threading
from dataclasses import dataclass
from datetime import datetime, timedelta

import numpy as np
import pytest
from PySide6.QtCore import QCoreApplication, QEvent, QUrl
from sqlalchemy import func, select

from console.live.feed_worker import FeedWorker
from console.live.tasks import TaskRunner
from console.domain.patrol_state import PatrolStatus
from console.mappage import styles
from console.mappage.mapmath import haversine_m
from console.map.widget import MapWidget
from console.services import cases
from console.services.positions import Fix, record_positions
from console.store.database import Database
from console.store.models import Case, Cell
from console.common.seat_settings import SeatSettings
from console.common.selection import Selection
from tests.map_city import CATEGORY, dispatcher, MapCity, build_map_city, now

LOAD_TIMEOUT_MS = 30_000


@pytest.fixture(scope="module")
def city(tmp_path_factory) -> MapCity:
    return build_map_city(tmp_path_factory.mktemp("map-city"))


@dataclass
class Harness:
    widget: MapWidget
    db: Database
    selection: Selection
    qtbot: object

    def js(self, code: str, timeout: int = 5000):
        """The value of a JavaScript expression (through JSON: the binding returns no arrays)."""
        box: list = []
        self.widget.view.page().runJavaScript(f"JSON.stringify({code})", 0, box.append)
        self.qtbot.waitUntil(lambda: bool(box), timeout=timeout)
        return json.loads(box[0]) if box[0] else None

    def wait_js(self, code: str, predicate=bool, timeout: int = 5000):
        """Wait until the page's answer to `code` satisfies `predicate`; return it."""
        seen: list = []

        def check():
            value = self.js(code)
            seen.append(value)
            return predicate(value)
        self.qtbot.waitUntil(check, timeout=timeout)
        return seen[-1]

    def view_at(self, lat: float, lon: float, zoom: int) -> None:
        self.js(f"void CCC.map.setView([{lat}, {lon}], {zoom}, {{animate: false}})")

    def click(self, x: float, y: float, kind: str = "click") -> None:
        """A real DOM mouse event at a point of the map, as the browser would deliver it."""
        self.js(f"""(function () {{
            var el = document.elementFromPoint({x}, {y});
            var o = {{bubbles: true, cancelable: true, clientX: {x}, clientY: {y}, button: {2 if kind == 'contextmenu' else 0}}};
            el.dispatchEvent(new MouseEvent('mousedown', o));
            el.dispatchEvent(new MouseEvent('mouseup', o));
            el.dispatchEvent(new MouseEvent('{kind}', o));
        }})()""")

    def point_of(self, lat: float, lon: float) -> tuple[float, float]:
        p = self.js(f"(function () {{ var p = CCC.map.latLngToContainerPoint([{lat}, {lon}]); "
                    f"return [p.x, p.y]; }})()")
        return p[0], p[1]


@pytest.fixture
def make_map(city, tmp_path, qtbot, qapp):
    """Open map widgets on a private copy of the city; all stopped and closed afterwards."""
    made: list[tuple[MapWidget, TaskRunner, FeedWorker]] = []
    db = city.open(tmp_path)

    def make(*, feed: bool = True) -> Harness:
        tasks = TaskRunner(db)
        selection = Selection()
        widget = MapWidget(tasks, SeatSettings.open(), selection)
        loaded: list[float] = []
        widget.page_loaded.connect(loaded.append)
        widget.resize(1200, 800)
        widget.show()
        worker = FeedWorker(db, interval_ms=50)
        made.append((widget, tasks, worker))
        if feed:
            worker.changes.connect(lambda batch: widget.apply_feed(batch))
            worker.start()
            qtbot.waitUntil(lambda: worker.seq is not None, timeout=5000)
        qtbot.waitUntil(lambda: widget.ready and bool(loaded), timeout=LOAD_TIMEOUT_MS)
        return Harness(widget, db, selection, qtbot)

    yield make
    for widget, tasks, worker in made:
        assert worker.stop()
        widget.shutdown()
        assert tasks.wait(10_000)
        widget.close()
        widget.deleteLater()
    # Delete the pages now: a page outliving the web engine profile aborts at exit.
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    db.dispose()


def test_the_page_loads_offline_with_every_cell(make_map):
    h = make_map()
    with h.db.session() as s:
        n_cells = s.scalar(select(func.count()).select_from(Cell))
    assert h.js("CCC.cells.n") == n_cells
    assert h.js("CCC.cells.codes.length") == n_cells
    assert h.js("Object.keys(CCC.cases.markers).length") == len(h.widget.model.case_ids) > 0
    assert h.js("CCC.store.ids.length") == len(h.widget.model.watch.views()) > 0
    guard = h.widget.view.guard
    assert guard.requests, "the interceptor saw the page's requests"
    assert {QUrl(u).scheme() for u in guard.requests} <= {"file", "qrc", "data"}
    assert not guard.blocked and not h.widget.view.map_page.errors
    # The page projects exactly as the Python map math does.
    lon, lat = h.widget.model.grid.centroids[0]
    from console.mappage.mapmath import mercator
    assert h.js(f"[L.ccc.projectX({lon}), L.ccc.projectY({lat})]") == \
        pytest.approx(list(mercator(lon, lat)), abs=1e-9)


def test_the_page_decodes_the_binary_grid_to_the_cells_and_regions_python_has(make_map):
    """grid.bin as the page reads it: every cell's ring (to 1e-6°), code and community, and
    each region's outline, the same as the grid Python encoded."""
    h = make_map()
    grid = h.widget.model.grid
    rings = h.js("(function () { var c = CCC.cells, out = [];"
                 " for (var i = 0; i < c.n; i++) out.push(c.latLngsOf(i).map(function (p) {"
                 " return [p.lng, p.lat]; })); return out; })()", timeout=20_000)
    assert len(rings) == len(grid)
    for i, ring in enumerate(rings):
        assert np.allclose(ring, grid.rings[i][:-1], rtol=0, atol=1e-6), i
    assert h.js("CCC.cells.codes") == grid.codes
    names = h.js("Array.from(CCC.cells.community).map(function (k) {"
                 " return CCC.cells.communityNames[k]; })")
    assert names == [grid.communities[c][1] for c in grid.community.tolist()]
    # A region's outline: the page's rings (closed) cover what shapely made of its cells.
    from console.services.map_grid import region_boundaries
    regions = region_boundaries(grid)
    for level in ("district", "street", "community"):
        region = regions[level][0]
        found = h.js(f"CCC.layers[{json.dumps(level)}].find({json.dumps(region.code)})")
        assert found["name"] == region.name
        outer = [[lon, lat] for lat, lon in found["rings"][0]]
        shape = getattr(region.geometry, "geoms", [region.geometry])[0]
        assert np.allclose(outer, np.asarray(shape.exterior.coords), rtol=0, atol=1e-6), level


def test_the_grid_is_on_screen_before_the_cases_and_patrols_are_read(city, tmp_path, qtbot,
                                                                    qapp, monkeypatch):
    from console.map import loader
    gate, reading = threading.Event(), threading.Event()
    real = loader.fill

    def held(*args, **kw):
        reading.set()
        assert gate.wait(30)
        return real(*args, **kw)
    monkeypatch.setattr(loader, "fill", held)
    db = city.open(tmp_path)
    tasks = TaskRunner(db)
    widget = MapWidget(tasks, SeatSettings.open(), Selection())
    filled: list[float] = []
    widget.filled.connect(filled.append)
    widget.resize(1200, 800)
    widget.show()
    h = Harness(widget, db, widget.selection, qtbot)
    try:
        qtbot.waitUntil(lambda: widget.grid_drawn and widget._connected, timeout=LOAD_TIMEOUT_MS)
        assert reading.is_set() and not widget.ready
        assert h.js("CCC.cells.n") == len(widget.model.grid) > 0
        assert h.js("CCC.inspect.caseIds().length") == 0 and h.js("CCC.store.ids.length") == 0
        widget.show_cell(widget.model.grid.codes[3])   # asked meanwhile: kept, not lost
        gate.set()
        qtbot.waitUntil(lambda: widget.ready and bool(filled), timeout=LOAD_TIMEOUT_MS)
        assert h.wait_js("CCC.inspect.caseIds().length") == len(widget.model.case_ids) > 0
        assert h.js("CCC.store.ids.length") == len(widget.model.watch.views()) > 0
        assert h.js("CCC.highlight.group.getLayers().length") > 0
    finally:
        gate.set()
        widget.shutdown()
        assert tasks.wait(10_000)
        widget.close()
        widget.deleteLater()
        QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
        db.dispose()


def test_a_position_recorded_through_the_services_moves_the_marker(make_map, city):
    h = make_map()
    officer = city.officers[0]
    lon, lat = officer.away
    with h.db.transaction() as s:
        record_positions(s, [Fix(officer.device, now(), lat, lon, speed=1.2, battery=42.0)])
    info = h.wait_js(f"CCC.inspect.patrol({officer.id})",
                     lambda v: v and abs(v["lat"] - lat) < 1e-6, timeout=3000)
    assert info["lon"] == pytest.approx(lon, abs=1e-6)   # the page gets 0.1 m precision
    assert info["battery"] == 42.0 and info["name"] == officer.name
    # It walked into another grid: the trail grew and the marker knows where it came from.
    assert h.js(f"CCC.store.trails[{officer.id}].length") >= 3


def test_a_due_trail_redraw_runs_in_its_own_frame_not_inside_the_delta(make_map):
    h = make_map(feed=False)
    during = h.js("""(function () {
        var t = CCC.layers.trails, st = CCC.store, calls = (window.TRAIL_CALLS = []);
        var redraw = t.redraw;
        t.redraw = function () { calls.push(st.lat[0]); return redraw.call(this); };
        t._last = 0;   // a redraw is due
        var id = st.ids[0], s = st.slot[id];
        CCC.receive({ op: "delta", patrols: [[id, Math.round(st.lat[s] * 1e6) + 20,
            Math.round(st.lon[s] * 1e6), st.state[s], Math.round(st.at[s] / 1000) + 1, 50, 12]] });
        return calls.length;
    })()""")
    assert during == 0, "the delta drew the trails itself"
    # The next frame draws them, with the position the delta brought.
    drawn = h.wait_js("window.TRAIL_CALLS", lambda calls: len(calls) == 1)
    assert drawn[0] == pytest.approx(h.js("CCC.store.lat[0]"))


def test_a_case_created_through_the_services_appears_and_shades_its_cell(make_map, city):
    h = make_map()
    code = city.cell_codes[10]
    before = h.js(f"CCC.inspect.cellValue('{code}')")
    with h.db.transaction() as s:
        change = cases.report(s, dispatcher(s), category_code=CATEGORY, source="hotline",
                              cell_code=code, description="井盖缺失")
    h.wait_js("CCC.inspect.caseIds()", lambda ids: change.case_id in ids, timeout=3000)
    assert h.wait_js(f"CCC.inspect.cellValue('{code}')", lambda v: v == before + 1) == before + 1
    assert h.js(f"CCC.inspect.cellColour('{code}')") == styles.cell_colour("open", before + 1)
    # Rejected: the marker goes, the cell goes back.
    with h.db.transaction() as s:
        cases.reject(s, dispatcher(s), change.case_id, change.version, reason="重复上报")
    h.wait_js("CCC.inspect.caseIds()", lambda ids: change.case_id not in ids, timeout=3000)
    assert h.wait_js(f"CCC.inspect.cellValue('{code}')", lambda v: v == before) == before


def test_clicks_in_the_page_emit_the_selection_signals(make_map, city, qtbot):
    h = make_map()
    grid = h.widget.model.grid
    index = 20
    lon, lat = grid.centroids[index]
    h.view_at(lat, lon, 17)
    x, y = h.point_of(lat, lon)
    with qtbot.waitSignal(h.selection.cell_selected, timeout=3000) as cell:
        h.click(x, y)
    assert cell.args == [grid.codes[index]]

    with h.db.session() as s:
        case = s.execute(select(Case.id, Case.lat, Case.lon).where(
            Case.id.in_(h.widget.model.case_ids), Case.lat.is_not(None))).first()
    h.view_at(case.lat, case.lon, 18)
    x, y = h.point_of(case.lat, case.lon)
    with qtbot.waitSignal(h.selection.case_selected, timeout=3000) as picked:
        h.click(x, y)
    assert picked.args == [case.id]

    officer = city.officers[1]
    info = h.js(f"CCC.inspect.patrol({officer.id})")
    h.view_at(info["lat"], info["lon"], 17)
    x, y = h.point_of(info["lat"], info["lon"])
    with qtbot.waitSignal(h.selection.patrol_selected, timeout=3000) as patrol:
        h.click(x, y)
    assert patrol.args == [officer.id]
    popup = h.wait_js("CCC.popup && CCC.popup.isOpen() && CCC.popup.getContent()",
                      lambda html: html and officer.name in html)
    assert info["grid"] in popup and "80%" in popup
    # The day's track arrives from the worker and is measured in the popup.
    h.wait_js("CCC.track && CCC.track.metres", lambda v: v is not None and v >= 0)


def test_the_page_makes_no_request_beyond_the_tile_server(make_map, qtbot):
    settings = SeatSettings.open()
    settings.set("map/tile_url", "http://tiles.intranet.example/{z}/{x}/{y}.png")
    settings.set("map/tile_attribution", "市测绘院")
    h = make_map(feed=False)
    guard = h.widget.view.guard
    qtbot.waitUntil(lambda: any("tiles.intranet.example" in u for u in guard.requests),
                    timeout=5000)
    # Something on the page reaching elsewhere is stopped and recorded.
    h.js("(function () { var img = new Image(); img.src = 'https://cdn.example.com/x.js'; })()")
    qtbot.waitUntil(lambda: any("cdn.example.com" in u for u in guard.blocked), timeout=5000)
    hosts = {QUrl(u).host() for u in guard.requests if QUrl(u).scheme() not in ("file", "qrc", "data")}
    assert hosts == {"tiles.intranet.example", "cdn.example.com"}
    assert all("tiles.intranet.example" not in u for u in guard.blocked)


def test_the_measure_switch_recolours_the_cells(make_map):
    h = make_map(feed=False)
    grid, model = h.widget.model.grid, h.widget.model
    code = grid.codes[0]
    colour = styles.cell_colour("work_grid", model.grid_colours[int(grid.work_grid[0])])
    assert h.js(f"CCC.inspect.cellColour('{code}')") != colour
    combo = h.widget.toolbar.measure
    combo.setCurrentIndex(combo.findData("work_grid"))
    assert h.wait_js(f"CCC.inspect.cellColour('{code}')", lambda c: c == colour) == colour
    assert h.js("CCC.cells.measure") == "work_grid"
    assert "责任网格" in h.js("CCC.legend._legend.title") or \
        "Work grid" in h.js("CCC.legend._legend.title")
    assert SeatSettings.open().get("map/measure") == "work_grid"
    combo.setCurrentIndex(combo.findData("overdue"))
    h.wait_js("CCC.cells.measure", lambda m: m == "overdue")
    overdue = h.widget.model
    assert overdue.measure == "overdue"


def test_right_click_offers_to_report_a_case_here(make_map, qtbot):
    h = make_map(feed=False)
    lon, lat = h.widget.model.grid.centroids[30]
    h.view_at(lat, lon, 16)
    x, y = h.point_of(lat, lon)
    with qtbot.waitSignal(h.widget.js_event, timeout=3000,
                          check_params_cb=lambda name, _: name == "contextMenu"):
        h.click(x, y, "contextmenu")
    menu = h.widget.context_menu
    qtbot.waitUntil(menu.isVisible, timeout=3000)
    report = menu.actions()[0]
    assert report.text() in ("Report a case here", "在此上报案件")
    with qtbot.waitSignal(h.selection.report_here, timeout=3000) as here:
        report.trigger()
    menu.hide()
    assert here.args == pytest.approx([lon, lat], abs=1e-5)


def test_the_ruler_measures_what_the_user_clicks(make_map, qtbot):
    h = make_map(feed=False)
    lon, lat = h.widget.model.grid.centroids[0]
    h.view_at(lat, lon, 16)
    h.widget.toolbar.ruler.setChecked(True)
    h.wait_js("CCC.measure.active")
    points = [(300, 300), (600, 300), (600, 500)]
    latlngs = []
    for x, y in points:
        h.click(x, y)
        latlngs.append(h.js(f"(function () {{ var l = CCC.map.containerPointToLatLng([{x}, {y}]); "
                            f"return [l.lng, l.lat]; }})()"))
    expected = sum(haversine_m(*a, *b) for a, b in zip(latlngs, latlngs[1:]))
    assert h.wait_js("CCC.measure.length()", lambda d: d > 0) == pytest.approx(expected, rel=1e-6)
    qtbot.waitUntil(lambda: h.widget.toolbar.info.text().strip() != "", timeout=3000)
    shown = f"{expected:.0f} m" if expected < 1000 else f"{expected / 1000:.2f} km"
    assert shown in h.widget.toolbar.info.text()
    h.widget.toolbar.ruler.setChecked(False)
    h.wait_js("CCC.measure.active", lambda v: v is False)


def test_other_features_can_centre_a_case_a_cell_and_a_patrol(make_map, city):
    h = make_map(feed=False)
    grid = h.widget.model.grid
    code = grid.codes[50]
    h.selection.show_cell_on_map.emit(code)
    lon, lat = grid.centroids[50]
    centre = h.wait_js("(function () { var c = CCC.map.getCenter(); return [c.lng, c.lat]; })()",
                       lambda c: abs(c[0] - lon) < 0.0003 and abs(c[1] - lat) < 0.0003,
                       timeout=5000)
    assert centre and h.js("CCC.highlight.group.getLayers().length") == 1

    with h.db.session() as s:
        case = s.execute(select(Case.id, Case.lat, Case.lon).where(Case.lat.is_not(None))
                         .order_by(Case.id)).first()   # closed long ago: still found
    h.selection.show_case_on_map.emit(case.id)
    h.wait_js("(function () { var c = CCC.map.getCenter(); return [c.lng, c.lat]; })()",
              lambda c: abs(c[0] - case.lon) < 1e-4 and abs(c[1] - case.lat) < 1e-4,
              timeout=5000)

    officer = city.officers[2]
    h.selection.show_patrol_on_map.emit(officer.id)
    h.wait_js("CCC.popupId", lambda v: v == officer.id, timeout=5000)


def test_search_jumps_to_a_case_number_and_selects_it(make_map, qtbot):
    h = make_map(feed=False)
    with h.db.session() as s:
        case = s.execute(select(Case.id, Case.number, Case.lat, Case.lon)
                         .where(Case.lat.is_not(None)).order_by(Case.id.desc())).first()
    h.widget.toolbar.search.setText(case.number)
    with qtbot.waitSignal(h.selection.case_selected, timeout=5000) as picked:
        h.widget.toolbar.search.returnPressed.emit()
    assert picked.args == [case.id]
    h.wait_js("(function () { var c = CCC.map.getCenter(); return [c.lng, c.lat]; })()",
              lambda c: abs(c[0] - case.lon) < 1e-4 and abs(c[1] - case.lat) < 1e-4,
              timeout=5000)
    h.widget.toolbar.search.setText("没有这个人")
    h.widget.toolbar.search.returnPressed.emit()
    qtbot.waitUntil(lambda: "没有这个人" in h.widget.toolbar.info.text(), timeout=5000)


def test_hidden_layers_are_remembered_for_the_next_page(make_map, qtbot):
    h = make_map(feed=False)
    assert h.js("CCC.map.hasLayer(CCC.layers.trails)") is True
    h.js("void CCC.map.removeLayer(CCC.layers.trails)")   # what unticking the box does
    h.js("void CCC.map.addLayer(CCC.layers.heat)")
    qtbot.waitUntil(lambda: "heat" in SeatSettings.open().get("map/layers"), timeout=3000)
    shown = SeatSettings.open().get("map/layers").split(",")
    assert "trails" not in shown and "cells" in shown
    again = make_map(feed=False)
    assert again.js("CCC.map.hasLayer(CCC.layers.trails)") is False
    assert again.js("CCC.map.hasLayer(CCC.layers.heat)") is True
    assert again.js("CCC.layers.heat._latlngs.length") > 0


def test_the_remembered_view_opens_the_next_page_and_keeps_its_html(make_map, qtbot):
    h = make_map(feed=False)
    kept = sorted(h.widget.grid_cache.rglob("page-*.html"))
    assert len(kept) == 1
    centre = h.js("CCC.map.getCenter()")
    lat, lon = round(centre["lat"] + 0.002, 4), round(centre["lng"] - 0.003, 4)
    h.view_at(lat, lon, 17)   # what a pan and zoom do
    qtbot.waitUntil(lambda: SeatSettings.open().get("map/view").endswith(",17"), timeout=3000)
    again = make_map(feed=False)
    at = again.js("[CCC.map.getCenter().lat, CCC.map.getCenter().lng, CCC.map.getZoom()]")
    assert at[2] == 17
    assert abs(at[0] - lat) < 1e-5 and abs(at[1] - lon) < 1e-5
    # The view is the page's data, not its HTML: the page kept at the first start served.
    assert sorted(again.widget.grid_cache.rglob("page-*.html")) == kept


def test_the_heat_period_reloads_the_heat_map(make_map, qtbot):
    h = make_map(feed=False)
    with h.db.session() as s:
        since = now() - timedelta(days=90)
        cells = s.scalar(select(func.count(func.distinct(Case.cell_id))).where(
            Case.reported_at >= since))
    combo = h.widget.toolbar.heat
    combo.setCurrentIndex(combo.findData(90))
    assert h.wait_js("CCC.layers.heat._latlngs.length", lambda n: n == cells) == cells
    assert SeatSettings.open().get("map/heat_days") == 90


def test_a_patrol_that_left_early_is_drawn_in_its_colour(make_map, city):
    h = make_map(feed=False)
    officer = city.officers[0]
    info = h.js(f"CCC.inspect.patrol({officer.id})")
    h.view_at(info["lat"], info["lon"], 16)
    row = [officer.id, int(info["lat"] * 1e6 + 0.5), int(info["lon"] * 1e6 + 0.5),
           str(PatrolStatus.LEFT_EARLY), int(info["at"] / 1000), 50, 0]
    h.widget.bridge.send("delta", patrols=[row])
    assert h.wait_js(f"CCC.inspect.patrol({officer.id}).state") == "left_early"
    assert h.wait_js(f"CCC.inspect.patrolPixel({officer.id})",
                     lambda c: c == styles.PATROL_COLOURS["left_early"]) \
        == styles.PATROL_COLOURS["left_early"]
    assert h.js("CCC.texts.states.left_early")   # the hover and the popup name it


def test_hovering_a_patrol_names_it_and_a_missing_one_is_said_so(make_map, city, qtbot):
    h = make_map(feed=False)
    officer = city.officers[0]
    info = h.js(f"CCC.inspect.patrol({officer.id})")
    h.view_at(info["lat"], info["lon"], 16)
    x, y = h.point_of(info["lat"], info["lon"])
    h.click(x, y, "mousemove")
    tip = h.wait_js("CCC.tooltip._map ? CCC.tooltip.getContent() : ''",
                    lambda t: officer.name in (t or ""))
    assert officer.name in tip
    h.js(f"(CCC.store._remove({officer.id}), 1)")   # as if the phone had never reported
    h.selection.show_patrol_on_map.emit(officer.id)
    qtbot.waitUntil(lambda: officer.name in h.widget.toolbar.info.text(), timeout=3000)


def test_the_centres_base_map_reaches_a_seat_without_tiles_of_its_own(make_map, qtbot):
    from console.services import base_map
    from console.services.actor import actor_for
    h = make_map()
    assert h.widget.view.guard.allowed_hosts == set()
    loaded = []
    h.widget.page_loaded.connect(loaded.append)
    with h.db.transaction() as s:   # an administrator at another seat (services/base_map.py)
        base_map.save_centre_base_map(s, actor_for(s, "admin"), base_map.BaseMap(
            "http://c{s}.tiles.example/{z}/{x}/{y}.png", "12", "中心底图"), datetime.now())
    qtbot.waitUntil(lambda: bool(loaded) and h.widget.ready, timeout=30_000)
    assert h.widget.view.guard.allowed_hosts == {"c1.tiles.example:80", "c2.tiles.example:80"}
    assert "中心底图" in h.js("CCC.map.attributionControl._container.textContent")


def test_a_new_base_map_rebuilds_the_page_with_its_tiles(make_map, qtbot):
    h = make_map(feed=False)
    h.widget.edit_tiles()
    dialog = h.widget.tiles_dialog
    dialog.url.setText("https://tiles.example/{z}/{x}")       # no {y}: refused
    dialog.accept()
    assert dialog.isVisible() and "{y}" in dialog.error.text()
    dialog.url.setText("http://t{s}.tiles.example/{z}/{x}/{y}.png")
    dialog.subdomains.setText("01")
    dialog.attribution.setText("市测绘院")
    loaded = []
    h.widget.page_loaded.connect(loaded.append)
    dialog.accept()
    qtbot.waitUntil(lambda: bool(loaded) and h.widget.ready, timeout=30_000)
    assert h.widget.view.guard.allowed_hosts == {"t0.tiles.example:80", "t1.tiles.example:80"}
    assert h.js("Object.keys(CCC.map._layers).some(function (k) { "
                "return CCC.map._layers[k]._url === 'http://t{s}.tiles.example/{z}/{x}/{y}.png'; })")
    assert "市测绘院" in h.js("CCC.map.attributionControl._container.textContent")


def test_a_work_grid_import_at_another_seat_redraws_the_work_grids(make_map, qtbot, tmp_path):
    """The work grids are built into the page (its kept grid): an import elsewhere reaches this
    seat through the feed and the page is rebuilt with the new membership and colours."""
    from console.services.workgrid_import import apply_workgrid_import, plan_workgrid_import
    h = make_map()
    grid = h.widget.model.grid
    assert len(set(grid.work_grid.tolist()) - {-1}) > 1
    (x0, y0), (x1, y1) = grid.centroids.min(axis=0) - 0.01, grid.centroids.max(axis=0) + 0.01
    path = tmp_path / "one-grid.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": [{
        "type": "Feature", "properties": {"ZRWGBM": "ALL", "ZRWGMC": "全城"},
        "geometry": {"type": "Polygon", "coordinates": [[[x0, y0], [x1, y0], [x1, y1], [x0, y1],
                                                         [x0, y0]]]}}]}), encoding="utf-8")
    loaded: list[float] = []
    h.widget.page_loaded.connect(loaded.append)
    with h.db.transaction() as s:
        report = plan_workgrid_import(s, path)
        assert report.importable and not report.no_grid
        apply_workgrid_import(s, report, now())
    qtbot.waitUntil(lambda: bool(loaded) and h.widget.ready, timeout=LOAD_TIMEOUT_MS)
    grid = h.widget.model.grid
    [only] = set(grid.work_grid.tolist())
    assert grid.work_grids[only][0] == "ALL"
    combo = h.widget.toolbar.measure
    combo.setCurrentIndex(combo.findData("work_grid"))
    first, last = grid.codes[0], grid.codes[-1]
    h.wait_js("CCC.cells.measure", lambda m: m == "work_grid")
    assert h.js(f"CCC.inspect.cellColour('{first}')") == h.js(f"CCC.inspect.cellColour('{last}')")
