"""Style sheets of the alert panel and KPI strip, per theme (the application sheet has the rest)."""
from __future__ import annotations

from console.common.theme import SEVERITY_COLORS, normalise_theme

_SURFACES = {
    "dark": {"banner": "#13203a", "border": "#22334f", "chip": "#15223a", "chip_on": "#2f6fde",
             "text": "#e8eef8", "muted": "#9fb0c8", "flash_off": "#3a1418", "list": "#0f1a2b"},
    "light": {"banner": "#e8eef6", "border": "#c9d3e0", "chip": "#eef2f7", "chip_on": "#2f6fde",
              "text": "#1b2430", "muted": "#5f6b7a", "flash_off": "#fbe3e3", "list": "#f7f9fc"},
}


def panel_style(theme: str) -> str:
    """The alert panel's sheet: banner states, chips, the card list's background."""
    theme = normalise_theme(theme)
    s, c = _SURFACES[theme], SEVERITY_COLORS[theme]
    return f"""
QFrame#alertBanner {{ background: {s['banner']}; border: 1px solid {s['border']};
                      border-radius: 6px; }}
QFrame#alertBanner[state="attention"] {{ border-color: {c['warning']}; }}
QFrame#alertBanner[state="flash"] {{ background: {c['critical']}; border-color: {c['critical']}; }}
QFrame#alertBanner[state="flashOff"] {{ background: {s['flash_off']}; border-color: {c['critical']}; }}
QLabel#alertBannerText {{ font-weight: bold; color: {s['text']}; }}
QLabel#alertBannerText[state="flash"] {{ color: #ffffff; }}
QToolButton[kind="chip"] {{ background: {s['chip']}; border: 1px solid {s['border']};
                            border-radius: 10px; padding: 2px 9px; color: {s['muted']}; }}
QToolButton[kind="chip"]:checked {{ background: {s['chip_on']}; border-color: {s['chip_on']};
                                    color: #ffffff; }}
QListView#alertList {{ background: {s['list']}; border: none; }}
QLabel#alertFooter {{ color: {s['muted']}; }}
QLabel#alertFooter[state="error"] {{ color: {c['critical']}; }}
"""


def strip_style(theme: str) -> str:
    """The KPI strip's sheet: compact tiles."""
    theme = normalise_theme(theme)
    s = _SURFACES[theme]
    return f"""
QLabel[kind="kpiValue"] {{ font-size: 17pt; font-weight: bold; color: {s['text']}; }}
QLabel[kind="kpiCaption"] {{ font-size: 9pt; color: {s['muted']}; }}
QLabel[kind="kpiNote"] {{ font-size: 8pt; color: {s['muted']}; }}
"""
