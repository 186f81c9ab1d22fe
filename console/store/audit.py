"""The audit trail's hash chains: case events and audit records, each row linked to the last.

Every row of `case_events` and of `audit` carries `chain_seq` (its place in the chain, 1, 2, …)
and `hash` = SHA-256 of the previous row's hash and the row's canonical form (its columns as
sorted JSON, times in ISO 8601 with microseconds). One chain per table; `audit_chain` holds each
chain's head (length and last hash).

The chain's order must be the commit order, or two seats appending at once would both link to
the same predecessor (a fork). So rows are not inserted when the service asks: they are queued
and written by `feed.at_commit`, which runs while the transaction holds the feed counter's lock
(PostgreSQL: its row lock, to commit; SQLite: the database write lock). Appenders are therefore
serialised, and each one reads the head its predecessor committed.

What the chain proves: a row changed, removed or inserted after it was written breaks a link
that `verify` names. What it cannot prove alone: someone with the owner's rights who rewrites
every row from the change to the end and the head with it — note the head `verify` prints
(backups carry it too) somewhere else to catch that.
"""
from __future__ import annotations

import hashlib
import json
import os
import socket
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, DateTime, Integer, Table, event, insert, inspect, select, update
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.orm import Session, SessionTransaction

from console.store import feed
from console.store.models import AuditChain, AuditRecord, CaseEvent, naive_local

GENESIS = "0" * 64
CASE_EVENTS = "case_events"
AUDIT = "audit"
#: The columns each chain's hash covers (everything but the surrogate id and the hash itself).
HASHED: dict[str, tuple[str, ...]] = {
    CASE_EVENTS: ("case_id", "chain_seq", "at", "actor_id", "actor_name", "actor_role", "seat",
                  "action", "from_status", "to_status", "note", "data"),
    AUDIT: ("chain_seq", "at", "actor_id", "actor_name", "actor_role", "seat", "entity",
            "entity_id", "action", "data"),
}
TABLES: dict[str, Table] = {CASE_EVENTS: CaseEvent.__table__, AUDIT: AuditRecord.__table__}
_HEADS = "console.audit_heads"
MAX_SEAT = 64

_seat: str | None = None


def seat() -> str:
    """This workstation's name as the trail records it (CITY_CONSOLE_SEAT overrides the host name)."""
    global _seat
    if _seat is None:
        _seat = (os.environ.get("CITY_CONSOLE_SEAT") or socket.gethostname() or "unknown")[:MAX_SEAT]
    return _seat


_encode_str = json.encoder.c_encode_basestring or json.encoder.py_encode_basestring


def _json(value: Any) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)


def _encode(value: Any) -> str:
    """One value as `_json` would write it, faster for the types a trail row holds."""
    kind = type(value)
    if kind is str:
        return _encode_str(value)
    if value is None:
        return "null"
    if kind is int:
        return str(value)
    if kind is datetime:
        # As stored (models.LocalDateTime): an aware time hashed with its offset would never
        # match the naive local time read back.
        return f'"{naive_local(value).isoformat(timespec="microseconds")}"'
    return _json(value)


def _keys(chain: str) -> list[str]:
    return [f"{_encode_str(c)}:" for c in sorted(HASHED[chain])]


_PREFIXES = {chain: _keys(chain) for chain in HASHED}


def canonical(chain: str, row: dict[str, Any]) -> str:
    """The row as the hash sees it: its hashed columns as sorted, compact JSON (times in ISO
    8601 with microseconds) — the same text as json.dumps(sort_keys=True) gives."""
    return "{" + ",".join(p + _encode(row.get(c))
                          for p, c in zip(_PREFIXES[chain], sorted(HASHED[chain]))) + "}"


def _link_text(previous: str, text: str) -> str:
    return hashlib.sha256((previous + text).encode()).hexdigest()


def link(previous: str, chain: str, row: dict[str, Any]) -> str:
    """The hash of `row` following a row whose hash is `previous`."""
    return _link_text(previous, canonical(chain, row))


# --- appending ----------------------------------------------------------------------------------

