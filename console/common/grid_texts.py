"""Words for the GIS importers' codes: each problem a dry run finds, and each refusal.

`console.gis` (its readers, checks and work-grid areas), `console.services.grid_import` and
`console.services.workgrid_import` report codes with parameters (a report saved as JSON keeps
them); the command line and the import dialogs put them in the reader's language here. Needs no
widgets: the command line uses it with a QCoreApplication.
"""
from __future__ import annotations

import re
from typing import Any

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication

_CONTEXT = "GridProblems"

# Every code console/gis/checks.py and console/services/grid_import.py add to a report
# (tests/test_translations.py finds them in the sources and checks each has a sentence).
PROBLEM_TEXTS: dict[str, str] = {
    # --- the whole file ---
    "no_cells": QT_TRANSLATE_NOOP(
        "GridProblems", "The file holds no polygon with usable coordinates."),
    "crs_corrected": QT_TRANSLATE_NOOP(
        "GridProblems", "The coordinates fit {crs}, not the stated {stated}: read as {crs}."),
    "degrees_as_metres": QT_TRANSLATE_NOOP(
        "GridProblems", "The coordinates look like degrees, but {crs} is in metres: choose a "
                        "geographic coordinate system (WGS 84 or CGCS2000)."),
    "metres_as_degrees": QT_TRANSLATE_NOOP(
        "GridProblems", "The coordinates (around {x}, {y}) look like metres, but {crs} is in "
                        "degrees: choose a projected coordinate system ({hint})."),
    "lat_lon_swapped": QT_TRANSLATE_NOOP(
        "GridProblems", "Latitude and longitude seem swapped (the middle of the grid is at "
                        "x {x}, y {y}): fix the file's axis order."),
    "crs_out_of_range": QT_TRANSLATE_NOOP(
        "GridProblems", "Some coordinates cannot be converted from {crs}: check the coordinate "
                        "system."),
    "far_from_centre": QT_TRANSLATE_NOOP(
        "GridProblems", "The grid lies {km} km from the centre's region (grid at {grid}, centre "
                        "at {centre}, read as {crs}): check the coordinate system."),
    # --- one feature ---
    "no_code": QT_TRANSLATE_NOOP("GridProblems", "The feature has no cell code."),
    "bad_code": QT_TRANSLATE_NOOP(
        "GridProblems", "The cell code “{code}” is not {lengths} digits."),
    "hierarchy_clash": QT_TRANSLATE_NOOP(
        "GridProblems", "The attribute {field} contradicts the cell code's own prefix; the code's "
                        "prefix is used."),
    "no_geometry": QT_TRANSLATE_NOOP("GridProblems", "The feature has no geometry."),
    "not_polygon": QT_TRANSLATE_NOOP(
        "GridProblems", "The geometry is a {type}, not a polygon."),
    "multipart": QT_TRANSLATE_NOOP(
        "GridProblems", "The cell has {parts} separate parts; a cell must be one polygon."),
    "holes_dropped": QT_TRANSLATE_NOOP(
        "GridProblems", "The cell's {holes} hole(s) were left out."),
    "bad_coordinates": QT_TRANSLATE_NOOP(
        "GridProblems", "The geometry has coordinates that are not numbers."),
    "unclosed_ring": QT_TRANSLATE_NOOP(
        "GridProblems", "The outline is not closed (its last point is not its first)."),
    "ring_closed": QT_TRANSLATE_NOOP(
        "GridProblems", "The outline was not closed and has been closed."),
    "empty_geometry": QT_TRANSLATE_NOOP(
        "GridProblems", "The outline encloses no area ({points} points)."),
    "self_intersection": QT_TRANSLATE_NOOP(
        "GridProblems", "The outline crosses itself (at {reason})."),
    "invalid_geometry": QT_TRANSLATE_NOOP(
        "GridProblems", "The outline is not a valid polygon ({reason})."),
    "repaired": QT_TRANSLATE_NOOP(
        "GridProblems", "The outline was repaired; the largest piece, {kept_share} of the area, "
                        "was kept."),
    "duplicate_code": QT_TRANSLATE_NOOP(
        "GridProblems", "The cell code {code} appears {count} times (first at feature {first})."),
    "overlap": QT_TRANSLATE_NOOP(
        "GridProblems", "The cell overlaps cell {other} ({share} of the smaller one)."),
    "outside_community": QT_TRANSLATE_NOOP(
        "GridProblems", "The cell lies more than {tolerance_m} m from every other cell of its "
                        "community {community}."),
    "bad_text": QT_TRANSLATE_NOOP(
        "GridProblems", "The attribute {field} cannot be stored ({why})."),
    "unknown_officer": QT_TRANSLATE_NOOP(
        "GridProblems", "The patrol officer {officer} is not in the database; the work grid is "
                        "imported without that officer."),
    "officer_in_two_grids": QT_TRANSLATE_NOOP(
        "GridProblems", "The patrol officer {officer} is also named under work grid {other}, "
                        "which keeps the officer."),
    # --- a work-grid file (console/gis/areas.py, console/services/workgrid_import.py) ---
    "no_areas": QT_TRANSLATE_NOOP(
        "GridProblems", "The file holds no work grid polygon with a code and usable "
                        "coordinates."),
    "no_grid_yet": QT_TRANSLATE_NOOP(
        "GridProblems", "The console has no unit grid yet: import the grid first, then its work "
                        "grids."),
    "no_work_grid_code": QT_TRANSLATE_NOOP("GridProblems", "The feature has no work grid code."),
    "cell_in_no_grid": QT_TRANSLATE_NOOP(
        "GridProblems", "The cell lies in no work grid: it will belong to none."),
    "cell_in_two_grids": QT_TRANSLATE_NOOP(
        "GridProblems", "The cell's middle lies in the work grids {grids}; it goes to {kept}, "
                        "which covers more of it."),
    "empty_work_grid": QT_TRANSLATE_NOOP(
        "GridProblems", "The work grid holds no cell (no cell's middle lies in it)."),
}

