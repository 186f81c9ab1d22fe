"""The map's 夜查 and 门前三包 parts in the real page: the heat map's night toggle shows the
night reports only, and the layer of units offending again appears as the offences are
recorded at any seat (through the feed)."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from console.domain.night_window import NIGHT
from console.services import cases, frontage
from console.services.actor import actor_for
from console.store.models import Case, Cell
from tests.map_city import CATEGORY, dispatcher, now
from tests.test_map_widget import city, make_map  # noqa: F401 — shared fixtures


def test_the_night_toggle_shows_the_night_reports_only(make_map, qtbot):
    h = make_map(feed=False)
    h.widget.toolbar.set_choices("open", 90)
    h.widget.settings.set("map/heat_days", 90)
    with h.db.session() as s:
        since = now() - timedelta(days=90)
        rows = s.execute(select(Case.cell_id, Case.reported_at).where(
            Case.reported_at >= since)).all()
    every = {cell for cell, _ in rows}
    night = {cell for cell, at in rows if NIGHT.holds(at)}    # the demo has no windowed category
    assert night and len(night) < len(every)
    h.widget.toolbar.heat_night.setChecked(True)
    assert h.wait_js("CCC.layers.heat._latlngs.length", lambda n: n == len(night)) == len(night)
    h.widget.toolbar.heat_night.setChecked(False)
    assert h.wait_js("CCC.layers.heat._latlngs.length", lambda n: n == len(every)) == len(every)


def test_units_offending_again_appear_on_the_map(make_map, city):
    h = make_map()
    assert h.js("CCC.layers.frontage.getLayers().length") == 0
    with h.db.transaction() as s:
        cell = s.scalar(select(Cell).where(Cell.code == city.cell_codes[10]))
        lon, lat = cell.centroid_lon, cell.centroid_lat
        unit = frontage.save_unit(s, actor_for(s, "leader1"), frontage.UnitValues(
            "F001", "老王面馆", "shop", "", "", None, {"type": "LineString", "coordinates": [
                [lon - 0.0003, lat], [lon + 0.0003, lat]]}), now())
    for i in range(3):
        with h.db.transaction() as s:
            desk = dispatcher(s)
            change = cases.report(s, desk, category_code=CATEGORY, source="patrol", lon=lon,
                                  lat=lat, description="店外经营")
            frontage.confirm_responsible(s, desk, change.case_id, change.version, unit, now())
    assert h.wait_js("CCC.layers.frontage.getLayers().length", lambda n: n == 1,
                     timeout=5000) == 1
    assert h.js("CCC.layers.frontage.getLayers()[0].getTooltip().getContent()") == \
        "F001 老王面馆 · 3"


def test_a_stretch_drawn_with_the_ruler_comes_to_the_units_page(make_map, qtbot):
    from console.ui.frontage_dialog import FrontageDialog
    h = make_map(feed=False)
    with h.db.session() as s:
        leader = actor_for(s, "leader1")
    dialog = FrontageDialog(h.widget.tasks, leader)
    qtbot.addWidget(dialog)
    dialog.show()
    h.selection.line_drawn.connect(dialog.take_line)
    lon, lat = h.widget.model.grid.centroids[0]
    h.view_at(lat, lon, 17)
    h.widget.toolbar.ruler.setChecked(True)
    h.wait_js("CCC.measure.active")
    latlngs = []
    for x, y in [(300, 300), (500, 300), (500, 420)]:
        h.click(x, y)
        latlngs.append(h.js(f"(function () {{ var l = CCC.map.containerPointToLatLng([{x}, {y}]); "
                            f"return [l.lng, l.lat]; }})()"))
    with qtbot.waitSignal(h.selection.line_drawn, timeout=5000) as drawn:
        h.js("void CCC.measure.finish()")       # as a double-click or Esc ends it
    assert drawn.args[0] == [[float(a), float(b)] for a, b in latlngs]
    text = dialog.stretch.toPlainText()
    assert text == "; ".join(f"{a:.7f} {b:.7f}" for a, b in latlngs)
    assert not h.widget.toolbar.ruler.isChecked()
