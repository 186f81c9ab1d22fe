"""The map's database work, as functions of a session for the task runner (never the GUI thread).

`build` reads everything the first picture needs and writes the page; the others answer the
live map's follow-up questions (changed cases, a new measure, the heat map, a patrol's track).
All return plain data; no Qt here, so the benchmarks call them directly too.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
from sqlalchemy.orm import Session

from console.map import texts
from console.map.bridge import MapBridge
from console.mappage import grid_binary, grid_cache, mapmath
from console.mappage.page import PageOptions, write_page
from console.mappage.page_data import (PageContent, case_row, dense_array, dense_values,
                                       patrols_data)
from console.mappage.styles import DEFAULT_VALUE
from console.domain.frontage import stretch_points
from console.services import frontage, map_data, map_grid, map_patrols
from console.services.map_grid import GridData
from console.services.map_patrols import PatrolWatch


@dataclass
class MapModel:
    """What a built page shows, kept by the widget to follow the feed without the database."""

    page: Path
    grid: GridData
    grid_colours: dict[int, int]
    watch: PatrolWatch | None   # None until the page is filled (`fill`)
    measure: str
    campaigns: list[str]
    case_rows: dict[int, tuple] = field(default_factory=dict)   # id → page_data.case_row
    values: np.ndarray | None = None   # every cell's value of `measure`, as the page has it
    built_at: datetime | None = None
    fill: Fill | None = None
    grid_source: GridSource | None = None

    @property
    def case_ids(self) -> set[int]:
        return set(self.case_rows)


def measure_legend(measure: str, campaigns: list[str]) -> dict:
    return texts.legend(measure, campaigns)


@dataclass(frozen=True)
class GridSource:
    """Where the page's grid came from: `fingerprint` names its cache folder; `verified` says
    whether it was computed now, or taken from the grid version alone (see grid_changed)."""

    fingerprint: str
    verified: bool


def city_grid(session: Session, cache: Path, *, verify: bool = False
              ) -> tuple[GridData, dict[int, int], Path, GridSource]:
    """The grid, its work-grid colours and the page's grid file: from the cache while the
    grid is unchanged, else read, encoded and kept there.

    Unchanged means, first, the same grid version (one row; every writer of the grid bumps
    it): the kept page is shown at once, and `grid_changed` checks the full fingerprint
    afterwards, in case a writer forgot. With no version, or with `verify`, the fingerprint
    (an aggregate over the cells) decides before anything is shown."""
    version = map_grid.grid_version(session)
    if version is not None and not verify:
        fingerprint = grid_cache.fingerprint_of(cache, version)
        found = grid_cache.load(cache, fingerprint) if fingerprint else None
        if found is not None:
            grid, colours, path = found
            map_grid.place_of(session, grid)
            return grid, colours, path, GridSource(fingerprint, verified=False)
    fingerprint = map_grid.grid_fingerprint(session)
    source = GridSource(fingerprint, verified=True)
    found = grid_cache.load(cache, fingerprint)
    if found is not None:
        grid, colours, path = found
        map_grid.place_of(session, grid)
    else:
        grid = map_grid.load_grid(session)
        colours = map_grid.work_grid_colours(grid)
        data = grid_binary.encode(grid, map_grid.region_boundaries(grid))
        path = grid_cache.store(cache, fingerprint, grid, colours, data)
    if version is not None:
        grid_cache.remember(cache, version, fingerprint)
    return grid, colours, path, source


def grid_differs(session: Session, model: MapModel) -> bool:
    """Whether the stored grid — cells, regions, work-grid membership — is no longer the one
    the page was built from (a grid or work-grid import, a redrawn work grid, at any seat)."""
    source = model.grid_source
    return source is None or map_grid.grid_fingerprint(session) != source.fingerprint


def grid_changed(session: Session, model: MapModel) -> bool:
    """Whether the grid differs from the page's though its version did not (a writer that
    did not bump it): run after the page is shown, when it came by version alone."""
    source = model.grid_source
    if source is None or source.verified:
        return False
    return map_grid.grid_fingerprint(session) != source.fingerprint


def build_page(session: Session, folder: Path, options: PageOptions, *, measure: str,
               now: datetime, cache: Path | None = None, verify: bool = False) -> MapModel:
    """Write the page of the grid alone into `folder`: what the screen shows first. The
    grid's part comes from `cache` (a folder kept between starts) while the grid is
    unchanged; the cells' measure, the cases, the patrols and the heat map follow through
    the channel (`fill`), so nothing of theirs is read before the grid is drawn."""
    grid, colours, grid_file, source = city_grid(session, cache or folder / "grid-cache",
                                                 verify=verify)
    if options.view is not None and len(grid):
        # A view remembered from another database (or city) would open on empty ground.
        lat, lon, _ = options.view
        min_lon, min_lat, max_lon, max_lat = grid.bbox
        if not (min_lon <= lon <= max_lon and min_lat <= lat <= max_lat):
            options.view = None
    campaigns = map_data.campaign_names(session, now)
    if measure == "campaign" and not campaigns:
        measure = "open"   # the seat chose a campaign measure, but none is running now
    values: dict[int, int] = {}
    if measure == "work_grid":   # the grid's own colours: no query
        values = map_data.cell_values(session, grid, measure, now, work_grid_colour=colours)
    content = PageContent(grid=grid, measure=measure, values=values,
                          legend=measure_legend(measure, campaigns), cases=[], roster=[],
                          patrols=[], trails={}, heat=[], case_rows={})
    page = write_page(folder, content, options, grid_file)
    return MapModel(page=page, grid=grid, grid_colours=colours, watch=None, measure=measure,
                    campaigns=campaigns, case_rows={},
                    values=dense_array(len(grid), values, DEFAULT_VALUE[measure]), built_at=now,
                    grid_source=source)


@dataclass(frozen=True)
class Fill:
    """The rest of the first picture, read after the grid's page: the page's messages are
    encoded here in the worker; the GUI thread only passes them on."""

    watch: PatrolWatch
    case_rows: dict[int, tuple]
    measure: MeasureUpdate
    messages: list[str]


def fill(session: Session, model: MapModel, *, heat_days: int, trail_minutes: int,
         now: datetime, heat_night: bool = False) -> Fill:
    """The cells' measure, the open cases, the patrols with their trails and the heat map."""
    measure = measure_update(session, model, model.measure, now)
    markers, _ = map_data.case_markers(session, now)
    rows = {m.id: case_row(m) for m in markers}
    roster = map_patrols.patrol_roster(session)
    fixes = map_patrols.latest_fixes(session, now)
    rules = map_patrols.state_rules(session)
    # The tracks the alert engine stored (and the fixes since) when it has: only the trails
    # are read then; the half hour of history only for the officers it has no track of.
    start = map_patrols.start_tracks(session, now, rules)
    stored = start.tracks.keys() if start is not None else set()
    tracks = map_patrols.recent_tracks(session, fixes.keys() - stored, now,
                                       minutes=map_patrols.HISTORY_MINUTES)
    if stored:
        tracks |= map_patrols.recent_tracks(session, fixes.keys() & stored, now,
                                            minutes=trail_minutes)
    watch = PatrolWatch(roster, model.grid, now, fixes, tracks, rules, start)
    trail_from = now - timedelta(minutes=trail_minutes)
    trails = {o: [p for p in track if p[0] >= trail_from] for o, track in tracks.items()}
    points = heat(session, model, heat_days, now, heat_night)
    encode = MapBridge.encode
    messages = [
        encode("measure", measure=measure.measure, legend=measure.legend, values=measure.encoded),
        encode("cases", rows=list(rows.values())),
        encode("patrols", **patrols_data(roster, watch.views(), trails)),
        encode("heat", points=points),
        frontage_message(session, now),
    ]
    return Fill(watch, rows, measure, messages)


