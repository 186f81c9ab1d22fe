"""The phone app in a real browser: Debian's chromium at 360 px, driven by Selenium, against
the field app served by uvicorn on 127.0.0.1 over a real database.

Fake geolocation through CDP (Emulation.setGeolocationOverride), the network cut and restored
through CDP (Network.emulateNetworkConditions), photos made by the browser's own canvas.
Screenshots of every screen go to $FIELD_SCREENSHOTS (default: the test's tmp folder).
"""
from __future__ import annotations

import base64
import io
import os
import shutil
import socket
import threading
from datetime import datetime, timedelta
from pathlib import Path

import piexif
import pytest
from sqlalchemy import func, select, update
from starlette.applications import Starlette

from console.ingest.app import create_app
from console.ingest.directory import DeviceDirectory
from console.ingest.field_app import field_mount
from console.ingest.writer import BatchWriter
from console.services import queues
from console.store.models import Case, CaseEvent, Device, FieldSession, LatestPosition
from tests.service_city import CENTRE, STEP
from tests.test_field_api import PASSWORD, Field, checking_case, give_password, roomy

CHROMIUM = shutil.which("chromium")
DRIVER = shutil.which("chromedriver")
pytestmark = pytest.mark.skipif(not (CHROMIUM and DRIVER),
                                reason="needs Debian's chromium and chromium-driver")
WIDTH, HEIGHT = 360, 780
HERE = (CENTRE[1] + STEP / 3, CENTRE[0] + STEP / 3)     # lat, lon inside the test city
WAIT_S = 20


class Served:
    """uvicorn in a thread on a free loopback port; stopped and joined at the end."""

    def __init__(self, app) -> None:
        import uvicorn
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        self.server = uvicorn.Server(uvicorn.Config(app, log_config=None, access_log=False,
                                                    lifespan="off"))
        self.thread = threading.Thread(target=self.server.run, kwargs={"sockets": [self.sock]},
                                       name="field-uvicorn")

    def __enter__(self):
        self.thread.start()
        started = threading.Event()
        for _ in range(200):
            if self.server.started:
                started.set()
                break
            started.wait(0.05)
        assert started.is_set(), "uvicorn did not start"
        return f"http://127.0.0.1:{self.port}/field/"

    def __exit__(self, *exc) -> None:
        self.server.should_exit = True
        self.thread.join(10)
        self.sock.close()


@pytest.fixture
def shots(tmp_path) -> Path:
    folder = Path(os.environ.get("FIELD_SCREENSHOTS") or tmp_path / "shots")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def make_driver(width: int, height: int, ua: str):
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                f"--window-size={width},{height}", "--lang=zh-CN"):
        options.add_argument(arg)
    options.add_experimental_option("mobileEmulation", {
        "deviceMetrics": {"width": width, "height": height, "pixelRatio": 2.0, "touch": True},
        "userAgent": ua})
    driver = webdriver.Chrome(options=options, service=Service(DRIVER))
    driver.set_page_load_timeout(WAIT_S)
    return driver


PHONE_UA = ("Mozilla/5.0 (Linux; Android 14; Pixel 7) AppleWebKit/537.36 (KHTML, like Gecko) "
            "Chrome/156.0 Mobile Safari/537.36")
TABLET_UA = ("Mozilla/5.0 (Linux; Android 14; SM-X710) AppleWebKit/537.36 (KHTML, like Gecko) "
             "Chrome/156.0 Safari/537.36")


@pytest.fixture
def browser():
    driver = make_driver(WIDTH, HEIGHT, PHONE_UA)
    try:
        yield driver
    finally:
        driver.quit()


@pytest.fixture
def tablet():
    driver = make_driver(820, 1180, TABLET_UA)
    try:
        yield driver
    finally:
        driver.quit()


@pytest.fixture
def site(db, city, tmp_path):
    give_password(db)
    data_dir = tmp_path / "data"
    app = Starlette(routes=[field_mount(db, data_dir=data_dir, limits=roomy())])
    with Served(app) as url:
        yield url, Field(None, db, data_dir, city)


def wait(driver, condition, message: str):
    from selenium.webdriver.support.ui import WebDriverWait
    return WebDriverWait(driver, WAIT_S, poll_frequency=0.1).until(condition, message)


