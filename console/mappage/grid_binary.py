"""grid.bin: the grid's part of the page (cells and region outlines) as one binary file.

The page reads it with one request (an ArrayBuffer) and views its sections as typed arrays:
no script to parse (a 200,000-cell grid was a 14 MB script, half a second to parse) and no
per-vertex projection in the page. Layout, little-endian:

    "CCCG" | u32 FORMAT | u32 header length | header (UTF-8 JSON) | pad to 8 | sections

The header names each section's [offset from the data start, dtype, count] and carries the
small parts (community names; the regions' codes, names, labels, ring counts). Each section
starts on an 8-byte boundary, so the page views it in place. Cell rings, open (the page
closes them), are projected here to Web Mercator in integer units (UNITS per zoom-0 pixel,
a pixel at zoom 22): each cell's first vertex (`origin`, int32) and its other vertices as
int16 offsets from it (`delta`; int32 when a cell is too large for int16). Region outlines
stay integer microdegrees (mapmath.encode_rings' arrays). Codes are front-coded (`_codes`),
lengths in UTF-16 units, which is how the page slices them.
"""
from __future__ import annotations

import json
import struct
from collections.abc import Sequence

import numpy as np

from console.mappage.mapmath import MAX_LATITUDE, MICRODEGREES, TILE_SIZE
from console.services.map_grid import GridData, Region

MAGIC = b"CCCG"
FORMAT = 1
#: Integer units per zoom-0 pixel: one pixel at zoom 22 (about 4 cm); the world is 2^30.
UNITS = 1 << 22
_ALIGN = 8


def project(lonlat: np.ndarray) -> np.ndarray:
    """(n, 2) lon/lat → (n, 2) int64 Web Mercator units (mapmath.mercator × UNITS)."""
    lon = lonlat[:, 0].astype(np.float64)
    lat = np.clip(lonlat[:, 1].astype(np.float64), -MAX_LATITUDE, MAX_LATITUDE)
    s = np.sin(np.radians(lat))
    x = (lon + 180.0) / 360.0 * TILE_SIZE
    y = (0.5 - np.log((1 + s) / (1 - s)) / (4 * np.pi)) * TILE_SIZE
    return np.rint(np.stack([x, y], axis=1) * UNITS).astype(np.int64)


def unproject(xy: np.ndarray) -> np.ndarray:
    """The inverse of `project`: (n, 2) units → lon/lat degrees."""
    x = xy[:, 0] / UNITS / TILE_SIZE
    y = xy[:, 1] / UNITS / TILE_SIZE
    lon = x * 360.0 - 180.0
    lat = np.degrees(np.arctan(np.sinh(np.pi * (1 - 2 * y))))
    return np.stack([lon, lat], axis=1)