def _head(db: Session | Connection, chain: str) -> tuple[int, str]:
    # FOR UPDATE: a bulk load (no feed counter) is serialised by the head row itself.
    row = db.execute(select(AuditChain.length, AuditChain.hash)
                     .where(AuditChain.name == chain).with_for_update()).first()
    if row is None:
        db.execute(insert(AuditChain).values(name=chain, length=0, hash=GENESIS))
        return 0, GENESIS
    return row.length, row.hash


def chain_rows(db: Session | Connection, chain: str, rows: list[dict[str, Any]]) -> None:
    """Give `rows` (about to be inserted, in this order) their seat, place and hash, and move
    the head past them. The caller must hold what serialises appends (see the module's doc)."""
    length, previous = _head(db, chain)
    here = seat()
    for row in rows:
        length += 1
        row.setdefault("seat", here)
        row["chain_seq"] = length
        row["hash"] = previous = link(previous, chain, row)
    db.execute(update(AuditChain).where(AuditChain.name == chain)
               .values(length=length, hash=previous))


def _append_at_commit(session: Session, chain: str, row: dict[str, Any]) -> None:
    def write(seq: int) -> None:
        # One head read per chain and commit; every queued row of the commit follows it.
        heads = session.info.get(_HEADS)
        if heads is None or heads[0] != seq:
            heads = session.info[_HEADS] = (seq, {})
        length, previous = heads[1].get(chain) or _head(session, chain)
        length += 1
        row.setdefault("seat", seat())
        row["chain_seq"] = length
        row["hash"] = link(previous, chain, row)
        session.execute(insert(TABLES[chain]).values(**row))
        session.execute(update(AuditChain).where(AuditChain.name == chain)
                        .values(length=length, hash=row["hash"]))
        heads[1][chain] = (length, row["hash"])
    feed.at_commit(session, write)


@event.listens_for(Session, "after_transaction_end")
def _forget_heads(session: Session, transaction: SessionTransaction) -> None:
    # A failed commit's sequence may be handed out again: never reuse the heads read under it.
    if transaction.parent is None:
        session.info.pop(_HEADS, None)


def append_case_event(session: Session, row: dict[str, Any]) -> None:
    """Queue one case event (its columns) to be chained and inserted at commit."""
    _append_at_commit(session, CASE_EVENTS, dict(row))


def record(session: Session, *, actor_id: int | None, actor_name: str, actor_role: str,
           entity: str, entity_id: Any, action: str, at: datetime,
           data: dict[str, Any] | None = None) -> None:
    """Queue one audit record of a write that is not a case event, written at commit."""
    _append_at_commit(session, AUDIT, {
        "at": at, "actor_id": actor_id, "actor_name": actor_name, "actor_role": str(actor_role),
        "entity": str(entity), "entity_id": None if entity_id is None else str(entity_id)[:64],
        "action": str(action), "data": data or {}})


# --- verifying ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class Break:
    """The first link of a chain that does not hold."""

    table: str
    chain_seq: int | None
    row_id: int | None
    at: datetime | None
    reason: str       # changed | missing_before | unchained | tail_missing | head_mismatch

    def describe(self) -> str:
        at = self.at.isoformat(sep=" ") if self.at else "-"
        return (f"{self.table}: broken at chain_seq {self.chain_seq} (id {self.row_id}, "
                f"time {at}): {self.reason.replace('_', ' ')}")


@dataclass
class ChainReport:
    table: str
    length: int = 0
    head: str = GENESIS
    broken: Break | None = None
    #: Rows written before the trail was chained, linked by the upgrade to 0008 (the first
    #: `before_chain` links, their seat unknown): the chain proves them only since that upgrade.
    before_chain: int = 0
    before_chain_until: datetime | None = None
    #: Time of the first row a seat chained as it wrote it.
    begins_at: datetime | None = None

    def describe_start(self) -> str:
        """Where the chain's proof begins, in one sentence (empty for a chain from its start)."""
        if not self.before_chain:
            return ""
        until = self.before_chain_until.isoformat(sep=" ") if self.before_chain_until else "-"
        text = (f"links 1–{self.before_chain} (rows up to {until}) were written before the "
                f"trail was chained and were linked when the database was upgraded to 0008: "
                f"their seat is unknown and the chain proves them only since that upgrade")
        if self.begins_at is not None:
            text += (f"; the chain as written by the seats begins at link "
                     f"{self.before_chain + 1} ({self.begins_at.isoformat(sep=' ')})")
        return text