def tap(driver, css: str) -> None:
    """Click as a thumb does: the element scrolled clear of the fixed tab bar first."""
    element = driver.find_element("css selector", css)
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", element)
    element.click()


def visible_text(driver, element_id: str) -> str:
    return driver.find_element("id", element_id).text


def open_signed_in(driver, url: str, shots: Path | None = None) -> None:
    origin = url.split("/field/")[0]
    driver.execute_cdp_cmd("Browser.grantPermissions", {"origin": origin,
                                                        "permissions": ["geolocation"]})
    driver.execute_cdp_cmd("Emulation.setGeolocationOverride", {
        "latitude": HERE[0], "longitude": HERE[1], "accuracy": 8})
    driver.get(url)
    wait(driver, lambda d: d.find_element("id", "login-user").is_displayed(), "login screen")
    if shots:
        driver.save_screenshot(str(shots / "1-login.png"))
    driver.find_element("id", "login-user").send_keys("patrol")
    driver.find_element("id", "login-pass").send_keys(PASSWORD)
    driver.find_element("css selector", "#login-form button").click()
    wait(driver, lambda d: d.find_element("id", "screen-report").is_displayed(), "report screen")
    wait(driver, lambda d: "单元网格" in visible_text(d, "where"), "the unit cell shown")


def photo_file(driver, folder: Path, name: str, taken: datetime | None = None) -> Path:
    """A real JPEG drawn by the browser's canvas (with EXIF time and place if `taken`)."""
    data_url = driver.execute_script("""
        const c = document.createElement('canvas'); c.width = 2400; c.height = 1800;
        const g = c.getContext('2d');
        const grad = g.createLinearGradient(0, 0, 2400, 1800);
        grad.addColorStop(0, '#3a7'); grad.addColorStop(1, '#a53');
        g.fillStyle = grad; g.fillRect(0, 0, 2400, 1800);
        g.fillStyle = '#fff'; g.font = '200px sans-serif'; g.fillText(arguments[0], 200, 900);
        return c.toDataURL('image/jpeg', 0.9);""", name)
    data = base64.b64decode(data_url.split(",", 1)[1])
    if taken is not None:
        def dms(x):
            return ((int(x), 1), (int(x * 60 % 60), 1), (round(x * 3600 % 60 * 1000), 1000))
        exif = piexif.dump({"Exif": {piexif.ExifIFD.DateTimeOriginal:
                                     taken.strftime("%Y:%m:%d %H:%M:%S").encode()},
                            "GPS": {piexif.GPSIFD.GPSLatitudeRef: b"N",
                                    piexif.GPSIFD.GPSLatitude: dms(HERE[0]),
                                    piexif.GPSIFD.GPSLongitudeRef: b"E",
                                    piexif.GPSIFD.GPSLongitude: dms(HERE[1])}})
        out = io.BytesIO()
        piexif.insert(exif, data, out)
        data = out.getvalue()
    path = folder / f"{name}.jpg"
    path.write_bytes(data)
    return path


def fill_report(driver, photo: Path, text: str) -> None:
    driver.find_element("id", "cat-search").send_keys("垃圾")
    wait(driver, lambda d: d.find_elements("css selector", "#cat-list li"), "categories listed")
    tap(driver, "#cat-list li")
    driver.find_element("id", "photo-input").send_keys(str(photo))
    wait(driver, lambda d: d.find_elements("css selector", "#photo-thumbs img"), "thumbnail")
    driver.find_element("id", "report-text").send_keys(text)


def queue_numbers(db) -> list[str]:
    """What the console's 待受理 queue shows, through the queue service."""
    with db.session() as s:
        page = queues.queue_page(s, queues.QueueQuery(stage="reported"), limit=50)
    return [row.number for row in page.rows]


