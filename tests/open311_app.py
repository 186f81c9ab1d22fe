"""The Open311 app over the service-test city, with a key issued to application `city-app`."""
from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

import pytest

from console.ingest.open311 import Limits, create_open311_app
from console.services.open311_keys import issue_key
from tests.ingest_app import Client
from tests.service_city import without_verification

BASE = "/open311/v2"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
JPEG = b"\xff\xd8\xff\xe0" + b"\x01" * 200


@dataclass
class Open311:
    client: Client
    key: str
    db: object
    data_dir: Path


def roomy() -> Limits:
    """Rate limits no functional test reaches."""
    return Limits(per_address=(1e6, 1e6), per_key=(1e6, 1e6))


def make_open311(db, data_dir: Path, limits: Limits | None = None) -> Open311:
    with db.transaction() as s:
        key = issue_key(s, "city-app")
        without_verification(s)
    app = create_open311_app(db, data_dir=data_dir, limits=limits or roomy())
    return Open311(Client(app), key, db, data_dir)


@pytest.fixture
def o311(db, city, tmp_path) -> Open311:
    return make_open311(db, tmp_path / "data")


def xml_items(response, item: str = "request") -> list[dict[str, str | None]]:
    """The items of an XML answer as {field: text} (nested lists left out)."""
    assert response.headers["content-type"].startswith("text/xml"), response.text
    assert response.content.startswith(b"<?xml version='1.0' encoding='utf-8'?>")
    root = ET.fromstring(response.content)
    return [{child.tag: child.text for child in node} for node in root.iter(item)]


def xml_error(response) -> tuple[int, str]:
    root = ET.fromstring(response.content)
    assert root.tag == "errors", response.text
    (error,) = root.findall("error")
    return int(error.findtext("code")), error.findtext("description")
