"""The officers' phone API (/field/api/): sessions, reports, tasks, answers, refusals."""
from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

import anyio
import piexif
import pytest
from sqlalchemy import event, func, select, update
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session
from starlette.applications import Starlette

from console.domain.roles import Role
from console.ingest import open311_media as media
from console.ingest.field_app import Limits, field_mount
from console.ingest.field_exif import photo_facts
from console.services import cases, field_figures, field_sessions
from console.services.users import HASHER
from console.store.models import (
    AuditRecord,
    Case,
    CaseEvent,
    Cell,
    Community,
    Device,
    FieldReceipt,
    FieldSession,
    Setting,
    Street,
    User,
)
from tests.ingest_app import Client
from tests.service_city import CENTRE, GARBAGE, STEP, do, report

API = "/field/api"
PASSWORD = "巡查-2026-secret"
# SOI, a JFIF APP0, start of scan, "image data", EOI: enough for the EXIF reader to walk.
JPEG = (b"\xff\xd8" + b"\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"
        + b"\xff\xda\x00\x08" + b"\x01" * 2006 + b"\xff\xd9")
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
INSIDE = {"lat": str(CENTRE[1] + STEP / 3), "lon": str(CENTRE[0] + STEP / 3)}


@dataclass
class Field:
    client: Client
    db: object
    data_dir: Path
    city: object

    def sign_in(self, username: str = "patrol", password: str = PASSWORD,
                device: str = "华为 Mate 60") -> str:
        r = self.client.post(f"{API}/session", json={"username": username,
                                                     "password": password, "device": device})
        assert r.status_code == 201, r.text
        return r.json()["token"]

    def report(self, token: str, *, key: str | None = None, photos=(JPEG,), **fields):
        data = {"category_code": GARBAGE, "description": "路边暴露垃圾", **INSIDE} | fields
        files = [("photo", (f"p{i}.jpg", p, "image/jpeg")) for i, p in enumerate(photos)]
        return self.client.post(f"{API}/reports", data=data, files=files or None,
                                headers=auth(token, key or uuid.uuid4().hex))


def auth(token: str, key: str | None = None) -> dict[str, str]:
    headers = {"Authorization": f"Bearer {token}"}
    if key is not None:
        headers["Idempotency-Key"] = key
    return headers


def roomy() -> Limits:
    return Limits(sign_in=(1e6, 1e6), session=(1e6, 1e6))


def give_password(db, username: str = "patrol") -> None:
    with db.transaction() as s:
        s.execute(update(User).where(User.username == username)
                  .values(password_hash=HASHER.hash(PASSWORD)))


def make_field(db, city, data_dir: Path, limits: Limits | None = None) -> Field:
    give_password(db)
    give_password(db, "dispatcher")
    app = Starlette(routes=[field_mount(db, data_dir=data_dir, limits=limits or roomy())])
    return Field(Client(app), db, data_dir, city)


@pytest.fixture
def field(db, city, tmp_path) -> Field:
    return make_field(db, city, tmp_path / "data")


def patrol_cases(db) -> list[Case]:
    with db.session() as s:
        return list(s.scalars(select(Case).where(Case.source == "patrol").order_by(Case.id)))


# --- sessions ----------------------------------------------------------------------------------

def test_sign_in_gives_a_hashed_session_and_sign_out_ends_it(field):
    token = field.sign_in()
    with field.db.session() as s:
        row = s.scalars(select(FieldSession)).one()
        assert row.token_hash == field_sessions.token_hash(token) != token
        assert row.device == "华为 Mate 60" and row.revoked_at is None
        assert row.expires_at - row.issued_at == timedelta(hours=field_sessions.SESSION_HOURS)
        audit = s.scalars(select(AuditRecord).where(AuditRecord.actor_name == "patrol·张")).all()
        assert [a.data["field"] for a in audit] == ["sign_in"]
        assert audit[0].data["device"] == "华为 Mate 60"
    assert field.client.get(f"{API}/shift", headers=auth(token)).status_code == 200
    assert field.client.request("DELETE", f"{API}/session", headers=auth(token)).status_code == 204
    r = field.client.get(f"{API}/shift", headers=auth(token))
    assert r.status_code == 401 and r.json()["error"] == "revoked"