@dataclass
class VerifyReport:
    chains: list[ChainReport] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return all(c.broken is None for c in self.chains)

    @property
    def first_break(self) -> Break | None:
        breaks = [c.broken for c in self.chains if c.broken is not None]
        return min(breaks, key=lambda b: (b.at is None, b.at or datetime.min), default=None)


def _sqlite_time(text: str | None) -> str:
    # SQLAlchemy stores "YYYY-MM-DD HH:MM:SS.ffffff" on SQLite: the ISO text with a space.
    return "null" if text is None else f'"{text[:10]}T{text[11:]}"'


def _sqlite_json(text: str | None) -> str:
    if text is None:
        return "null"
    return "{}" if text == "{}" else _json(json.loads(text))


def _sqlite_row_text(chain: str) -> Callable[[tuple], str]:
    """A function from a raw SQLite row (id, hash, then the hashed columns in sorted order) to
    its canonical text, compiled once per walk from the columns' types: one expression per row
    and C functions only, which is what walks a million rows in seconds. A value of a type the
    column should not hold (SQLite is dynamically typed) falls back to the general encoder and
    so to a text that does not match its hash."""
    table = TABLES[chain]
    parts = []
    for i, name in enumerate(sorted(HASHED[chain]), start=2):
        column, v = table.c[name], f"r[{i}]"
        if isinstance(getattr(column.type, "impl", column.type), DateTime):   # LocalDateTime
            expr = f"""('"' + {v}[:10] + 'T' + {v}[11:] + '"')"""
        elif isinstance(column.type, JSON):
            expr = f"J({v})"
        elif isinstance(column.type, Integer):
            expr = f"S({v})"
        else:
            expr = f"E({v})"
        if column.nullable or name == "chain_seq":
            expr = f"('null' if {v} is None else {expr})"
        parts.append(expr)
    template = "{" + ",".join(p + "%s" for p in _PREFIXES[chain]) + "}"
    fast = eval(f"lambda r: T % ({', '.join(parts)},)",
                {"T": template, "E": _encode_str, "S": str, "J": _sqlite_json})
    order = sorted(HASHED[chain])
    at_i = order.index("at") + 2

    def text(r: tuple) -> str:
        try:
            return fast(r)
        except (TypeError, ValueError, IndexError):
            return "{" + ",".join(p + (_sqlite_time(v) if i == at_i else _encode(v))
                                  for i, (p, v) in enumerate(zip(_PREFIXES[chain], r[2:]), 2)) + "}"
    return text


def _walk(con: Connection, chain: str
          ) -> Iterator[tuple[int, int | None, str | None, Any, Any, str, tuple]]:
    """(id, chain_seq, hash, at, seat, canonical text, raw row) of every row in chain order.

    SQLite: read through the driver's own cursor, the stored texts turned into the canonical
    ones directly (no datetime or JSON objects in between)."""
    table = TABLES[chain]
    order = sorted(HASHED[chain])
    prefixes = _PREFIXES[chain]
    seq_at, at_at = order.index("chain_seq") + 2, order.index("at") + 2
    seat_at = order.index("seat") + 2
    if con.dialect.name == "sqlite":
        cols = ", ".join(f'"{c}"' for c in order)
        text = _sqlite_row_text(chain)
        cursor = con.connection.dbapi_connection.cursor()
        cursor.arraysize = 20_000
        try:
            # The chained rows by the unique index, then any row without a place (forged).
            for where in ("chain_seq IS NOT NULL ORDER BY chain_seq", "chain_seq IS NULL ORDER BY id"):
                cursor.execute(f'SELECT id, hash, {cols} FROM "{table.name}" WHERE {where}')
                for r in cursor:
                    yield r[0], r[seq_at], r[1], r[at_at], r[seat_at], text(r), r
        finally:
            cursor.close()
        return
    result = con.execution_options(yield_per=20_000).execute(
        select(table.c.id, table.c.hash, *(table.c[c] for c in order))
        .order_by(table.c.chain_seq.asc().nulls_last(), table.c.id))
    for part in result.partitions():
        for r in part:
            text = "{" + ",".join([p + _encode(v) for p, v in zip(prefixes, r[2:])]) + "}"
            yield r[0], r[seq_at], r[1], r[at_at], r[seat_at], text, r