def test_a_report_from_sign_in_to_the_consoles_queue(browser, site, shots, tmp_path):
    url, field = site
    open_signed_in(browser, url, shots)
    photo = photo_file(browser, tmp_path, "garbage", taken=datetime.now() - timedelta(minutes=3))
    fill_report(browser, photo, "路边暴露垃圾两袋")
    browser.save_screenshot(str(shots / "2-report.png"))
    tap(browser, "#report-send")
    wait(browser, lambda d: "已上报" in visible_text(d, "report-msg"), "report answered")
    browser.save_screenshot(str(shots / "3-reported.png"))
    with field.db.session() as s:
        (case,) = s.scalars(select(Case).where(Case.source == "patrol")).all()
        assert case.status == "reported" and case.description == "路边暴露垃圾两袋"
        assert case.reporter_patrol_id == field.city.officer_id
        (name,) = case.photos
    assert case.number in visible_text(browser, "report-msg")
    assert case.number in queue_numbers(field.db)
    stored = (field.data_dir / name).read_bytes()
    # Scaled on the phone (2400 px → 1600 px) and its EXIF carried over, upright.
    assert len(stored) < photo.stat().st_size
    exif = piexif.load(stored)
    assert exif["Exif"][piexif.ExifIFD.DateTimeOriginal]
    browser.find_element("css selector", '.tab[data-screen="me"]').click()
    wait(browser, lambda d: "今日上报 1 件" in visible_text(d, "shift"), "shift screen")
    browser.save_screenshot(str(shots / "4-me.png"))
    # The session is named after the phone's model and browser (the console's session list).
    with field.db.session() as s:
        (device,) = s.scalars(select(FieldSession.device)).all()
    assert device.startswith("Pixel 7 Chrome · ") and "Pixel 7 Chrome" in visible_text(
        browser, "shift")
    # The page fits a 360-px screen: nothing wider than the viewport.
    assert browser.execute_script("return document.documentElement.scrollWidth") <= WIDTH


def test_a_report_made_offline_is_sent_once_on_reconnection(browser, site, shots, tmp_path):
    url, field = site
    open_signed_in(browser, url)
    photo = photo_file(browser, tmp_path, "offline")
    browser.execute_cdp_cmd("Network.enable", {})
    conditions = {"latency": 0, "downloadThroughput": -1, "uploadThroughput": -1}
    browser.execute_cdp_cmd("Network.emulateNetworkConditions", conditions | {"offline": True})
    wait(browser, lambda d: d.execute_script("return !navigator.onLine"), "offline")
    fill_report(browser, photo, "离线上报")
    tap(browser, "#report-send")
    wait(browser, lambda d: "网络恢复后自动发送" in visible_text(d, "report-msg"), "queued")
    assert visible_text(browser, "outbox-count") == "1"
    browser.save_screenshot(str(shots / "5-offline-queued.png"))
    with field.db.session() as s:
        assert s.scalar(select(func.count()).select_from(Case)) == 0
    browser.execute_cdp_cmd("Network.emulateNetworkConditions", conditions | {"offline": False})
    wait(browser, lambda d: not d.find_element("id", "outbox-badge").is_displayed(),
         "the outbox emptied")
    # Flush again, as the timer and a second 'online' event would: nothing more is sent.
    sent = browser.execute_async_script(
        "const done = arguments[0]; flush().then((s) => done(s.length));")
    assert sent == 0
    with field.db.session() as s:
        rows = s.scalars(select(Case).where(Case.source == "patrol")).all()
        assert [c.description for c in rows] == ["离线上报"]


def test_a_check_answered_with_a_photo_is_seen_by_the_console(browser, site, shots, tmp_path):
    url, field = site
    change = checking_case(field)
    open_signed_in(browser, url)
    browser.find_element("css selector", '.tab[data-screen="tasks"]').click()
    wait(browser, lambda d: d.find_elements("css selector", "#task-list li"), "task listed")
    browser.save_screenshot(str(shots / "6-tasks.png"))
    browser.find_element("css selector", "#task-list li").click()
    wait(browser, lambda d: d.find_element("id", "task-detail").is_displayed(), "task opened")
    tap(browser, '#task-answers button[data-value="handled"]')
    browser.find_element("id", "task-note").send_keys("已清理干净")
    browser.find_element("id", "task-photo-input").send_keys(
        str(photo_file(browser, tmp_path, "after")))
    wait(browser, lambda d: d.find_elements("css selector", "#task-thumbs img"), "thumbnail")
    browser.save_screenshot(str(shots / "7-task-answer.png"))
    tap(browser, "#task-send")
    wait(browser, lambda d: "已提交" in visible_text(d, "task-msg"), "answer sent")
    browser.save_screenshot(str(shots / "8-task-answered.png"))
    with field.db.session() as s:
        (event,) = s.scalars(select(CaseEvent).where(CaseEvent.case_id == change.case_id,
                                                     CaseEvent.action == "add_note")).all()
    assert event.note == "【核查】已处置：已清理干净"
    assert event.data["check"]["result"] == "handled" and len(event.data["check"]["photos"]) == 1
    assert (field.data_dir / event.data["check"]["photos"][0]).is_file()


