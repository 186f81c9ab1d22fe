"""The map's periodic refresh sends only what changed, case tones move with the clock in the
page, and a page's grid part is reused exactly while the grid is unchanged."""
from __future__ import annotations

import json
from datetime import datetime

import pytest
from sqlalchemy import select, update

from console.map import loader, texts
from console.mappage import grid_cache, page
from console.mappage.page_data import GRID_FILE
from console.services import cases, map_data, map_grid
from console.store.models import Cell
from tests.map_city import CATEGORY, dispatcher
from tests.test_map_widget import city, make_map  # noqa: F401 — fixtures shared with the widget tests


def _messages(h) -> list[dict]:
    sent: list[dict] = []
    h.widget.bridge.toJs.connect(lambda text: sent.append(json.loads(text)))
    return sent


def _refresh(h) -> list[dict]:
    steps: list[dict] = []
    h.widget.live.refreshed.connect(steps.append)
    h.widget.live.refresh_cases()
    h.qtbot.waitUntil(lambda: {"cases", "measure"} <= {s["step"] for s in steps}, timeout=10_000)
    return steps


def test_the_periodic_refresh_sends_nothing_when_nothing_changed(make_map):  # noqa: F811
    h = make_map(feed=False)
    sent = _messages(h)
    steps = _refresh(h)
    assert [m for m in sent if m["op"] in ("delta", "measure")] == []
    assert all(s.get("sent", 0) == 0 for s in steps)


def test_the_periodic_refresh_sends_what_the_feed_missed_and_only_that(make_map, city):  # noqa: F811
    h = make_map(feed=False)   # no feed: the map hears of the new case only by the re-read
    code = city.cell_codes[12]
    before = h.js(f"CCC.inspect.cellValue('{code}')")
    with h.db.transaction() as s:
        change = cases.report(s, dispatcher(s), category_code=CATEGORY, source="hotline",
                              cell_code=code, description="井盖缺失")
    sent = _messages(h)
    _refresh(h)
    deltas = [m for m in sent if m["op"] == "delta"]
    rows = [r for m in deltas for r in m.get("cases", {}).get("upsert", [])]
    assert [r[0] for r in rows] == [change.case_id]
    cells = [c for m in deltas if "cells" in m for c in m["cells"]["val"]]
    assert cells == [before + 1]
    h.wait_js("CCC.inspect.caseIds()", lambda ids: change.case_id in ids, timeout=3000)
    assert h.js(f"CCC.inspect.cellValue('{code}')") == before + 1
    # And a second refresh has nothing left to say.
    sent.clear()
    _refresh(h)
    assert [m for m in sent if m["op"] == "delta"] == []


def test_a_running_case_turns_near_then_overdue_in_the_page_without_a_message(make_map):  # noqa: F811
    h = make_map(feed=False)
    h.js("""(function () {
        var now = Date.now();
        CCC.receive({op: "delta", cases: {upsert: [[999001, 30.27, 120.15, "running", 0, "N1",
            "井盖", "dispatched", now + 1500, now + 600]]}});
        return 1; })()""")
    assert h.js("CCC.inspect.caseTone(999001)") == "running"
    assert h.wait_js("(CCC.cases.retone(Date.now()), CCC.inspect.caseTone(999001))",
                     lambda t: t != "running", timeout=5000) == "near"
    assert h.wait_js("(CCC.cases.retone(Date.now()), CCC.inspect.caseTone(999001))",
                     lambda t: t == "overdue", timeout=5000) == "overdue"


def test_the_near_time_agrees_with_the_tone(city, tmp_path):  # noqa: F811
    db = city.open(tmp_path)
    try:
        now = datetime.now()
        with db.session() as s:
            markers, _ = map_data.case_markers(s, now)
        timed = [m for m in markers if m.tone in ("running", "near", "overdue") and m.deadline]
        assert timed
        for m in timed:
            expected = ("overdue" if m.deadline < now else
                        "near" if m.near_at is not None and now >= m.near_at else "running")
            assert m.tone == expected, m
        assert any(m.near_at is not None for m in timed)
    finally:
        db.dispose()


def _build(db, folder, cache, *, verify=False):
    options = page.PageOptions(texts=texts.page_texts(), layer_names=texts.layer_names())
    with db.session() as s:
        model = loader.build_page(s, folder, options, measure="open", now=datetime.now(),
                                  cache=cache, verify=verify)
        loader.apply_fill(model, loader.fill(s, model, heat_days=7,
                                             trail_minutes=options.trail_minutes,
                                             now=datetime.now()))
        return model


def _changed(db, model) -> bool:
    with db.session() as s:
        return loader.grid_changed(s, model)