def _as_time(value: Any) -> datetime | None:
    if value is None or isinstance(value, datetime):
        return value
    try:
        return datetime.fromisoformat(str(value))
    except ValueError:
        return None


def _reread_time(chain: str, raw: tuple) -> str | None:
    """The canonical text of a raw SQLite row with its time read as a datetime first, as the
    ORM reads it: the form migration 0008 hashed the rows written before the chain in. Those
    rows' stored text may be another spelling of the same time ('08:01:00', no fraction)."""
    order = sorted(HASHED[chain])
    at_i = order.index("at") + 2
    try:
        at = datetime.fromisoformat(str(raw[at_i]))
    except ValueError:
        return None
    values = list(raw[2:])
    values[at_i - 2] = at
    texts = []
    for name, v in zip(order, values):
        if name == "data" and isinstance(v, str):
            v = json.loads(v)
        texts.append(_encode(v))
    return "{" + ",".join(p + t for p, t in zip(_PREFIXES[chain], texts)) + "}"


def verify_chain(con: Connection, chain: str) -> ChainReport:
    """Walk one chain from its first row; stop at the first link that does not hold."""
    report = ChainReport(chain)
    expected, previous = 0, GENESIS
    sha256 = hashlib.sha256
    sqlite = con.dialect.name == "sqlite"
    for row_id, seq, stored, at, seat_, text, raw in _walk(con, chain):
        expected += 1
        if seq is None or seq != expected or stored != sha256((previous + text).encode()).hexdigest():
            again = (_reread_time(chain, raw)
                     if sqlite and seq == expected and seat_ is None else None)
            if again is None or stored != sha256((previous + again).encode()).hexdigest():
                reason = ("unchained" if seq is None else "missing_before" if seq != expected
                          else "changed")
                report.broken = Break(chain, seq, row_id, _as_time(at), reason)
                break
        if seat_ is None and report.before_chain == expected - 1:
            # Migration 0008 linked the rows written before it, with no seat: the leading run.
            report.before_chain, report.before_chain_until = expected, _as_time(at)
        elif report.begins_at is None:
            report.begins_at = _as_time(at)
        previous = stored
    if report.broken is not None:
        report.length, report.head = expected - 1, previous
        return report
    report.length, report.head = expected, previous
    head = con.execute(select(AuditChain.length, AuditChain.hash)
                       .where(AuditChain.name == chain)).first()
    length, head_hash = (head.length, head.hash) if head else (0, GENESIS)
    if length > expected:
        report.broken = Break(chain, expected + 1, None, None, "tail_missing")
    elif (length, head_hash) != (expected, previous):
        report.broken = Break(chain, length, None, None, "head_mismatch")
    return report


class TrailNotChained(Exception):
    """The database's schema is older than the chained trail (migration 0008)."""

    def __init__(self, revision: str | None) -> None:
        super().__init__(revision)
        self.revision = revision


def verify(engine: Engine, chains: Iterable[str] = (CASE_EVENTS, AUDIT)) -> VerifyReport:
    """Walk every chain in one read snapshot; the report names each chain's first broken link.
    TrailNotChained if the schema predates the chain (nothing to walk until it is upgraded)."""
    report = VerifyReport()
    with engine.connect() as con:
        if con.dialect.name == "postgresql":
            con = con.execution_options(isolation_level="REPEATABLE READ")
        with con.begin():
            if not inspect(con).has_table(AuditChain.__tablename__):
                from console.store.migrations import current_revision
                raise TrailNotChained(current_revision(con))
            if con.dialect.name == "sqlite":
                # pysqlite reads each SELECT in its own snapshot: hold one for the whole walk.
                con.exec_driver_sql("BEGIN")
            for chain in chains:
                report.chains.append(verify_chain(con, chain))
    return report
