"""Importing work grids (责任网格) from a file of their own: polygons with a code, a name and
optionally their officers' codes, over the unit grid already in the database.

`plan_workgrid_import` reads and checks the file, assigns every active cell to the polygon
holding it (console/gis/areas.py says how and why) and compares with the stored work grids;
nothing is written. `apply_workgrid_import` writes the plan in the caller's transaction: all
or nothing. The file is the whole set of work grids: a cell it leaves in no polygon leaves its
work grid, and a stored work grid the file lacks is emptied (kept, with its officers, so their
history stays readable).
"""
from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import numpy as np
from sqlalchemy import Text, cast, select
from sqlalchemy.orm import Session

from console.domain.changes import ChangeAction, ChangeKind
from console.domain.permissions import Permission
from console.gis import crs as crsmod
from console.gis.areas import (AreaFields, CheckedArea, assign_cells, check_areas,
                               detect_area_fields)
from console.gis.checks import ERROR, WARNING, Problem
from console.gis.errors import GisError
from console.gis.reader import read_source
from console.services import work_grid_plan
from console.services.actor import Actor, authorize
from console.services.grid_import import GridImportError, centre_of, locked_grid_version
from console.services.map_grid import bump_grid_version, grid_version
from console.services.trail import audited, command_line_actor
from console.store import feed
from console.store.models import Cell

#: Cells listed by code in the report (the counts are always complete).
LISTED_CELLS = 1000


@dataclass(frozen=True)
class WorkGridImportOptions:
    crs: str | None = None               # None: from the file (.prj / GeoJSON crs), else WGS 84
    code_field: str | None = None
    name_field: str | None = None
    officer_field: str | None = None
    encoding: str | None = None
    repair: bool = False
    skip_invalid: bool = False


@dataclass
class WorkGridImportReport:
    source: str
    format: str
    encoding: str
    encoding_note: str
    crs: str
    fields: AreaFields
    areas: list[CheckedArea]
    problems: list[Problem]
    options: WorkGridImportOptions
    attributes: list[str] = field(default_factory=list)
    grid_version: str = ""
    cells: int = 0                                       # active cells in the database
    no_grid: list[str] = field(default_factory=list)     # cell codes in no polygon
    in_two: list[tuple[str, list[str]]] = field(default_factory=list)   # cell, grid codes
    planned: dict[str, str | None] = field(default_factory=dict)      # cell → grid
    names: dict[str, str | None] = field(default_factory=dict)
    officers: dict[str, str] = field(default_factory=dict)            # known officer → grid
    diff: work_grid_plan.WorkGridDiff = field(default_factory=work_grid_plan.WorkGridDiff)
    # The outlines of the cells in no or two work grids (the first LISTED_CELLS), for a preview.
    cell_rings: dict[str, np.ndarray] = field(default_factory=dict)

    @property
    def invalid(self) -> list[CheckedArea]:
        return [a for a in self.areas if not a.ok]

    @property
    def file_ok(self) -> bool:
        return not any(p.severity == ERROR for p in self.problems)

    @property
    def importable(self) -> bool:
        valid = len(self.areas) - len(self.invalid)
        return self.file_ok and valid > 0 and (self.options.skip_invalid or not self.invalid)

    def to_dict(self) -> dict[str, Any]:
        return {
            "source": self.source, "format": self.format, "encoding": self.encoding,
            "encoding_note": self.encoding_note, "crs": self.crs, "fields": self.fields.to_dict(),
            "features": len(self.areas), "invalid": len(self.invalid),
            "importable": self.importable, "cells": self.cells,
            "problems": [p.to_dict() for p in self.problems],
            "cells_in_no_grid": len(self.no_grid),
            "cells_in_no_grid_codes": self.no_grid[:LISTED_CELLS],
            "cells_in_two_grids": [{"cell": c, "work_grids": g}
                                   for c, g in self.in_two[:LISTED_CELLS]],
            "changes": self.diff.to_dict(),
            "feature_problems": [{"feature": a.index, "code": a.code,
                                  "problems": [p.to_dict() for p in a.problems]}
                                 for a in self.areas if a.problems],
        }


def plan_workgrid_import(session: Session, path: str | Path,
                         options: WorkGridImportOptions = WorkGridImportOptions(), *,
                         progress: Callable[[float, str], None] | None = None
                         ) -> WorkGridImportReport:
    """Read and check the file, assign the cells, compare with the stored work grids; writes
    nothing. `progress(fraction, stage)` may raise to stop (the console's cancel)."""
    step = progress or (lambda fraction, stage: None)
    step(0.0, "read")
    try:
        source = read_source(path, options.encoding)
        try:
            fields = detect_area_fields(source.fields, code_field=options.code_field,
                                        name_field=options.name_field,
                                        officer_field=options.officer_field)
        except KeyError as exc:
            raise GridImportError("no_such_field", f"no field {exc.args[0]!r} in the file",
                                  field=exc.args[0], fields=list(source.fields)) from None
        if fields.code is None:
            raise GridImportError("no_work_grid_field", "no field holds the work grid codes; "
                                  "name it with --code-field", fields=list(source.fields))
        stated = crsmod.stated_crs(options.crs, source.prj_wkt, source.geojson_crs)
    except GisError as exc:
        raise GridImportError(exc.code, str(exc), **exc.params) from None
    step(0.3, "check")
    areas, problems, used = check_areas(source, fields, stated, centre=centre_of(session),
                                        repair=options.repair)
    _check_texts(session, areas)
    report = WorkGridImportReport(source.path, source.format, source.encoding,
                                  source.encoding_note, used.label, fields, areas, problems,
                                  options, list(source.fields), grid_version(session) or "")
    if report.file_ok:
        step(0.6, "compare")
        _assign(session, report)
    step(1.0, "done")
    return report


