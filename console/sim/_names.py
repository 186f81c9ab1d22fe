"""Name material for the demo city: real Hangzhou districts and streets, and parts to coin more."""

from __future__ import annotations

import itertools
import random
from collections.abc import Iterator

# (county code, name, rough bearing in degrees from 武林广场, 0 = east, counter-clockwise).
# The bearing only decides which side of the demo city a district lands on.
HANGZHOU_DISTRICTS: tuple[tuple[str, str, float], ...] = (
    ("330102", "上城区", 320.0),
    ("330105", "拱墅区", 90.0),
    ("330106", "西湖区", 200.0),
    ("330108", "滨江区", 275.0),
    ("330109", "萧山区", 300.0),
    ("330110", "余杭区", 150.0),
    ("330113", "临平区", 60.0),
    ("330114", "钱塘区", 10.0),
    ("330111", "富阳区", 235.0),
    ("330112", "临安区", 175.0),
)

# Real streets, listed roughly from the centre outwards (the nearest street gets the first name).
HANGZHOU_STREETS: dict[str, tuple[str, ...]] = {
    "330102": ("湖滨", "小营", "清波", "望江", "南星", "紫阳", "凯旋", "采荷",
               "闸弄口", "四季青", "笕桥", "彭埠", "丁兰", "九堡"),
    "330105": ("武林", "天水", "长庆", "朝晖", "潮鸣", "湖墅", "米市巷", "文晖",
               "小河", "和睦", "东新", "石桥", "大关", "拱宸桥", "上塘", "祥符",
               "康桥", "半山"),
    "330106": ("北山", "西溪", "灵隐", "翠苑", "文新", "古荡", "西湖", "蒋村",
               "留下", "转塘"),
    "330108": ("西兴", "长河", "浦沿"),
    "330109": ("城厢", "北干", "蜀山", "新塘", "宁围", "新街", "盈丰", "闻堰"),
    "330110": ("仓前", "五常", "闲林", "余杭", "中泰", "良渚", "仁和"),
    "330113": ("临平", "东湖", "南苑", "星桥", "乔司", "运河"),
    "330114": ("白杨", "下沙", "河庄", "义蓬", "新湾", "临江"),
    "330111": ("富春", "春江", "东洲", "银湖", "鹿山"),
    "330112": ("锦城", "锦北", "锦南", "玲珑", "青山湖"),
}

# Two-character place names are coined as FIRST + SECOND; both lists are common in real names.
FIRST_CHARS = ("东", "西", "南", "北", "新", "青", "文", "华", "和", "安", "康", "宁",
               "兴", "春", "明", "德", "长", "永", "福", "金", "紫", "翠", "丰", "云",
               "凤", "龙", "柳", "桂", "梅", "兰", "松", "桃", "清", "景", "瑞", "嘉")
SECOND_CHARS = ("塘", "桥", "湖", "山", "港", "湾", "溪", "浦", "坊", "苑", "园", "门",
                "江", "林", "岭", "城", "亭", "泉", "源", "洲", "河", "田", "庄", "堤")

# Communities are often named after an estate: 翠苑一区社区, 东新园社区, 桂花新村社区.
COMMUNITY_VARIANTS = ("", "", "", "新村", "花园", "一区", "二区", "三区", "东", "西", "南", "北")

# Invented districts (beyond the real list) take codes from here upwards.
FIRST_INVENTED_DISTRICT_CODE = 330115


_CN_ORDINALS = "一二三四五六七八九十"


def coined(rng: random.Random, variants: tuple[str, ...] = ("",)) -> Iterator[str]:
    """Endless stream of coined place names; repeats rounds with an ordinal once exhausted."""
    bases = [a + b + v for a in FIRST_CHARS for b in SECOND_CHARS for v in dict.fromkeys(variants)]
    rng.shuffle(bases)
    for rnd in itertools.count(1):
        tag = "" if rnd == 1 else (_CN_ORDINALS[rnd - 1] if rnd <= 10 else str(rnd))
        for base in bases:
            yield base + tag


def take(stream: Iterator[str], taken: set[str], suffix: str) -> str:
    """Next name from `stream` (plus `suffix`) not already in `taken`; records it there."""
    for base in stream:
        name = base + suffix
        if name not in taken:
            taken.add(name)
            return name
    raise AssertionError("name streams are endless")


def district_catalogue(count: int, rng: random.Random) -> list[tuple[str, str, float]]:
    """Real Hangzhou districts first, then invented ones with plausible codes and names."""
    out = list(HANGZHOU_DISTRICTS[:count])
    taken = {name for _, name, _ in HANGZHOU_DISTRICTS}
    codes = {code for code, _, _ in HANGZHOU_DISTRICTS}
    next_code = FIRST_INVENTED_DISTRICT_CODE
    stream = coined(rng)
    while len(out) < count:
        while str(next_code) in codes:
            next_code += 1
        if next_code > 330199:
            raise ValueError("at most 95 districts fit under one city code")
        out.append((str(next_code), take(stream, taken, "区"), rng.uniform(0.0, 360.0)))
        next_code += 1
    return out
