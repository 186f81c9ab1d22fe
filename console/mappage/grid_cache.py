"""Pages built at an earlier start: the grid's part of the page, kept by grid fingerprint.

Reading, merging and encoding 50,000 cells takes seconds (region outlines are unions of
cells; the rings are JSON in the database); none of it changes while the grid does not.
A folder per fingerprint (`map_grid.grid_fingerprint`) holds the grid arrays the live map
needs (grid.npz, grid.json) and the page's grid file (grid.bin). A changed grid has another
fingerprint, so it is never served a stale folder; old folders are removed when a new one
is written. A note per grid version (`map_grid.grid_version`) names the folder of its grid,
so a start finds it by one row instead of the fingerprint's pass over the cells (the map
checks the fingerprint afterwards: map.loader.grid_changed). Qt-free; written by the worker
that builds the page.
"""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from pathlib import Path

import numpy as np

from console.mappage.page_data import GRID_FILE
from console.services.map_grid import GridData, rebuild_grid

#: Bumped when what is cached (or how the page reads it) changes: old folders are then ignored.
FORMAT = 3
GRID_SCRIPT = GRID_FILE
_ARRAYS, _NAMES = "grid.npz", "grid.json"
#: Folders of other grids kept besides the newest (a seat switching between two databases).
KEEP = 2


def _folder(root: Path, fingerprint: str) -> Path:
    return root / f"grid-{FORMAT}-{fingerprint}"


def _version_file(root: Path, version: str) -> Path:
    return root / f"version-{FORMAT}-{hashlib.sha256(version.encode()).hexdigest()[:24]}"


def fingerprint_of(root: Path, version: str) -> str | None:
    """The fingerprint of the folder kept for a grid version (`map_grid.grid_version`), if
    one is: the quick way to a page, without aggregating the cells (see `remember`)."""
    try:
        fingerprint = _version_file(root, version).read_text(encoding="ascii").strip()
    except (OSError, ValueError):
        return None
    return fingerprint if fingerprint and _folder(root, fingerprint).is_dir() else None


def remember(root: Path, version: str, fingerprint: str) -> None:
    """Note that a grid version's grid has this fingerprint (written atomically)."""
    root.mkdir(parents=True, exist_ok=True)
    target = _version_file(root, version)
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    tmp.write_text(fingerprint, encoding="ascii")
    tmp.replace(target)


def load(root: Path, fingerprint: str) -> tuple[GridData, dict[int, int], Path] | None:
    """The cached grid, work-grid colours and grid file of a fingerprint, or None."""
    folder = _folder(root, fingerprint)
    try:
        names = json.loads((folder / _NAMES).read_text(encoding="utf-8"))
        with np.load(folder / _ARRAYS) as arrays:
            parts = {k: arrays[k] for k in arrays.files}
        script = folder / GRID_SCRIPT
        if not script.is_file():
            return None
    except (OSError, ValueError, KeyError):
        return None   # absent, half-written by a process that died, or an older format
    grid = rebuild_grid(parts, names)
    colours = {int(k): int(v) for k, v in names["colours"].items()}
    os.utime(folder)   # most recently used: kept when others are pruned
    return grid, colours, script


def store(root: Path, fingerprint: str, grid: GridData, colours: dict[int, int],
          grid_file: bytes) -> Path:
    """Write a fingerprint's folder (atomically: a reader sees all of it or none); returns
    the grid file's path."""
    root.mkdir(parents=True, exist_ok=True)
    final = _folder(root, fingerprint)
    tmp = Path(tempfile.mkdtemp(prefix=".new-", dir=root))
    counts = np.fromiter((len(r) for r in grid.rings), dtype=np.int64, count=len(grid.rings))
    coords = np.concatenate(list(grid.rings)) if len(grid.rings) else np.empty((0, 2))
    np.savez(tmp / _ARRAYS, ids=grid.ids, counts=counts, coords=coords,
             centroids=grid.centroids, community=grid.community, work_grid=grid.work_grid)
    names = {"codes": grid.codes, "communities": grid.communities, "streets": grid.streets,
             "districts": grid.districts, "work_grids": grid.work_grids,
             "colours": {str(k): v for k, v in colours.items()}, "bbox": list(grid.bbox)}
    (tmp / _NAMES).write_text(json.dumps(names, ensure_ascii=False), encoding="utf-8")
    (tmp / GRID_SCRIPT).write_bytes(grid_file)
    try:
        os.replace(tmp, final)
    except OSError:
        if load(root, fingerprint) is None:
            # A broken folder (a process died writing it, a file removed): ours replaces it.
            shutil.rmtree(final, ignore_errors=True)
            os.replace(tmp, final)
        else:
            # Another seat wrote the same fingerprint first: theirs is as good as ours.
            shutil.rmtree(tmp, ignore_errors=True)
    _prune(root, keep=final)
    return final / GRID_SCRIPT


def _prune(root: Path, keep: Path) -> None:
    others = sorted((p for p in root.glob("grid-*") if p != keep and p.is_dir()),
                    key=lambda p: p.stat().st_mtime, reverse=True)
    for old in others[KEEP - 1:]:
        shutil.rmtree(old, ignore_errors=True)
    for note in root.glob("version-*"):   # notes of folders gone
        try:
            if not _folder(root, note.read_text(encoding="ascii").strip()).is_dir():
                note.unlink(missing_ok=True)
        except (OSError, ValueError):
            note.unlink(missing_ok=True)


def link_into(script: Path, folder: Path) -> Path:
    """Put the grid file into a page folder (a hard link where the file system allows)."""
    target = folder / GRID_SCRIPT
    target.unlink(missing_ok=True)
    try:
        os.link(script, target)
    except OSError:
        shutil.copyfile(script, target)
    return target