@pytest.mark.parametrize("body, status, code", [
    ({"username": "patrol", "password": "wrong"}, 401, "sign_in_failed"),
    ({"username": "nobody", "password": PASSWORD}, 401, "sign_in_failed"),
    ({"username": "dispatcher", "password": PASSWORD}, 403, "not_patrol"),
    ({"username": 5, "password": []}, 400, "bad_request"),
    ({"username": "patrol", "password": PASSWORD, "device": "x" * 500}, 400, "bad_device"),
])
def test_sign_in_refusals(field, body, status, code):
    r = field.client.post(f"{API}/session", json=body)
    assert (r.status_code, r.json()["error"]) == (status, code)
    with field.db.session() as s:
        assert s.scalar(select(func.count()).select_from(FieldSession)) == 0


def test_failed_sign_ins_are_counted_and_lock_the_account(field):
    for _ in range(5):
        field.client.post(f"{API}/session", json={"username": "patrol", "password": "x"})
    r = field.client.post(f"{API}/session", json={"username": "patrol", "password": PASSWORD})
    assert r.status_code == 403 and r.json()["error"] == "account_locked"


def test_a_password_with_a_lone_surrogate_is_a_failed_sign_in(field):
    body = b'{"username": "patrol", "password": "\\ud800"}'
    for _ in range(4):
        r = field.client.post(f"{API}/session", content=body,
                              headers={"content-type": "application/json"})
        assert (r.status_code, r.json()["error"]) == (401, "sign_in_failed"), r.text
    with field.db.session() as s:
        assert s.scalar(select(User.failed_attempts).where(User.username == "patrol")) == 4


def test_garbage_bodies_and_tokens_are_refused_without_a_fault(field):
    c = field.client
    for body in (b"", b"{", b"[1]", b"\xff\xfe", b'{"a":' * 5000, b"x" * 20000):
        r = c.post(f"{API}/session", content=body, headers={"content-type": "application/json"})
        assert 400 <= r.status_code < 500, (body[:10], r.status_code)
    for token in ("", "x", "é" * 300, "\x00"):
        r = c.get(f"{API}/categories", headers={"Authorization": f"Bearer {token}"}
                  if token.isascii() else {})
        assert r.status_code == 401
    assert c.get(f"{API}/categories").status_code == 401
    assert c.get(f"{API}/photos/../../etc/passwd").status_code == 404


def test_expired_revoked_and_deactivated_sessions_are_refused(field):
    token, other = field.sign_in(), field.sign_in(device="备用机")
    with field.db.transaction() as s:
        s.execute(update(FieldSession).where(FieldSession.device == "备用机")
                  .values(expires_at=datetime.now() - timedelta(seconds=1)))
    assert field.client.get(f"{API}/tasks", headers=auth(other)).json()["error"] == "expired"
    with field.db.transaction() as s:
        assert field_sessions.revoke(s, username="patrol", at=datetime.now()) == 2
        assert field_sessions.list_sessions(s) == []
    assert field.client.get(f"{API}/tasks", headers=auth(token)).json()["error"] == "revoked"
    token = field.sign_in()
    with field.db.transaction() as s:
        s.execute(update(User).where(User.username == "patrol").values(active=False))
    assert field.client.get(f"{API}/tasks", headers=auth(token)).status_code == 401


def test_a_dispatcher_revokes_nothing_a_leader_revokes(field):
    field.sign_in()
    from console.domain.errors import DomainError
    with field.db.transaction() as s, pytest.raises(DomainError):
        field_sessions.revoke(s, username="patrol", actor=field.city.dispatcher,
                              at=datetime.now())
    with field.db.transaction() as s:
        (row,) = field_sessions.list_sessions(s)
        assert field_sessions.revoke(s, session_id=row.id, actor=field.city.leader,
                                     at=datetime.now()) == 1


# --- reports -----------------------------------------------------------------------------------