# Refusals of the whole import (GridImportError codes).
REFUSAL_TEXTS: dict[str, str] = {
    "no_such_field": QT_TRANSLATE_NOOP(
        "GridProblems", "The file has no attribute “{field}” (it has: {fields})."),
    "no_code_field": QT_TRANSLATE_NOOP(
        "GridProblems", "No attribute holds the cell codes: choose it (the file has: {fields})."),
    "no_work_grid_field": QT_TRANSLATE_NOOP(
        "GridProblems", "No attribute holds the work grid codes: choose it (the file has: "
                        "{fields})."),
    "not_importable": QT_TRANSLATE_NOOP(
        "GridProblems", "The grid has problems, so nothing was imported."),
    "file_not_importable": QT_TRANSLATE_NOOP(
        "GridProblems", "The file cannot be imported as it is, so nothing was imported."),
    "grid_changed": QT_TRANSLATE_NOOP(
        "GridProblems", "The grid was changed by another seat after this check, so nothing was "
                        "imported: run the check again."),
}

# Refusals of the GIS readers (console.gis ReadError / CrsError codes): they stop an import
# (a GridImportError of the same code) or, for a coordinate system found unusable while checking,
# stand in a dry run's report as a file problem.
READER_TEXTS: dict[str, str] = {
    "file_missing": QT_TRANSLATE_NOOP("GridProblems", "There is no file {path}."),
    "file_unreadable": QT_TRANSLATE_NOOP(
        "GridProblems", "{name} cannot be read ({detail}): check that it exists and may be read."),
    "file_too_large": QT_TRANSLATE_NOOP(
        "GridProblems", "{name} is larger than {limit_gb} GB, too large for a grid file."),
    "unknown_encoding": QT_TRANSLATE_NOOP(
        "GridProblems", "“{encoding}” is not an encoding this program knows (e.g. UTF-8, GBK, "
                        "GB18030)."),
    "not_grid_file": QT_TRANSLATE_NOOP(
        "GridProblems", "{name} is not a grid file: choose a .shp, .geojson, .json or a .zip of "
                        "one."),
    "folder_not_one_file": QT_TRANSLATE_NOOP(
        "GridProblems", "The folder {folder} must hold exactly one .shp, .geojson or .zip (it "
                        "holds: {found})."),
    "zip_unreadable": QT_TRANSLATE_NOOP(
        "GridProblems", "{name} is not a zip file that can be read."),
    "zip_too_large": QT_TRANSLATE_NOOP(
        "GridProblems", "{name} unpacks to more than {limit_mb} MB; unpack it and choose the "
                        "grid file itself."),
    "zip_member_unreadable": QT_TRANSLATE_NOOP(
        "GridProblems", "{member} in {name} cannot be unpacked (damaged, encrypted or packed "
                        "with an unsupported method): unpack it with another tool and choose "
                        "the file itself."),
    "zip_not_one_file": QT_TRANSLATE_NOOP(
        "GridProblems", "{name} must hold exactly one .shp or .geojson (it holds: {found})."),
    "dbf_missing": QT_TRANSLATE_NOOP(
        "GridProblems", "The .dbf file beside {name} is missing; it holds the attributes (cell "
                        "codes, names): copy it next to the .shp."),
    "wrong_encoding": QT_TRANSLATE_NOOP(
        "GridProblems", "The attributes of {name} are not {encoding}: choose another encoding, "
                        "or let it be detected."),
    "encoding_undetected": QT_TRANSLATE_NOOP(
        "GridProblems", "The attributes of {name} are neither UTF-8 nor GBK/GB18030: choose "
                        "their encoding."),
    "shapefile_unreadable": QT_TRANSLATE_NOOP(
        "GridProblems", "{name} is not a Shapefile that can be read (the .shp or .dbf is "
                        "damaged or of another format)."),
    "not_polygons": QT_TRANSLATE_NOOP(
        "GridProblems", "{name} holds shapes of type {type}, not polygons."),
    "shapefile_damaged": QT_TRANSLATE_NOOP(
        "GridProblems", "{name} is damaged at feature {feature}."),
    "json_invalid": QT_TRANSLATE_NOOP(
        "GridProblems", "{name} is not valid JSON (line {line}, column {column})."),
    "not_feature_collection": QT_TRANSLATE_NOOP(
        "GridProblems", "{name} is not a GeoJSON FeatureCollection."),
    "crs_unknown": QT_TRANSLATE_NOOP(
        "GridProblems", "“{crs}” is not a known coordinate system (try WGS84, CGCS2000, "
                        "EPSG:4490, EPSG:4513–4554, WebMercator, GCJ02, BD09 or GK3)."),
    "prj_unknown": QT_TRANSLATE_NOOP(
        "GridProblems", "The .prj file describes no known coordinate system: choose the "
                        "coordinate system."),
    "crs_not_map": QT_TRANSLATE_NOOP(
        "GridProblems", "“{crs}” is not a map coordinate system (geographic or projected)."),
    "gk_zone_not_chinese": QT_TRANSLATE_NOOP(
        "GridProblems", "Eastings around {easting} m name zone {zone}, which is not a CGCS2000 "
                        "3° zone of China (25–45): check the coordinate system."),
    "gk_zone_needed": QT_TRANSLATE_NOOP(
        "GridProblems", "The eastings carry no zone number and the centre's region is not set: "
                        "choose the zone (EPSG:4534–4554)."),
    "report_folder_missing": QT_TRANSLATE_NOOP(
        "GridProblems", "The folder for the report does not exist: {folder}"),
}

