"""Which attribute says what: the cell code, its community, street and district (codes or
names), its work grid and officer. Found by the names Chinese GIS departments commonly use
(or chosen), with the higher levels derived from the cell code where the file lacks them:
6-digit county + 3-digit street + 3-digit community + 2- or 3-digit sequence (CJ/T 213)."""
from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

_ALIASES = {
    "code": ("cell_code", "cellcode", "code", "grid_code", "gridcode", "bgcode", "dywgbm",
             "wgbm", "wgdm", "单元网格编码", "网格编码", "网格代码", "编码", "bm"),
    "community_code": ("community_code", "sqbm", "sqdm", "社区编码", "社区代码"),
    "community_name": ("community", "community_name", "sqmc", "社区", "社区名称"),
    "street_code": ("street_code", "jdbm", "jddm", "街道编码", "街道代码"),
    "street_name": ("street", "street_name", "jdmc", "街道", "街道名称"),
    "district_code": ("district_code", "qxbm", "qxdm", "区县编码", "区县代码"),
    "district_name": ("district", "district_name", "qxmc", "区县", "区县名称", "区"),
    "work_grid": ("work_grid", "work_grid_code", "zrwg", "zrwgbm", "责任网格", "责任网格编码"),
    "work_grid_name": ("work_grid_name", "zrwgmc", "责任网格名称"),
    "officer": ("officer", "officer_code", "jdy", "jdybh", "监督员", "监督员编号"),
}
LEVEL_DIGITS = {"district": 6, "street": 9, "community": 12}


@dataclass(frozen=True)
class FieldMap:
    """Attribute name per role; None: not in the file (derived from the code, or left alone)."""

    code: str | None = None
    community_code: str | None = None
    community_name: str | None = None
    street_code: str | None = None
    street_name: str | None = None
    district_code: str | None = None
    district_name: str | None = None
    work_grid: str | None = None
    work_grid_name: str | None = None
    officer: str | None = None

    def to_dict(self) -> dict[str, str | None]:
        return asdict(self)


def detect_fields(fields: list[str], sample: list[dict[str, Any]], *,
                  code_field: str | None = None, code_lengths: tuple[int, ...] = (14, 15),
                  **chosen: str | None) -> FieldMap:
    """The field map: chosen names first, then known aliases; the code field, if no alias
    matches, is the first whose values look like cell codes (`code_lengths` digits)."""
    by_lower = {f.lower(): f for f in fields}
    found: dict[str, str | None] = {}
    for role, aliases in _ALIASES.items():
        wanted = code_field if role == "code" else chosen.get(role)
        if wanted == "":            # left out on purpose, whatever the attributes are called
            found[role] = None
            continue
        if wanted is not None:
            if wanted not in fields:
                raise KeyError(wanted)
            found[role] = wanted
            continue
        found[role] = next((by_lower[a] for a in aliases if a in by_lower), None)
    if found["code"] is None:
        for name in fields:
            values = [text_of(row.get(name)) for row in sample[:200]]
            digits = [v for v in values if v and v.isdigit() and len(v) in code_lengths]
            if values and len(digits) >= 0.8 * len(values):
                found["code"] = name
                break
    return FieldMap(**found)


def text_of(value: Any) -> str | None:
    """An attribute as text: numbers written as whole numbers (a DBF numeric code 3.3e13 is the
    code 33010600100101), empty as None."""
    if value is None:
        return None
    if isinstance(value, float):
        if value != value:
            return None
        if value.is_integer():
            return str(int(value))
    text = str(value).strip()
    return text or None


@dataclass(frozen=True)
class Place:
    """Where a cell sits: the codes of its community, street and district, and any names."""

    community_code: str
    street_code: str
    district_code: str
    community_name: str | None = None
    street_name: str | None = None
    district_name: str | None = None
    work_grid: str | None = None
    work_grid_name: str | None = None
    officer: str | None = None


def place_of(code: str, attributes: dict[str, Any], fmap: FieldMap) -> tuple[Place, list[str]]:
    """The cell's place from its attributes, the missing codes from the cell code; and the
    roles whose attribute contradicts the code's own prefix."""
    def get(role: str) -> str | None:
        name = getattr(fmap, role)
        return text_of(attributes.get(name)) if name else None

    codes = {}
    clashes = []
    for level, digits in LEVEL_DIGITS.items():
        given = get(f"{level}_code")
        derived = code[:digits]
        if given is not None and given != derived:
            clashes.append(f"{level}_code")
        codes[level] = derived
    return Place(codes["community"], codes["street"], codes["district"],
                 get("community_name"), get("street_name"), get("district_name"),
                 get("work_grid"), get("work_grid_name"), get("officer")), clashes
