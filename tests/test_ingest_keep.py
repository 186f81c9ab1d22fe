"""What the intake keeps: the protocol's extras, impossible jumps marked, history and feed pruned
in small chunks that let writes through between them."""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import func, insert, select

from console.ingest.pruner import prune_once
from console.services import devices
from console.services.intake import IntakeFix, write_fixes
from console.store import patrol_queries, retention
from console.store.models import ChangeFeed, Device, Position
from tests.ingest_app import intake  # noqa: F401  (fixture)

DEV = "patrol-0001"
T0 = 1773050400          # 2026-03-09 10:00 UTC


def _positions(db) -> list[Position]:
    with db.session() as s:
        return list(s.scalars(select(Position).order_by(Position.id)))


def test_extras_are_stored_with_the_fix(intake):  # noqa: F811
    assert intake.client.get(f"/?id={DEV}&lat=30.27&lon=120.15&timestamp={T0}&hdop=1.5"
                             "&charge=true&valid=0&driver=zhang&odometer=12.5").status_code == 200
    assert intake.client.get(f"/?id={DEV}&lat=30.27&lon=120.15&timestamp={T0 + 1}").status_code == 200
    assert intake.client.post("/", json={"device_id": DEV, "location": {
        "timestamp": "2026-03-09T02:00:02Z", "coords": {"latitude": 30.2701, "longitude": 120.15},
        "battery": {"level": 0.5, "is_charging": True}, "extras": {"shift": "早班\\N\\t"}}}
    ).status_code == 200
    plain_query, bare, json_body = intake.rows()
    assert plain_query.attributes == {"hdop": 1.5, "charge": True, "valid": False,
                                      "driver": "zhang", "odometer": 12.5}
    assert bare.attributes is None
    # Backslashes stay text (PostgreSQL's COPY would read `\N` as NULL, `\t` as a tab).
    assert json_body.attributes == {"charge": True, "shift": "早班\\N\\t"}


def test_an_impossible_jump_is_kept_marked_and_its_device_suspect(intake):  # noqa: F811
    get = intake.client.get
    assert get(f"/?id={DEV}&lat=30.2700&lon=120.15&timestamp={T0}").status_code == 200
    assert get(f"/?id={DEV}&lat=30.2709&lon=120.15&timestamp={T0 + 60}").status_code == 200  # 100 m a minute
    intake.rows()
    assert _suspects(intake.db) == []
    # 11 km in 10 s (≈ 4,000 km/h): kept, marked; then the walk goes on from there, unmarked.
    assert get(f"/?id={DEV}&lat=30.37&lon=120.15&timestamp={T0 + 70}").status_code == 200
    assert get(f"/?id={DEV}&lat=30.3701&lon=120.15&timestamp={T0 + 80}").status_code == 200
    rows = intake.rows()
    assert [r.lat for r in rows] == [30.27, 30.2709, 30.37, 30.3701]
    assert [r.attributes for r in rows[:2]] == [None, None] and rows[3].attributes is None
    assert 3900 < rows[2].attributes["implausible_kmh"] < 4100
    [suspect] = _suspects(intake.db)
    assert suspect.unique_id == DEV and 3900 < suspect.suspect_kmh < 4100
    response = intake.client.get("/admin/suspect-devices")
    assert [d["unique_id"] for d in response.json()] == [DEV]
    # Registering the phone again vouches for it.
    with intake.db.transaction() as s:
        devices.add_device(s, DEV, "P0001")
    assert _suspects(intake.db) == []


def test_a_late_buffer_is_checked_within_itself_not_against_newer_fixes(db, city):
    at = datetime(2026, 3, 9, 10, 0)
    with db.transaction() as s:
        write_fixes(s, [IntakeFix(DEV, at, 30.27, 120.15)])
    # An hour-old buffer from 20 km away: fine against itself (a walk), older than the latest.
    late = [IntakeFix(DEV, at - timedelta(minutes=60 - i), 30.45 + i * 1e-4, 120.15)
            for i in range(3)]
    with db.transaction() as s:
        result = write_fixes(s, late)
    assert result.written == 3 and result.suspects == {}
    # The limit is what decides (the shared setting unless given).
    with db.transaction() as s:
        result = write_fixes(s, [IntakeFix(DEV, at + timedelta(minutes=10), 30.30, 120.15)],
                             max_kmh=10)
    assert list(result.suspects.values()) == [20.0]     # 3.3 km in 10 min
    with db.session() as s:
        assert s.scalar(select(Device.suspect_kmh)) == 20.0


