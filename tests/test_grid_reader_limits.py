"""The grid reader refuses a zip that unpacks to more than it will hold in memory."""
from __future__ import annotations

import json
import zipfile

import pytest

from console.gis import reader
from console.gis.reader import ReadError, read_source

GRID = {"type": "FeatureCollection", "features": [{
    "type": "Feature", "properties": {"code": "110101001001"},
    "geometry": {"type": "Polygon", "coordinates": [[[116.0, 39.0], [116.01, 39.0],
                                                     [116.01, 39.01], [116.0, 39.0]]]}}]}


def grid_zip(path, padding: int = 0):
    text = json.dumps(GRID) + " " * padding      # spaces compress to almost nothing
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("grid.geojson", text)
    return path


def test_a_zip_that_unpacks_beyond_the_limit_is_refused_unread(tmp_path, monkeypatch):
    monkeypatch.setattr(reader, "MAX_UNPACKED_BYTES", 64 * 1024)
    bomb = grid_zip(tmp_path / "bomb.zip", padding=200 * 1024)
    assert bomb.stat().st_size < 4096
    read = []
    monkeypatch.setattr(zipfile.ZipFile, "read", lambda self, name, pwd=None: read.append(name))
    with pytest.raises(ReadError, match="bomb.zip unpacks to more than 0 MB"):
        read_source(bomb)
    assert read == []


def test_a_zip_within_the_limit_is_read(tmp_path, monkeypatch):
    monkeypatch.setattr(reader, "MAX_UNPACKED_BYTES", 64 * 1024)
    source = read_source(grid_zip(tmp_path / "grid.zip", padding=1024))
    assert len(source.features) == 1
