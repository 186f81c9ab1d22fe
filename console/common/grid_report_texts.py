"""Words of the command line's GIS import report (`import grid`, `import workgrids`): its
summary lines in the reader's language. The problems' own sentences are in grid_texts.py; this
module words what surrounds them. Needs no widgets: the command line uses it with a
QCoreApplication and the translators of the chosen language.
"""
from __future__ import annotations

import re
from typing import Any

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication

_CONTEXT = "GridReport"

LINES: dict[str, str] = {
    "source": QT_TRANSLATE_NOOP(
        "GridReport", "{source}: {format}, {features} features, encoding {encoding} ({note}), "
                      "{crs}"),
    "fields": QT_TRANSLATE_NOOP("GridReport", "Fields: {fields}"),
    "feature": QT_TRANSLATE_NOOP("GridReport", "Feature {index} {code}: {problem}"),
    "grid_would": QT_TRANSLATE_NOOP(
        "GridReport", "Would import: add {added}, change {changed}, keep {unchanged}, retire "
                      "{retired} ({cases} cases keep them), bring back {back}; skip {invalid} "
                      "invalid"),
    "grid_did": QT_TRANSLATE_NOOP(
        "GridReport", "Imported: added {added}, changed {changed}, kept {unchanged}, retired "
                      "{retired} ({cases} cases keep them), brought back {back}; skipped "
                      "{invalid} invalid"),
    "work_grids_would": QT_TRANSLATE_NOOP(
        "GridReport", "Work grids would: create {created}, change {changed}, empty {emptied}, "
                      "keep {unchanged}; move {cells} cells, {officers} officers"),
    "work_grids_did": QT_TRANSLATE_NOOP(
        "GridReport", "Work grids: created {created}, changed {changed}, emptied {emptied}, "
                      "kept {unchanged}; moved {cells} cells, {officers} officers"),
    "created": QT_TRANSLATE_NOOP("GridReport", "  created: {codes}"),
    "changed": QT_TRANSLATE_NOOP("GridReport", "  changed: {codes}"),
    "emptied": QT_TRANSLATE_NOOP("GridReport", "  emptied: {codes}"),
    "cells": QT_TRANSLATE_NOOP(
        "GridReport", "Cells: {cells}; in no work grid {none}, in two {two}"),
    "cell_in_two": QT_TRANSLATE_NOOP("GridReport", "  cell {cell} in {grids} (kept in {kept})"),
    "in_no_grid": QT_TRANSLATE_NOOP("GridReport", "  in no work grid: {codes}"),
}

# How the reader decided the attributes' encoding (console/gis/reader.py's notes, English prose
# kept as is in a saved JSON report); tests/test_cli_import_report.py checks every note the
# reader writes has a pattern here.
NOTES: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"as chosen"), QT_TRANSLATE_NOOP("GridReport", "as chosen")),
    (re.compile(r"UTF-8 \(GeoJSON's own encoding\)"),
     QT_TRANSLATE_NOOP("GridReport", "UTF-8 (GeoJSON's own encoding)")),
    (re.compile(r"not UTF-8: read as GB18030 \(GBK\)"),
     QT_TRANSLATE_NOOP("GridReport", "not UTF-8: read as GB18030 (GBK)")),
    (re.compile(r"no \.cpg: the attributes are valid UTF-8"),
     QT_TRANSLATE_NOOP("GridReport", "no .cpg: the attributes are valid UTF-8")),
    (re.compile(r"no \.cpg and not UTF-8: read as GB18030 \(GBK\)"),
     QT_TRANSLATE_NOOP("GridReport", "no .cpg and not UTF-8: read as GB18030 (GBK)")),
    (re.compile(r"from the \.cpg \((?P<stated>.*)\)"),
     QT_TRANSLATE_NOOP("GridReport", "from the .cpg ({stated})")),
)

_MORE = 50      # codes listed on one line before "… +N"


def _format(source: str, params: dict[str, Any]) -> str:
    try:
        return QCoreApplication.translate(_CONTEXT, source).format(**params)
    except (KeyError, ValueError, IndexError):   # a translation with a broken placeholder
        return source.format(**params)


def line(key: str, **params: Any) -> str:
    """One report line in the installed language."""
    return _format(LINES[key], params)


def codes(items: list[str]) -> str:
    """The first codes of a list, then how many more."""
    more = f" … +{len(items) - _MORE}" if len(items) > _MORE else ""
    return ", ".join(items[:_MORE]) + more


def encoding_note(note: str) -> str:
    """The reader's note on the encoding in the installed language (an unknown one as is)."""
    for pattern, template in NOTES:
        found = pattern.fullmatch(note)
        if found:
            return _format(template, found.groupdict())
    return note
