"""Every word the map shows, translated on the GUI thread and handed to the page as data.

The page's JavaScript holds no language of its own: it receives these tables with the page
(and the legend with each measure), so Chinese and English come from the same .ts files
as the rest of the console.
"""
from __future__ import annotations

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication

from console.mappage import styles
from console.common.messages import STATUS_NAMES, status_name, supervision_level_name

_CONTEXT = "Map"

LAYER_NAMES = {
    "tiles": QT_TRANSLATE_NOOP("Map", "Base map"),
    "cells": QT_TRANSLATE_NOOP("Map", "Unit grid cells"),
    "district": QT_TRANSLATE_NOOP("Map", "District boundaries"),
    "street": QT_TRANSLATE_NOOP("Map", "Street boundaries"),
    "community": QT_TRANSLATE_NOOP("Map", "Community boundaries"),
    "cases": QT_TRANSLATE_NOOP("Map", "Open cases"),
    "patrols": QT_TRANSLATE_NOOP("Map", "Patrol officers"),
    "trails": QT_TRANSLATE_NOOP("Map", "Patrol trails (15 min)"),
    "heat": QT_TRANSLATE_NOOP("Map", "Reports heat map"),
}
FRONTAGE_LAYER = QT_TRANSLATE_NOOP("Map", "Street-front units offending again")
MEASURE_NAMES = {
    "open": QT_TRANSLATE_NOOP("Map", "Open cases"),
    "overdue": QT_TRANSLATE_NOOP("Map", "Overdue cases"),
    "work_grid": QT_TRANSLATE_NOOP("Map", "Work grid (responsibility)"),
    "campaign": QT_TRANSLATE_NOOP("Map", "Campaign area"),
}
TONE_NAMES = {
    "overdue": QT_TRANSLATE_NOOP("Map", "Overdue"),
    "near": QT_TRANSLATE_NOOP("Map", "Near deadline"),
    "running": QT_TRANSLATE_NOOP("Map", "Being handled"),
    "new": QT_TRANSLATE_NOOP("Map", "Awaiting registration or dispatch"),
    "checking": QT_TRANSLATE_NOOP("Map", "Awaiting check"),
    "parked": QT_TRANSLATE_NOOP("Map", "Parked"),
}
STATE_NAMES = {
    "moving": QT_TRANSLATE_NOOP("Map", "Moving"),
    "on_duty": QT_TRANSLATE_NOOP("Map", "On duty"),
    "idle": QT_TRANSLATE_NOOP("Map", "Idle"),
    "off_post": QT_TRANSLATE_NOOP("Map", "Off post"),
    "offline": QT_TRANSLATE_NOOP("Map", "Offline"),
    "off_shift": QT_TRANSLATE_NOOP("Map", "Off shift"),
    "left_early": QT_TRANSLATE_NOOP("Map", "Left early"),
}
HEAT_PERIODS = {
    0: QT_TRANSLATE_NOOP("Map", "Today"),
    7: QT_TRANSLATE_NOOP("Map", "Last 7 days"),
    30: QT_TRANSLATE_NOOP("Map", "Last 30 days"),
    90: QT_TRANSLATE_NOOP("Map", "Last 90 days"),
}
_PAGE_TEXTS = {
    "urgent": QT_TRANSLATE_NOOP("Map", "Urgent"),
    "deadline": QT_TRANSLATE_NOOP("Map", "Deadline {time}"),
    "workGrid": QT_TRANSLATE_NOOP("Map", "Work grid"),
    "state": QT_TRANSLATE_NOOP("Map", "State"),
    "lastFix": QT_TRANSLATE_NOOP("Map", "Last position"),
    "battery": QT_TRANSLATE_NOOP("Map", "Battery"),
    "trackToday": QT_TRANSLATE_NOOP("Map", "Walked today"),
    "loadingTrack": QT_TRANSLATE_NOOP("Map", "Loading the track…"),
    "justNow": QT_TRANSLATE_NOOP("Map", "just now"),
    "secondsAgo": QT_TRANSLATE_NOOP("Map", "{n} s ago"),
    "minutesAgo": QT_TRANSLATE_NOOP("Map", "{n} min ago"),
    "hoursAgo": QT_TRANSLATE_NOOP("Map", "{n} h ago"),
    "metres": QT_TRANSLATE_NOOP("Map", "{d} m"),
    "kilometres": QT_TRANSLATE_NOOP("Map", "{d} km"),
    "markerLegend": QT_TRANSLATE_NOOP("Map", "Marker colours"),
    "supervised": QT_TRANSLATE_NOOP("Map", "Supervision order open: level {level}"),
    "supervisionRings": QT_TRANSLATE_NOOP("Map", "Supervision rings"),
}
_PAGE_TEXTS_EXTRA = {
    "cases": QT_TRANSLATE_NOOP("Map", "Case markers"),
    "patrols": QT_TRANSLATE_NOOP("Map", "Patrol markers"),
}
_LEGEND_TEXTS = {
    "outside": QT_TRANSLATE_NOOP("Map", "Outside campaign areas"),
    "no_grid": QT_TRANSLATE_NOOP("Map", "In no work grid"),
    "grid_note": QT_TRANSLATE_NOOP("Map", "Neighbouring work grids differ in colour"),
    "campaign_note": QT_TRANSLATE_NOOP("Map", "Open cases of: {names}"),
    "no_campaign": QT_TRANSLATE_NOOP("Map", "No campaign is running"),
    "a_grid": QT_TRANSLATE_NOOP("Map", "A work grid"),
    "cells_title": QT_TRANSLATE_NOOP("Map", "Cells: {measure}"),
}


