"""底图: the centre's base map set by an administrator — checked, audited, told through the feed —
drawn by every seat that names no tiles of its own; its page and the wizard's step."""
from __future__ import annotations

from types import SimpleNamespace

import pytest
from sqlalchemy import select

from console.common.i18n import install_translators
from console.domain.changes import ChangeKind
from console.domain.errors import DomainError
from console.live.tasks import TaskRunner
from console.services import base_map
from console.services.actor import actor_for
from console.services.base_map import BaseMap
from console.store import feed
from console.store.models import AuditRecord
from console.ui.base_map_dialog import BaseMapDialog
from tests.pg_server import fresh_database, needs_pg
from tests.service_city import MON

TILES = "http://t{s}.tiles.example/{z}/{x}/{y}.png"


def _save(db, wanted: BaseMap, username="admin"):
    with db.transaction() as s:
        return base_map.save_centre_base_map(s, actor_for(s, username), wanted, MON)


def test_saved_once_drawn_by_every_seat_without_tiles_of_its_own(db, tmp_path):
    from console.store.database import open_database
    other = open_database(f"sqlite:///{tmp_path / 'test.db'}")
    try:
        with other.session() as s:
            start = feed.current_seq(s)
            assert base_map.tiles_for_seat(s, BaseMap()) == BaseMap()
        assert _save(db, BaseMap(TILES, "01", "市测绘院")) == list(base_map.KEYS)
        assert _save(db, BaseMap(TILES, "01", "市测绘院")) == []
        with other.session() as s:
            rows = feed.changes_since(s, start).rows
            drawn = base_map.tiles_for_seat(s, BaseMap())
            own = base_map.tiles_for_seat(s, BaseMap("https://own.example/{z}/{x}/{y}.png"))
            audits = s.scalars(select(AuditRecord.data).where(AuditRecord.entity == "settings"))
            keys = [a["key"] for a in audits]
        assert drawn == BaseMap(TILES, "01", "市测绘院")
        assert own.url.startswith("https://own.example")
        assert [(r.entity, r.payload["key"]) for r in rows] == [
            (ChangeKind.SETTINGS, k) for k in base_map.KEYS]
        assert keys == list(base_map.KEYS)
    finally:
        other.dispose()


@pytest.mark.parametrize("url", ["ftp://x.example/{z}/{x}/{y}.png", "https://x.example/tiles.png",
                                 "http://x.example/{z}/{x}/{y}\x00.png", "h" * 3000])
def test_a_bad_address_is_refused_by_name_and_nothing_is_stored(db, url):
    with pytest.raises(DomainError) as caught:
        _save(db, BaseMap(url))
    assert caught.value.code in {"bad_tile_url", "text_bad_character", "text_too_long"}
    with db.session() as s:
        assert base_map.centre_base_map(s) == BaseMap()


def test_only_an_administrator_sets_it(db, city):
    with db.transaction() as s, pytest.raises(DomainError) as caught:
        base_map.save_centre_base_map(s, city.leader, BaseMap(TILES), MON)
    assert caught.value.code == "role_not_allowed"


@needs_pg
def test_the_base_map_on_postgresql():
    from console.store.database import open_database
    with fresh_database("console_base_map") as url:
        pg = open_database(url)
        try:
            _save(pg, BaseMap(TILES))
            with pg.session() as s:
                assert base_map.tiles_for_seat(s, BaseMap()).url == TILES
            with pytest.raises(DomainError):
                _save(pg, BaseMap("nope"))
        finally:
            pg.dispose()


# --- the page --------------------------------------------------------------------------------

@pytest.fixture
def lang(qapp, request):
    install_translators(qapp, getattr(request, "param", "zh_CN"))
    yield
    install_translators(qapp, "en")


@pytest.fixture
def dialog(db, qtbot, lang):
    with db.session() as s:
        admin = actor_for(s, "admin")
    tasks = TaskRunner(db)
    d = BaseMapDialog(tasks, admin)
    qtbot.addWidget(d)
    with qtbot.waitSignal(d.loaded, timeout=10_000):
        d.show()
    yield d
    assert tasks.wait(5000)


def test_the_page_saves_and_a_refusal_keeps_the_typing(db, dialog, qtbot):
    dialog.url.setText("https://tiles.example/{z}/{x}")           # no {y}
    dialog.url.setModified(True)
    with qtbot.waitSignal(dialog.refused, timeout=10_000) as refused:
        dialog.save_button.click()
    assert "占位符" in refused.args[0] and "瓦片地址" in refused.args[0]
    assert dialog.url.text() == "https://tiles.example/{z}/{x}" and dialog.save_button.isEnabled()
    dialog.url.setText(TILES)
    dialog.attribution.setText("市测绘院")
    with qtbot.waitSignal(dialog.saved, timeout=10_000) as saved:
        dialog.save_button.click()
    assert saved.args[0] == ["map_tile_url", "map_tile_attribution"]
    with db.session() as s:
        assert base_map.centre_base_map(s).attribution == "市测绘院"


def test_a_change_elsewhere_shows_unless_typed_over(db, dialog, qtbot):
    dialog.attribution.setText("正在输入")
    dialog.attribution.setModified(True)
    _save(db, BaseMap(TILES, "abc", "别处"))
    batch = SimpleNamespace(rows=[SimpleNamespace(entity=ChangeKind.SETTINGS,
                                                  payload={"key": "map_tile_url"})])
    with qtbot.waitSignal(dialog.loaded, timeout=10_000):
        dialog.on_feed(batch)
    assert dialog.url.text() == TILES and dialog.attribution.text() == "正在输入"


@pytest.mark.parametrize("lang", ["zh_CN", "en"], indirect=True)
def test_screenshots(dialog, request, tmp_path):
    dialog.resize(1366, 320)
    assert dialog.grab().width() == 1366
    shot = tmp_path / f"basemap-{request.node.callspec.params['lang']}.png"
    assert dialog.grab().save(str(shot)) and shot.stat().st_size > 0