def test_categories_and_where(field):
    token = field.sign_in()
    rows = field.client.get(f"{API}/categories", headers=auth(token)).json()
    garbage = next(r for r in rows if r["code"] == GARBAGE)
    assert garbage["kind"] == "事件" and garbage["major"] and garbage["name"] == "暴露垃圾"
    inside = field.client.get(f"{API}/where", params=INSIDE, headers=auth(token)).json()
    assert inside["inside"] is True and inside["cell_code"] == field.city.cell_codes[3]
    with field.db.session() as s:
        community, street = s.execute(
            select(Community.name, Street.name).join(Street, Street.id == Community.street_id)
            .join(Cell, Cell.community_id == Community.id)
            .where(Cell.code == inside["cell_code"])).one()
    assert (inside["community"], inside["street"]) == (community, street) and community
    # The cell's outline for the page's small map, as GeoJSON.
    assert inside["cell"]["type"] == "Polygon" and len(inside["cell"]["coordinates"][0]) >= 4
    outside = field.client.get(f"{API}/where", params={"lat": "1", "lon": "1"},
                               headers=auth(token)).json()
    assert outside["inside"] is False
    assert field.client.get(f"{API}/where", params={"lat": "nan", "lon": "x"},
                            headers=auth(token)).status_code == 400


def test_a_report_lands_in_the_intake_queue_as_the_officer(field):
    token = field.sign_in()
    r = field.report(token, photos=(JPEG, PNG), address="曙光路12号")
    assert r.status_code == 201, r.text
    body = r.json()
    assert body["replayed"] is False and body["cell_code"] == field.city.cell_codes[3]
    (case,) = patrol_cases(field.db)
    assert (case.number, case.status, case.source) == (body["case_number"], "reported", "patrol")
    assert case.reporter_patrol_id == field.city.officer_id
    assert case.reporter_name == "patrol·张" and case.address == "曙光路12号"
    assert len(case.photos) == 2
    for name in case.photos:
        assert (field.data_dir / name).is_file()
    with field.db.session() as s:
        (event,) = s.scalars(select(CaseEvent).where(CaseEvent.case_id == case.id)).all()
        assert event.actor_id == field.city.patrol.user_id and event.action == "report"
        (audit,) = s.scalars(select(AuditRecord).where(AuditRecord.entity == "case")).all()
        assert audit.data["device"] == "华为 Mate 60" and audit.actor_role == Role.PATROL
    # The stored photo comes back to a signed-in officer, to nobody else.
    url = f"{API}/{case.photos[0].replace('photos/', 'photos/')}"
    assert field.client.get(url, headers=auth(token)).content in (JPEG, PNG)
    assert field.client.get(url).status_code == 401


def test_the_same_idempotency_key_never_makes_a_second_case(field):
    token = field.sign_in()
    first = field.report(token, key="k" * 32, made_at="2020-01-01T08:00:00")
    again = field.report(token, key="k" * 32, made_at="2020-01-01T08:00:00")
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json()["case_number"] == first.json()["case_number"]
    assert again.json()["replayed"] is True
    assert len(patrol_cases(field.db)) == 1
    # Another officer's key is theirs: the same text is no clash (keys are per officer).
    assert field.report(token, key="j" * 32).status_code == 201


@pytest.mark.parametrize("change", [
    {"description": "另一处垃圾"}, {"category_code": "nope"}, {"address": "曙光路14号"},
    {"lat": str(CENTRE[1] + STEP / 4)}, {"made_at": "2020-01-01T09:00:00"},
    {"photos": (PNG,)}, {"photos": (JPEG, PNG)}, {"photos": ()},
])
def test_a_reused_key_with_another_content_is_refused_not_replayed(field, change):
    token = field.sign_in()
    assert field.report(token, key="r" * 32, made_at="2020-01-01T08:00:00").status_code == 201
    r = field.report(token, key="r" * 32, **({"made_at": "2020-01-01T08:00:00"} | change))
    assert r.status_code == 409 and r.json()["error"] == "idempotency_key_reused", r.text
    assert "幂等键" in r.json()["message"]
    assert len(patrol_cases(field.db)) == 1


