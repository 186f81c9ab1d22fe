"""The intake bench's load: a city of registered phones, their OsmAnd requests, a keep-alive
load generator (asyncio, one request in flight per connection, as phones send) and a `serve`
process to aim it at."""
from __future__ import annotations

import asyncio
import os
import random
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

from sqlalchemy import insert, select

from console.store.database import Database
from console.store.models import Device, PatrolOfficer

DEVICES = 2000
CONNECTIONS = 64
_LENGTH = re.compile(rb"content-length:\s*(\d+)", re.IGNORECASE)


def make_city(db: Database) -> list[str]:
    with db.transaction() as s:
        s.execute(insert(PatrolOfficer), [dict(code=f"I{n:05d}", name=f"巡查员{n:04d}", active=True)
                                       for n in range(DEVICES)])
        officers = s.scalars(select(PatrolOfficer.id).order_by(PatrolOfficer.id)).all()
        s.execute(insert(Device), [dict(unique_id=f"ingest-{n:05d}", patrol_officer_id=o,
                                     active=True) for n, o in enumerate(officers)])
    return [f"ingest-{n:05d}" for n in range(DEVICES)]


def patrol_homes(devices: list[str]) -> list[tuple[float, float]]:
    """Where each officer patrols: fixes stay within ~50 m of it (a plausible walk, so the
    impossible-speed check does its work on every fix without flagging any)."""
    rng = random.Random(3)
    return [(30.27 + rng.uniform(-0.05, 0.05), 120.15 + rng.uniform(-0.05, 0.05)) for _ in devices]


def osmand_requests(devices: list[str], port: int) -> list[bytes]:
    rng = random.Random(1)
    homes = patrol_homes(devices)
    stamp = int(time.time())
    out = []
    for i in range(4 * len(devices)):
        lat, lon = homes[i % len(devices)]
        query = (f"id={devices[i % len(devices)]}&lat={lat + rng.uniform(-3e-4, 3e-4):.6f}"
                 f"&lon={lon + rng.uniform(-3e-4, 3e-4):.6f}&timestamp={stamp}"
                 f"&speed={rng.uniform(0, 3):.1f}&bearing={rng.uniform(0, 360):.0f}"
                 f"&altitude=10&accuracy=8&batt=77")
        out.append(f"GET /?{query} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n".encode())
    return out


class _Phone(asyncio.Protocol):
    """One keep-alive connection sending its next request when the previous one is answered."""

    def __init__(self, requests: list[bytes], start: int, stop_at: float, statuses: Counter,
                 done: asyncio.Future, gap: float = 0.0) -> None:
        self.requests, self.i, self.stop_at = requests, start, stop_at
        self.statuses, self.done, self.buf = statuses, done, b""
        self.gap = gap       # seconds between an answer and the next request (0: at once)
        self.loop = asyncio.get_running_loop()

    def connection_made(self, transport) -> None:
        self.transport = transport
        self._send()

    def _send(self) -> None:
        if self.loop.time() >= self.stop_at:
            if not self.transport.is_closing():
                self.transport.close()
            return
        self.transport.write(self.requests[self.i % len(self.requests)])
        self.i += 1

    def data_received(self, data: bytes) -> None:
        self.buf += data
        while (end := self.buf.find(b"\r\n\r\n")) >= 0:
            head = self.buf[:end]
            match = _LENGTH.search(head)
            total = end + 4 + (int(match.group(1)) if match else 0)
            if len(self.buf) < total:
                return
            self.statuses[int(head[9:12])] += 1
            self.buf = self.buf[total:]
            if self.gap:
                self.loop.call_later(self.gap, self._send)
            else:
                self._send()

    def connection_lost(self, exc) -> None:
        if not self.done.done():
            self.done.set_result(None)


