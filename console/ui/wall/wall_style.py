"""The wall's style sheet: type sizes in pixels proportional to the screen's height.

Sizes are chosen to be read from three metres: on a 55-inch wall panel (68 cm tall) a
1080-pixel screen gives body text of 28 px ≈ 1.8 cm, above the usual distance/200 rule
(1.5 cm at 3 m); the KPI figures are three times that. At 3840×2160 everything doubles, so
the same panel holds the same content.
"""
from __future__ import annotations

from console.common.theme import SEVERITY_COLORS, normalise_theme

REFERENCE_HEIGHT = 1080
REFERENCE_WIDTH = 1920
#: pixel sizes at REFERENCE_HEIGHT
SIZES = {"title": 44, "clock": 44, "caption": 26, "value": 64, "panel_title": 34,
         "row": 28, "note": 24, "pad": 12, "gap": 18}
GRADE_COLOURS = {"A": "#2e7d32", "B": "#558b2f", "C": "#f9a825", "D": "#ef6c00", "E": "#c62828"}
_BACKGROUND = {"dark": ("#08101c", "#101b2d", "#e8eef8", "#8d9bb3"),
               "light": ("#eef2f7", "#ffffff", "#1b2430", "#5f6b7a")}


def scaled(height: int, width: int | None = None) -> dict[str, int]:
    """Each size for a wall `height` pixels tall and `width` wide (by the narrower of the two
    against 1920×1080, so a row of tiles still fits a 4:3 screen; never below half)."""
    factor = height / REFERENCE_HEIGHT
    if width is not None:
        factor = min(factor, width / REFERENCE_WIDTH)
    factor = max(factor, 0.5)
    return {k: max(1, round(v * factor)) for k, v in SIZES.items()}


def wall_style(height: int, theme: str, width: int | None = None) -> str:
    theme = normalise_theme(theme)
    s = scaled(height, width)
    bg, panel, text, muted = _BACKGROUND[theme]
    sev = SEVERITY_COLORS[theme]
    grades = "\n".join(
        f'QLabel[kind="grade"][grade="{g}"] {{ background: {c}; color: white; }}'
        for g, c in GRADE_COLOURS.items())
    return f"""
#wallView {{ background: {bg}; }}
#wallView QLabel {{ color: {text}; }}
#wallView QFrame[kind="wallPanel"] QLabel {{ font-size: {s['row']}px; }}
#wallView QLabel[kind="wallTitle"] {{ font-size: {s['title']}px; font-weight: bold; }}
#wallView QLabel[kind="clock"] {{ font-size: {s['clock']}px; font-weight: bold; }}
#wallView QFrame[kind="wallTile"], #wallView QFrame[kind="wallPanel"] {{
    background: {panel}; border-radius: {s['pad']}px; padding: {s['pad'] // 2}px; }}
#wallView QLabel[kind="tileCaption"] {{ font-size: {s['caption']}px; color: {muted}; }}
#wallView QLabel[kind="tileValue"] {{ font-size: {s['value']}px; font-weight: bold; }}
#wallView QLabel[kind="tileValue"][state="critical"] {{ color: {sev['critical']}; }}
#wallView QLabel[kind="tileValue"][state="warning"] {{ color: {sev['warning']}; }}
#wallView QLabel[kind="tileValue"][state="ok"] {{ color: {sev['ok']}; }}
#wallView QLabel[kind="panelTitle"] {{ font-size: {s['panel_title']}px; font-weight: bold;
    color: {sev['info']}; }}
#wallView QLabel[kind="panelNote"], #wallView QLabel[kind="pager"],
#wallView QLabel[kind="gap"] {{ font-size: {s['note']}px; color: {muted}; }}
#wallView QLabel[kind="grade"] {{ font-weight: bold; qproperty-alignment: AlignCenter;
    border-radius: {s['pad'] // 2}px; min-width: {s['row'] * 2}px; }}
#wallView QLabel[kind="number"], #wallView QLabel[kind="time"] {{ color: {muted}; }}
#wallView QLabel[kind="rank"], #wallView QLabel[kind="score"],
#wallView QLabel[kind="share"] {{ qproperty-alignment: 'AlignRight|AlignVCenter'; }}
#wallView QLabel[kind="status"] {{ color: {sev['warning']}; }}
#wallPanel_campaigns QLabel[kind="name"] {{ font-weight: bold; }}
#wallPanel_campaigns QLabel[kind="target"] {{ padding-left: {s['gap']}px; }}
{grades}
"""
