"""Bad requests get a 4xx and write nothing; a full queue answers 503; one unknown device in a
batch costs only its own fixes."""
from __future__ import annotations

import json
from datetime import datetime, timedelta

import pytest
from sqlalchemy import select, update

from console.services.intake import IntakeFix, write_fixes
from console.store.models import Device, LatestPosition
from tests.ingest_app import intake, make_intake  # noqa: F401  (fixture)
from tests.service_city import counts

DEV = "patrol-0001"
OK = f"id={DEV}&lat=30.27&lon=120.15"
FAR_FUTURE = int((datetime.now() + timedelta(days=30)).timestamp())


@pytest.mark.parametrize("query", [
    "lat=30.27&lon=120.15",                       # no id
    "id=&lat=30.27&lon=120.15",                   # empty id
    f"id={'x' * 65}&lat=30.27&lon=120.15",        # longer than any device id
    f"id={DEV}",                                  # no position
    f"id={DEV}&lat=30.27",
    f"id={DEV}&lat=NaN&lon=120.15",
    f"id={DEV}&lat=30.27&lon=inf",
    f"id={DEV}&lat=91&lon=120.15",
    f"id={DEV}&lat=30.27&lon=-180.5",
    f"id={DEV}&lat=1e308&lon=1e309",
    f"id={DEV}&location=30.27",
    f"id={DEV}&location=30.27,120.15,9",
    f"{OK}&speed=1e12",
    f"{OK}&speed=fast",
    f"{OK}&bearing=361",
    f"{OK}&batt=101",
    f"{OK}&altitude=9e99",
    f"{OK}&hdop=-3",
    f"{OK}&timestamp=yesterday",
    f"{OK}&timestamp=99999999999999999999999",
    f"{OK}&timestamp={FAR_FUTURE}",
    f"{OK}&timestamp=1970-01-01T00:00:00Z",
    "id=patrol%000001&lat=30.27&lon=120.15",      # NUL in the id
    f"{OK}&note=a%00b",                           # NUL in an unknown parameter
    f"{OK}&note={'n' * 300}",                     # an unknown parameter too long
    OK + "".join(f"&p{i}=1" for i in range(40)),  # too many unknown parameters
], ids=lambda q: q[:40])
def test_bad_parameters_are_refused_and_write_nothing(intake, query):  # noqa: F811
    before = counts(intake.db)
    r = intake.client.get(f"/?{query}")
    assert 400 <= r.status_code < 500, r.text
    r = intake.client.post("/", content=query, headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert 400 <= r.status_code < 500, r.text
    assert intake.writer.depth == 0
    assert intake.rows() == [] and counts(intake.db) == before


def test_a_megabyte_is_refused_as_query_and_as_body(intake):  # noqa: F811
    big = "x" * 1_000_000
    # httpx will not build a URL over 64 KB; the real server gets a 1 MB one (test_ingest_serve).
    assert intake.client.get(f"/?{OK}&note={big[:60_000]}").status_code == 414
    assert intake.client.post("/", content=f"{OK}&note={big}",
                              headers={"Content-Type": "application/x-www-form-urlencoded"}
                              ).status_code == 413
    assert intake.client.post("/", content=json.dumps({"device_id": DEV, "pad": big}),
                              headers={"Content-Type": "application/json"}).status_code == 413
    assert intake.rows() == []


@pytest.mark.parametrize("body", [
    b"{not json",
    b"\xff\xfe",
    b"[]",
    b'{"device_id": "patrol-0001"}',
    b'{"device_id": 12, "location": {}}',
    b'{"device_id": "patrol-0001", "location": {"timestamp": "2026-03-09T10:00:00Z"}}',
    b'{"device_id": "patrol-0001", "location": {"timestamp": "2026-03-09T10:00:00Z", '
    b'"coords": {"latitude": NaN, "longitude": 120}}}',
    b'{"device_id": "patrol-0001", "location": {"timestamp": "2026-03-09T10:00:00Z", '
    b'"coords": {"latitude": "30", "longitude": 120}}}',
    b'{"device_id": "patrol-0001", "location": {"timestamp": "2026-03-09T10:00:00Z", '
    b'"coords": {"latitude": 30, "longitude": 120, "speed": 1e400}}}',
    b'{"device_id": "patrol\\u0000", "location": {}}',
    b"[" * 50_000,
])
def test_bad_json_is_refused_and_writes_nothing(intake, body):  # noqa: F811
    r = intake.client.post("/", content=body, headers={"Content-Type": "application/json"})
    assert 400 <= r.status_code < 500, r.text
    assert intake.rows() == []


def test_a_full_queue_answers_503_and_loses_nothing_accepted(db, city):
    small = make_intake(db, capacity=3)
    answers = [small.client.get(f"/?{OK}&timestamp={1773050400 + i}").status_code
               for i in range(5)]
    assert answers == [200, 200, 200, 503, 503]
    r = small.client.get(f"/?{OK}")
    assert r.status_code == 503 and r.headers["Retry-After"].isdigit()
    assert small.writer.depth == 3
    assert [row.at.timestamp() for row in small.rows()] == [1773050400, 1773050401, 1773050402]
    assert small.client.get(f"/?{OK}").status_code == 200     # room again once written


def test_a_device_disabled_after_its_answer_costs_only_its_own_fixes(intake):  # noqa: F811
    for i, dev in enumerate([DEV, "phone-2", DEV]):
        assert intake.client.get(f"/?id={dev}&lat=30.{i}&lon=120&timestamp={1773050400 + i}"
                                 ).status_code == 200
    with intake.db.transaction() as s:
        s.execute(update(Device).where(Device.unique_id == "phone-2").values(active=False))
    rows = intake.rows()
    assert [r.lat for r in rows] == [30.0, 30.2]
    [listed] = intake.directory.unknown()
    assert (listed.unique_id, listed.lat) == ("phone-2", 30.1)


def test_write_fixes_writes_the_known_and_reports_the_rest(db, city):
    at = datetime(2026, 3, 9, 10, 0)
    fixes = [IntakeFix(DEV, at, 30.1, 120.1), IntakeFix("ghost", at, 30.2, 120.2),
             IntakeFix("ghost", at + timedelta(seconds=5), 30.3, 120.3),
             IntakeFix(DEV, at + timedelta(seconds=5), 30.4, 120.4)]
    seq0 = counts(db)["feed_seq"]
    with db.transaction() as s:
        result = write_fixes(s, fixes)
    assert result.written == 2 and result.ticket.seq == seq0 + 1
    assert list(result.refused) == ["ghost"] and result.refused["ghost"].lat == 30.3
    with db.session() as s:
        latest = s.scalars(select(LatestPosition)).one()
    assert (latest.lat, latest.seq) == (30.4, seq0 + 1)
    assert counts(db)["positions"] == 2
