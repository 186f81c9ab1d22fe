"""Phone app figures, through a real `serve` process over loopback.

- field.report_p95_ms: an officer's report with one 2 MB photo, from sending to the answer with
  its case number (upload, checks, EXIF read, case, receipt, audit, photo written and synced).
- field.first_load_kb: what the page's first load transfers (gzip as the server sends it):
  the page, its script and styles, Leaflet, the manifest and icon — before any photo.
- field.interactive_slow_s: Debian's chromium, a fresh profile, throttled as a slow phone on a
  slow network (Slow 4G: 400 kbit/s each way, 400 ms round trip; the CPU 4× slower), from the
  start of navigation until the sign-in form works (the page's "field-interactive" mark, set
  once its script has wired the form). Skipped without chromium and its driver.
"""
from __future__ import annotations

import os
import re
import secrets
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx

from console.bench import Figure
from console.store.database import open_database

REPORTS = int(os.environ.get("CITY_CONSOLE_BENCH_FIELD_REPORTS", "40"))
REPORT_EVERY_S = 0.25           # under the default 5 a second per session
PHOTO_BYTES = 2 * 1024 * 1024
PASSWORD = "bench-巡查-password"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _start(url: str, port: int, data_dir: Path) -> subprocess.Popen:
    env = dict(os.environ, CITY_CONSOLE_DATA_DIR=str(data_dir))
    proc = subprocess.Popen([sys.executable, "-m", "console", "serve", "--db", url, "--host",
                             "127.0.0.1", "--port-osmand", str(port)],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env)
    ready = threading.Event()

    def read() -> None:
        for line in proc.stdout:
            if "Application startup complete" in line:
                ready.set()
    threading.Thread(target=read, daemon=True).start()
    if not ready.wait(60):
        proc.kill()
        raise RuntimeError("serve did not start")
    return proc


def _officer(db) -> tuple[str, list[tuple[float, float]]]:
    """A patrol account with a password, linked to the demo's first officer; cell centres."""
    from sqlalchemy import select

    from console.services.users import HASHER
    from console.store.models import Category, Cell, PatrolOfficer, User
    with db.transaction() as s:
        user = User(username="bench-patrol", display_name="压测监督员", role="patrol",
                    active=True, password_hash=HASHER.hash(PASSWORD))
        s.add(user)
        s.flush()
        officer = s.scalars(select(PatrolOfficer).order_by(PatrolOfficer.id)).first()
        officer.user_id = user.id
        code = s.scalars(select(Category.code).where(Category.kind == "event",
                                                     Category.active.is_(True))).first()
        cells = s.execute(select(Cell.centroid_lat, Cell.centroid_lon).limit(200)).all()
    return code, [tuple(c) for c in cells]


def first_load_bytes(http: httpx.Client, base: str) -> int:
    """Bytes on the wire for the page and everything it names (as a browser asks: gzip)."""
    headers = {"Accept-Encoding": "gzip"}
    page = http.get(base, headers=headers)
    page.raise_for_status()
    total = page.num_bytes_downloaded
    for ref in re.findall(r'(?:href|src)="([^"]+)"', page.text):
        r = http.get(base + ref, headers=headers)
        r.raise_for_status()
        total += r.num_bytes_downloaded
    return total


SLOW_4G = {"offline": False, "latency": 400, "downloadThroughput": 400_000 / 8,
           "uploadThroughput": 400_000 / 8}
CPU_SLOWDOWN = 4
SLOW_RUNS = int(os.environ.get("CITY_CONSOLE_BENCH_FIELD_SLOW_RUNS", "3"))


def interactive_slow_s(base: str) -> float | None:
    """Median seconds, over SLOW_RUNS fresh browsers, until the sign-in form works."""
    chromium, driver_path = shutil.which("chromium"), shutil.which("chromedriver")
    if not (chromium and driver_path):
        return None
    try:
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service
    except ImportError:
        return None
    runs = []
    for _ in range(SLOW_RUNS):
        options = webdriver.ChromeOptions()
        options.binary_location = chromium
        for arg in ("--headless=new", "--no-sandbox", "--disable-gpu",
                    "--disable-dev-shm-usage", "--window-size=360,780"):
            options.add_argument(arg)
        options.add_experimental_option("mobileEmulation", {"deviceMetrics": {
            "width": 360, "height": 780, "pixelRatio": 2.0, "touch": True}})
        driver = webdriver.Chrome(options=options, service=Service(driver_path))
        try:
            driver.set_page_load_timeout(120)
            driver.execute_cdp_cmd("Network.enable", {})
            driver.execute_cdp_cmd("Network.setCacheDisabled", {"cacheDisabled": True})
            driver.execute_cdp_cmd("Network.emulateNetworkConditions", SLOW_4G)
            driver.execute_cdp_cmd("Emulation.setCPUThrottlingRate", {"rate": CPU_SLOWDOWN})
            driver.get(base)
            mark = None
            deadline = time.monotonic() + 120
            while mark is None and time.monotonic() < deadline:
                mark = driver.execute_script(
                    "const m = performance.getEntriesByName('field-interactive');"
                    "return m.length ? m[0].startTime : null;")
                if mark is None:
                    time.sleep(0.1)
            if mark is None:
                raise RuntimeError("the page never became interactive")
            runs.append(mark / 1000)
        finally:
            driver.quit()
    return statistics.median(runs)


def run() -> Iterator[Figure]:
    from console.sim.demo import build_demo

    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{Path(tmp) / 'field.db'}"
        db = open_database(url)
        build_demo(db, seed=1, cells=400, cases=50)
        code, cells = _officer(db)
        db.dispose()
        port = _free_port()
        proc = _start(url, port, Path(tmp) / "data")
        base = f"http://127.0.0.1:{port}/field/"
        try:
            with httpx.Client(timeout=60) as http:
                first = first_load_bytes(http, base)
                slow = interactive_slow_s(base)
                r = http.post(base + "api/session", json={
                    "username": "bench-patrol", "password": PASSWORD, "device": "bench"})
                r.raise_for_status()
                auth = {"Authorization": f"Bearer {r.json()['token']}"}
                times, refused = [], 0
                started = time.monotonic()
                for i in range(REPORTS):
                    lat, lon = cells[i % len(cells)]
                    # A new photo each time (each is written): JPEG header, random body.
                    photo = b"\xff\xd8\xff\xe0" + secrets.token_bytes(PHOTO_BYTES - 4)
                    t0 = time.perf_counter()
                    r = http.post(base + "api/reports", headers=auth | {
                        "Idempotency-Key": uuid.uuid4().hex}, data={
                        "category_code": code, "lat": str(lat), "lon": str(lon),
                        "description": f"压测上报 {i}"},
                        files=[("photo", ("p.jpg", photo, "image/jpeg"))])
                    elapsed = time.perf_counter() - t0
                    if r.status_code == 201 and r.json()["case_number"]:
                        times.append(elapsed * 1000)
                    else:
                        refused += 1
                    time.sleep(max(0.0, started + (i + 1) * REPORT_EVERY_S - time.monotonic()))
        finally:
            proc.terminate()
            proc.wait(timeout=60)
        times.sort()
        yield "field.report_p95_ms", times[int(0.95 * (len(times) - 1))], "ms"
        yield "field.report_median_ms", statistics.median(times), "ms"
        yield "field.reports_refused", refused, "requests"
        yield "field.first_load_kb", first / 1024, "KB"
        if slow is not None:
            yield "field.interactive_slow_s", slow, "s"
