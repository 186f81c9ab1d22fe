"""The intake app over a real SQLite database, its writer not started: a test writes on demand."""
from __future__ import annotations

from dataclasses import dataclass

import pytest
from sqlalchemy import select
import anyio
import httpx

from console.ingest.app import create_app
from console.ingest.directory import DeviceDirectory
from console.ingest.writer import BatchWriter
from console.store.models import Device, Position


class Client:
    """A synchronous face on httpx's ASGI transport (the requests reach the app in-process)."""

    def __init__(self, app) -> None:
        self.app = app

    def request(self, method: str, url: str, **kw) -> httpx.Response:
        async def send() -> httpx.Response:
            transport = httpx.ASGITransport(app=self.app)
            async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1") as c:
                return await c.request(method, url, **kw)
        return anyio.run(send)

    def get(self, url: str, **kw) -> httpx.Response:
        return self.request("GET", url, **kw)

    def post(self, url: str, **kw) -> httpx.Response:
        return self.request("POST", url, **kw)


@dataclass
class Intake:
    client: Client
    writer: BatchWriter
    directory: DeviceDirectory
    db: object

    def rows(self) -> list[Position]:
        """Write what is queued, then every stored position in order."""
        self.writer.write_pending()
        with self.db.session() as s:
            return list(s.scalars(select(Position).order_by(Position.id)))


def make_intake(db, capacity: int = 1000) -> Intake:
    directory = DeviceDirectory()
    writer = BatchWriter(db, directory, capacity=capacity)
    writer.refresh_devices()
    return Intake(Client(create_app(writer, directory)), writer, directory, db)


@pytest.fixture
def intake(db, city) -> Intake:
    """The app over the service-test city: its device `patrol-0001` and a second, `phone-2`."""
    with db.transaction() as s:
        officer = s.scalars(select(Device)).one().patrol_officer_id
        s.add(Device(unique_id="phone-2", patrol_officer_id=officer))
    return make_intake(db)
