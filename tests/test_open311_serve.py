"""Open311 against a running `serve` (SQLite here, PostgreSQL in test_open311_postgres.py):
keys from the command line, every method in both formats over real HTTP on 127.0.0.1."""
from __future__ import annotations

import xml.etree.ElementTree as ET

import httpx
import pytest
from sqlalchemy import func, select

from console.cli import main
from console.store.models import Case
from tests.open311_app import PNG
from tests.service_city import CENTRE, GARBAGE, MANHOLE
from tests.test_ingest_serve import Serve, free_port


class ServeBoth(Serve):
    """serve with Open311 on a port of its own. uvicorn, given bound sockets, does not say
    "Uvicorn running"; its sockets listen before it starts, so startup done means ready."""

    def __init__(self, db_url: str) -> None:
        self.open311_port = free_port()
        super().__init__(db_url, "--port-open311", str(self.open311_port))

    def wait_for(self, text: str) -> str:
        return super().wait_for("Application startup complete" if text == "Uvicorn running"
                                else text)


def test_open311_keys_issue_list_revoke_reissue(db, city, capsys):
    url = str(db.engine.url.render_as_string(hide_password=False))
    assert main(["open311-keys", "issue", "wx-app", "--db", url]) == 0
    name, key = capsys.readouterr().out.split()
    assert name == "wx-app" and len(key) >= 40
    assert main(["open311-keys", "issue", "wx-app", "--db", url]) == 2
    assert main(["open311-keys", "list", "--db", url]) == 0
    listed = capsys.readouterr().out
    assert key[:6] in listed and "active" in listed and key not in listed
    assert main(["open311-keys", "revoke", "wx-app", "--db", url]) == 0
    assert main(["open311-keys", "revoke", "nobody", "--db", url]) == 2
    assert main(["open311-keys", "issue", "wx-app", "--db", url]) == 0
    assert capsys.readouterr().out.split()[1] != key


def _xml(response) -> ET.Element:
    assert response.headers["content-type"] == "text/xml; charset=utf-8"
    return ET.fromstring(response.content)


def test_every_method_in_both_formats_against_serve(db, city, capsys):
    url = db.engine.url.render_as_string(hide_password=False)
    assert main(["open311-keys", "issue", "city-app", "--db", url]) == 0
    key = capsys.readouterr().out.split()[1]
    serve = ServeBoth(url)
    port = serve.open311_port
    try:
        assert any("Open311 GeoReport v2" in line for line in serve.log)
        base = f"http://127.0.0.1:{port}/open311/v2"
        with httpx.Client(timeout=30) as http:
            assert http.get(f"{base}/discovery.json").json()["endpoints"][0]["url"] == base
            assert _xml(http.get(f"{base}/discovery.xml")).tag == "discovery"
            assert GARBAGE in {s["service_code"] for s in http.get(f"{base}/services.json").json()}
            assert _xml(http.get(f"{base}/services.xml")).find("service/service_name") is not None
            assert http.get(f"{base}/services/{MANHOLE}.json").json()["attributes"]
            assert _xml(http.get(f"{base}/services/{MANHOLE}.xml")).tag == "service_definition"
            point = {"lat": str(CENTRE[1]), "long": str(CENTRE[0])}
            made = []
            for fmt in ("json", "xml"):
                r = http.post(f"{base}/requests.{fmt}", data={
                    "api_key": key, "service_code": GARBAGE, "description": "垃圾", **point})
                assert r.status_code == 201, r.text
                made.append(r.json()[0] if fmt == "json" else
                            {e.tag: e.text for e in _xml(r).find("request")})
            r = http.post(f"{base}/requests.json", data={
                "api_key": key, "service_code": GARBAGE, **point},
                files=[("media", ("p.png", PNG, "image/png"))])
            assert r.status_code == 201, r.text
            made.append(r.json()[0])
            numbers = [m["service_request_id"] for m in made]
            assert [r["service_request_id"] for r in
                    http.get(f"{base}/requests.json").json()] == numbers[::-1]
            xml_ids = [e.text for e in _xml(http.get(
                f"{base}/requests.xml", params={"status": "open"})).iter("service_request_id")]
            assert xml_ids == numbers[::-1]
            for m in made:
                n, t = m["service_request_id"], m["token"]
                assert http.get(f"{base}/requests/{n}.json").json()[0]["status"] == "open"
                assert _xml(http.get(f"{base}/requests/{n}.xml")).findtext(
                    "request/service_request_id") == n
                assert http.get(f"{base}/tokens/{t}.json").json()[0]["service_request_id"] == n
                assert _xml(http.get(f"{base}/tokens/{t}.xml")).findtext("request/token") == t
            bad = http.post(f"{base}/requests.xml", data={"api_key": "wrong",
                                                          "service_code": GARBAGE, **point})
            assert bad.status_code == 403 and _xml(bad).findtext("error/code") == "403"
            # The OsmAnd port does not answer Open311, nor the other way round.
            assert http.get(f"{serve.url}/open311/v2/services.json").status_code != 200
            assert http.get(f"http://127.0.0.1:{port}/?id=x&lat=1&lon=1").status_code == 404
    finally:
        assert serve.stop() == 0
    with db.session() as s:
        assert s.scalar(select(func.count()).select_from(Case).where(
            Case.source == "public")) == 3


def test_an_open311_port_in_use_is_a_clear_refusal(db, city, capsys):
    url = db.engine.url.render_as_string(hide_password=False)
    port = free_port()
    assert main(["serve", "--db", url, "--host", "127.0.0.1", "--port-osmand", str(port),
                 "--port-open311", str(port)]) == 2
    assert "OsmAnd port" in capsys.readouterr().err