def build(session: Session, folder: Path, options: PageOptions, *, measure: str,
          heat_days: int, now: datetime, cache: Path | None = None) -> MapModel:
    """The page and everything it shows, in one go (for tests and benchmarks; the widget
    runs the two steps apart so the grid is drawn before the rest is read)."""
    model = build_page(session, folder, options, measure=measure, now=now, cache=cache)
    done = fill(session, model, heat_days=heat_days, trail_minutes=options.trail_minutes,
                now=now)
    apply_fill(model, done)
    return model


def apply_fill(model: MapModel, done: Fill) -> None:
    model.watch = done.watch
    model.case_rows = done.case_rows
    model.values = done.measure.dense
    model.campaigns = done.measure.campaigns
    model.fill = done


@dataclass(frozen=True)
class CaseUpdate:
    """Changed case markers and the cells whose measure they moved."""

    markers: list[map_data.CaseMarker]
    gone: list[int]
    measure: str
    cells: dict[int, int]


def case_update(session: Session, model: MapModel, case_ids: list[int], cell_ids: list[int],
                measure: str, now: datetime) -> CaseUpdate:
    """Markers of the cases the feed named and the current measure of the cells it touched."""
    markers, gone = map_data.case_markers(session, now, case_ids) if case_ids else ([], [])
    cells: dict[int, int] = {}
    if cell_ids and measure != "work_grid":
        cells = map_data.cell_values(session, model.grid, measure, now, cell_ids=cell_ids)
    return CaseUpdate(markers, gone, measure, cells)


