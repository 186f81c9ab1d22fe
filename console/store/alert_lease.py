"""Which seat evaluates the alert rules: a lease in the database (alert_evaluator's one row),
taken and renewed on the database server's clock, so seats whose clocks disagree never both
hold it. Used by the alert worker (live/alert_worker.py)."""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import DateTime, and_, or_, update
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Session
from sqlalchemy.sql.functions import FunctionElement
from sqlalchemy.sql.visitors import InternalTraversal

from console.store.models import AlertEvaluator
from console.store.upsert import insert_for


class server_clock(FunctionElement):
    """The database server's clock (naive UTC) plus `offset_s` seconds.

    The lease is written and compared on one clock, the server's: seats whose own clocks
    disagree by more than the lease would otherwise each find the other's lease run out.
    """

    type = DateTime()
    inherit_cache = True
    # The offset is written into the SQL, so it is part of the compiled statement's cache key.
    _traverse_internals = [("offset_s", InternalTraversal.dp_plain_obj)]

    def __init__(self, offset_s: float = 0.0) -> None:
        super().__init__()
        self.offset_s = float(offset_s)


@compiles(server_clock)
def _server_clock_pg(element: server_clock, compiler, **kw) -> str:
    # statement_timestamp, not now(): a long transaction must not see its own start time.
    return (f"((statement_timestamp() AT TIME ZONE 'UTC') "
            f"+ make_interval(secs => {element.offset_s!r}))")


@compiles(server_clock, "sqlite")
def _server_clock_sqlite(element: server_clock, compiler, **kw) -> str:
    # The format SQLAlchemy stores, so the text comparison is a time comparison.
    return f"strftime('%Y-%m-%d %H:%M:%f', 'now', '{element.offset_s:+.3f} seconds')"


def claim_evaluator(session: Session, holder: str, ttl: timedelta) -> bool:
    """Take or renew the evaluator lease; False while another seat holds a live one."""
    until = server_clock(ttl.total_seconds())
    r = session.execute(update(AlertEvaluator)
                        .where(AlertEvaluator.id == 1,
                               or_(AlertEvaluator.holder == holder,
                                   AlertEvaluator.until < server_clock()))
                        .values(holder=holder, until=until)
                        .execution_options(synchronize_session=False))
    if r.rowcount == 1:
        return True
    stmt = insert_for(session, AlertEvaluator).values(id=1, holder=holder, until=until)
    r = session.execute(stmt.on_conflict_do_nothing(index_elements=[AlertEvaluator.id]))
    return r.rowcount == 1


def release_evaluator(session: Session, holder: str) -> None:
    """Give the lease up at once (a seat closing), so another takes over without waiting."""
    session.execute(update(AlertEvaluator)
                    .where(and_(AlertEvaluator.id == 1, AlertEvaluator.holder == holder))
                    .values(until=datetime(2000, 1, 1))
                    .execution_options(synchronize_session=False))
