"""How a seat turns feed batches into reads: one place for the queue dock and the headless seat.

A seat's reads per change must not grow with the number of seats writing: a burst of batches
becomes one read of the rows it names (after ROW_COALESCE_MS), and the tab counts are read at
most every COUNTS_MIN_INTERVAL_MS, however many changes arrive meanwhile. The benches measure
headless seats (console/live/seat_replica.py); sharing these rules keeps them honest about the
window's docks.
"""
from __future__ import annotations

from collections.abc import Iterable

from console.domain.changes import ROSTER_KINDS, ChangeKind
from console.domain.workflow import Action

ROW_COALESCE_MS = 120           # changes arriving together become one read
COUNTS_MIN_INTERVAL_MS = 700    # however fast cases change, counts are re-read at most this often
KPIS_MIN_INTERVAL_MS = 5_000    # the KPI strip's figures, at most this often

#: Feed kinds that move the queue tabs' counts.
COUNTED_KINDS = frozenset({ChangeKind.CASE, ChangeKind.HISTORY})
#: Feed kinds that move a KPI (patrols on duty follow the roster and shifts); checked against
#: the producers by tests/test_feed_kinds.py (as the KPI strip's).
KPI_KINDS = frozenset({ChangeKind.CASE, ChangeKind.ALERT, ChangeKind.HISTORY}) | ROSTER_KINDS


def case_ids(rows: Iterable) -> set[int]:
    """The cases whose queue rows a batch's feed rows change."""
    rows = list(rows)
    ids = {r.entity_id for r in rows if r.entity == ChangeKind.CASE and r.entity_id}
    # A supervision order on a case changes its badge (the case row, not its version).
    ids |= {r.payload.get("case_id") for r in rows
            if r.entity == ChangeKind.SUPERVISION and r.payload.get("case_id")}
    return ids


def adds_cases(rows: Iterable) -> bool:
    """Whether a batch's feed rows bring new cases (the only change to the unfiltered total)."""
    return any(r.entity == ChangeKind.HISTORY
               or (r.entity == ChangeKind.CASE and r.action == Action.REPORT)
               for r in rows)


def stages_to_count(stages: tuple[str, ...], filtered: bool, total_current: bool) -> tuple[str, ...]:
    """The tabs a re-count reads: the unfiltered "all" tab counts every case (a scan of the
    table on a million-case city), and only a new case moves it; the others, every time."""
    if filtered or not total_current:
        return stages
    return tuple(s for s in stages if s != "all")


def moves_counts(rows: Iterable) -> bool:
    """Whether a batch's feed rows may move a tab's count."""
    return any(r.entity in COUNTED_KINDS for r in rows)