def _open_rings(rings: Sequence[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """Vertex counts and coordinates with each ring's closing vertex dropped."""
    if not len(rings):
        return np.zeros(0, np.int64), np.zeros((0, 2))
    coords_all = getattr(rings, "coords", None)
    if coords_all is not None:   # FlatRings: one array already
        counts = np.asarray(rings.counts, dtype=np.int64)
        coords = np.asarray(coords_all, dtype=np.float64).reshape(-1, 2)
    else:
        counts = np.fromiter((len(r) for r in rings), dtype=np.int64, count=len(rings))
        coords = np.concatenate(rings).reshape(-1, 2).astype(np.float64)
    ends = np.cumsum(counts)
    starts = ends - counts
    closed = (counts > 1) & np.all(coords[starts] == coords[np.maximum(ends - 1, 0)], axis=1)
    keep = np.ones(len(coords), dtype=bool)
    keep[(ends - 1)[closed]] = False
    return counts - closed, coords[keep]


def _cell_sections(rings: Sequence[np.ndarray]) -> tuple[dict[str, np.ndarray], str]:
    counts, coords = _open_rings(rings)
    n = len(counts)
    if (counts > 0xFFFF).any():
        raise ValueError("a cell has more than 65,535 vertices")
    xy = project(coords) if len(coords) else np.zeros((0, 2), np.int64)
    starts = np.cumsum(counts) - counts
    has = counts > 0
    origin = np.zeros((n, 2), np.int64)
    origin[has] = xy[starts[has]]
    first = np.zeros(len(xy), dtype=bool)
    first[starts[has]] = True
    owner = np.repeat(np.arange(n), counts)
    delta = (xy - origin[owner])[~first]
    wide = bool(len(delta)) and int(np.abs(delta).max()) > 32767
    kind = "<i4" if wide else "<i2"
    return {"counts": counts.astype("<u2"), "origin": origin.astype("<i4").ravel(),
            "delta": delta.astype(kind).ravel()}, kind


def _codes(codes: Sequence[str]) -> dict[str, np.ndarray]:
    """Codes front-coded: how many UTF-16 units each shares with the one before (cells are in
    code order, so most share all but a digit or two), and the rest as UTF-8 with its length.
    A fifth of the plain text for 200,000 codes."""
    shared, tails = np.zeros(len(codes), np.int64), []
    previous = ""
    for i, code in enumerate(codes):
        n = 0
        limit = min(len(code), len(previous), 255)
        while n < limit and code[n] == previous[n]:
            n += 1
        # Never split a surrogate pair (the page slices UTF-16 units).
        while n and "\ud800" <= code[n - 1] <= "\udbff":
            n -= 1
        shared[i] = n
        tails.append(code[n:])
        previous = code
    lengths = np.fromiter((len(c.encode("utf-16-le")) // 2 for c in tails), dtype=np.int64,
                          count=len(tails))
    if (lengths > 0xFFFF).any():
        raise ValueError("a cell code is too long")
    wide = bool(len(lengths)) and int(lengths.max()) > 255
    return {"codeShared": shared.astype("u1"),
            "codeLengths": lengths.astype("<u2" if wide else "u1"),
            "codeText": np.frombuffer("".join(tails).encode("utf-8"), dtype=np.uint8)}


def _rings_of(geometry) -> list[np.ndarray]:
    rings = []
    for polygon in getattr(geometry, "geoms", [geometry]):
        rings.append(np.asarray(polygon.exterior.coords))
        rings.extend(np.asarray(hole.coords) for hole in polygon.interiors)
    return rings


def _boundary(regions: list[Region]) -> tuple[dict, dict[str, np.ndarray]]:
    all_rings, ring_counts = [], []
    for region in regions:
        rings = _rings_of(region.geometry)
        ring_counts.append(len(rings))
        all_rings.extend(rings)
    counts, coords = _open_rings(all_rings)
    meta = {"codes": [r.code for r in regions], "names": [r.name for r in regions],
            "labels": [[r.label[1], r.label[0]] for r in regions], "ringCounts": ring_counts}
    arrays = {"counts": counts.astype("<u2"),
              "coords": np.round(coords * MICRODEGREES).astype("<i4").ravel()}
    return meta, arrays


def encode(grid: GridData, regions: dict[str, list[Region]]) -> bytes:
    """grid.bin of a grid and its region outlines."""
    sections, kind = _cell_sections(grid.rings)
    community_ids = sorted(grid.communities)
    position = {cid: i for i, cid in enumerate(community_ids)}
    sections["community"] = np.array([position.get(c, 0) for c in grid.community.tolist()],
                                     dtype="<u2")
    sections.update(_codes(grid.codes))
    boundaries = {}
    for level, rs in regions.items():
        meta, arrays = _boundary(rs)
        boundaries[level] = meta
        for name, array in arrays.items():
            sections[f"{level}.{name}"] = array
    table, parts, offset = {}, [], 0
    for name, array in sections.items():
        data = np.ascontiguousarray(array).tobytes()
        table[name] = [offset, np.dtype(array.dtype).str.lstrip("<|="), int(array.size)]
        pad = -len(data) % _ALIGN
        parts.append(data + b"\0" * pad)
        offset += len(data) + pad
    header = {"n": len(grid), "units": UNITS, "delta": kind.lstrip("<"), "sections": table,
              "communityNames": [grid.communities[c][1] for c in community_ids],
              "boundaries": boundaries}
    text = json.dumps(header, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    head = MAGIC + struct.pack("<II", FORMAT, len(text)) + text
    head += b"\0" * (-len(head) % _ALIGN)
    return head + b"".join(parts)


def read(data: bytes) -> tuple[dict, dict[str, np.ndarray]]:
    """The header and every section of a grid.bin (as the page views them)."""
    if data[:4] != MAGIC:
        raise ValueError("not a grid file")
    version, length = struct.unpack_from("<II", data, 4)
    if version != FORMAT:
        raise ValueError(f"grid file format {version}, expected {FORMAT}")
    header = json.loads(data[12:12 + length].decode("utf-8"))
    base = 12 + length + (-(12 + length) % _ALIGN)
    sections = {name: np.frombuffer(data, dtype="<" + dtype if dtype != "u1" else "u1",
                                    count=count, offset=base + offset)
                for name, (offset, dtype, count) in header["sections"].items()}
    return header, sections


def cell_rings(data: bytes) -> list[np.ndarray]:
    """The cells' open rings in lon/lat degrees, decoded as the page decodes them."""
    s = read(data)[1]
    counts = s["counts"].astype(np.int64)
    origin = s["origin"].reshape(-1, 2).astype(np.int64)
    delta = s["delta"].reshape(-1, 2).astype(np.int64)
    out, k = [], 0
    for i, count in enumerate(counts.tolist()):
        if not count:
            out.append(np.zeros((0, 2)))
            continue
        xy = np.vstack([origin[i:i + 1], origin[i] + delta[k:k + count - 1]])
        k += count - 1
        out.append(unproject(xy))
    return out


def cell_codes(data: bytes) -> list[str]:
    """The cells' codes, decoded as the page decodes them."""
    s = read(data)[1]
    text = s["codeText"].tobytes().decode("utf-8").encode("utf-16-le")
    out, at, previous = [], 0, ""
    for shared, n in zip(s["codeShared"].tolist(), s["codeLengths"].tolist()):
        previous = previous[:shared] + text[2 * at:2 * (at + n)].decode("utf-16-le")
        out.append(previous)
        at += n
    return out
