"""Importing the centre's unit grid from its GIS file: a dry run that reports, then the write.

`plan_grid_import` reads and checks the file and compares it with the grid in the database
(nothing is written); `apply_grid_import` writes a plan in the caller's transaction, so the
import is all or nothing. A re-import updates cells by code, retires the cells the file no
longer has (their cases keep them), and brings retired cells back when they return. A setup
wizard calls the same two functions the command line does.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
from sqlalchemy import Text, cast, delete, func, insert, select, update
from sqlalchemy.orm import Session

from console.domain.changes import ChangeAction, ChangeKind
from console.domain.errors import DomainError
from console.domain.limits import check_text
from console.domain.permissions import Permission
from console.gis import crs as crsmod
from console.gis.checks import (ERROR, WARNING, CheckedFeature, CheckOptions, Problem,
                                check_features)
from console.gis.areas import officer_codes
from console.gis.fields import FieldMap, detect_fields
from console.gis.errors import GisError
from console.gis.reader import read_source
from console.services.actor import Actor, authorize
from console.services.map_grid import GRID_VERSION_KEY, bump_grid_version, grid_version
from console.services import work_grid_plan
from console.services.settings import SHARED_SETTINGS, get_setting
from console.services.trail import audited, command_line_actor
from console.store import feed
from console.store.upsert import insert_for
from console.store.models import Case, Cell, Community, District, Meta, Street, WorkGridCell

#: Vertices that moved less than this (degrees, about a centimetre) have not moved.
SAME_DEG = 2e-7


class GridImportError(DomainError):
    """The file or the options cannot be used at all: a refusal whose code and parameters
    console/common/grid_texts.py words (not the general table: these are the importer's own),
    with an English sentence for logs."""

    def __init__(self, code: str, message: str, **params: Any) -> None:
        super().__init__(code, **params)
        self.message = message

    def __str__(self) -> str:
        return self.message


@dataclass(frozen=True)
class GridImportOptions:
    crs: str | None = None               # None: from the file (.prj / GeoJSON crs), else WGS 84
    code_field: str | None = None
    fields: dict[str, str] = field(default_factory=dict)   # other roles of FieldMap, by name
    encoding: str | None = None
    repair: bool = False                 # make invalid rings valid (with a warning) instead
    skip_invalid: bool = False           # import the valid features, report the rest
    code_lengths: tuple[int, ...] | None = None   # None: the shared setting grid_code_lengths


@dataclass
class GridDiff:
    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    unchanged: int = 0
    retired: list[str] = field(default_factory=list)
    reactivated: list[str] = field(default_factory=list)
    cases_on_retired: int = 0
    new_regions: dict[str, int] = field(default_factory=dict)


@dataclass
class GridImportReport:
    """The dry run's findings: what the file is, what is wrong, what an import would change."""

    source: str
    format: str
    encoding: str
    encoding_note: str
    crs: str
    fields: FieldMap
    features: list[CheckedFeature]
    problems: list[Problem]
    diff: GridDiff
    options: GridImportOptions
    grid_version: str = ""      # the stored grid the diff was made against ("" : none yet)
    attributes: list[str] = field(default_factory=list)    # the file's attribute names
    work_grids: work_grid_plan.WorkGridDiff | None = None   # with a work-grid attribute

    @property
    def invalid(self) -> list[CheckedFeature]:
        return [f for f in self.features if not f.ok]

    @property
    def file_ok(self) -> bool:
        return not any(p.severity == ERROR for p in self.problems)

    @property
    def importable(self) -> bool:
        """Whether `apply_grid_import` would write: no file-level error, and every feature valid
        (or invalid ones skipped while some are valid)."""
        valid = len(self.features) - len(self.invalid)
        return self.file_ok and valid > 0 and (self.options.skip_invalid or not self.invalid)

    def to_dict(self) -> dict[str, Any]:
        d = self.diff
        return {
            "source": self.source, "format": self.format, "encoding": self.encoding,
            "encoding_note": self.encoding_note, "crs": self.crs, "fields": self.fields.to_dict(),
            "features": len(self.features), "invalid": len(self.invalid),
            "importable": self.importable,
            "problems": [p.to_dict() for p in self.problems],
            "changes": {"added": len(d.added), "changed": len(d.changed),
                        "unchanged": d.unchanged, "retired": len(d.retired),
                        "reactivated": len(d.reactivated),
                        "cases_on_retired": d.cases_on_retired, "new_regions": d.new_regions,
                        "retired_codes": d.retired, "changed_codes": d.changed},
            "work_grids": self.work_grids.to_dict() if self.work_grids else None,
            "feature_problems": [{"feature": f.index, "code": f.code,
                                  "problems": [p.to_dict() for p in f.problems]}
                                 for f in self.features if f.problems],
        }


def plan_grid_import(session: Session, path: str | Path,
                     options: GridImportOptions = GridImportOptions(), *,
                     progress: Callable[[float, str], None] | None = None) -> GridImportReport:
    """Read and check the file and compare it with the stored grid; writes nothing.
    `progress(fraction, stage)` hears of each stage ("read", "check", "compare"); it may raise
    to stop (the console's cancel)."""
    step = progress or (lambda fraction, stage: None)
    step(0.0, "read")
    try:
        source = read_source(path, options.encoding)
        sample = [f.attributes for f in source.features[:200]]
        lengths = options.code_lengths or code_lengths(session)
        try:
            fmap = detect_fields(source.fields, sample, code_field=options.code_field,
                                 code_lengths=lengths, **options.fields)
        except KeyError as exc:
            names = ", ".join(source.fields) or "-"
            raise GridImportError("no_such_field", f"no field {exc.args[0]!r} in the file "
                                  f"(fields: {names})", field=exc.args[0],
                                  fields=list(source.fields)) from None
        if fmap.code is None:
            names = ", ".join(source.fields) or "-"
            raise GridImportError("no_code_field", "no field holds the cell codes; name it with "
                                  f"--code-field (fields: {names})", fields=list(source.fields))
        stated = crsmod.stated_crs(options.crs, source.prj_wkt, source.geojson_crs)
    except GisError as exc:             # the reader's code reaches the user, worded
        raise GridImportError(exc.code, str(exc), **exc.params) from None
    step(0.3, "check")
    centre = centre_of(session)
    features, problems, used = check_features(
        source, fmap, stated, CheckOptions(lengths, options.repair, centre))
    _check_names(features)
    if fmap.officer:
        _check_officers(session, features)
    report = GridImportReport(source.path, source.format, source.encoding, source.encoding_note,
                              used.label, fmap, features, problems, GridDiff(), options,
                              grid_version(session) or "", list(source.fields))
    if report.file_ok:
        step(0.8, "compare")
        report.diff = _compare(session, features)
        if fmap.work_grid:
            planned, names, officers = _work_grid_plan(session, features)
            report.work_grids = work_grid_plan.compare(session, planned, names, officers,
                                                       set(planned) | set(report.diff.retired))
    step(1.0, "done")
    return report


def code_lengths(session: Session) -> tuple[int, ...]:
    """The digits a cell code may have, from the shared setting (its default if unusable)."""
    value = get_setting(session, "grid_code_lengths")
    try:
        lengths = tuple(sorted({int(v) for v in value if not isinstance(v, bool)
                                and 4 <= int(v) <= 32}))
    except (TypeError, ValueError):
        lengths = ()
    return lengths or tuple(SHARED_SETTINGS["grid_code_lengths"][0])


def _check_officers(session: Session, features: list[CheckedFeature]) -> None:
    """An officer the file names but the database lacks is reported on each of its features
    (the work grid is imported without that officer), never silently passed over; so is an
    officer named under two work grids (the first keeps the officer)."""
    named = {o for f in features if f.place is not None for o in officer_codes(f.place.officer)}
    if not named:
        return
    known = work_grid_plan.known_officers(session, named)
    grid_of: dict[str, str | None] = {}
    for f in features:
        if f.place is None:
            continue
        for officer in officer_codes(f.place.officer):
            if officer not in known:
                f.add("unknown_officer", WARNING, officer=officer)
            first = grid_of.setdefault(officer, f.place.work_grid)
            if first != f.place.work_grid:
                f.add("officer_in_two_grids", WARNING, officer=officer, other=first)


def _work_grid_plan(session: Session, features: list[CheckedFeature]):
    """The work grids the file's attribute asks for: cell → grid, grid → name, officer → grid
    (officers the database has, each in the first grid it is named under)."""
    ok = [f for f in features if f.ok]
    planned = {f.code: f.place.work_grid for f in ok}
    names: dict[str, str | None] = {}
    officers: dict[str, str] = {}
    for f in ok:
        grid = f.place.work_grid
        if grid:
            names[grid] = names.get(grid) or f.place.work_grid_name
            for officer in officer_codes(f.place.officer):
                officers.setdefault(officer, grid)
    known = work_grid_plan.known_officers(session, set(officers))
    return planned, names, {o: g for o, g in officers.items() if o in known}


def centre_of(session: Session) -> tuple[float, float] | None:
    """The centre's region (lon, lat) as the database records it, or None."""
    row = session.get(Meta, "centre")
    try:
        lon, lat = json.loads(row.value) if row is not None else (None, None)
        return (float(lon), float(lat)) if lon is not None else None
    except (ValueError, TypeError):
        return None


def _check_names(features: list[CheckedFeature]) -> None:
    for f in features:
        if f.place is None:
            continue
        for role in ("community_name", "street_name", "district_name", "work_grid_name"):
            value = getattr(f.place, role)
            if value is not None:
                try:
                    check_text("region_name", value)
                except DomainError as exc:
                    f.add("bad_text", field=role, why=exc.code)
        why = work_grid_plan.text_problem("work_grid_code", f.place.work_grid)
        if why:
            f.add("bad_text", field="work_grid", why=why)
        for officer in officer_codes(f.place.officer):
            why = work_grid_plan.text_problem("officer_code", officer)
            if why:
                f.add("bad_text", field="officer", why=why)
                break


def _compare(session: Session, features: list[CheckedFeature]) -> GridDiff:
    diff = GridDiff()
    rows = session.execute(select(Cell.code, Cell.community_id, Cell.retired_at,
                                  cast(Cell.ring, Text))).all()
    community_code = dict(session.execute(select(Community.id, Community.code)).all())
    stored = {r[0]: r for r in rows}
    rings = json.loads("[" + ",".join(r[3] for r in rows) + "]") if rows else []
    ring_of = {r[0]: ring for r, ring in zip(rows, rings)}
    in_file = {f.code for f in features if f.code}
    for f in features:
        if not f.ok:
            continue
        old = stored.get(f.code)
        if old is None:
            diff.added.append(f.code)
            continue
        if old[2] is not None:
            diff.reactivated.append(f.code)
        old_ring = np.asarray(ring_of[f.code], dtype=float)
        moved = old_ring.shape != f.ring.shape or not np.allclose(old_ring, f.ring, atol=SAME_DEG,
                                                                    rtol=0)
        if moved or community_code.get(old[1]) != f.place.community_code:
            diff.changed.append(f.code)
        elif old[2] is None:
            diff.unchanged += 1
    diff.retired = sorted(code for code, r in stored.items() if r[2] is None and code not in in_file)
    if diff.retired:
        ids = select(Cell.id).where(Cell.code.in_(diff.retired))
        diff.cases_on_retired = session.scalar(select(func.count()).select_from(Case)
                                               .where(Case.cell_id.in_(ids))) or 0
    places = [f.place for f in features if f.ok]
    for level, model, attr in (("district", District, "district_code"),
                               ("street", Street, "street_code"),
                               ("community", Community, "community_code")):
        known = set(session.scalars(select(model.code)))
        diff.new_regions[level] = len({getattr(p, attr) for p in places} - known)
    return diff


def apply_grid_import(session: Session, report: GridImportReport, at: datetime, *,
                      actor: Actor | None = None) -> GridDiff:
    """Write the plan in the caller's transaction (all or nothing: the caller commits)."""
    actor = command_line_actor() if actor is None else authorize(session, actor,
                                                                  Permission.EDIT_SETTINGS)
    if not report.importable:
        if report.file_ok:
            raise GridImportError("not_importable", "the grid has problems and nothing was "
                                  "imported")
        raise GridImportError("file_not_importable", "the file cannot be imported as it is")
    if locked_grid_version(session) != report.grid_version:
        raise GridImportError("grid_changed", "the grid was changed since the dry run (another "
                              "seat imported or edited it): check the file again")
    features = [f for f in report.features if f.ok]
    regions = _write_regions(session, features)
    _write_cells(session, features, regions["community"], at)
    retired_ids = list(session.scalars(select(Cell.id).where(Cell.code.in_(report.diff.retired))))
    if retired_ids:
        session.execute(update(Cell).where(Cell.id.in_(retired_ids)).values(retired_at=at))
        session.execute(delete(WorkGridCell).where(WorkGridCell.cell_id.in_(retired_ids)))
    officers = 0
    if report.fields.work_grid:
        planned, names, named = _work_grid_plan(session, features)
        officers = work_grid_plan.write(session, planned, names, named)
    lons = np.concatenate([f.ring[:, 0] for f in features])
    lats = np.concatenate([f.ring[:, 1] for f in features])
    bbox = [float(lons.min()), float(lats.min()), float(lons.max()), float(lats.max())]
    _meta(session, "bbox", json.dumps(bbox))
    if session.get(Meta, "centre") is None:
        _meta(session, "centre", json.dumps([round((bbox[0] + bbox[2]) / 2, 6),
                                             round((bbox[1] + bbox[3]) / 2, 6)]))
    bump_grid_version(session)
    d = report.diff
    summary = {"source": Path(report.source.split("!")[0]).name, "crs": report.crs,
               "added": len(d.added), "changed": len(d.changed), "retired": len(d.retired),
               "reactivated": len(d.reactivated), "skipped": len(report.invalid)}
    feed.record(session, ChangeKind.CITY, None, ChangeAction.LOADED, at, summary)
    if report.fields.work_grid:
        feed.record(session, ChangeKind.WORK_GRID, None, ChangeAction.LOADED, at)
    if officers:
        feed.record(session, ChangeKind.OFFICER, None, ChangeAction.CHANGED, at)
    audited(session, actor, ChangeKind.CITY, None, ChangeAction.LOADED, at, summary)
    return d


def locked_grid_version(session: Session) -> str:
    """The stored grid version, read after taking the grid's write lock: a second seat
    applying the same plan waits here, then sees the first one's version and refuses, rather
    than applying a diff made against a grid that is gone. The no-op update is the lock
    (PostgreSQL: the row; SQLite: the database's one writer, taken before the read)."""
    session.execute(insert_for(session, Meta).values(key=GRID_VERSION_KEY, value="")
                    .on_conflict_do_nothing(index_elements=[Meta.key]))
    session.execute(update(Meta).where(Meta.key == GRID_VERSION_KEY).values(value=Meta.value)
                    .execution_options(synchronize_session=False))
    return session.scalar(select(Meta.value).where(Meta.key == GRID_VERSION_KEY)
                          .execution_options(populate_existing=True)) or ""


def _meta(session: Session, key: str, value: str) -> None:
    row = session.get(Meta, key)
    if row is None:
        session.add(Meta(key=key, value=value))
    else:
        row.value = value


def _write_regions(session: Session, features: list[CheckedFeature]) -> dict[str, dict[str, int]]:
    """Districts, streets and communities by code: new ones added, names the file gives set."""
    ids: dict[str, dict[str, int]] = {}
    levels = (("district", District, "district_code", "district_name", None),
              ("street", Street, "street_code", "street_name", ("district_id", "district")),
              ("community", Community, "community_code", "community_name",
               ("street_id", "street")))
    for level, model, code_attr, name_attr, parent in levels:
        names: dict[str, str | None] = {}
        for f in features:
            code = getattr(f.place, code_attr)
            names[code] = getattr(f.place, name_attr) or names.get(code)
        known = dict(session.execute(select(model.code, model.id)).all())
        stored_names = dict(session.execute(select(model.code, model.name)).all())
        new = []
        for code in sorted(set(names) - set(known)):
            row = {"code": code, "name": check_text("region_name", names[code] or code)}
            if parent:
                row[parent[0]] = ids[parent[1]][code[:len(code) - 3]]
            new.append(row)
        if new:
            session.execute(insert(model), new)
        renamed = [{"id": known[c], "name": check_text("region_name", n)}
                   for c, n in names.items() if n and c in known and stored_names[c] != n]
        if renamed:
            session.execute(update(model), renamed)
        ids[level] = dict(session.execute(select(model.code, model.id)).all())
    return ids


def _write_cells(session: Session, features: list[CheckedFeature], community_id: dict[str, int],
                 at: datetime) -> dict[str, int]:
    known = dict(session.execute(select(Cell.code, Cell.id)).all())
    new, old = [], []
    for f in features:
        ring = np.round(f.ring, 7)
        row = {"community_id": community_id[f.place.community_code], "ring": ring.tolist(),
               "centroid_lon": f.centroid[0], "centroid_lat": f.centroid[1],
               "area_m2": f.area_m2, "min_lon": float(ring[:, 0].min()),
               "min_lat": float(ring[:, 1].min()), "max_lon": float(ring[:, 0].max()),
               "max_lat": float(ring[:, 1].max()), "retired_at": None}
        if f.code in known:
            old.append({"id": known[f.code], **row})
        else:
            new.append({"code": f.code, **row})
    for i in range(0, len(new), 10000):
        session.execute(insert(Cell), new[i:i + 10000])
    for i in range(0, len(old), 10000):
        session.execute(update(Cell), old[i:i + 10000])
    return dict(session.execute(select(Cell.code, Cell.id)).all())
