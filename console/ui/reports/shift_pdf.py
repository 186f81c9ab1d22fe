"""The shift hand-over (交接班) and daily reports as PDF, by Qt's own writer.

Three pieces, by the thread they may run on: `chart_images` draws the trends with pyqtgraph
(widgets: the GUI thread, a few tens of milliseconds); `grid_image` paints the grid's state
(open cases per cell) with QPainter on a QImage and `write_pdf` lays the report out as a
QTextDocument printed to a QPdfWriter — both any thread, so the long lane does them. The
document names a CJK family (the seat's own), which the writer embeds as a subset.
"""
from __future__ import annotations

import html
from datetime import datetime
from pathlib import Path

from PySide6.QtCore import (
    QCoreApplication,
    QEvent,
    QMarginsF,
    QPointF,
    QRectF,
    QSizeF,
    Qt,
    QUrl,
)
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontDatabase,
    QImage,
    QPageLayout,
    QPageSize,
    QPainter,
    QPdfWriter,
    QTextDocument,
)

from console.common.messages import stage_name, status_name
from console.common.theme import pick_font_family
from console.services.evaluation import Ranking
from console.services.reports_shift import ShiftReport
from console.ui.alerts.texts import kind_name

translate = QCoreApplication.translate
CHART_SIZE = (1200, 400)
MAP_SIZE = (1400, 1000)
LATIN_FAMILIES = ("Noto Sans", "Liberation Sans", "Arial", "DejaVu Sans", "Helvetica")
# open cases in a cell → colour (the map's own scale: none, 1, 2–3, 4–6, ≥7)
_SHADES = ((7, "#c62828"), (4, "#e0622c"), (2, "#e69a2e"), (1, "#d6b42a"))


def tr(text: str) -> str:
    # lupdate files module-level tr("…") calls under the empty context.
    return translate("", text)


# --- pictures -----------------------------------------------------------------------------

def chart_images(report: ShiftReport) -> list[QImage]:
    """The hourly trends (reported, closed) as pictures: GUI thread (pyqtgraph widgets)."""
    import pyqtgraph as pg
    stamps = [h.timestamp() for h in report.hours]
    out = []
    for key, title, colour in (("reported", tr("Cases reported per hour"), "#1565c0"),
                               ("closed", tr("Cases closed per hour"), "#2e7d32")):
        widget = pg.PlotWidget(axisItems={"bottom": pg.DateAxisItem()}, background="w")
        # Laid out at its size without appearing anywhere: the plot follows the view's size.
        widget.setAttribute(Qt.WidgetAttribute.WA_DontShowOnScreen, True)
        widget.resize(*CHART_SIZE)
        widget.show()
        item = widget.getPlotItem()
        item.setTitle(title, color="#1b2430", size="15pt")
        width = 3600 * 0.8
        item.addItem(pg.BarGraphItem(x=[s + 1800 for s in stamps], height=report.trends[key],
                                     width=width, brush=colour, pen=colour))
        for axis in ("left", "bottom"):
            item.getAxis(axis).setTextPen("#1b2430")
            item.getAxis(axis).setPen("#1b2430")
        # Only the layout requests (no other event, so nothing re-enters the caller), then the
        # widget's own picture at its size (pyqtgraph's exporter clipped the axes' labels).
        QCoreApplication.sendPostedEvents(None, QEvent.Type.LayoutRequest)
        out.append(widget.grab().toImage())
        widget.close()
        widget.deleteLater()
    return out


def grid_image(cells: list[tuple[float, float, int]], size: tuple[int, int] = MAP_SIZE) -> QImage:
    """Each cell's centre as a dot shaded by its open cases (any thread): the grid's state
    when no map widget can be grabbed (a headless run, a hidden map)."""
    image = QImage(*size, QImage.Format.Format_RGB32)
    image.fill(QColor("#ffffff"))
    if not cells:
        return image
    lons = [c[0] for c in cells]
    lats = [c[1] for c in cells]
    x0, x1, y0, y1 = min(lons), max(lons), min(lats), max(lats)
    span = max(x1 - x0, (y1 - y0) * 1.15, 1e-9)   # ~ local aspect at mid latitudes
    w, h = size
    scale = min((w - 40) / span, (h - 40) / (span / 1.15 if y1 > y0 else span))
    dot = max(1.5, min(8.0, (w * h / len(cells)) ** 0.5 * 0.8))
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(Qt.PenStyle.NoPen)
    empty = QColor("#d7dde6")
    shades = [(n, QColor(c)) for n, c in _SHADES]
    # The empty cells first, so shaded ones are drawn over them.
    for pass_ in (0, 1):
        for lon, lat, n in cells:
            if (n > 0) != bool(pass_):
                continue
            colour = next((c for limit, c in shades if n >= limit), empty)
            painter.setBrush(colour)
            x = 20 + (lon - x0) * scale
            y = h - 20 - (lat - y0) * scale * 1.15
            painter.drawRect(QRectF(QPointF(x - dot / 2, y - dot / 2), QSizeF(dot, dot)))
    painter.end()
    return image


