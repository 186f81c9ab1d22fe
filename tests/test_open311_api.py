"""Open311 GeoReport v2: every method in both formats, reports as cases, errors in the spec's form."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from console.services import cases
from console.services.queues import QueueFilter, QueueQuery, queue_page
from console.store.models import Case
from tests.open311_app import BASE, JPEG, PNG, o311, xml_error, xml_items  # noqa: F401
from tests.service_city import CENTRE, GARBAGE, MANHOLE, counts

POINT = {"lat": str(CENTRE[1] + 0.0005), "long": str(CENTRE[0] + 0.0005)}


def post(o311, fmt="json", **fields):
    data = {"api_key": o311.key, "service_code": GARBAGE, **POINT, **fields}
    data = {k: v for k, v in data.items() if v is not None}
    return o311.client.post(f"{BASE}/requests.{fmt}", data=data)


def test_discovery_lists_the_endpoint_in_both_formats(o311):
    j = o311.client.get(f"{BASE}/discovery.json").json()
    assert j["endpoints"][0]["specification"] == "http://wiki.open311.org/GeoReport_v2"
    assert j["endpoints"][0]["url"].endswith("/open311/v2")
    assert j["endpoints"][0]["formats"] == ["text/xml", "application/json"]
    x = o311.client.get(f"{BASE}/discovery.xml")
    assert "<format>text/xml</format>" in x.text


def test_services_are_the_categories_with_chinese_names(o311):
    services = o311.client.get(f"{BASE}/services.json").json()
    by_code = {s["service_code"]: s for s in services}
    assert by_code[GARBAGE]["service_name"] == "暴露垃圾"
    assert by_code[GARBAGE]["group"].startswith("事件")
    assert by_code[GARBAGE]["metadata"] is False
    assert by_code[MANHOLE]["group"].startswith("部件") and by_code[MANHOLE]["metadata"] is True
    assert {s["type"] for s in services} == {"realtime"}
    xml = xml_items(o311.client.get(f"{BASE}/services.xml"), "service")
    assert {s["service_code"] for s in xml} == set(by_code)
    assert next(s for s in xml if s["service_code"] == MANHOLE)["metadata"] == "true"


def test_a_component_service_defines_its_attributes(o311):
    d = o311.client.get(f"{BASE}/services/{MANHOLE}.json").json()
    assert d["service_code"] == MANHOLE
    damage = next(a for a in d["attributes"] if a["code"] == "damage")
    assert damage["datatype"] == "singlevaluelist"
    assert {"key": "missing", "name": "丢失"} in damage["values"]
    x = o311.client.get(f"{BASE}/services/{MANHOLE}.xml")
    assert "<value><key>missing</key><name>丢失</name></value>" in x.text
    assert o311.client.get(f"{BASE}/services/{GARBAGE}.json").json()["attributes"] == []
    r = o311.client.get(f"{BASE}/services/99999.xml")
    assert r.status_code == 404 and xml_error(r)[0] == 404


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_a_post_is_a_numbered_public_case_in_the_intake_queue(o311, fmt):
    r = post(o311, fmt, description="路边一堆垃圾", first_name="三", last_name="张",
             phone="13800000000", email="zs@example.cn", media_url="https://img.example.cn/1.jpg")
    assert r.status_code == 201, r.text
    item = r.json()[0] if fmt == "json" else xml_items(r)[0]
    number, token = item["service_request_id"], item["token"]
    assert number in item["service_notice"]
    with o311.db.session() as s:
        case = s.scalars(select(Case).where(Case.number == number)).one()
        assert (case.source, case.status, case.external_id) == ("public", "reported", token)
        assert case.reporter_name == "张三" and case.reporter_phone == "13800000000"
        assert case.description.startswith("路边一堆垃圾") and "zs@example.cn" in case.description
        assert case.photos == ["https://img.example.cn/1.jpg"]
        assert case.events[0].actor_name == "open311:city-app"
        # 待受理 with source `public`, as the desk's queue shows it.
        page = queue_page(s, QueueQuery("reported", QueueFilter(source="public")))
        assert [row.number for row in page.rows] == [number]
    got = o311.client.get(f"{BASE}/requests/{number}.{fmt}")
    one = got.json()[0] if fmt == "json" else xml_items(got)[0]
    assert one["status"] == "open" and one["status_notes"] == "已收到，待受理"
    assert one["service_code"] == GARBAGE and one["media_url"] == "https://img.example.cn/1.jpg"
    tok = o311.client.get(f"{BASE}/tokens/{token}.{fmt}")
    pair = tok.json()[0] if fmt == "json" else xml_items(tok)[0]
    assert pair == {"service_request_id": number, "token": token}


def test_the_second_report_nearby_gets_the_duplicate_hint(o311):
    first = post(o311).json()[0]["service_request_id"]
    second = post(o311).json()[0]
    assert first in second["service_notice"] and "可能为同一问题" in second["service_notice"]


def test_address_id_is_a_cell_code_and_attributes_reach_the_case(o311, city):
    r = post(o311, service_code=MANHOLE, lat=None, long=None, address_id=city.cell_codes[0],
             **{"attribute[component_id]": "JG-0042", "attribute[damage]": "missing"})
    assert r.status_code == 201, r.text
    with o311.db.session() as s:
        case = s.scalars(select(Case).where(
            Case.number == r.json()[0]["service_request_id"])).one()
        assert case.cell_id == city.cell_ids[0]
        assert "【部件编号】JG-0042" in case.description and "【部件状况】丢失" in case.description


def test_workflow_states_map_to_open_and_closed(o311, city):
    number = post(o311).json()[0]["service_request_id"]
    with o311.db.transaction() as s:
        case = s.scalars(select(Case).where(Case.number == number)).one()
        c = cases.register(s, city.dispatcher, case.id, case.version)
        c = cases.dispatch(s, city.dispatcher, case.id, c.version)
    view = o311.client.get(f"{BASE}/requests/{number}.json").json()[0]
    assert view["status"] == "open" and view["agency_responsible"] == "环卫处"
    assert view["expected_datetime"] is not None and "+" in view["expected_datetime"]
    with o311.db.transaction() as s:
        cases.cancel(s, city.leader, case.id, c.version, reason="重复上报")
    view = o311.client.get(f"{BASE}/requests/{number}.json").json()[0]
    assert view["status"] == "closed" and view["status_notes"] == "已作废：重复上报"
    assert view["expected_datetime"] is None
    closed = o311.client.get(f"{BASE}/requests.json", params={"status": "closed"}).json()
    opened = o311.client.get(f"{BASE}/requests.json", params={"status": "open"}).json()
    assert [r["service_request_id"] for r in closed] == [number] and opened == []


def test_get_requests_filters_and_the_ninety_day_window(o311, city):
    old = post(o311).json()[0]["service_request_id"]
    with o311.db.transaction() as s:
        case = s.scalars(select(Case).where(Case.number == old)).one()
        case.reported_at -= timedelta(days=100)
    new = post(o311, service_code=MANHOLE).json()[0]["service_request_id"]
    listed = [r["service_request_id"] for r in
              o311.client.get(f"{BASE}/requests.json").json()]
    assert listed == [new]              # the default window is the last 90 days
    assert [r["service_request_id"] for r in o311.client.get(
        f"{BASE}/requests.json", params={"service_code": GARBAGE}).json()] == []
    by_ids = o311.client.get(f"{BASE}/requests.xml",
                             params={"service_request_id": f"{old},{new}", "status": "closed"})
    # Ids given: every other parameter is ignored, as the spec says; newest first.
    assert [r["service_request_id"] for r in xml_items(by_ids)] == [new, old]
    r = o311.client.get(f"{BASE}/requests.json", params={
        "start_date": "2026-01-01T00:00:00+08:00", "end_date": "2026-06-01T00:00:00+08:00"})
    assert r.status_code == 400 and "90 days" in r.json()[0]["description"]


def test_cases_not_from_the_public_are_not_listed(o311, city):
    with o311.db.transaction() as s:
        cases.report(s, city.dispatcher, category_code=GARBAGE, source="hotline",
                     lon=CENTRE[0], lat=CENTRE[1], reporter_phone="13900000000")
    assert o311.client.get(f"{BASE}/requests.json").json() == []


def test_photos_are_stored_under_their_hash_with_the_case(o311):
    files = [("media", ("a.txt", PNG, "text/plain")), ("media", ("b.jpg", JPEG, "image/jpeg")),
             ("media", ("c.png", PNG, "image/png"))]
    data = {"api_key": o311.key, "service_code": GARBAGE, **POINT}
    r = o311.client.post(f"{BASE}/requests.json", data=data, files=files)
    assert r.status_code == 201, r.text
    with o311.db.session() as s:
        case = s.scalars(select(Case).where(
            Case.number == r.json()[0]["service_request_id"])).one()
    assert len(case.photos) == 3 and case.photos[0] == case.photos[2]
    assert case.photos[0].startswith("photos/") and case.photos[0].endswith(".png")
    assert (o311.data_dir / case.photos[1]).read_bytes() == JPEG
    assert len(list((o311.data_dir / "photos").iterdir())) == 2


@pytest.mark.parametrize("fmt", ["json", "xml"])
@pytest.mark.parametrize("change, status, words", [
    ({"api_key": None}, 403, "api_key"),
    ({"api_key": "made-up"}, 403, "api_key"),
    ({"service_code": None}, 400, "service_code"),
    ({"service_code": "99999"}, 404, "service_code"),
    ({"lat": None, "long": None}, 400, "location"),
    ({"lat": "nan"}, 400, "lat"),
    ({"long": "1e999"}, 400, "long"),
    ({"lat": "0", "long": "0"}, 400, "location_outside_city"),
    ({"address_id": "x", "lat": None, "long": None}, 400, "unknown_cell"),
    ({"phone": "12"}, 400, "bad_phone"),
    ({"email": "not-an-address"}, 400, "email"),
    ({"description": "x" * 2001}, 400, "text_too_long"),
    ({"description": "bell\x07"}, 400, "control characters"),
    ({"media_url": "javascript:alert(1)"}, 400, "media_url"),
    ({"attribute[nope]": "1"}, 400, "attribute[nope]"),
])
def test_bad_posts_are_refused_in_the_error_form_and_write_nothing(o311, fmt, change, status,
                                                                  words):
    before = counts(o311.db)
    r = post(o311, fmt, **change)
    assert r.status_code == status, r.text
    code, description = (r.json()[0]["code"], r.json()[0]["description"]) if fmt == "json" \
        else xml_error(r)
    assert code == status and words in description
    assert counts(o311.db) == before


def test_bad_photos_and_big_bodies_are_refused_and_write_nothing(o311):
    before = counts(o311.db)
    data = {"api_key": o311.key, "service_code": GARBAGE, **POINT}
    url = f"{BASE}/requests.json"
    not_image = o311.client.post(url, data=data, files=[("media", ("x.jpg", b"GIF8" + b"0" * 9,
                                                                    "image/jpeg"))])
    assert not_image.status_code == 400 and "not a JPEG" in not_image.json()[0]["description"]
    too_many = o311.client.post(url, data=data, files=[("media", ("p.png", PNG, "image/png"))] * 5)
    assert too_many.status_code == 400
    huge = o311.client.post(url, data=data, files=[
        ("media", ("p.png", PNG + b"\x00" * (10 * 1024 * 1024), "image/png"))])
    assert huge.status_code == 400 and "10 MB" in huge.json()[0]["description"]
    form = o311.client.post(url, content=b"description=" + b"x" * 70_000,
                            headers={"content-type": "application/x-www-form-urlencoded"})
    assert form.status_code == 413
    wrong = o311.client.post(url, content=b'{"api_key": 1}',
                             headers={"content-type": "application/json"})
    assert wrong.status_code == 415
    not_utf8 = o311.client.post(url, content=b"description=%ff%fe",
                                headers={"content-type": "application/x-www-form-urlencoded"})
    assert not_utf8.status_code == 400
    assert counts(o311.db) == before
    assert not (o311.data_dir / "photos").exists()


def test_a_revoked_key_is_refused(o311):
    from console.services.open311_keys import revoke_key
    with o311.db.transaction() as s:
        revoke_key(s, "city-app")
    assert post(o311).status_code == 403


def test_unknown_resources_and_formats_answer_in_the_error_form(o311):
    for path, status in (("/services.html", 404), ("/nothing.json", 404),
                         ("/requests/12345.json", 404), ("/tokens/abc.xml", 404),
                         ("/requests/123", 404)):
        r = o311.client.get(BASE + path)
        assert r.status_code == status, path
        if path.endswith(".json"):
            assert r.json()[0]["code"] == status
        else:
            assert xml_error(r)[0] == status
    r = o311.client.request("DELETE", f"{BASE}/requests.json")
    assert r.status_code == 405 and r.json()[0]["code"] == 405


@pytest.mark.parametrize("params", [
    {"end_date": "0001-01-01T00:00:00"},
    {"start_date": "9999-12-31T00:00:00"},
    {"start_date": "0001-01-01T00:00:00+14:00"},
    {"end_date": "9999-12-31T23:59:59-12:00"},
    {"start_date": "0001-01-01T00:00:00", "end_date": "0001-01-02T00:00:00"},
])
@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_dates_at_the_edges_of_the_calendar_are_refused_in_the_spec_form(o311, params, fmt):
    r = o311.client.get(f"{BASE}/requests.{fmt}", params=params)
    assert r.status_code == 400, r.text
    name = next(iter(params))
    description = r.json()[0]["description"] if fmt == "json" else xml_error(r)[1]
    assert name in description and "1900" in description
