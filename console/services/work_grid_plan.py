"""Work-grid membership as an import plans and writes it, for both ways in: an attribute of the
grid file (console/services/grid_import.py) and a file of work-grid polygons
(console/services/workgrid_import.py).

A plan is the wanted state — each cell's work grid (or none), each grid's name, each named
officer's grid — compared with the stored one for the dry run, then written in the caller's
transaction.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import delete, insert, select, update
from sqlalchemy.orm import Session

from console.domain.errors import DomainError
from console.domain.limits import check_text
from console.store.models import Cell, Community, PatrolOfficer, WorkGrid, WorkGridCell


@dataclass
class WorkGridDiff:
    """What writing a plan changes: grids created, changed (cells or name), emptied (they keep
    their row and officers, with no cell), and how many cells move."""

    created: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    emptied: list[str] = field(default_factory=list)
    unchanged: int = 0
    cells_moved: int = 0
    officers: list[str] = field(default_factory=list)   # officers whose grid changes

    def to_dict(self) -> dict[str, Any]:
        return {"created": self.created, "changed": self.changed, "emptied": self.emptied,
                "unchanged": self.unchanged, "cells_moved": self.cells_moved,
                "officers_moved": self.officers}


def stored_membership(session: Session) -> tuple[dict[str, str], dict[str, str]]:
    """Cell code → work grid code of the active cells, and work grid code → name."""
    member = dict(session.execute(
        select(Cell.code, WorkGrid.code).join(WorkGridCell, WorkGridCell.cell_id == Cell.id)
        .join(WorkGrid, WorkGrid.id == WorkGridCell.work_grid_id)
        .where(Cell.retired_at.is_(None))).all())
    names = dict(session.execute(select(WorkGrid.code, WorkGrid.name)).all())
    return member, names


def compare(session: Session, planned: dict[str, str | None], names: dict[str, str | None],
            officers: dict[str, str], scope: set[str] | None = None) -> WorkGridDiff:
    """The plan against the database. `planned`: cell code → grid code (None: in no grid);
    cells outside it keep their grid unless `scope` (the cells the import touches) holds them;
    `officers`: officer code → grid code (only officers the database has)."""
    member, stored_names = stored_membership(session)
    scope = set(planned) if scope is None else scope
    after = {c: g for c, g in member.items() if c not in scope}
    after.update({c: g for c, g in planned.items() if g is not None})
    diff = WorkGridDiff()
    diff.cells_moved = sum(1 for c in scope if member.get(c) != after.get(c))
    before_cells: dict[str, set[str]] = {}
    for c, g in member.items():
        before_cells.setdefault(g, set()).add(c)
    after_cells: dict[str, set[str]] = {}
    for c, g in after.items():
        after_cells.setdefault(g, set()).add(c)
    for code in sorted(set(names) | set(after_cells)):
        if code not in stored_names:
            diff.created.append(code)
        elif before_cells.get(code, set()) != after_cells.get(code, set()) or \
                (names.get(code) and names[code] != stored_names[code]):
            diff.changed.append(code)
        else:
            diff.unchanged += 1
    diff.emptied = sorted(g for g in before_cells if not after_cells.get(g))
    diff.changed = [c for c in diff.changed if c not in diff.emptied]
    if officers:
        grid_of = dict(session.execute(
            select(PatrolOfficer.code, WorkGrid.code)
            .join(WorkGrid, WorkGrid.id == PatrolOfficer.work_grid_id, isouter=True)
            .where(PatrolOfficer.code.in_(sorted(officers)))).all())
        diff.officers = sorted(o for o, g in officers.items() if grid_of.get(o, g) != g)
    return diff


def known_officers(session: Session, codes: set[str]) -> set[str]:
    known: set[str] = set()
    ordered = sorted(codes)
    for i in range(0, len(ordered), 5000):
        known.update(session.scalars(select(PatrolOfficer.code)
                                     .where(PatrolOfficer.code.in_(ordered[i:i + 5000]))))
    return known


def text_problem(limit: str, value: str | None) -> str | None:
    """The limit's refusal code if `value` cannot be stored, else None."""
    if value is None:
        return None
    try:
        check_text(limit, value)
    except DomainError as exc:
        return exc.code
    return None


def write(session: Session, planned: dict[str, str | None], names: dict[str, str | None],
          officers: dict[str, str], scope: set[str] | None = None) -> int:
    """Write a plan (see `compare`): grids created or renamed, the cells in scope moved to their
    planned grid, named officers assigned. Returns how many officers changed grid."""
    cell_ids = dict(session.execute(select(Cell.code, Cell.id)
                                    .where(Cell.retired_at.is_(None))).all())
    street_of = dict(session.execute(select(Cell.code, Community.street_id)
                                     .join(Community, Community.id == Cell.community_id)
                                     .where(Cell.retired_at.is_(None))).all())
    streets: dict[str, Counter] = {}
    for c, g in planned.items():
        if g is not None:
            streets.setdefault(g, Counter())[street_of[c]] += 1
    known = dict(session.execute(select(WorkGrid.code, WorkGrid.id)).all())
    stored_names = dict(session.execute(select(WorkGrid.code, WorkGrid.name)).all())
    wanted = set(names) | set(streets)
    new = [{"code": check_text("work_grid_code", code),
            "name": check_text("region_name", names.get(code) or code),
            # the street most of its cells lie in: grids are drawn within a street
            "street_id": streets[code].most_common(1)[0][0] if code in streets else None}
           for code in sorted(wanted - set(known))]
    if new:
        session.execute(insert(WorkGrid), new)
    renamed = [{"id": known[c], "name": check_text("region_name", names[c])}
               for c in sorted(wanted & set(known)) if names.get(c) and names[c] != stored_names[c]]
    if renamed:
        session.execute(update(WorkGrid), renamed)
    grid_id = dict(session.execute(select(WorkGrid.code, WorkGrid.id)).all())
    # Only the cells whose membership changes are rewritten: a re-import of the same work
    # grids writes nothing here (a cell may be stored in several grids: its set is compared).
    current: dict[int, set[int]] = {}
    for cell_id, gid in session.execute(select(WorkGridCell.cell_id, WorkGridCell.work_grid_id)):
        current.setdefault(cell_id, set()).add(gid)
    wanted_of = {cell_ids[c]: ({grid_id[g]} if g is not None else set())
                 for c, g in planned.items() if c in cell_ids}
    for c in (set() if scope is None else scope):
        if c in cell_ids:
            wanted_of.setdefault(cell_ids[c], set())
    reset = sorted(cid for cid, want in wanted_of.items() if current.get(cid, set()) != want)
    table = WorkGridCell.__table__      # Core executemany: the ORM's bulk path is slower
    for i in range(0, len(reset), 5000):
        session.execute(delete(table).where(table.c.cell_id.in_(reset[i:i + 5000])))
    rows = [{"work_grid_id": gid, "cell_id": cid} for cid in reset for gid in wanted_of[cid]]
    for i in range(0, len(rows), 10000):
        session.execute(insert(table), rows[i:i + 10000])
    changed = 0
    for code, grid in sorted(officers.items()):
        changed += session.execute(update(PatrolOfficer).where(
            PatrolOfficer.code == code,
            PatrolOfficer.work_grid_id.is_distinct_from(grid_id[grid]))
            .values(work_grid_id=grid_id[grid])).rowcount
    return changed