def test_a_report_key_reused_for_an_answer_is_refused(field):
    change = checking_case(field)
    token = field.sign_in()
    assert field.report(token, key="x" * 32).status_code == 201
    data = {"kind": "check", "case_number": change.number, "result": "handled"}
    r = field.client.post(f"{API}/tasks/answer", data=data, headers=auth(token, "x" * 32))
    assert r.status_code == 409 and r.json()["error"] == "idempotency_key_reused"
    # And the other way round: an answer's key is no report's.
    assert field.client.post(f"{API}/tasks/answer", data=data,
                             headers=auth(token, "y" * 32)).status_code == 201
    r = field.report(token, key="y" * 32)
    assert r.status_code == 409 and r.json()["error"] == "idempotency_key_reused"
    assert len(patrol_cases(field.db)) == 1


def test_a_receipt_kept_before_digests_is_replayed_whatever_the_content(field):
    token = field.sign_in()
    first = field.report(token, key="o" * 32)
    with field.db.transaction() as s:       # as a row from before migration 0019
        s.execute(update(FieldReceipt).values(digest=None))
    again = field.report(token, key="o" * 32, description="重试")
    assert again.status_code == 200 and again.json()["replayed"] is True
    assert again.json()["case_number"] == first.json()["case_number"]


@pytest.mark.parametrize("change, status, code", [
    ({"key": "short"}, 400, "bad_key"),
    ({"photos": (b"GIF not really",)}, 400, "bad_photo"),
    ({"photos": (JPEG,) * 7}, 400, "bad_request"),
    ({"lat": "91"}, 400, "bad_lat"),
    ({"lon": "abc"}, 400, "bad_lon"),
    ({"lat": "1", "lon": "1"}, 400, "location_outside_city"),
    ({"category_code": "nope"}, 400, "unknown_category"),
    ({"description": "长" * 2001}, 400, "text_too_long"),
    ({"description": "a\x00b"}, 400, "text_bad_character"),
    ({"address": "x" * 9000}, 400, "bad_request"),
])
def test_bad_reports_are_refused_and_write_nothing(field, change, status, code):
    token = field.sign_in()
    change = dict(change)
    key = change.pop("key", None)
    r = field.report(token, key=key, **change)
    assert (r.status_code, r.json()["error"]) == (status, code), r.text
    assert patrol_cases(field.db) == []
    assert not (field.data_dir / "photos").exists()


def test_oversized_and_non_multipart_uploads_are_refused(field):
    token = field.sign_in()
    big = b"\xff\xd8\xff" + b"\x00" * (10 * 2**20)
    assert field.report(token, photos=(big,)).status_code == 400
    r = field.client.post(f"{API}/reports", json={"category_code": GARBAGE},
                          headers=auth(token, uuid.uuid4().hex))
    assert r.status_code == 415
    r = field.client.post(f"{API}/reports", content=b"x",
                          headers=auth(token, uuid.uuid4().hex) | {
                              "content-type": "multipart/form-data; boundary=b",
                              "content-length": str(10**9)})
    assert r.status_code == 413
    assert field.client.post(f"{API}/reports", headers=auth(token)).status_code == 400
    assert patrol_cases(field.db) == []


def test_requests_per_session_are_rate_limited(db, city, tmp_path):
    field = make_field(db, city, tmp_path / "data",
                       Limits(sign_in=(1e6, 1e6), session=(0.001, 3)))
    token = field.sign_in()
    codes = [field.client.get(f"{API}/tasks", headers=auth(token)).status_code for _ in range(5)]
    assert codes[:3] == [200] * 3 and codes[3:] == [429, 429]


def test_sign_ins_per_address_are_rate_limited(db, city, tmp_path):
    field = make_field(db, city, tmp_path / "data", Limits(sign_in=(0.001, 2)))
    codes = [field.client.post(f"{API}/session", json={"username": "x", "password": "y"})
             .status_code for _ in range(3)]
    assert codes == [401, 401, 429]


class Body:
    """An upload's body as ASGI messages, counting what the app asked for; `gate` holds the
    last chunk back until it is set (an upload still arriving)."""

    def __init__(self, chunks: int, gate: anyio.Event | None = None) -> None:
        self.left, self.read, self.gate = chunks, 0, gate

    async def receive(self) -> dict:
        if self.left == 1 and self.gate is not None:
            await self.gate.wait()
        chunk = b"x" * 65536
        if self.read == 0:      # a photo part that is not an image: refused once it is all in
            chunk = (b'--b\r\nContent-Disposition: form-data; name="photo"; filename="a.jpg"'
                     b"\r\nContent-Type: image/jpeg\r\n\r\n") + chunk
        self.read += 1
        self.left -= 1
        if not self.left:
            chunk += b"\r\n--b--\r\n"
        return {"type": "http.request", "body": chunk, "more_body": self.left > 0}