# --- the document ---------------------------------------------------------------------------

def _t(value: datetime | None) -> str:
    return "—" if value is None else f"{value:%m-%d %H:%M}"


def _table(header: list[str], rows: list[list[str]], widths: list[int] | None = None) -> str:
    head = "".join(f'<th{f" width={widths[i]}%" if widths else ""}>{html.escape(h)}</th>'
                   for i, h in enumerate(header))
    body = "".join("<tr>" + "".join(f"<td>{html.escape(str(c))}</td>" for c in r) + "</tr>"
                   for r in rows)
    if not rows:
        none = html.escape(tr("None."))   # outside the f-string, where lupdate finds it
        body = f'<tr><td colspan={len(header)}>{none}</td></tr>'
    return (f'<table width="100%" cellspacing=0 cellpadding=4 border=1>'
            f"<thead><tr>{head}</tr></thead>{body}</table>")


def _more(shown: int, total: int) -> str:
    if total <= shown:
        return ""
    return "<p><i>" + html.escape(tr("{shown} of {total} shown.").format(
        shown=shown, total=total)) + "</i></p>"


def _rate(figures, key: str) -> str:
    value = figures[key].value
    return "—" if value is None else f"{value:.1%}"


def _ranking_rows(ranking: Ranking) -> list[list[str]]:
    rows = []
    for r in ranking.rows:
        if r.score is None:
            continue
        f = r.figures
        rows.append([str(r.rank or ""), r.name, f"{r.score:.1f}", r.grade or "",
                     f"{int(f['due'].value or 0)}", _rate(f, "closure_rate"),
                     _rate(f, "on_time_handling_rate"), _rate(f, "rework_rate"),
                     f"{int(f['overdue'].value or 0)}"])
    return rows