def test_the_page_reports_positions_through_the_osmand_endpoint(browser, db, city, shots,
                                                                tmp_path):
    give_password(db)
    directory = DeviceDirectory()
    writer = BatchWriter(db, directory)         # not started: the test writes what arrived
    writer.refresh_devices()
    app = create_app(writer, directory, field_data_dir=tmp_path / "data")
    with Served(app) as url:
        open_signed_in(browser, url)
        browser.find_element("css selector", '.tab[data-screen="me"]').click()
        wait(browser, lambda d: "已关闭" in visible_text(d, "pos-status"), "switch shown, off")
        assert not browser.find_element("id", "pos-switch").is_selected()   # off by default
        browser.save_screenshot(str(shots / "9-positions-off.png"))
        writer.write_pending()
        with db.session() as s:
            assert s.scalar(select(func.count()).select_from(LatestPosition)) == 0
        tap(browser, "#pos-switch")
        wait(browser, lambda d: "上报中，上次" in visible_text(d, "pos-status"), "a fix sent")
        assert browser.find_element("id", "pos-on").is_displayed()
        browser.save_screenshot(str(shots / "10-positions-on.png"))
        writer.write_pending()
        with db.session() as s:
            (row,) = s.scalars(select(LatestPosition)).all()
            device = s.get(Device, row.device_id)
        assert device.unique_id == city.device and row.patrol_officer_id == city.officer_id
        assert abs(row.lat - HERE[0]) < 1e-6 and abs(row.lon - HERE[1]) < 1e-6
        assert row.accuracy == 8
        # Switched off, it stays off across a reload (the switch is the officer's).
        tap(browser, "#pos-switch")
        browser.refresh()
        wait(browser, lambda d: d.find_element("id", "screen-report").is_displayed(), "reload")
        browser.find_element("css selector", '.tab[data-screen="me"]').click()
        wait(browser, lambda d: "已关闭" in visible_text(d, "pos-status"), "still off")


def test_the_page_says_so_when_no_device_is_registered(browser, site, shots):
    url, field = site
    with field.db.transaction() as s:
        s.execute(update(Device).values(active=False))
    open_signed_in(browser, url)
    browser.find_element("css selector", '.tab[data-screen="me"]').click()
    wait(browser, lambda d: "没有登记给您的定位设备" in visible_text(d, "pos-status"), "said")
    assert not browser.find_element("id", "pos-switch").is_enabled()
    browser.save_screenshot(str(shots / "11-positions-no-device.png"))


def open_first_task(driver) -> None:
    """Tap the first task; the list is redrawn when it loads, so a tap may meet a stale row."""
    from selenium.common.exceptions import StaleElementReferenceException

    def tapped(d) -> bool:
        try:
            d.find_element("css selector", "#task-list li").click()
        except StaleElementReferenceException:
            return False
        return d.find_element("id", "task-detail").is_displayed()
    wait(driver, tapped, "task opened")