def tr(text: str) -> str:
    return QCoreApplication.translate(_CONTEXT, text)


def layer_names() -> dict[str, str]:
    return {key: tr(text) for key, text in LAYER_NAMES.items()}


def measure_name(measure: str) -> str:
    return tr(MEASURE_NAMES[measure])


def distance(metres: float) -> str:
    """A distance as the page writes it: metres below a kilometre, else kilometres."""
    if metres < 1000:
        return tr(_PAGE_TEXTS["metres"]).format(d=f"{metres:.0f}")
    return tr(_PAGE_TEXTS["kilometres"]).format(d=f"{metres / 1000:.2f}" if metres < 10_000
                                               else f"{metres / 1000:.1f}")


def no_campaign() -> str:
    return tr(_LEGEND_TEXTS["no_campaign"])


def page_texts() -> dict:
    """The words the page's JavaScript uses, in the current language."""
    out = {key: tr(text) for key, text in _PAGE_TEXTS.items()}
    out["tones"] = {key: tr(text) for key, text in TONE_NAMES.items()}
    out["states"] = {key: tr(text) for key, text in STATE_NAMES.items()}
    out["statusNames"] = {code: status_name(code) for code in STATUS_NAMES}
    out["layerCases"] = tr(_PAGE_TEXTS_EXTRA["cases"])
    out["layerPatrols"] = tr(_PAGE_TEXTS_EXTRA["patrols"])
    out["supervisionLevels"] = {str(n): supervision_level_name(n) for n in (1, 2, 3)}
    return out


def legend(measure: str, campaigns: list[str] | None = None) -> dict:
    """Title, classes, colours and labels of a measure's legend, as the page draws it."""
    title = tr(_LEGEND_TEXTS["cells_title"]).format(measure=measure_name(measure))
    if measure == "work_grid":
        colours = list(styles.MEASURE_COLOURS["work_grid"]) + [styles.NO_WORK_GRID_COLOUR]
        # A row per grid colour would say nothing: one sample row, and the gaps that matter.
        labels = [tr(_LEGEND_TEXTS["a_grid"])] + [None] * (len(colours) - 2) + \
            [tr(_LEGEND_TEXTS["no_grid"])]
        return {"measure": measure, "title": title, "name": measure_name(measure),
                "categorical": True, "breaks": [],
                "colours": colours, "labels": labels, "note": tr(_LEGEND_TEXTS["grid_note"])}
    breaks = styles.MEASURE_BREAKS[measure]
    labels: list[str | None] = list(styles.class_labels(breaks))
    note = ""
    if measure == "campaign":
        labels = [tr(_LEGEND_TEXTS["outside"])] + styles.class_labels(breaks[1:])
        note = (tr(_LEGEND_TEXTS["campaign_note"]).format(names="、".join(campaigns))
                if campaigns else tr(_LEGEND_TEXTS["no_campaign"]))
    colours = styles.MEASURE_COLOURS[measure]
    labels = [label if colour else (label if i == 0 else None)
              for i, (label, colour) in enumerate(zip(labels, colours))]
    return {"measure": measure, "title": title, "name": measure_name(measure),
            "categorical": False, "breaks": breaks,
            "colours": colours, "labels": labels, "note": note}