async def post_raw(app, path: str, headers: dict[str, str], body: Body) -> tuple[int, dict]:
    """POST straight to the ASGI app: (status, headers)."""
    sent: dict = {}

    async def send(message: dict) -> None:
        if message["type"] == "http.response.start":
            sent["status"] = message["status"]
            sent["headers"] = {k.decode(): v.decode() for k, v in message["headers"]}
    raw = [(k.lower().encode(), v.encode()) for k, v in headers.items()]
    raw.append((b"content-type", b"multipart/form-data; boundary=b"))
    scope = {"type": "http", "method": "POST", "path": path, "raw_path": path.encode(),
             "root_path": "", "query_string": b"", "headers": raw, "scheme": "http",
             "server": ("127.0.0.1", 80), "client": ("127.0.0.1", 5000), "http_version": "1.1"}
    await app(scope, body.receive, send)
    return sent["status"], sent["headers"]


@pytest.mark.parametrize("path", [f"{API}/reports", f"{API}/tasks/answer"])
def test_an_upload_without_a_session_is_refused_before_its_body_is_read(field, path):
    token = field.sign_in()
    app = field.client.app

    async def run():
        bodies = [Body(150) for _ in range(8)]      # 8 × 10 MB nobody may send
        results = []
        async with anyio.create_task_group() as tg:
            for i, body in enumerate(bodies):
                async def one(body=body, i=i):
                    results.append(await post_raw(app, path, auth(f"forged{i}", "k" * 20), body))
                tg.start_soon(one)
        return bodies, results
    bodies, results = anyio.run(run)
    assert [status for status, _ in results] == [401] * 8
    assert [b.read for b in bodies] == [0] * 8
    # A signed-in officer's upload is read as usual (the garbage is refused as a bad form).
    body = Body(2)
    status, _ = anyio.run(post_raw, app, path, auth(token, "k" * 20), body)
    assert body.read == 2 and 400 <= status < 500


def test_an_upload_over_the_sessions_rate_is_refused_before_its_body_is_read(db, city,
                                                                           tmp_path):
    field = make_field(db, city, tmp_path / "data",
                       Limits(sign_in=(1e6, 1e6), session=(0.001, 2)))
    token = field.sign_in()
    assert field.client.get(f"{API}/tasks", headers=auth(token)).status_code == 200
    body = Body(2)
    status, _ = anyio.run(post_raw, field.client.app, f"{API}/reports", auth(token, "k" * 20),
                          body)
    assert body.read == 2 and status == 400         # the second request: taken, then bad
    body = Body(2)
    status, headers = anyio.run(post_raw, field.client.app, f"{API}/reports",
                                auth(token, "k" * 20), body)
    assert (status, body.read) == (429, 0) and "retry-after" in headers


def test_uploads_beyond_the_cap_wait_outside(db, city, tmp_path):
    field = make_field(db, city, tmp_path / "data",
                       Limits(sign_in=(1e6, 1e6), session=(1e6, 1e6), uploads=1))
    token = field.sign_in()
    app = field.client.app

    async def run():
        gate = anyio.Event()
        slow, late = Body(3, gate), Body(2)
        out = {}
        async with anyio.create_task_group() as tg:
            async def first():
                out["slow"] = await post_raw(app, f"{API}/reports", auth(token, "a" * 20), slow)
            tg.start_soon(first)
            while slow.read < 2:            # the first upload is arriving: its slot is taken
                await anyio.sleep(0)
            out["late"] = await post_raw(app, f"{API}/reports", auth(token, "b" * 20), late)
            gate.set()
        return out, late
    out, late = anyio.run(run)
    status, headers = out["late"]
    assert (status, late.read) == (503, 0) and headers["retry-after"] == "5"
    assert 400 <= out["slow"][0] < 500
    # The slot is given back: the next upload is read.
    body = Body(2)
    status, _ = anyio.run(post_raw, app, f"{API}/reports", auth(token, "c" * 20), body)
    assert body.read == 2 and status == 400


