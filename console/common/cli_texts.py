"""Sentences of the command line's own reports (`city-console frontage …`), in the reader's
language: the command installs the translators of --lang on a QCoreApplication first. The
refusals' sentences are the services' DomainError codes, worded in messages.py and the pages'
texts."""
from __future__ import annotations

from typing import Any

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication

_CONTEXT = "CommandLine"

LINES: dict[str, str] = {
    "units_written": QT_TRANSLATE_NOOP("CommandLine", "Written: {path} ({count} units)"),
    "units_dry_run": QT_TRANSLATE_NOOP(
        "CommandLine", "Units: {added} added, {changed} changed, {unchanged} unchanged "
                       "(dry run: nothing written)"),
    "units_imported": QT_TRANSLATE_NOOP(
        "CommandLine", "Units: {added} added, {changed} changed, {unchanged} unchanged "
                       "(written)"),
    "units_no_change": QT_TRANSLATE_NOOP(
        "CommandLine", "Units: {unchanged} unchanged (nothing to write)"),
    "problem": QT_TRANSLATE_NOOP("CommandLine", "{where} “{value}”: {why}"),
    "problem_no_value": QT_TRANSLATE_NOOP("CommandLine", "{where}: {why}"),
    "refused": QT_TRANSLATE_NOOP("CommandLine", "Refused: {why}"),
    "cannot_write": QT_TRANSLATE_NOOP("CommandLine", "Cannot write {path}: {why}"),
}


def line(key: str, **params: Any) -> str:
    """One line in the installed language."""
    try:
        return QCoreApplication.translate(_CONTEXT, LINES[key]).format(**params)
    except (KeyError, ValueError, IndexError):   # a translation with a broken placeholder
        return LINES[key].format(**params)