def report_html(report: ShiftReport, *, centre: str, generated_at: datetime,
                has_map: bool, charts: int) -> str:
    """The report's text and tables (images referenced as img://map, img://chart0…)."""
    title = tr("Shift hand-over report") if report.kind == "shift" else tr("Daily report")
    flow_names = {"reported": tr("Reported"), "registered": tr("Registered"),
                  "dispatched": tr("Dispatched"), "handled": tr("Handled"), "closed": tr("Closed")}
    heads = [tr("What happened"), tr("New urgent cases"), tr("Open urgent cases"),
             tr("Supervision orders"), tr("Alerts and attendance exceptions"),
             tr("Evaluation of departments"), tr("Map"), tr("Trends")]
    h = [html.escape(f"{i}. {text}") for i, text in enumerate(heads, start=1)]
    parts = [
        f"<h1>{html.escape(centre)} · {html.escape(title)}</h1>",
        "<p>" + html.escape(tr("Period: {start} – {end}; generated {at}").format(
            start=f"{report.start:%Y-%m-%d %H:%M}", end=f"{report.end:%Y-%m-%d %H:%M}",
            at=f"{generated_at:%Y-%m-%d %H:%M:%S}")) + "</p>",
        f"<h2>{h[0]}</h2>",
        _table([tr("Stage reached"), tr("Cases")],
               [[flow_names[k], f"{v:,}"] for k, v in report.flow.items()]),
        "<p>" + html.escape(tr("Queues at the end: ") + ", ".join(
            f"{stage_name(k)} {v:,}" for k, v in report.queue_counts.items() if k != "all")) + "</p>",
        f"<h2>{h[1]} ({report.new_urgent_total})</h2>",
        _table([tr("Reported"), tr("Number"), tr("Category"), tr("Address"), tr("Status")],
               [[_t(c.reported_at), c.number, c.category, c.address, status_name(c.status)]
                for c in report.new_urgent]),
        _more(len(report.new_urgent), report.new_urgent_total),
        f"<h2>{h[2]} ({report.open_urgent_total})</h2>",
        _table([tr("Reported"), tr("Number"), tr("Category"), tr("Department"), tr("Deadline"),
                tr("Status")],
               [[_t(c.reported_at), c.number, c.category, c.department, _t(c.deadline),
                 status_name(c.status)] for c in report.open_urgent]),
        _more(len(report.open_urgent), report.open_urgent_total),
        f"<h2>{h[3]}</h2>",
        _table([tr("Level"), tr("Case or department"), tr("Issued"), tr("Due"), tr("Resolved"),
                tr("Note")],
               [[_level(o.level), o.subject, _t(o.issued_at), _t(o.due_at), _t(o.resolved_at),
                 o.note] for o in report.orders]),
        f"<h2>{h[4]}</h2>",
        _table([tr("Alert"), tr("Raised in the period")],
               [[kind_name(k), f"{n:,}"] for k, n in sorted(report.alerts_by_kind.items(),
                                                           key=lambda kv: -kv[1])]),
        "<p></p>",
        _table([tr("Exception"), tr("Officer"), tr("Raised"), tr("Resolved")],
               [[kind_name(e.kind), e.officer, _t(e.raised_at), _t(e.resolved_at)]
                for e in report.attendance]),
        _more(len(report.attendance), report.attendance_total),
        # The ranking on a page of its own too: Qt breaks a table's cells across pages one by
        # one, and a Chinese name's taller cell left its row's figures on the page before.
        f'<h2 style="page-break-before: always">{h[5]}</h2>',
        _table([tr("Rank"), tr("Department"), tr("Score"), tr("Grade"), tr("Due"),
                tr("Closure rate"), tr("On-time handling"), tr("Rework rate"), tr("Overdue")],
               _ranking_rows(report.ranking),
               # The name gets the room: evenly split, a department's name wrapped into three
               # lines and a row broke across two pages.
               widths=[8, 17, 8, 9, 7, 12, 14, 12, 13]),
        # The map and the charts on pages of their own: a heading was left alone at the foot
        # of a page, its picture on the next.
        f'<h2 style="page-break-before: always">{h[6]}</h2>',
        ('<p><img src="img://map" width=640></p>' if has_map else
         "<p>" + html.escape(tr("No map picture.")) + "</p>"),
        "<p>" + html.escape(tr("Cells shaded by open cases: 1, 2–3, 4–6, 7 and more.")) + "</p>",
        f"<h2>{h[7]}</h2>",
        "".join(f'<p><img src="img://chart{i}" width=640></p>' for i in range(charts)),
    ]
    return "\n".join(parts)


def _level(level: int) -> str:
    return {1: tr("催办 (urge)"), 2: tr("督办 (supervise)"),
            3: tr("挂牌督办 (listed)")}.get(level, str(level))


def write_pdf(report: ShiftReport, path: Path, *, centre: str, generated_at: datetime,
              map_image: QImage | None, charts: list[QImage]) -> Path:
    """Lay the report out and print it to `path` (any thread)."""
    doc = QTextDocument()
    font = QFont()
    # Latin text and digits from a plain Latin face, Chinese from the CJK one: the CJK faces'
    # digits, shaped for a non-Chinese locale, come out of the PDF as glyphs without text
    # (pdftotext, search and copy lost every number).
    installed = set(QFontDatabase.families())
    latin = [f for f in LATIN_FAMILIES if f in installed][:1]
    font.setFamilies(latin + [f for f in (pick_font_family(),) if f])
    font.setPointSizeF(9.5)
    doc.setDefaultFont(font)
    doc.setDefaultStyleSheet(
        "h1 { font-size: 16pt; } h2 { font-size: 12pt; margin-top: 12px; }"
        "th { background-color: #e6ebf2; } td, th { font-size: 8.5pt; }")
    if map_image is not None:
        doc.addResource(QTextDocument.ResourceType.ImageResource, QUrl("img://map"), map_image)
    for i, image in enumerate(charts):
        doc.addResource(QTextDocument.ResourceType.ImageResource, QUrl(f"img://chart{i}"), image)
    doc.setHtml(report_html(report, centre=centre, generated_at=generated_at,
                            has_map=map_image is not None, charts=len(charts)))
    writer = QPdfWriter(str(path))
    writer.setTitle(tr("Shift hand-over report") if report.kind == "shift" else tr("Daily report"))
    writer.setCreator("City Command Console")
    writer.setResolution(150)
    writer.setPageLayout(QPageLayout(QPageSize(QPageSize.PageSizeId.A4),
                                     QPageLayout.Orientation.Portrait,
                                     QMarginsF(15, 15, 15, 15), QPageLayout.Unit.Millimeter))
    doc.print_(writer)
    return path
