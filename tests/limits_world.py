"""The service-test city on SQLite and on PostgreSQL, built once per module, for the input-limit
tests (which add rows but never need a clean slate)."""
from __future__ import annotations

from dataclasses import dataclass

import pytest

from console.services.actor import Actor
from console.store.database import Database, open_database
from tests import service_city
from tests.pg_server import PG_URL, fresh_database

BACKENDS = ["sqlite", pytest.param("postgresql", marks=pytest.mark.skipif(
    not PG_URL, reason="CITY_CONSOLE_TEST_PG_URL is not set"))]


@dataclass
class World:
    backend: str
    db: Database
    city: service_city.City
    department: Actor          # a user of the garbage category's department


@pytest.fixture(scope="module", params=BACKENDS)
def world(request, tmp_path_factory):
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('limits') / 'limits.db'}"
        db = open_database(url)
        yield _world("sqlite", db)
        db.dispose()
        return
    with fresh_database("console_limits") as url:
        db = open_database(url)
        yield _world("postgresql", db)
        db.dispose()


def _world(backend: str, db: Database) -> World:
    city = service_city.city.__wrapped__(db)
    with db.session() as s:
        from console.services.cases import category
        department_id = category(s, service_city.GARBAGE).department_id
    return World(backend, db, city, city.dept_user(db, department_id))
