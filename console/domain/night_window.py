"""Times of day: a window like 19:00–06:00 (crossing midnight when it ends before it starts),
and the category profiles built from one (夜查: 露天烧烤, 噪音扰民 ... happen at night)."""
from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from console.domain.errors import DomainError

_WINDOW = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*[-–—~至]\s*(\d{1,2}):(\d{2})\s*$")


@dataclass(frozen=True, slots=True)
class TimeWindow:
    """[start, end) in minutes of the day; end <= start runs over midnight (equal: all day)."""

    start: int
    end: int

    @classmethod
    def parse(cls, text: str) -> TimeWindow:
        m = _WINDOW.match(text or "")
        if m is None:
            raise DomainError("bad_time_window", text=str(text)[:32])
        h1, m1, h2, m2 = (int(g) for g in m.groups())
        if h1 > 23 or h2 > 24 or m1 > 59 or m2 > 59 or (h2 == 24 and m2):
            raise DomainError("bad_time_window", text=text[:32])
        return cls(h1 * 60 + m1, (h2 * 60 + m2) % 1440)

    def holds(self, at: datetime) -> bool:
        """Whether the time of day of `at` is inside (the start minute in, the end minute out)."""
        minute = at.hour * 60 + at.minute
        if self.start < self.end:
            return self.start <= minute < self.end
        return minute >= self.start or minute < self.end

    def text(self) -> str:
        return (f"{self.start // 60:02d}:{self.start % 60:02d}-"
                f"{self.end // 60:02d}:{self.end % 60:02d}")


NIGHT = TimeWindow(19 * 60, 6 * 60)


def category_windows(setting: Mapping[str, object], names: Mapping[str, str]
                     ) -> dict[str, TimeWindow]:
    """category code → window, from a setting keyed by category code or by name (the
    defaults are names: a centre's catalogue gives the codes); unparsable entries are left out,
    a code wins over a name."""
    by_name: dict[str, list[str]] = {}
    for code, name in names.items():
        by_name.setdefault(name, []).append(code)
    out: dict[str, TimeWindow] = {}
    coded: set[str] = set()
    for key, value in setting.items():
        try:
            window = TimeWindow.parse(str(value))
        except DomainError:
            continue
        if key in names:
            out[key] = window
            coded.add(key)
        else:
            for code in by_name.get(key, ()):
                if code not in coded:
                    out[code] = window
    return out


def codes_named(entries: object, names: Mapping[str, str]) -> frozenset[str]:
    """The category codes a setting lists, by code or by name."""
    if not isinstance(entries, list):
        return frozenset()
    wanted = {str(e) for e in entries}
    return frozenset(code for code, name in names.items() if code in wanted or name in wanted)