def test_the_grid_part_is_reused_while_the_grid_is_unchanged(city, tmp_path, qapp, monkeypatch):  # noqa: F811
    db = city.open(tmp_path)
    cache = tmp_path / "cache"
    try:
        first = _build(db, tmp_path / "a", cache)
        script = (tmp_path / "a" / GRID_FILE).read_bytes()
        calls: list = []
        real = map_grid.load_grid
        monkeypatch.setattr(map_grid, "load_grid", lambda s: calls.append(1) or real(s))
        second = _build(db, tmp_path / "b", cache)
        assert calls == [], "an unchanged grid is not read again"
        assert (tmp_path / "b" / GRID_FILE).read_bytes() == script
        assert second.grid.codes == first.grid.codes
        assert second.grid.index_of == first.grid.index_of
        assert second.grid.cell_at(*first.grid.centroids[5]) == 5
        assert second.grid_colours == first.grid_colours
        assert not second.grid_source.verified, "taken by the grid version alone"
        assert not _changed(db, second)
        # A moved cell by a writer that forgot the version: the kept page is still shown by
        # version, but the check after it finds the change, and a verified build redraws it.
        with db.transaction() as s:
            cell = s.scalars(select(Cell).order_by(Cell.id)).first()
            ring = [[lon + 0.0005, lat] for lon, lat in cell.ring]
            s.execute(update(Cell).where(Cell.id == cell.id).values(
                ring=ring, min_lon=cell.min_lon + 0.0005, max_lon=cell.max_lon + 0.0005))
        stale = _build(db, tmp_path / "s", cache)
        assert calls == [] and _changed(db, stale)
        third = _build(db, tmp_path / "c", cache, verify=True)
        assert calls == [1] and third.grid_source.verified and not _changed(db, third)
        assert (tmp_path / "c" / GRID_FILE).read_bytes() != script
        assert third.grid.rings[0][0][0] == pytest.approx(ring[0][0])
        # From now on the version leads to the new grid.
        fourth = _build(db, tmp_path / "d", cache)
        assert calls == [1] and (tmp_path / "d" / GRID_FILE).read_bytes() != script
        # A writer that bumps the version: the next page is built anew at once.
        with db.transaction() as s:
            map_grid.bump_grid_version(s)
        fifth = _build(db, tmp_path / "e", cache)
        assert calls == [1, 1] and fifth.grid_source.verified
        assert fourth.grid_source.fingerprint != fifth.grid_source.fingerprint
        # A writer's version bump alone is a change too.
        with db.transaction() as s:
            before = map_grid.grid_fingerprint(s)
            map_grid.bump_grid_version(s)
            s.flush()
            assert map_grid.grid_fingerprint(s) != before
    finally:
        db.dispose()


def test_a_page_from_the_cache_makes_no_cell_shapes_until_a_lookup_needs_them(city, tmp_path,  # noqa: F811
                                                                             qapp):
    db = city.open(tmp_path)
    cache = tmp_path / "cache"
    try:
        first = _build(db, tmp_path / "a", cache)
        options = page.PageOptions(texts=texts.page_texts(), layer_names=texts.layer_names())
        with db.session() as s:
            second = loader.build_page(s, tmp_path / "b", options, measure="open",
                                       now=datetime.now(), cache=cache)
        grid = second.grid
        assert grid.shapes is None, "the grid's page needs no polygons"
        assert grid.bbox == pytest.approx(first.grid.bbox)
        assert grid.cell_size_m == pytest.approx(first.grid.cell_size_m, rel=0.05)
        assert grid.cell_at(*first.grid.centroids[9]) == 9
        made = sum(shape is not None for shape in grid.index._shapes)
        assert grid.shapes is None and 1 <= made <= 9, "only the candidates' polygons are made"
    finally:
        db.dispose()


def test_the_page_html_is_reused_for_the_same_choices_and_grid(city, tmp_path, qapp,  # noqa: F811
                                                                monkeypatch):
    from console.mappage import folium_page
    db = city.open(tmp_path)
    cache = tmp_path / "cache"
    calls: list = []
    real = folium_page.build_map
    monkeypatch.setattr(folium_page, "build_map", lambda *a: calls.append(1) or real(*a))

    def build(folder, **kw):
        options = page.PageOptions(texts=texts.page_texts(), layer_names=texts.layer_names(), **kw)
        with db.session() as s:
            return loader.build_page(s, folder, options, measure="open", now=datetime.now(),
                                     cache=cache)
    try:
        first = build(tmp_path / "a")
        second = build(tmp_path / "b")
        assert calls == [1], "the same choices on the same grid: folium is not asked again"
        assert second.page.read_text(encoding="utf-8") == first.page.read_text(encoding="utf-8")
        url = "http://tiles.intranet.example/{z}/{x}/{y}.png"
        third = build(tmp_path / "c", tile_url=url)
        assert calls == [1, 1] and url in third.page.read_text(encoding="utf-8")
    finally:
        db.dispose()


def test_a_half_written_cache_folder_is_not_used(city, tmp_path, qapp):  # noqa: F811
    db = city.open(tmp_path)
    cache = tmp_path / "cache"
    try:
        _build(db, tmp_path / "a", cache)
        with db.session() as s:
            fingerprint = map_grid.grid_fingerprint(s)
        folder = next(cache.glob("grid-*"))
        (folder / grid_cache.GRID_SCRIPT).unlink()
        assert grid_cache.load(cache, fingerprint) is None
        model = _build(db, tmp_path / "b", cache)   # rebuilt, not broken
        assert (tmp_path / "b" / GRID_FILE).is_file() and len(model.grid) > 0
    finally:
        db.dispose()


def test_a_grid_changed_without_a_new_version_is_redrawn_once_checked(make_map):  # noqa: F811
    first = make_map(feed=False)
    assert first.widget.model.grid_source.verified   # the first page: nothing kept yet
    db = first.db
    with db.transaction() as s:   # a writer that forgets bump_grid_version
        cell = s.scalars(select(Cell).order_by(Cell.id)).first()
        ring = [[lon + 0.0005, lat] for lon, lat in cell.ring]
        s.execute(update(Cell).where(Cell.id == cell.id).values(
            ring=ring, min_lon=cell.min_lon + 0.0005, max_lon=cell.max_lon + 0.0005))
    second = make_map(feed=False)
    widget = second.widget
    # Shown at once from the kept page by its version, then checked, rebuilt and redrawn.
    second.qtbot.waitUntil(lambda: widget.ready and widget.model.grid_source.verified,
                           timeout=30_000)
    assert widget.model.grid.rings[0][0][0] == pytest.approx(ring[0][0])
    lng = second.js("CCC.cells.latLngsOf(0)[0].lng")
    assert lng == pytest.approx(ring[0][0], abs=1e-6)
