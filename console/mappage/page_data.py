"""The page's data file (data.js): the settings, the measure and the first picture as JSON.

The grid's shapes, codes and region outlines are not here but in grid.bin (grid_binary),
which is the same while the grid is and is kept between starts (grid_cache).
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import numpy as np

from console.mappage import mapmath, styles
from console.services.map_data import TONES, CaseMarker
from console.services.map_grid import GridData
from console.services.map_patrols import PatrolInfo, PatrolView

DATA_FILE = "data.js"
#: The grid's part of the page (cells and boundaries): the same while the grid is, so a page
#: built at an earlier start lends it to the next (see grid_cache, grid_binary).
GRID_FILE = "grid.bin"


@dataclass
class PageContent:
    """Everything the first picture shows; built in a worker, written once."""

    grid: GridData
    measure: str
    values: dict[int, int]
    legend: dict
    cases: list[CaseMarker]
    roster: list[PatrolInfo]
    patrols: list[PatrolView]
    trails: dict[int, list[tuple[datetime, float, float]]]
    heat: list[tuple[float, float, int]] = field(default_factory=list)
    case_rows: dict[int, tuple] | None = None   # case_row of each marker, when made already


def epoch_ms(at: datetime | None) -> int | None:
    """Milliseconds since the epoch of a local wall-clock time (what the page's Date uses)."""
    return None if at is None else int(at.timestamp() * 1000)


def dense_array(n: int, values: dict[int, int], default: int) -> np.ndarray:
    """A measure for every cell as int16 (counts above 32767 are clipped)."""
    out = np.full(n, default, dtype=np.int16)
    if values:
        idx = np.fromiter(values.keys(), dtype=np.int64, count=len(values))
        val = np.fromiter(values.values(), dtype=np.int64, count=len(values))
        out[idx] = np.clip(val, -32768, 32767)
    return out


def dense_values(n: int, values: dict[int, int], default: int) -> str:
    """A measure for every cell as base64 int16 (see dense_array)."""
    return mapmath.encode_ints(dense_array(n, values, default), "<i2")


def case_row(m: CaseMarker) -> tuple:
    """[id, lat, lon, tone, urgent, number, category, status, deadline (ms), near at (ms),
    supervision level (0 none, 1–3: the ring)]: a tuple, so the map can tell a changed row
    from an unchanged one by equality."""
    return (m.id, round(m.lat, 6), round(m.lon, 6), m.tone, 1 if m.urgent else 0, m.number,
            m.category, m.status, epoch_ms(m.deadline), epoch_ms(m.near_at), m.supervision)


def patrol_row(v: PatrolView, _epoch: dict = {}) -> list:  # noqa: B006 — a deliberate cache
    """[id, lat, lon (1e-6°), state, at (epoch s), battery (%), speed (0.1 m/s)]: integers,
    because two thousand rows go out several times a second and round(x, 6) costs four
    times int(x * 1e6 + 0.5)."""
    at = _epoch.get(v.at)
    if at is None:
        if len(_epoch) > 4096:
            _epoch.clear()
        at = _epoch[v.at] = int(v.at.timestamp())
    battery = None if v.battery is None else int(v.battery + 0.5)
    speed = None if v.speed is None else int(v.speed * 10 + 0.5)
    return [v.id, int(v.lat * 1e6 + 0.5), int(v.lon * 1e6 + 0.5), v.state, at, battery, speed]


def _cells(content: PageContent) -> dict:
    grid = content.grid
    return {
        "measure": content.measure, "legend": content.legend,
        "values": dense_values(len(grid), content.values, styles.DEFAULT_VALUE[content.measure]),
    }


def patrols_data(roster: list[PatrolInfo], views: list[PatrolView],
                 trails: dict[int, list[tuple[datetime, float, float]]]) -> dict:
    """The patrols as the page takes them: the roster, each marker's row, recent trails."""
    out = {}
    for officer, track in trails.items():
        flat = []
        for at, lon, lat in track:
            flat += [epoch_ms(at), round(lat, 6), round(lon, 6)]
        out[str(officer)] = flat
    return {"roster": [[p.id, p.name, p.code, p.work_grid] for p in roster],
            "views": [patrol_row(v) for v in views], "trails": out}


def _patrols(content: PageContent) -> dict:
    return patrols_data(content.roster, content.patrols, content.trails)


def page_config(*, texts: dict, theme: str, bbox: tuple[float, float, float, float],
                trail_minutes: int) -> dict:
    """Settings the page's JavaScript reads from CCC_DATA.config."""
    return {
        "texts": texts, "theme": theme, "bbox": list(bbox), "trailMinutes": trail_minutes,
        "tones": list(TONES), "toneColours": styles.TONE_COLOURS,
        "urgentColour": styles.URGENT_COLOUR,
        "supervisionColours": {str(k): v for k, v in styles.SUPERVISION_COLOURS.items()},
        "states": list(styles.PATROL_STATES), "stateColours": styles.PATROL_COLOURS,
        "stateOrder": list(styles.PATROL_DRAW_ORDER),
    }


def write_data(folder: Path, content: PageContent, config: dict) -> Path:
    """Write data.js (window.CCC_DATA) into the page folder."""
    data = {
        "config": config,
        "cells": _cells(content),
        "heat": mapmath.heat_weights(content.heat),
        "cases": list(content.case_rows.values()) if content.case_rows is not None
        else [case_row(m) for m in content.cases],
        "patrols": _patrols(content),
    }
    path = folder / DATA_FILE
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    path.write_text(f"window.CCC_DATA = {text};\n", encoding="utf-8")
    return path