SEVERITY_TEXTS: dict[str, str] = {
    "error": QT_TRANSLATE_NOOP("GridProblems", "Error"),
    "warning": QT_TRANSLATE_NOOP("GridProblems", "Warning"),
}

_UNKNOWN = QT_TRANSLATE_NOOP("GridProblems", "Problem {code}.")
# GEOS says where an outline fails as "Self-intersection[120.1565 30.2715]": the place is the
# part a reader can use.
_WHERE = re.compile(r"^(?:Ring )?Self-intersection\[([-+\d.eE]+) ([-+\d.eE]+)\]$")


class _Params(dict):
    def __missing__(self, key: str) -> str:
        return "…"


def _percent(value: Any) -> str:
    try:
        return f"{float(value) * 100:.1f}%"
    except (TypeError, ValueError):
        return str(value)


def _words(detail: dict[str, Any]) -> _Params:
    """Parameters as they read in a sentence: lists joined, shares as percentages."""
    out = _Params()
    for key, value in detail.items():
        if key in ("share", "kept_share"):
            value = _percent(value)
        elif key == "reason" and isinstance(value, str) and _WHERE.match(value):
            x, y = _WHERE.match(value).groups()
            value = f"{x}, {y}"
        elif key == "lengths":
            value = "/".join(str(v) for v in value)
        elif isinstance(value, (list, tuple)):
            value = ", ".join(str(v) for v in value)
        out["hint" if key == "try" else key] = value
    return out


def _format(template: str, detail: dict[str, Any], code: str) -> str:
    try:
        return QCoreApplication.translate(_CONTEXT, template).format_map(_words(detail))
    except (ValueError, IndexError):     # a translation with a broken placeholder
        return QCoreApplication.translate(_CONTEXT, _UNKNOWN).format(code=code)


def problem_text(code: str, detail: dict[str, Any] | None = None) -> str:
    """A dry-run problem (console.gis.checks.Problem's code and detail) as a sentence."""
    template = PROBLEM_TEXTS.get(code) or READER_TEXTS.get(code)
    if template is None:
        return QCoreApplication.translate(_CONTEXT, _UNKNOWN).format(code=code)
    return _format(template, detail or {}, code)


def refusal_text(code: str, detail: dict[str, Any] | None = None) -> str:
    """A GridImportError's code and parameters as a sentence."""
    template = REFUSAL_TEXTS.get(code) or READER_TEXTS.get(code)
    if template is None:
        return QCoreApplication.translate(_CONTEXT, _UNKNOWN).format(code=code)
    return _format(template, detail or {}, code)


def severity_text(severity: str) -> str:
    text = SEVERITY_TEXTS.get(severity)
    return QCoreApplication.translate(_CONTEXT, text) if text else severity
