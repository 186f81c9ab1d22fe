"""report.shift_pdf_s: the shift hand-over PDF of a busy shift on the 1,000,000-case city.

The shift is the twelve hours up to the newest report in the city (read in place, read-only,
as kpi.evaluate_30d_1m_ms reads it). Timed as the leader waits for it: the figures read in a
new session (flow, queues, urgent cases, orders, alerts, the departments' evaluation, hourly
trends, open cases of all 50,000 cells), the trend charts drawn, the grid's picture painted,
the document laid out and written. Process CPU time beside it; the parts' times too.
"""
from __future__ import annotations

import os
import shutil
import tempfile
import time
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

from console.bench import Figure


def run(db) -> Iterator[Figure]:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from sqlalchemy import func, select

    from console.common.application import create_application
    from console.services.reports_shift import read_shift_report, shift_period
    from console.store.models import Case
    from console.ui.reports.shift_pdf import chart_images, grid_image, write_pdf
    create_application(["bench"], "zh_CN")
    with db.session() as s:
        newest = s.scalar(select(func.max(Case.reported_at)))
    now = (newest or datetime.now()).replace(microsecond=0)
    start, end = shift_period(now)
    folder = Path(tempfile.mkdtemp(prefix="bench-report-"))
    try:
        t0, c0 = time.perf_counter(), time.process_time()
        with db.session() as s:
            report = read_shift_report(s, start, end)
        t1 = time.perf_counter()
        charts = chart_images(report)
        t2 = time.perf_counter()
        picture = grid_image(report.cells)
        t3 = time.perf_counter()
        path = write_pdf(report, folder / "shift.pdf", centre="bench", generated_at=now,
                         map_image=picture, charts=charts)
        t4, c4 = time.perf_counter(), time.process_time()
        size = path.stat().st_size
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    yield "report.shift_pdf_s", t4 - t0, "s"
    yield "report.shift_pdf_cpu_s", c4 - c0, "s"
    yield "report.shift_read_s", t1 - t0, "s"
    yield "report.shift_charts_s", t2 - t1, "s"
    yield "report.shift_map_s", t3 - t2, "s"
    yield "report.shift_write_s", t4 - t3, "s"
    yield "report.shift_cases_reported", report.flow["reported"], "cases"
    yield "report.shift_pdf_kb", size / 1024, "KB"
