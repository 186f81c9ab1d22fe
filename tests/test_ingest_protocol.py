"""Every OsmAnd variant Traccar Client and compatible trackers send, down to the stored row."""
from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from console.ingest.osmand import KNOT_MPS
from tests.ingest_app import intake  # noqa: F401  (fixture)

DEV = "patrol-0001"
# 2026-03-09 10:00:00 local time, in each form a phone may send it
AT = datetime(2026, 3, 9, 10, 0, 0)
EPOCH = int(AT.timestamp())
ISO_UTC = AT.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.123Z")


@pytest.mark.parametrize("stamp", [
    str(EPOCH),                                   # Unix seconds
    str(EPOCH * 1000 + 862),                      # milliseconds
    ISO_UTC,                                      # ISO 8601 with Z and fraction
    AT.astimezone().isoformat(),                  # ISO 8601 with an offset
    AT.strftime("%Y-%m-%d %H:%M:%S"),             # yyyy-MM-dd HH:mm:ss, server local time
], ids=["seconds", "millis", "iso-z", "iso-offset", "local-space"])
def test_get_with_each_timestamp_form(intake, stamp):  # noqa: F811
    r = intake.client.get("/", params={"id": DEV, "lat": "30.2705", "lon": "120.1502",
                                       "timestamp": stamp})
    assert (r.status_code, r.text) == (200, "")
    [row] = intake.rows()
    assert (row.at, row.lat, row.lon) == (AT, 30.2705, 120.1502)


def test_get_with_every_known_field(intake):  # noqa: F811
    r = intake.client.get(
        f"/?id={DEV}&lat=30.27&lon=120.15&timestamp={EPOCH}&speed=10&bearing=271.5"
        "&altitude=12.5&accuracy=8&hdop=0.9&batt=87&charge=true&valid=1&ignition=true&rpm=933")
    assert r.status_code == 200
    [row] = intake.rows()
    assert row.speed == pytest.approx(10 * KNOT_MPS)       # knots in, m/s stored
    assert (row.heading, row.altitude, row.accuracy, row.battery) == (271.5, 12.5, 8.0, 87.0)


def test_deviceid_heading_and_location(intake):  # noqa: F811
    r = intake.client.get(f"/?deviceid={DEV}&location=30.28,120.16&heading=90&timestamp={EPOCH}")
    assert r.status_code == 200
    [row] = intake.rows()
    assert (row.lat, row.lon, row.heading) == (30.28, 120.16, 90.0)


def test_form_post_and_query_post(intake):  # noqa: F811
    r = intake.client.post("/", data={"id": DEV, "lat": "30.1", "lon": "120.1",
                                      "timestamp": str(EPOCH)})
    assert r.status_code == 200
    # Older Traccar Client versions POST with the parameters in the URL and no body.
    r = intake.client.post(f"/?id=phone-2&lat=30.2&lon=120.2&timestamp={EPOCH + 5}")
    assert r.status_code == 200
    rows = intake.rows()
    assert [(r.lat, r.at) for r in rows] == [(30.1, AT), (30.2, datetime.fromtimestamp(EPOCH + 5))]
    assert rows[0].device_id != rows[1].device_id


def traccar_client_json(device: str, **coords) -> dict:
    """The body Traccar Client 9 sends (its location template), as in Traccar's own test."""
    return {"location": {
        "timestamp": ISO_UTC,
        "coords": {"latitude": 30.2705, "longitude": 120.1502, "accuracy": 5, "speed": 1.5,
                   "heading": -1, "altitude": 5} | coords,
        "is_moving": True, "odometer": 1200, "event": "motionchange",
        "battery": {"level": 0.79, "is_charging": False}, "activity": {"type": "walking"},
        "extras": {"shift": "day"},
        "_": f"&id={device}&lat=30.2705&lon=120.1502&timestamp={ISO_UTC}&"},
        "device_id": device}


def test_json_post_of_traccar_client(intake):  # noqa: F811
    r = intake.client.post("/", content=json.dumps(traccar_client_json(DEV)),
                           headers={"Content-Type": "application/json; charset=utf-8"})
    assert (r.status_code, r.text) == (200, "")
    [row] = intake.rows()
    assert (row.at, row.lat, row.lon) == (AT, 30.2705, 120.1502)
    assert row.speed == 1.5                  # the JSON body already speaks m/s
    assert row.heading is None               # -1: not known
    assert (row.accuracy, row.altitude, row.battery) == (5.0, 5.0, 79.0)


def test_unknown_parameters_are_kept_with_the_fix(intake):  # noqa: F811
    intake.client.get(f"/?id={DEV}&lat=30&lon=120&timestamp={EPOCH}&rpm=933&door=open&hdop=1.5")
    [fix] = list(intake.writer._queue)
    assert fix.extras == {"rpm": 933.0, "door": "open", "hdop": 1.5}


def test_unknown_device_is_refused_as_traccar_does_and_listed(intake):  # noqa: F811
    r = intake.client.get(f"/?id=stranger&lat=30.3&lon=120.3&timestamp={EPOCH}")
    assert r.status_code == 400
    r = intake.client.post("/", json=traccar_client_json("stranger-json"))
    assert r.status_code == 404              # Traccar's answer to an unknown JSON device
    assert intake.rows() == []
    listed = intake.client.get("/admin/unknown-devices").json()
    assert [(u["unique_id"], u["lat"], u["count"]) for u in listed] == [
        ("stranger-json", 30.2705, 1), ("stranger", 30.3, 1)]


def test_healthz_reports_database_queue_and_last_write(intake):  # noqa: F811
    body = intake.client.get("/healthz").json()
    assert body["database"] == "reachable"
    assert (body["queue_depth"], body["last_write_age_s"]) == (0, None)
    intake.client.get(f"/?id={DEV}&lat=30&lon=120")
    assert intake.client.get("/healthz").json()["queue_depth"] == 1
    intake.rows()
    body = intake.client.get("/healthz").json()
    assert body["queue_depth"] == 0 and 0 <= body["last_write_age_s"] < 60


@pytest.mark.parametrize("query", [
    "", "&", "=", "a", "a=", "=b", "a=b=c", "a&&b", "a=%", "a=%2", "a=%zz", "a=%C3%A9", "a=%C3",
    "a+b=c+d", "%3D=%26", "id=x&lat=1&lon=2", "id=%E5%B7%A1&x=%00", "a=1&a=2", "k=%2B+%20"])
def test_split_query_gives_the_pairs_parse_qsl_gives(query):
    from urllib.parse import parse_qsl

    from console.ingest.osmand import split_query
    assert split_query(query) == parse_qsl(query, keep_blank_values=True)


def test_percent_encoded_get_is_read_as_the_phone_meant(intake):  # noqa: F811
    r = intake.client.get(f"/?id={DEV}&lat=%2B30.27&lon=120.15&timestamp={EPOCH}&note=a+b%21")
    assert r.status_code == 200
    [row] = intake.rows()
    assert (row.lat, row.attributes["note"]) == (30.27, "a b!")
    assert intake.client.get(f"/?id={DEV}&lat=30&lon=120&x=%00").status_code == 400