@dataclass(frozen=True)
class MeasureUpdate:
    measure: str
    values: dict[int, int]
    legend: dict
    campaigns: list[str]
    dense: np.ndarray | None = None      # every cell's value (int16)
    encoded: str = ""                    # `dense` as the page takes it (base64)
    changed: np.ndarray | None = None    # indexes that differ from the page's (a refresh)


def measure_update(session: Session, model: MapModel, measure: str, now: datetime,
                   shown: np.ndarray | None = None) -> MeasureUpdate:
    """Every cell's value of a measure (after a switch, or the periodic refresh); with
    `shown` (the values the page has), also which cells differ from them. The encoding and
    the comparison are done here, in the worker, not on the GUI thread."""
    campaigns = map_data.campaign_names(session, now)
    values = map_data.cell_values(session, model.grid, measure, now,
                                  work_grid_colour=model.grid_colours)
    dense = dense_array(len(model.grid), values, DEFAULT_VALUE[measure])
    changed = None
    if shown is not None and len(shown) == len(dense):
        changed = np.flatnonzero(shown != dense)
    return MeasureUpdate(measure, values, measure_legend(measure, campaigns), campaigns, dense,
                         dense_values(len(model.grid), values, DEFAULT_VALUE[measure]), changed)


@dataclass(frozen=True)
class CaseDiff:
    """What the periodic re-read found different from the rows the page had (`base`)."""

    upsert: list[tuple]
    gone: list[int]
    base: dict[int, tuple]


def case_diff(session: Session, base: dict[int, tuple], now: datetime) -> CaseDiff:
    """Every open case re-read, compared with `base` (a copy of the page's rows) here in the
    worker: only the rows that changed go back to the GUI thread and on to the page. Tones
    that move with the clock need no re-send (the page has the deadline and the near time)."""
    rows = {m.id: case_row(m) for m in map_data.case_markers(session, now)[0]}
    upsert = [row for cid, row in rows.items() if _sent(base.get(cid)) != _sent(row)]
    gone = sorted(set(base) - set(rows))
    return CaseDiff(upsert, gone, base)


def _sent(row: tuple | None) -> tuple | None:
    # The tone of a running case is the page's to move (from the deadline and near time).
    if row is None or row[3] not in CLOCK_TONES:
        return row
    return row[:3] + ("running",) + row[4:]


CLOCK_TONES = frozenset({"running", "near", "overdue"})


def frontage_layer(session: Session, now: datetime) -> list[dict[str, Any]]:
    """The street-front units offending again (门前三包回潮): their stretches, for the page."""
    out = []
    for r in frontage.repeat_offenders(session, now):
        points = stretch_points(r.stretch)
        out.append({"code": r.code, "name": r.name, "count": r.count,
                    "polygon": r.stretch.get("type") == "Polygon",
                    "latlngs": [[round(lat, 7), round(lon, 7)] for lon, lat in points]})
    return out


def frontage_message(session: Session, now: datetime) -> str:
    """The page's message that (re)draws the layer of units offending again."""
    return MapBridge.encode("frontage", title=texts.tr(texts.FRONTAGE_LAYER),
                            units=frontage_layer(session, now))


def heat(session: Session, model: MapModel, days: int, now: datetime,
         night: bool = False) -> list[list[float]]:
    """The heat map's points for a period (`night`: its night reports only), weights 0..1."""
    return mapmath.heat_weights(
        map_data.heat_points(session, model.grid, map_data.heat_since(now, days), night))
