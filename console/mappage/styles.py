"""The map's colours: cell measures, case tones and patrol states (pure data and functions).

One palette serves both themes: the fills are mid-tones drawn translucent, readable on the
dark command-centre background and on the light one. Red always means "act now".
"""
from __future__ import annotations

from collections.abc import Sequence

from console.mappage.mapmath import class_of

#: Measure → class breaks (see mapmath.class_of) and one colour per class; None = no fill.
MEASURE_BREAKS: dict[str, list[int]] = {
    "open": [1, 2, 4, 7],
    "overdue": [1, 2, 3],
    "campaign": [0, 1, 3, 6],      # class 0: outside every running campaign's area
    "work_grid": [],               # categorical: the value is a colour number, -1 = none
}
MEASURE_COLOURS: dict[str, list[str | None]] = {
    "open": [None, "#facc15", "#fb923c", "#f05a28", "#d7191c"],
    "overdue": [None, "#f87171", "#dc2626", "#7f1d1d"],
    "campaign": [None, "#93c5fd", "#3b82f6", "#1d4ed8", "#172554"],
    # Six hues far enough apart for neighbours, none of them the red of trouble.
    "work_grid": ["#4e79a7", "#59a14f", "#b07aa1", "#edc948", "#76b7b2", "#9c755f"],
}
#: A cell no work grid covers is a gap in responsibility: drawn in warning magenta.
NO_WORK_GRID_COLOUR = "#ff2d95"
DEFAULT_VALUE = {"open": 0, "overdue": 0, "campaign": -1, "work_grid": -1}

TONE_COLOURS = {
    "overdue": "#ef4444",
    "near": "#f59e0b",
    "running": "#38bdf8",
    "new": "#e5e7eb",
    "checking": "#34d399",
    "parked": "#94a3b8",
}
URGENT_COLOUR = "#d946ef"
#: Supervision level (1 催办, 2 督办, 3 挂牌督办) → the ring round a case marker and the
#: queue's badge: warmer as the order climbs, the top one the red of "act now".
SUPERVISION_COLOURS = {1: "#facc15", 2: "#fb923c", 3: "#dc2626"}

PATROL_COLOURS = {
    "moving": "#22c55e",
    "on_duty": "#2dd4bf",
    "idle": "#facc15",
    "off_post": "#f97316",
    "offline": "#9ca3af",
    "off_shift": "#475569",
    # Left before the shift's end: out of service like offline, but a choice, not a fault.
    "left_early": "#a855f7",
}
PATROL_STATES = tuple(PATROL_COLOURS)
#: Drawn first to last: the states that need no one's attention go underneath.
PATROL_DRAW_ORDER = ("off_shift", "offline", "left_early", "on_duty", "idle", "moving",
                     "off_post")


def class_labels(breaks: Sequence[int]) -> list[str]:
    """Legend labels of whole-number classes: [1, 2, 4, 7] → 0, 1, 2–3, 4–6, ≥7."""
    labels = []
    low = None
    for edge in breaks:
        if low is None:
            labels.append(f"<{edge}" if edge <= 0 else ("0" if edge == 1 else f"0–{edge - 1}"))
        elif edge - low == 1:
            labels.append(str(low))
        else:
            labels.append(f"{low}–{edge - 1}")
        low = edge
    if low is not None:
        labels.append(f"≥{low}")
    return labels


def cell_colour(measure: str, value: int) -> str | None:
    """The fill of a cell for a measure's value (None: not filled)."""
    if measure == "work_grid":
        colours = MEASURE_COLOURS["work_grid"]
        return NO_WORK_GRID_COLOUR if value < 0 else colours[value % len(colours)]
    return MEASURE_COLOURS[measure][class_of(value, MEASURE_BREAKS[measure])]
