"""Colour themes: a dark command-centre theme (default) and a light one, switchable at runtime.

Colours live in the QSS files under resources/theme; the palette below only covers what a
style sheet does not reach (native dialogs, tooltips, disabled text). Severity colours are
shared so every widget paints red/amber/green/blue the same way.
"""
from __future__ import annotations

import gc

from PySide6.QtGui import QColor, QFont, QFontDatabase, QPalette
from PySide6.QtWidgets import QApplication, QWidget

from console.resources import THEMES

DEFAULT_THEME = "dark"
THEME_NAMES = ("dark", "light")
# CJK-capable families in order of preference (Linux, Windows, macOS, fallback).
FONT_FAMILIES = ("Noto Sans CJK SC", "Source Han Sans SC", "Microsoft YaHei", "PingFang SC",
                 "WenQuanYi Micro Hei", "Noto Sans SC")
BASE_POINT_SIZE = 11   # read all shift long at arm's length: larger than the desktop default

SEVERITY_COLORS = {
    "dark": {"critical": "#ff5b5b", "warning": "#f5b83d", "ok": "#38d27a", "info": "#4ea1ff",
             "muted": "#8d9bb3"},
    "light": {"critical": "#d32f2f", "warning": "#b26a00", "ok": "#1b8a4b", "info": "#1565c0",
              "muted": "#5f6b7a"},
}
_PALETTES = {
    "dark": {"window": "#0e1624", "base": "#111c2e", "alt": "#16233a", "text": "#e8eef8",
             "button": "#1a2740", "highlight": "#2f6fde", "muted": "#8d9bb3"},
    "light": {"window": "#f3f5f8", "base": "#ffffff", "alt": "#eef2f7", "text": "#1b2430",
              "button": "#e6ebf2", "highlight": "#2f6fde", "muted": "#5f6b7a"},
}
_CURRENT = "_console_theme"


def normalise_theme(name: str | None) -> str:
    return name if name in THEME_NAMES else DEFAULT_THEME


def pick_font_family() -> str | None:
    """The first installed CJK-capable family, or None (Qt's default then; may show boxes)."""
    installed = set(QFontDatabase.families())
    return next((f for f in FONT_FAMILIES if f in installed), None)


def _palette(name: str) -> QPalette:
    c = {k: QColor(v) for k, v in _PALETTES[name].items()}
    p = QPalette()
    R = QPalette.ColorRole
    for role, colour in ((R.Window, c["window"]), (R.Base, c["base"]), (R.AlternateBase, c["alt"]),
                         (R.Button, c["button"]), (R.ToolTipBase, c["alt"]),
                         (R.Highlight, c["highlight"])):
        p.setColor(role, colour)
    for role in (R.WindowText, R.Text, R.ButtonText, R.ToolTipText, R.BrightText):
        p.setColor(role, c["text"])
    p.setColor(R.HighlightedText, QColor("#ffffff"))
    p.setColor(R.PlaceholderText, c["muted"])
    for role in (R.WindowText, R.Text, R.ButtonText):
        p.setColor(QPalette.ColorGroup.Disabled, role, c["muted"])
    return p


def style_sheet(name: str) -> str:
    """The QSS of a theme, read from resources/theme."""
    return (THEMES / f"{normalise_theme(name)}.qss").read_text(encoding="utf-8")


def apply_theme(app: QApplication, name: str | None) -> str:
    """Switch the whole application to a theme; returns the theme applied."""
    name = normalise_theme(name)
    sheet = style_sheet(name)
    if getattr(app, _CURRENT, None) == name and app.styleSheet() == sheet:
        return name   # already applied: no repolish walk over every widget for nothing
    # Qt repolishes every widget of the application in these calls. A Python garbage collection
    # inside that walk can delete a closed, parentless widget the walk is about to touch (seen:
    # a segmentation fault in "Garbage-collecting" under apply_theme), so collect first and
    # keep the collector out of the walk.
    gc.collect()
    gc.disable()
    try:
        if app.style().name().lower() != "fusion":
            app.setStyle("Fusion")   # the same look on every platform; it honours the palette
        app.setPalette(_palette(name))
        app.setStyleSheet(sheet)
    finally:
        gc.enable()
    setattr(app, _CURRENT, name)
    return name


def apply_font(app: QApplication) -> None:
    """A CJK-capable interface font at a comfortable size."""
    font = QFont(app.font())
    family = pick_font_family()
    if family:
        font.setFamilies([family])
    font.setPointSize(BASE_POINT_SIZE)
    app.setFont(font)


def current_theme() -> str:
    app = QApplication.instance()
    return getattr(app, _CURRENT, DEFAULT_THEME) if app is not None else DEFAULT_THEME


def severity_color(severity: str, theme: str | None = None) -> QColor:
    """The colour of a severity ('critical', 'warning', 'ok', 'info', 'muted') in a theme."""
    colours = SEVERITY_COLORS[normalise_theme(theme or current_theme())]
    return QColor(colours.get(severity, colours["muted"]))


def set_state(widget: QWidget, name: str, value: str) -> None:
    """Set a dynamic property the style sheet selects on, and re-apply the sheet to the widget."""
    if widget.property(name) == value:
        return
    widget.setProperty(name, value)
    widget.style().unpolish(widget)
    widget.style().polish(widget)