@pytest.mark.parametrize("made_at", ["0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-14:00",
                                     "yesterday"])
def test_an_unusable_phone_time_is_the_time_of_receipt(field, made_at):
    token = field.sign_in()
    before = datetime.now().replace(microsecond=0)
    r = field.report(token, made_at=made_at)
    assert r.status_code == 201, r.text
    with field.db.session() as s:
        (audit,) = s.scalars(select(AuditRecord).where(AuditRecord.entity == "case")).all()
    assert before <= datetime.fromisoformat(audit.data["made_at"]) <= datetime.now()


def test_shift_counts_the_officers_reports_today(field):
    token = field.sign_in()
    field.report(token)
    field.report(token)
    body = field.client.get(f"{API}/shift", headers=auth(token)).json()
    assert body["reports_today"] == 2 and len(body["recent"]) == 2
    assert body["officer_code"] == "P0001" and body["on_duty"] is False
    # The page reports positions under the device registered to the officer.
    assert body["position_device"] == "patrol-0001"
    with field.db.transaction() as s:
        s.execute(update(Device).values(active=False))
    assert field.client.get(f"{API}/shift", headers=auth(token)).json()[
        "position_device"] is None


# --- EXIF --------------------------------------------------------------------------------------

def exif_jpeg(taken: datetime, lat: float, lon: float) -> bytes:
    def dms(x):
        x = abs(x)
        d, m = int(x), int((x % 1) * 60)
        return ((d, 1), (m, 1), (round(((x * 60) % 1) * 60 * 1000), 1000))
    exif = piexif.dump({"Exif": {piexif.ExifIFD.DateTimeOriginal:
                                 taken.strftime("%Y:%m:%d %H:%M:%S").encode()},
                        "GPS": {piexif.GPSIFD.GPSLatitudeRef: b"N",
                                piexif.GPSIFD.GPSLatitude: dms(lat),
                                piexif.GPSIFD.GPSLongitudeRef: b"E",
                                piexif.GPSIFD.GPSLongitude: dms(lon)}})
    return b"\xff\xd8\xff\xe1" + (len(exif) + 2).to_bytes(2, "big") + exif + JPEG[2:]


def test_an_old_photo_from_elsewhere_is_flagged_to_the_receiver(field):
    token = field.sign_in()
    now = datetime.now()
    here = exif_jpeg(now - timedelta(minutes=5), float(INSIDE["lat"]), float(INSIDE["lon"]))
    old = exif_jpeg(now - timedelta(days=9), 30.40, 120.15)
    facts = photo_facts("photos/x.jpg", here, "jpg")
    assert facts.taken_at is not None and abs(facts.lat - float(INSIDE["lat"])) < 1e-5
    assert field.report(token, photos=(here,)).json()["flags"] == []
    body = field.report(token, photos=(here, old)).json()
    assert len(body["flags"]) == 2
    assert "照片2" in body["flags"][0] and "9 天" in body["flags"][0]
    assert "公里" in body["flags"][1]
    case = patrol_cases(field.db)[-1]
    assert "【照片核验】" in case.description and "9 天" in case.description


# --- tasks: 核查 ---------------------------------------------------------------------------------

def checking_case(field) -> Case:
    city, db = field.city, field.db
    change = report(db, city.dispatcher, at=datetime.now() - timedelta(hours=1))
    change = do(db, cases.register, city.dispatcher, change)
    change = do(db, cases.dispatch, city.dispatcher, change,
                department_id=next(iter(city.departments.values())),
                deadline=datetime.now() + timedelta(days=2))
    with db.transaction() as s:
        change = cases.act(s, city.leader, change.case_id, change.version, "mark_handled")
    return do(db, cases.request_check, city.dispatcher, change, patrol_id=city.officer_id,
              note="请核查是否清理干净")


