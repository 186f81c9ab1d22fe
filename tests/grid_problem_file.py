"""A small grid file with a few bad features, as GIS departments deliver them: the import
dialog's tests and its screenshots read it."""
from __future__ import annotations

import json
from pathlib import Path

LON0, LAT0, SIZE = 120.15, 30.27, 0.001
COMMUNITY = "330106001001"


def _square(col: float, row: float) -> list[list[float]]:
    x, y = LON0 + col * SIZE, LAT0 + row * SIZE
    return [[x, y], [x + SIZE, y], [x + SIZE, y + SIZE], [x, y + SIZE], [x, y]]


def _feature(code: str | None, ring, **props) -> dict:
    geometry = None if ring is None else {"type": "Polygon", "coordinates": [ring]}
    return {"type": "Feature", "properties": {"BM": code, "SQMC": "文新社区", **props},
            "geometry": geometry}


def write_problem_grid(path: Path) -> Path:
    """20 good cells in a 5×4 block, then: a code too short, a bow-tie outline, a duplicate
    code, a cell with no geometry (errors); an overlapping cell and an officer the database
    lacks (warnings)."""
    features = []
    seq = 1
    for row in range(4):
        for col in range(5):
            features.append(_feature(f"{COMMUNITY}{seq:02d}", _square(col, row), ZRWG="W01"))
            seq += 1
    x, y = LON0 + 6 * SIZE, LAT0
    features += [
        _feature("3301060010", _square(6, 0)),
        _feature(f"{COMMUNITY}31", [[x, y + SIZE], [x + SIZE, y + 2 * SIZE], [x + SIZE, y + SIZE],
                                    [x, y + 2 * SIZE], [x, y + SIZE]]),
        _feature(f"{COMMUNITY}05", _square(6, 2)),
        _feature(f"{COMMUNITY}33", None),
        _feature(f"{COMMUNITY}34", _square(4.5, 3.5)),
        _feature(f"{COMMUNITY}35", _square(5, 1), ZRWG="W02", JDY="P9999"),
    ]
    doc = {"type": "FeatureCollection", "features": features}
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    return path