def png_tile(rgb: tuple[int, int, int]) -> bytes:
    """A plain 256-px PNG tile with a grid line, made without an imaging library."""
    import struct
    import zlib
    rows = b"".join(b"\x00" + (bytes((60, 60, 60)) * 256 if y % 64 == 0 else
                               (bytes(rgb) * 63 + bytes((60, 60, 60))) * 4)
                    for y in range(256))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(
            ">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 256, 256, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))


def tile_folder(db, folder: Path) -> None:
    """The centre's tiles around HERE at zoom 16–18, configured as a file:// address."""
    import math

    from console.store.models import Setting
    for z in (16, 17, 18):
        n = 2 ** z
        x0 = int((HERE[1] + 180) / 360 * n)
        y0 = int((1 - math.asinh(math.tan(math.radians(HERE[0]))) / math.pi) / 2 * n)
        for x in range(x0 - 3, x0 + 4):
            for y in range(y0 - 4, y0 + 5):
                path = folder / str(z) / str(x) / f"{y}.png"
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_bytes(png_tile((222, 232, 214) if (x + y) % 2 else (236, 236, 226)))
    with db.transaction() as s:
        s.add(Setting(key="field_tile_url", value={"v": f"file://{folder}/{{z}}/{{x}}/{{y}}.png"},
                      updated_at=datetime.now()))


def loaded_tiles(driver, map_id: str) -> int:
    return driver.execute_script(
        f"return document.querySelectorAll('#{map_id} img.leaflet-tile-loaded').length")


def outlines(driver, map_id: str) -> int:
    """Paths drawn on the map besides the point and its accuracy circle: the cell outline."""
    return driver.execute_script(
        f"return document.querySelectorAll('#{map_id} path[stroke-dasharray]').length")


def test_the_small_maps_show_the_centres_tiles_and_the_cell(browser, site, shots, tmp_path):
    url, field = site
    tile_folder(field.db, tmp_path / "tiles")
    checking_case(field)
    open_signed_in(browser, url)
    wait(browser, lambda d: loaded_tiles(d, "report-map") > 0, "tiles on the report map")
    wait(browser, lambda d: outlines(d, "report-map") == 1, "the cell outlined")
    # Category search matches any part of 大类/小类, or the characters in order.
    browser.find_element("id", "cat-search").send_keys("暴垃")
    wait(browser, lambda d: "暴露垃圾" in visible_text(d, "cat-list"), "in-order match")
    browser.save_screenshot(str(shots / "12-report-tiles.png"))
    browser.find_element("id", "cat-search").clear()
    browser.find_element("css selector", '.tab[data-screen="tasks"]').click()
    wait(browser, lambda d: d.find_elements("css selector", "#task-list li"), "task listed")
    open_first_task(browser)
    wait(browser, lambda d: loaded_tiles(d, "task-map") > 0 and outlines(d, "task-map") == 1,
         "tiles and the cell on the task map")
    tap(browser, "#task-map")
    browser.save_screenshot(str(shots / "13-task-tiles.png"))
    browser.find_element("css selector", '.tab[data-screen="me"]').click()
    wait(browser, lambda d: "有效上报率" in visible_text(d, "shift"), "the officer's figures")
    assert "按时核查率" in visible_text(browser, "shift")
    browser.execute_script("document.getElementById('figures').scrollIntoView()")
    browser.save_screenshot(str(shots / "14-me-figures.png"))
    assert browser.execute_script("return document.documentElement.scrollWidth") <= WIDTH


def test_on_a_tablet_the_form_sits_beside_the_map(tablet, site, shots, tmp_path):
    url, field = site
    tile_folder(field.db, tmp_path / "tiles")
    checking_case(field)
    open_signed_in(tablet, url, None)
    wait(tablet, lambda d: loaded_tiles(d, "report-map") > 0, "tiles")
    form = tablet.find_element("id", "cat-search").rect
    map_ = tablet.find_element("id", "report-map").rect
    assert map_["x"] > form["x"] + form["width"] - 1 and map_["y"] < 400
    tablet.save_screenshot(str(shots / "20-tablet-report.png"))
    tablet.find_element("css selector", '.tab[data-screen="tasks"]').click()
    wait(tablet, lambda d: d.find_elements("css selector", "#task-list li"), "task listed")
    open_first_task(tablet)
    wait(tablet, lambda d: loaded_tiles(d, "task-map") > 0, "task map")
    # The list stays beside the open task.
    assert tablet.find_element("id", "task-list").is_displayed()
    tablet.save_screenshot(str(shots / "21-tablet-task.png"))
    tablet.find_element("css selector", '.tab[data-screen="me"]').click()
    wait(tablet, lambda d: "有效上报率" in visible_text(d, "shift"), "figures")
    tablet.save_screenshot(str(shots / "22-tablet-me.png"))
    assert tablet.execute_script("return document.documentElement.scrollWidth") <= 820