def test_a_check_is_listed_and_answered_with_a_photo(field):
    change = checking_case(field)
    token = field.sign_in()
    (task,) = field.client.get(f"{API}/tasks", headers=auth(token)).json()
    assert task["case_number"] == change.number and task["kind"] == "check"
    assert task["request_note"] == "请核查是否清理干净" and task["answers"]["handled"] == "已处置"
    assert task["cell"]["type"] == "Polygon"
    data = {"kind": "check", "case_number": change.number, "result": "handled",
            "note": "已清理"}
    files = [("photo", ("a.jpg", JPEG, "image/jpeg"))]
    r = field.client.post(f"{API}/tasks/answer", data=data, files=files,
                          headers=auth(token, "a" * 20))
    assert r.status_code == 201, r.text
    again = field.client.post(f"{API}/tasks/answer", data=data, files=files,
                              headers=auth(token, "a" * 20))
    assert again.status_code == 200 and again.json()["replayed"] is True
    for other in ({"result": "not_handled"}, {"note": "未清理"}, {"case_number": "X1"}):
        r = field.client.post(f"{API}/tasks/answer", data=data | other, files=files,
                              headers=auth(token, "a" * 20))
        assert r.status_code == 409 and r.json()["error"] == "idempotency_key_reused"
    r = field.client.post(f"{API}/tasks/answer", data=data, headers=auth(token, "a" * 20))
    assert r.status_code == 409 and r.json()["error"] == "idempotency_key_reused"
    with field.db.session() as s:
        events = s.scalars(select(CaseEvent).where(CaseEvent.case_id == change.case_id,
                                                   CaseEvent.action == "add_note")).all()
        (event,) = events
        assert event.note == "【核查】已处置：已清理"
        assert event.data["check"]["result"] == "handled"
        assert len(event.data["check"]["photos"]) == 1
        assert event.actor_id == field.city.patrol.user_id
        case = s.get(Case, change.case_id)
        assert case.status == "checking" and case.version == change.version + 1
    assert (field.data_dir / event.data["check"]["photos"][0]).is_file()
    # The desk closes it as usual, and the task is gone from the phone.
    with field.db.transaction() as s:
        cases.close(s, field.city.dispatcher, change.case_id, change.version + 1, note="核查通过")
    assert field.client.get(f"{API}/tasks", headers=auth(token)).json() == []
    r = field.client.post(f"{API}/tasks/answer", data=data, headers=auth(token, "b" * 20))
    assert r.status_code == 409 and r.json()["error"] == "task_gone"


@pytest.fixture
def failing_commit():
    """Every commit that would name a staged photo fails, as a full disk or a lost server would."""
    def fail(session):
        if session.info.get(media._STAGED):
            raise OperationalError("COMMIT", {}, Exception("disk I/O error"))
    event.listen(Session, "before_commit", fail)
    yield
    event.remove(Session, "before_commit", fail)


def photo_files(field) -> list[Path]:
    folder = field.data_dir / "photos"
    return sorted(folder.iterdir()) if folder.exists() else []


def test_a_report_whose_commit_fails_leaves_no_photo(field, failing_commit):
    token = field.sign_in()
    r = field.report(token, photos=(JPEG, PNG))
    assert r.status_code == 503 and r.json()["error"] == "unavailable", r.text
    assert patrol_cases(field.db) == []
    assert photo_files(field) == []         # neither the named photo nor its temporary file


def test_an_answer_whose_commit_fails_leaves_no_photo(field, failing_commit):
    change = checking_case(field)
    token = field.sign_in()
    data = {"kind": "check", "case_number": change.number, "result": "handled"}
    r = field.client.post(f"{API}/tasks/answer", data=data,
                          files=[("photo", ("a.jpg", JPEG, "image/jpeg"))],
                          headers=auth(token, uuid.uuid4().hex))
    assert r.status_code == 503, r.text
    assert photo_files(field) == []


@pytest.mark.parametrize("change, code", [
    ({"result": "maybe"}, "bad_result"),
    ({"kind": "inspect"}, "bad_kind"),
    ({"case_number": "000"}, "task_gone"),
    ({"note": "x" * 2100}, "text_too_long"),
])
def test_bad_answers_are_refused(field, change, code):
    case = checking_case(field)
    token = field.sign_in()
    data = {"kind": "check", "case_number": case.number, "result": "not_handled"} | change
    r = field.client.post(f"{API}/tasks/answer", data=data, headers=auth(token, uuid.uuid4().hex))
    assert 400 <= r.status_code < 500 and r.json()["error"] == code, r.text
    with field.db.session() as s:
        assert s.scalar(select(func.count()).select_from(CaseEvent).where(
            CaseEvent.action == "add_note")) == 0


