"""The page folium builds: local files only, the data it shows, the seat's choices."""
from __future__ import annotations

import json
import re
from datetime import datetime

import pytest

from console.map import loader, texts
from console.mappage import grid_binary, page
from console.mappage.page_data import DATA_FILE, GRID_FILE
from console.common.i18n import install_translators
from tests.map_city import build_map_city


@pytest.fixture(scope="module")
def city(tmp_path_factory):
    return build_map_city(tmp_path_factory.mktemp("map-city"))


@pytest.fixture
def cdb(city, tmp_path):
    database = city.open(tmp_path)
    yield database
    database.dispose()


def _options(**kw) -> page.PageOptions:
    return page.PageOptions(texts=texts.page_texts(), layer_names=texts.layer_names(), **kw)


def _build(cdb, folder, **kw):
    with cdb.session() as s:
        return loader.build(s, folder, _options(**kw), measure=kw.pop("measure", "open"),
                            heat_days=7, now=datetime.now())


def _js(text: str) -> str:
    """How folium writes a string into the page's script (non-ASCII as \\u escapes)."""
    return json.dumps(text)[1:-1]


def _script(path, name: str) -> dict:
    text = path.read_text(encoding="utf-8")
    assert text.startswith(f"window.{name} = ")
    return json.loads(text[len(f"window.{name} = "):].rstrip().rstrip(";"))


def _data(folder) -> dict:
    """data.js, and grid.bin's header as "grid" (the shapes are its sections)."""
    data = _script(folder / DATA_FILE, "CCC_DATA")
    data["grid"] = grid_binary.read((folder / GRID_FILE).read_bytes())[0]
    return data


def test_the_page_refers_only_to_files_in_its_folder(cdb, tmp_path, qapp):
    model = _build(cdb, tmp_path / "page")
    html = model.page.read_text(encoding="utf-8")
    refs = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert refs, "the page loads scripts and styles"
    for ref in refs:
        if ref.startswith("qrc:"):
            assert ref == "qrc:///qtwebchannel/qwebchannel.js"
            continue
        assert "://" not in ref and not ref.startswith("//"), ref
        assert (model.page.parent / ref).is_file(), f"missing {ref}"
    assert "cdn" not in html.lower() and "http://" not in html and "https://" not in html
    assert "preferCanvas" in html and '"preferCanvas": true' in html
    # Leaflet's own stylesheet refers to its images; they are there too.
    assert (model.page.parent / "lib/leaflet/images/layers.png").is_file()


def test_the_data_file_holds_every_cell_and_region(cdb, tmp_path, qapp):
    model = _build(cdb, tmp_path / "page")
    data = _data(tmp_path / "page")
    cells, binary = data["cells"], (tmp_path / "page" / GRID_FILE).read_bytes()
    assert grid_binary.cell_codes(binary) == model.grid.codes
    rings = grid_binary.cell_rings(binary)
    assert len(rings) == len(model.grid) == data["grid"]["n"]
    for i in range(len(rings)):
        assert rings[i] == pytest.approx(model.grid.rings[i][:-1], abs=1e-6)
    assert cells["measure"] == "open" and cells["legend"]["measure"] == "open"
    assert len(data["grid"]["boundaries"]["community"]["codes"]) == len(model.grid.communities)
    # The page holds the grid alone; the rest follows through the channel, once read.
    assert data["cases"] == [] and data["patrols"]["views"] == []
    sent = {m["op"]: m for m in map(json.loads, model.fill.messages)}
    assert {row[0] for row in sent["cases"]["rows"]} == model.case_ids
    assert len(sent["patrols"]["views"]) == len(model.watch.views()) > 0
    assert sent["measure"]["measure"] == "open" and sent["heat"]["points"] is not None
    assert data["config"]["fitOnStart"] is True


def test_layers_follow_the_seat_and_tiles_only_when_set(cdb, tmp_path, qapp):
    model = _build(cdb, tmp_path / "a", shown=frozenset({"cells", "patrols"}))
    html = model.page.read_text(encoding="utf-8")
    assert "tileLayer" not in html
    control = html[html.index("L.control.layers"):]
    assert _js(texts.layer_names()["heat"]) in html
    # Shown layers are added to the map; the others only to the control.
    added = set(re.findall(r"(\w+)\.addTo\(map_\w+\)", html))
    names = dict(re.findall(r'"([^"]+)" : (\w+),', html))
    assert names[_js(texts.layer_names()["cells"])] in added
    assert names[_js(texts.layer_names()["heat"])] not in added
    assert control
    url = "http://tiles.intranet.example/{z}/{x}/{y}.png"
    model = _build(cdb, tmp_path / "b", tile_url=url, tile_attribution="市测绘院")
    html = model.page.read_text(encoding="utf-8")
    assert url in html and _js("市测绘院") in html


def test_the_page_speaks_chinese(cdb, tmp_path, qapp):
    install_translators(qapp, "zh_CN")
    try:
        model = _build(cdb, tmp_path / "page", view=(30.27, 120.15, 15))
        html = model.page.read_text(encoding="utf-8")
        data = _data(tmp_path / "page")
    finally:
        install_translators(qapp, "en")
    assert _js("单元网格") in html and _js("监督员") in html
    assert data["config"]["texts"]["states"]["off_post"] == "脱岗"
    assert data["cells"]["legend"]["title"] == "网格着色：未结案件"
    assert data["config"]["fitOnStart"] is False
    # The view is the page's data (applied at start), never baked into the kept HTML.
    assert data["config"]["view"] == [30.27, 120.15, 15] and "[30.27," not in html


def test_tile_hosts_cover_every_subdomain():
    assert page.tile_hosts("") == set()
    assert page.tile_hosts("http://10.1.2.3:8080/tiles/{z}/{x}/{y}.png") == {"10.1.2.3:8080"}
    assert page.tile_hosts("https://Tiles.example/{z}/{x}/{y}.png") == {"tiles.example:443"}
    url = "http://t{s}.tianditu.gov.cn/vec_w/wmts?tk=KEY&TILEMATRIX={z}&TILEROW={y}&TILECOL={x}"
    assert page.tile_hosts(url, "012") == {"t0.tianditu.gov.cn:80", "t1.tianditu.gov.cn:80",
                                           "t2.tianditu.gov.cn:80"}


def test_only_xyz_templates_are_accepted_as_tile_addresses():
    from console.map.tiles_dialog import valid_tile_url
    assert valid_tile_url("") and valid_tile_url("https://a.example/{z}/{x}/{y}.png")
    assert not valid_tile_url("https://a.example/tiles.png")
    assert not valid_tile_url("ftp://a.example/{z}/{x}/{y}.png")


def test_a_view_remembered_outside_the_city_is_not_used(cdb, tmp_path, qapp):
    _build(cdb, tmp_path / "page", view=(39.9, 116.4, 15))   # Beijing, not this city
    assert _data(tmp_path / "page")["config"]["fitOnStart"] is True