async def offer_load(port: int, requests: list[bytes], seconds: float, *,
                connections: int = CONNECTIONS, gap: float = 0.0) -> Counter:
    loop = asyncio.get_running_loop()
    statuses: Counter = Counter()
    stop_at = loop.time() + seconds
    waits = []
    for c in range(connections):
        done = loop.create_future()
        await loop.create_connection(
            lambda c=c, done=done: _Phone(requests, c * 97, stop_at, statuses, done, gap),
            "127.0.0.1", port)
        waits.append(done)
    await asyncio.gather(*waits)
    return statuses


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_serve(url: str, port: int, queue: int = 200_000) -> subprocess.Popen:
    proc = subprocess.Popen([sys.executable, "-m", "console", "serve", "--db", url,
                             "--host", "127.0.0.1", "--port-osmand", str(port),
                             "--queue", str(queue)],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    ready = threading.Event()

    def read() -> None:
        for line in proc.stdout:
            if "Uvicorn running" in line:
                ready.set()
            if os.environ.get("CITY_CONSOLE_BENCH_VERBOSE"):
                print(line, end="", file=sys.stderr)
    threading.Thread(target=read, daemon=True).start()
    if not ready.wait(60):
        proc.kill()
        raise RuntimeError("serve did not start")
    return proc


def event_loop_runner():
    try:
        import uvloop
        return uvloop.run
    except ImportError:
        return asyncio.run


def wrk_available() -> bool:
    return shutil.which("wrk") is not None and not os.environ.get("CITY_CONSOLE_BENCH_NO_WRK")


_WRK_LINE = re.compile(r"(\d+) requests in")
_WRK_NON2XX = re.compile(r"Non-2xx or 3xx responses: (\d+)")


def wrk_load(port: int, requests: list[bytes], seconds: float, *,
             connections: int = CONNECTIONS, rate: float | None = None) -> Counter:
    """The same requests offered by `wrk` (one thread: one core at most; keep-alive, one request
    in flight per connection). Answers other than 2xx are counted as 503: the only refusal
    these requests get from a running server. With `rate`, each connection waits
    connections / rate between an answer and its next request: about `rate` a second while
    answers are quick (the caller counts what was really sent)."""
    paths = [r.split(b" ", 2)[1].decode("ascii") for r in requests]
    pace = "" if rate is None else f"function delay() return {1000 * connections / rate:.3f} end\n"
    with tempfile.TemporaryDirectory(prefix="bench-wrk-") as tmp:
        script = Path(tmp) / "phones.lua"
        script.write_text(
            "local paths = {" + ",".join(f'"{p}"' for p in paths) + "}\n"
            "local i = 0\n"
            "function setup(thread) end\n"
            "function request() i = i % #paths + 1; return wrk.format('GET', paths[i]) end\n"
            + pace)
        out = subprocess.run(["wrk", "-t1", f"-c{connections}", f"-d{max(1, round(seconds))}s",
                              "-s", str(script), f"http://127.0.0.1:{port}/"],
                             capture_output=True, text=True, timeout=seconds + 60, check=True)
    total = int(_WRK_LINE.search(out.stdout).group(1))
    refused = _WRK_NON2XX.search(out.stdout)
    refused = int(refused.group(1)) if refused else 0
    return Counter({200: total - refused, 503: refused})


async def offer_paced(port: int, requests: list[bytes], seconds: float, rate: float, *,
                      connections: int = CONNECTIONS) -> Counter:
    """Offer `rate` requests a second (open loop: each connection sends on a schedule, and
    falls behind only when the server's answers are slower than the schedule)."""
    statuses: Counter = Counter()
    period = connections / rate
    loop = asyncio.get_running_loop()
    stop_at = loop.time() + seconds

    async def phone(offset: int) -> None:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        i, due = offset, loop.time() + offset * period / connections
        while loop.time() < stop_at:
            await asyncio.sleep(max(0.0, due - loop.time()))
            writer.write(requests[i % len(requests)])
            i += connections
            head = await reader.readuntil(b"\r\n\r\n")
            match = _LENGTH.search(head)
            if match and int(match.group(1)):
                await reader.readexactly(int(match.group(1)))
            statuses[int(head[9:12])] += 1
            due += period
        writer.close()

    await asyncio.gather(*(phone(c) for c in range(connections)))
    return statuses
