"""Plausible Chinese personal names for demo staff (unique within one demo)."""
from __future__ import annotations

import random
from collections.abc import Iterator

_SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
_GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉萍红建文辉力斌宇浩凯鹏飞鑫波宁琳雪婷晨欣怡佳睿子涵梓轩博文思远志国海燕春梅立新永庆德胜家豪俊峰晓东雨航"


def name_stream(seed: int) -> Iterator[str]:
    """An endless stream of distinct two- or three-character names."""
    rng = random.Random(seed * 7919 + 17)
    seen: set[str] = set()
    while True:
        name = rng.choice(_SURNAMES) + "".join(rng.choice(_GIVEN) for _ in range(rng.choice((1, 2, 2))))
        if name not in seen:
            seen.add(name)
            yield name