def _check_texts(session: Session, areas: list[CheckedArea]) -> None:
    named = {o for a in areas for o in a.officers}
    known = work_grid_plan.known_officers(session, named) if named else set()
    for a in areas:
        for role, limit, value in (("code", "work_grid_code", a.code),
                                   ("name", "region_name", a.name)):
            why = work_grid_plan.text_problem(limit, value)
            if why:
                a.add("bad_text", field=role, why=why)
        for officer in a.officers:
            why = work_grid_plan.text_problem("officer_code", officer)
            if why:
                a.add("bad_text", field="officer", why=why)
            elif officer not in known:
                a.add("unknown_officer", WARNING, officer=officer)


def _assign(session: Session, report: WorkGridImportReport) -> None:
    rows = session.execute(select(Cell.code, Cell.centroid_lon, Cell.centroid_lat,
                                  cast(Cell.ring, Text)).where(Cell.retired_at.is_(None))
                           .order_by(Cell.code)).all()
    report.cells = len(rows)
    if not rows:        # work grids over nothing: the unit grid must come first
        report.problems.append(Problem("no_grid_yet", ERROR))
        return
    # Invalid polygons hold no cells: with them skipped, this is what the import writes;
    # without, nothing is written anyway.
    geometries = [a.geometry if a.ok else None for a in report.areas]
    rings = [np.asarray(r, dtype=float) for r in _json_list([r[3] for r in rows])]
    centroids = np.array([(r[1], r[2]) for r in rows], dtype=float).reshape(-1, 2)
    done = assign_cells(geometries, rings, centroids)
    codes = [r[0] for r in rows]
    area_code = [a.code for a in report.areas]
    report.planned = {c: (area_code[i] if i >= 0 else None)
                      for c, i in zip(codes, done.area_of.tolist())}
    report.no_grid = [c for c, g in report.planned.items() if g is None]
    report.in_two = [(codes[c], [area_code[i] for i in found]) for c, found in done.in_two]
    index = {c: i for i, c in enumerate(codes)}
    shown = report.no_grid[:LISTED_CELLS] + [c for c, _ in report.in_two[:LISTED_CELLS]]
    report.cell_rings = {c: rings[index[c]] for c in shown}
    held = np.bincount(done.area_of[done.area_of >= 0], minlength=len(report.areas))
    for i, a in enumerate(report.areas):
        if geometries[i] is not None and held[i] == 0:
            a.add("empty_work_grid", WARNING)
    kept = [a for a in report.areas if a.ok and a.code]
    report.names = {a.code: a.name for a in kept}
    known = work_grid_plan.known_officers(session, {o for a in kept for o in a.officers})
    officers: dict[str, str] = {}
    for a in kept:
        for o in a.officers:
            if o in known:
                officers.setdefault(o, a.code)
    report.officers = officers
    report.diff = work_grid_plan.compare(session, report.planned, report.names, officers)


def _json_list(texts: list[str]) -> list[Any]:
    """The cells' JSON rings parsed in one call (a tenth of the time of one call per cell)."""
    return json.loads("[" + ",".join(texts) + "]") if texts else []


def apply_workgrid_import(session: Session, report: WorkGridImportReport, at: datetime, *,
                          actor: Actor | None = None) -> work_grid_plan.WorkGridDiff:
    """Write the plan in the caller's transaction (all or nothing: the caller commits)."""
    actor = command_line_actor() if actor is None else authorize(session, actor,
                                                                  Permission.EDIT_SETTINGS)
    if not report.importable:
        if report.file_ok:
            raise GridImportError("not_importable", "the work grids have problems and nothing "
                                  "was imported")
        raise GridImportError("file_not_importable", "the file cannot be imported as it is")
    if locked_grid_version(session) != report.grid_version:
        raise GridImportError("grid_changed", "the grid or its work grids changed since the "
                              "dry run: check the file again")
    officers = work_grid_plan.write(session, report.planned, report.names, report.officers)
    bump_grid_version(session)     # the map's work-grid colours are part of its kept grid
    d = report.diff
    summary = {"source": Path(report.source.split("!")[0]).name, "crs": report.crs,
               "created": len(d.created), "changed": len(d.changed), "emptied": len(d.emptied),
               "cells_moved": d.cells_moved, "cells_in_no_grid": len(report.no_grid),
               "skipped": len(report.invalid)}
    feed.record(session, ChangeKind.WORK_GRID, None, ChangeAction.LOADED, at, summary)
    if officers:
        feed.record(session, ChangeKind.OFFICER, None, ChangeAction.CHANGED, at)
    audited(session, actor, ChangeKind.WORK_GRID, None, ChangeAction.LOADED, at, summary)
    return d