def test_field_sessions_from_the_command_line(field, db, capsys):
    field.sign_in()
    token = field.sign_in(device="备用机")
    from console.cli import main
    url = db.engine.url.render_as_string(hide_password=False)
    assert main(["field-sessions", "list", "--db", url]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert len(lines) == 2 and "备用机" in lines[0] and "patrol" in lines[0]
    session_id = lines[0].split("\t")[0]
    assert main(["field-sessions", "revoke", "--id", session_id, "--db", url]) == 0
    assert capsys.readouterr().out.strip() == "revoked\t1"
    assert field.client.get(f"{API}/tasks", headers=auth(token)).json()["error"] == "revoked"
    assert main(["field-sessions", "revoke", "--user", "nobody", "--db", url]) != 0
    with db.session() as s:
        revokes = [a for a in s.scalars(select(AuditRecord)) if a.data.get("field") == "revoke"]
        assert len(revokes) == 1 and revokes[0].actor_name.startswith("os:")


# --- the officer's figures, the base map ---------------------------------------------------------

def test_the_shift_screen_has_the_officers_figures_this_month(field):
    token = field.sign_in()
    field.report(token)
    field.report(token)
    first = patrol_cases(field.db)[0]
    with field.db.transaction() as s:
        cases.register(s, field.city.dispatcher, first.id, first.version)
    checking_case(field)                    # asked, never answered
    prompt = checking_case(field)
    r = field.client.post(f"{API}/tasks/answer", headers=auth(token, "c" * 16), data={
        "kind": "check", "case_number": prompt.number, "result": "handled"})
    assert r.status_code == 201
    f = field.client.get(f"{API}/shift", headers=auth(token)).json()["figures"]
    assert (f["reports"], f["registered"], f["valid_report_rate"]) == (2, 1, 0.5)
    # Now the unanswered request is not yet due: one answered on time of one due.
    assert (f["checks_due"], f["checks_on_time"], f["on_time_check_rate"]) == (1, 1, 1.0)
    assert f["month"] == datetime.now().strftime("%Y-%m")
    # Three hours on, the unanswered one is late (events are append-only: ask at a later time).
    later = datetime.now() + field_figures.CHECK_WITHIN + timedelta(minutes=5)
    if later.month != datetime.now().month:
        pytest.skip("the month turns within the check time limit")
    with field.db.session() as s:
        officer = field_sessions.resolve(s, token, datetime.now())
        f = field_figures.figures(s, officer, later)
    assert (f["checks_due"], f["checks_on_time"], f["on_time_check_rate"]) == (2, 1, 0.5)


def test_the_centres_file_tiles_are_served_to_the_page(field, tmp_path):
    token = field.sign_in()
    assert field.client.get(f"{API}/map", headers=auth(token)).json()["tiles"] is None
    folder = tmp_path / "tiles"
    (folder / "17" / "106000").mkdir(parents=True)
    (folder / "17" / "106000" / "54000.png").write_bytes(PNG)
    with field.db.transaction() as s:      # as an administrator sets it
        s.add(Setting(key="field_tile_url", value={"v": f"file://{folder}/{{z}}/{{x}}/{{y}}.png"},
                      updated_at=datetime.now()))
    app = make_field(field.db, field.city, field.data_dir)     # a fresh app: no cached setting
    token = app.sign_in()
    info = app.client.get(f"{API}/map", headers=auth(token)).json()
    assert info["tiles"] == "tiles/{z}/{x}/{y}.png"
    r = app.client.get("/field/tiles/17/106000/54000.png")
    assert r.status_code == 200 and r.content == PNG
    for missing in ("17/106000/54001.png", "17/999999/1.png", "40/1/1.png", "17/-1/1.png",
                    "17/106000/..%2F..%2Fx.png"):
        assert app.client.get(f"/field/tiles/{missing}").status_code == 404, missing
