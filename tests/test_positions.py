"""Recording positions: history, the latest fix per device, refusal of a bad batch."""
from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from console.domain.errors import DomainError
from console.services.positions import Fix, record_position, record_positions
from console.store.models import Device, LatestPosition, Position
from tests.service_city import CENTRE, MON, City, counts, feed_after

# --- positions ---------------------------------------------------------------------------------

def fix(city: City, at: datetime, dx: float = 0.0, **kw) -> Fix:
    """A fix of the city's device `dx` degrees north-east of the centre."""
    values = {"device": city.device, "at": at, "lat": CENTRE[1] + dx, "lon": CENTRE[0] + dx,
              "speed": 1.2, "heading": 90.0, "accuracy": 5.0, "battery": 80.0}
    return Fix(**(values | kw))


def latest(db, city: City) -> LatestPosition:
    with db.session() as s:
        dev = s.scalars(select(Device).where(Device.unique_id == city.device)).one()
        return s.get(LatestPosition, dev.id)


def test_record_positions_writes_history_and_latest(db, city):
    seq0 = counts(db)["feed_seq"]
    t = MON
    with db.transaction() as s:
        n = record_positions(s, [fix(city, t, 0.0001), fix(city, t + timedelta(seconds=5), 0.0002)])
    assert n == 2
    with db.session() as s:
        history = s.execute(select(Position.at, Position.lat, Position.patrol_officer_id)
                            .order_by(Position.id)).all()
    assert [h.at for h in history] == [t, t + timedelta(seconds=5)]
    assert all(h.patrol_officer_id == city.officer_id for h in history)
    last = latest(db, city)
    assert (last.at, last.lat, last.patrol_officer_id) == (
        t + timedelta(seconds=5), CENTRE[1] + 0.0002, city.officer_id)
    assert last.seq == seq0 + 1
    batch = feed_after(db, seq0)
    assert batch.rows == []                      # positions write no feed rows
    assert [(p.patrol_officer_id, p.at, p.lat, p.battery) for p in batch.positions] == [
        (city.officer_id, t + timedelta(seconds=5), CENTRE[1] + 0.0002, 80.0)]
    assert batch.seq == seq0 + 1
    assert feed_after(db, batch.seq).positions == []

    # A buffered, older fix goes to history but does not move the latest position back.
    with db.transaction() as s:
        record_position(s, fix(city, t - timedelta(minutes=10), 0.0009))
    last = latest(db, city)
    assert (last.at, last.lat, last.seq) == (t + timedelta(seconds=5), CENTRE[1] + 0.0002, seq0 + 1)
    assert counts(db)["positions"] == 3
    assert feed_after(db, batch.seq).positions == []

    # A newer one does, with the new transaction's sequence.
    with db.transaction() as s:
        record_position(s, fix(city, t + timedelta(minutes=1), 0.0003, battery=79.0))
    last = latest(db, city)
    assert (last.at, last.battery) == (t + timedelta(minutes=1), 79.0)
    later = feed_after(db, batch.seq)
    assert [p.at for p in later.positions] == [t + timedelta(minutes=1)]
    assert later.seq == last.seq > batch.seq


def test_older_fix_later_in_the_same_batch_does_not_win(db, city):
    t = MON
    with db.transaction() as s:
        record_positions(s, [fix(city, t, 0.0005), fix(city, t - timedelta(seconds=30), 0.0001)])
    last = latest(db, city)
    assert (last.at, last.lat) == (t, CENTRE[1] + 0.0005)
    assert counts(db)["positions"] == 2


@pytest.mark.parametrize(("bad", "code"), [
    ({"device": "nobody"}, "unknown_device"),
    ({"lat": float("nan")}, "bad_coordinates"),
    ({"lat": 95.0}, "bad_coordinates"),
    ({"battery": 120.0}, "bad_battery"),
])
def test_one_bad_fix_refuses_the_whole_batch(db, city, bad, code):
    before = counts(db)
    good = fix(city, MON)
    wrong = Fix(**({"device": city.device, "at": MON + timedelta(seconds=5), "lat": CENTRE[1],
                    "lon": CENTRE[0]} | bad))
    with pytest.raises(DomainError) as err, db.transaction() as s:
        record_positions(s, [good, wrong])
    assert err.value.code == code
    assert counts(db) == before
    assert latest(db, city) is None


def test_inactive_device_is_refused(db, city):
    with db.transaction() as s:
        s.scalars(select(Device).where(Device.unique_id == city.device)).one().active = False
    before = counts(db)
    with pytest.raises(DomainError) as err, db.transaction() as s:
        record_position(s, fix(city, MON))
    assert err.value.code == "unknown_device"
    assert counts(db) == before
