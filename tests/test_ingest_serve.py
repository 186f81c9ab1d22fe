"""A real `serve` process on 127.0.0.1 over a real SQLite file: fixes in, SIGTERM, all written.
Also the `devices` commands."""
from __future__ import annotations

import os
import queue
import select as io_select
import signal
import socket
import subprocess
import sys
import threading
from pathlib import Path

import httpx
import pytest
from sqlalchemy import func, select

from console.cli import main
from console.store.models import Position

ROOT = Path(__file__).resolve().parents[1]
START_TIMEOUT_S = 60


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Serve:
    """`python -m console serve` as a service manager runs it; its stdout read line by line."""

    def __init__(self, db_url: str, *args: str) -> None:
        self.port = free_port()
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "console", "serve", "--db", db_url, "--host", "127.0.0.1",
             "--port-osmand", str(self.port), *args],
            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        self.lines: queue.Queue[str] = queue.Queue()
        self.log: list[str] = []
        threading.Thread(target=self._read, daemon=True).start()
        self.wait_for("Uvicorn running")
        self.url = f"http://127.0.0.1:{self.port}"

    def _read(self) -> None:
        for line in self.proc.stdout:
            self.lines.put(line)
        self.lines.put("")

    def wait_for(self, text: str) -> str:
        while True:
            line = self.lines.get(timeout=START_TIMEOUT_S)
            self.log.append(line)
            if line == "":
                raise AssertionError("serve exited:\n" + "".join(self.log))
            if text in line:
                return line

    def stop(self) -> int:
        self.proc.send_signal(signal.SIGTERM)
        rc = self.proc.wait(timeout=60)
        while (line := self.lines.get(timeout=10)) != "":
            self.log.append(line)
        return rc


def raw_get(port: int, target: str) -> bytes:
    """One request over a plain socket, for what an HTTP client library refuses to send."""
    with socket.create_connection(("127.0.0.1", port), timeout=30) as s:
        s.sendall(f"GET {target} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n".encode())
        data = b""
        while chunk := s.recv(65536):
            data += chunk
        return data


@pytest.mark.slow
def test_serve_takes_fixes_and_writes_them_all_on_sigterm(db, city, tmp_path):
    db_url = db.engine.url.render_as_string(hide_password=False)
    # A long batch window holds the fixes in the queue, so SIGTERM finds them unwritten.
    serve = Serve(db_url, "--flush-ms", "30000")
    try:
        with httpx.Client(base_url=serve.url, timeout=30) as client:
            answers = [client.get("/", params={"id": city.device, "lat": 30.27 + i * 1e-4,
                                               "lon": 120.15, "timestamp": 1773050400 + i}
                                  ).status_code for i in range(40)]
            answers += [client.post("/", data={"id": city.device, "lat": 30.3, "lon": 120.2,
                                               "timestamp": 1773050500 + i}).status_code
                        for i in range(10)]
            assert answers == [200] * 50
            assert client.get("/?id=stranger&lat=30&lon=120").status_code == 400
            assert client.get("/?lat=30&lon=120").status_code == 400
            health = client.get("/healthz").json()
        assert health["database"] == "reachable"
        assert health["queue_depth"] == 50 and health["last_write_age_s"] is None
        big = raw_get(serve.port, f"/?id={city.device}&lat=30&lon=120&note={'x' * 1_000_000}")
        assert big.startswith(b"HTTP/1.1 4"), big[:80]
        with db.session() as s:
            assert s.scalar(select(func.count()).select_from(Position)) == 0
    finally:
        rc = serve.stop()
    assert rc == 0, "".join(serve.log)
    with db.session() as s:
        assert s.scalar(select(func.count()).select_from(Position)) == 50
    assert any("written 50, lost 0" in line for line in serve.log), "".join(serve.log)


@pytest.mark.slow
def test_serve_writes_within_its_window_while_running(db, city):
    serve = Serve(db.engine.url.render_as_string(hide_password=False), "--flush-ms", "20")
    try:
        with httpx.Client(base_url=serve.url, timeout=30) as client:
            assert client.get(f"/?id={city.device}&lat=30.27&lon=120.15").status_code == 200
            # The writer logs nothing per batch: the health endpoint, which it updates on
            # commit, is the signal (bounded polling, no sleep).
            for _ in range(500):
                if client.get("/healthz").json()["last_write_age_s"] is not None:
                    break
            else:
                raise AssertionError("no write within 500 health checks")
        with db.session() as s:
            assert s.scalar(select(func.count()).select_from(Position)) == 1
    finally:
        assert serve.stop() == 0


def test_devices_add_list_disable(db, city, capsys):
    url = db.engine.url.render_as_string(hide_password=False)
    assert main(["devices", "add", "phone-9", "P0001", "--db", url]) == 0
    assert main(["devices", "add", "phone-x", "P9999", "--db", url]) == 2
    assert main(["devices", "add", "bad id ", "P0001", "--db", url]) == 2
    assert main(["devices", "disable", "patrol-0001", "--db", url]) == 0
    assert main(["devices", "disable", "nothing", "--db", url]) == 2
    capsys.readouterr()
    assert main(["devices", "list", "--db", url]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out == ["patrol-0001\tP0001\t王巡\tdisabled\t-", "phone-9\tP0001\t王巡\tactive\t-"]


def _children(pid: int) -> list[int]:
    out = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:   # the field after the state is the parent's pid
            out.append(int(stat.parent.name))
    return out


@pytest.mark.slow
@pytest.mark.skipif(not Path("/proc").is_dir(), reason="reads child processes from /proc")
def test_the_writer_process_stops_when_serve_is_killed_outright(db, city):
    """kill -9 of serve sends the writer no end; it must notice and leave, not hold the
    database for ever (such orphans were found after test runs)."""
    serve = Serve(db.engine.url.render_as_string(hide_password=False))
    try:
        with httpx.Client(base_url=serve.url, timeout=30) as client:
            assert client.get("/", params={"id": city.device, "lat": 30.27, "lon": 120.15,
                                           "timestamp": 1773050400}).status_code == 200
        writers = [p for p in _children(serve.proc.pid)
                   if "multiprocessing" in Path(f"/proc/{p}/cmdline").read_text(errors="replace")
                   and "resource_tracker" not in Path(f"/proc/{p}/cmdline").read_text(
                       errors="replace")]
        assert writers, "serve runs its writer in a child process"
    finally:
        serve.proc.kill()
        serve.proc.wait(timeout=30)
    for pid in writers:   # a pidfd becomes readable when its process ends: no polling
        try:
            fd = os.pidfd_open(pid)
        except ProcessLookupError:
            continue          # already gone
        try:
            ended, _, _ = io_select.select([fd], [], [], 20)
        finally:
            os.close(fd)
        assert ended, "the writer outlived serve"
