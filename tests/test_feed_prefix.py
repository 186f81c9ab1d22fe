"""A feed read returns exactly a prefix of the committed sequence, on SQLite and PostgreSQL.

A second seat commits between the reader's statements (hooked at the reader engine's
`before_cursor_execute`); whatever lands there, each batch holds every sequence up to its own
and none after, and the next read brings the rest — with positions, which live in their own
table and are the easiest to get ahead of the feed rows.
"""
from __future__ import annotations

import itertools
from collections.abc import Callable
from datetime import timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import event, select

from console.services import cases
from console.services.positions import Fix, record_positions
from console.store import feed
from console.store.database import open_database
from console.store.models import Device
from tests.pg_server import PG_URL, fresh_database
from tests.service_city import CENTRE, GARBAGE, MON

DEVICES = ("patrol-0001", "patrol-0002", "patrol-0003")
_TICKS = itertools.count(1)


@pytest.fixture(params=["sqlite", "postgresql"])
def db(request, tmp_path):
    """The reader's database (overrides conftest's), with `other`: a second seat on the same data."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'feed.db'}"
        database = open_database(url)
        database.other = open_database(url)
        yield database
        database.other.dispose()
        database.dispose()
        return
    if not PG_URL:
        pytest.skip("CITY_CONSOLE_TEST_PG_URL is not set")
    with fresh_database("console_feed") as url:
        database = open_database(url)
        database.other = open_database(url)
        try:
            yield database
        finally:
            database.other.dispose()
            database.dispose()


@pytest.fixture
def devices(db, city):
    with db.transaction() as s:
        for unique_id in DEVICES[1:]:
            s.add(Device(unique_id=unique_id, patrol_officer_id=city.officer_id))
    return DEVICES


class Writer:
    """Commits on the second seat and remembers what the committed sequence holds."""

    def __init__(self, db, city) -> None:
        self.db, self.city = db.other, city
        self.cases: dict[int, int] = {}                  # seq → case id
        self.positions: list[tuple[int, str, float]] = []  # (seq, device, lat)

    @staticmethod
    def tick():
        return MON + timedelta(seconds=next(_TICKS))   # forward across examples too

    def report(self) -> int:
        with self.db.transaction() as s:
            change = cases.report(s, self.city.dispatcher, category_code=GARBAGE, source="hotline",
                                  cell_code=self.city.cell_codes[0], at=self.tick())
        self.cases[change.seq] = change.case_id
        return change.seq

    def move(self, device: str) -> int:
        lat = CENTRE[1] + len(self.positions) * 1e-6
        with self.db.transaction() as s:
            record_positions(s, [Fix(device, self.tick(), lat, CENTRE[0])])
            ticket = feed.at_commit(s, lambda seq: None)
        self.positions.append((ticket.seq, device, lat))
        return ticket.seq

    def latest_at(self, seq: int) -> dict[str, tuple[int, float]]:
        """Each device's newest position among sequences up to `seq`."""
        out: dict[str, tuple[int, float]] = {}
        for s, device, lat in self.positions:
            if s <= seq:
                out[device] = (s, lat)
        return out


def between_statements(db, action: Callable[[], None], *, before: int) -> Callable[[], None]:
    """Run `action` once, just before the reader's `before`-th SELECT (0-based); returns the
    function that removes the hook."""
    count = {"n": 0}

    def hook(conn, cursor, statement, parameters, context, executemany):
        if not statement.lstrip().upper().startswith("SELECT"):
            return   # SQLite's BEGIN: the reads are what may be interleaved
        if count["n"] == before:
            action()
        count["n"] += 1

    event.listen(db.engine, "before_cursor_execute", hook)
    return lambda: event.remove(db.engine, "before_cursor_execute", hook)


def read(db, since: int) -> feed.FeedBatch:
    with db.session() as s:
        return feed.changes_since(s, since)


def check_prefix(writer: Writer, batches: list[feed.FeedBatch], start: int) -> None:
    """The batches chain up and together hold exactly the committed sequence, positions included."""
    since = start
    delivered: list[int] = []
    for b in batches:
        assert b.since == since
        assert all(since < r.seq <= b.seq for r in b.rows)
        delivered += [r.seq for r in b.rows]
        # Each device at its newest position up to b.seq, sent iff that moved after `since`.
        id_of = _device_ids(writer)
        expected = {id_of[d]: lat for d, (s, lat) in writer.latest_at(b.seq).items() if s > since}
        assert {p.device_id: p.lat for p in b.positions} == pytest.approx(expected)
        since = b.seq
    committed = sorted(s for s in writer.cases if start < s <= since)
    assert delivered == committed            # nothing skipped, nothing twice, in order


def _device_ids(writer: Writer) -> dict[str, int]:
    with writer.db.session() as s:
        return dict(s.execute(select(Device.unique_id, Device.id)).all())


@pytest.mark.parametrize("before", [0, 1, 2])
def test_a_case_and_a_position_committed_between_the_reads_are_not_lost(db, city, devices, before):
    writer = Writer(db, city)
    with db.session() as s:
        start = feed.current_seq(s)
    writer.move(devices[0])

    def land():
        writer.report()              # sequence n
        writer.move(devices[1])      # sequence n + 1

    unhook = between_statements(db, land, before=before)
    try:
        first = read(db, start)
    finally:
        unhook()
    second = read(db, first.seq)
    check_prefix(writer, [first, second], start)
    case_seq = next(iter(writer.cases))
    assert any(r.seq == case_seq and r.entity_id == writer.cases[case_seq]
               for r in first.rows + second.rows)
    assert second.seq == max(writer.cases) + 1


def test_the_first_batch_is_the_snapshot_it_read(db, city, devices):
    """Writes landing mid-read are left for the next read, not mixed into this one."""
    writer = Writer(db, city)
    with db.session() as s:
        start = feed.current_seq(s)
    known = writer.report()
    unhook = between_statements(db, lambda: (writer.move(devices[0]), writer.report()), before=2)
    try:
        first = read(db, start)
    finally:
        unhook()
    assert first.seq == known and [r.seq for r in first.rows] == [known] and not first.positions


_ops = st.lists(st.one_of(
    st.just(("case",)),
    st.tuples(st.just("move"), st.sampled_from(DEVICES)),
    st.just(("read",)),
    # a read with writes landing just before one of its statements
    st.tuples(st.just("read_split"), st.integers(0, 2),
              st.lists(st.one_of(st.just(("case",)),
                                 st.tuples(st.just("move"), st.sampled_from(DEVICES))),
                       min_size=1, max_size=3)),
), min_size=1, max_size=12)


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(ops=_ops)
def test_any_interleaving_delivers_exactly_the_committed_history(db, city, devices, ops):
    writer = Writer(db, city)
    with db.session() as s:
        start = feed.current_seq(s)
    since, batches = start, []

    def write(op):
        writer.report() if op[0] == "case" else writer.move(op[1])

    for op in ops:
        if op[0] in ("case", "move"):
            write(op)
            continue
        unhook = (between_statements(db, lambda op=op: [write(w) for w in op[2]], before=op[1])
                  if op[0] == "read_split" else (lambda: None))
        try:
            batch = read(db, since)
        finally:
            unhook()
        batches.append(batch)
        since = batch.seq
    batches.append(read(db, since))   # the final read catches up with everything
    check_prefix(writer, batches, start)
    with db.session() as s:
        assert batches[-1].seq == feed.current_seq(s)