def _suspects(db) -> list[devices.DeviceInfo]:
    with db.session() as s:
        return devices.list_suspects(s)


def _history(db, days_ago: list[float]) -> None:
    now = datetime.now()
    with db.transaction() as s:
        device = s.scalars(select(Device)).first()
        s.execute(insert(Position), [dict(device_id=device.id, patrol_officer_id=device.patrol_officer_id,
                                          at=now - timedelta(days=d), lat=30.27, lon=120.15)
                                     for d in days_ago])


def test_history_is_pruned_in_chunks_with_writes_between_them(db, city):
    _history(db, [100] * 7 + [91, 89, 1])
    written = []

    def between() -> None:
        # Between two chunks the pruner holds nothing: a write goes through at once (on SQLite
        # a held write lock would make this wait out the busy timeout and fail).
        with db.transaction() as s:
            result = write_fixes(s, [IntakeFix(DEV, datetime.now(), 30.27, 120.15)])
        written.append(result.written)

    deleted, _ = prune_once(db, datetime.now(), chunk=3, between=between)
    assert deleted == 8
    assert set(written) == {1}      # every write between two steps went through at once
    if db.engine.dialect.name == "sqlite":
        # 3 + 3 + 2 rows: three chunks; then the feed's two (past the window, read by every
        # seat). PostgreSQL makes days and drops them instead (tests/test_position_days_pg.py).
        assert len(written) == 5
    ages = sorted(round((datetime.now() - p.at).total_seconds() / 86400) for p in _positions(db))
    assert ages == [0] * len(written) + [1, 89]


def test_pruning_never_frees_the_newest_id_for_reuse(db, city):
    """Every row is old and the newest goes too: the next fix would take its id on SQLite
    (no AUTOINCREMENT), and a reader past that id would never see the fix."""
    _history(db, [100, 100, 95])
    with db.session() as s:
        seen_up_to = s.scalar(select(func.max(Position.id)))   # a reader has read them all
    deleted, _ = prune_once(db, datetime.now())
    assert deleted == 2 and [p.id for p in _positions(db)] == [seen_up_to]
    with db.transaction() as s:
        write_fixes(s, [IntakeFix(DEV, datetime.now(), 30.27, 120.15)])
    with db.session() as s:
        fresh = patrol_queries.positions_after(s, seen_up_to)
    assert len(fresh) == 1


def _feed(db, rows: list[tuple[int, float]]) -> None:
    now = datetime.now()
    with db.transaction() as s:
        s.execute(insert(ChangeFeed), [dict(seq=seq, at=now - timedelta(days=d), entity="case",
                                            entity_id=1, action="updated", payload={})
                                       for seq, d in rows])


def test_feed_rows_are_pruned_by_whole_transactions_after_the_window(db, city):
    with db.session() as s:
        base = s.scalar(select(func.coalesce(func.max(ChangeFeed.seq), 0)))
    # Transactions (seq): 1 and 2 old; 3 old in part; 4 young.
    _feed(db, [(base + 1, 30), (base + 1, 30), (base + 2, 20), (base + 3, 10), (base + 3, 1),
               (base + 4, 1)])
    with db.transaction() as s:
        assert retention.prune_feed(s, datetime.now() - timedelta(days=7), limit=100) >= 3
    with db.session() as s:
        left = s.scalars(select(ChangeFeed.seq).where(ChangeFeed.seq > base)
                         .order_by(ChangeFeed.id)).all()
        assert left == [base + 3, base + 3, base + 4]
        with db.transaction() as s2:
            assert retention.prune_feed(s2, datetime.now() - timedelta(days=7), limit=100) == 0


def test_a_feed_chunk_never_splits_a_transaction(db, city):
    with db.session() as s:
        base = s.scalar(select(func.coalesce(func.max(ChangeFeed.seq), 0)))
    _feed(db, [(base + 1, 30)] * 2 + [(base + 2, 30)] * 3)
    with db.transaction() as s:
        s.execute(ChangeFeed.__table__.delete().where(ChangeFeed.seq <= base))
    counts = []
    for _ in range(3):
        with db.transaction() as s:
            counts.append(retention.prune_feed(s, datetime.now() - timedelta(days=7), limit=3))
    # The first chunk (3 rows) ends inside seq 2: it takes seq 1 only, then seq 2 whole.
    assert counts == [2, 3, 0]
