"""Translation catalogues: which source folders feed which `<name>_zh_CN.ts` file."""
from __future__ import annotations

from pathlib import Path

from console.resources import ROOT, TRANSLATIONS

CATALOGUE_FILE = TRANSLATIONS / "catalogues.txt"


def catalogues() -> dict[str, list[str]]:
    """name → source folders (relative to the repository), as listed in catalogues.txt."""
    out: dict[str, list[str]] = {}
    for line in CATALOGUE_FILE.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            name, _, folders = line.partition(":")
            out[name.strip()] = folders.split()
    return out


def sources(name: str) -> list[Path]:
    """The Python files of one catalogue: its folders minus those claimed by a deeper catalogue."""
    table = catalogues()
    own = [ROOT / f for f in table[name]]
    others = [ROOT / f for n, folders in table.items() if n != name for f in folders]
    files = []
    for folder in own:
        for path in sorted(folder.rglob("*.py")):
            claimed = [o for o in others if o != folder and folder in o.parents and o in path.parents]
            if not claimed:
                files.append(path)
    return files


def ts_file(name: str) -> Path:
    return TRANSLATIONS / f"{name}_zh_CN.ts"


def qm_file(name: str) -> Path:
    return TRANSLATIONS / f"{name}_zh_CN.qm"


if __name__ == "__main__":   # used by update.sh: print "name file file ..." per catalogue
    for cat in catalogues():
        print(cat, *(str(p.relative_to(ROOT)) for p in sources(cat)))
