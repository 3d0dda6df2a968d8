"""Residents' comments by theme: a keyword lexicon for Chinese, with a crude polarity.

How it works: a comment belongs to every theme one of whose keywords it contains
(substring match on the text with spaces removed; no word segmentation), and its polarity
is the count of positive minus negative cue words, a cue preceded by a negation (不, 没,
没有, 未, 别, 无) within two characters counting the other way.

Its limits, to be said wherever the themes are shown: substring matching has false hits
(“修” alone would match “修养”, so keywords are two or more characters but for a few
unambiguous ones such as 脏 and 吵) and misses
synonyms, slang, typos, pinyin and traditional characters not in the lexicon; negation
is only looked for right before a cue; irony, comparisons (“比以前好多了，但……”) and
mixed comments are scored by counting, not understood; comments in other languages are
left unthemed. It is meant to sort comments for a person to read, not to replace reading
them. Quotes shown in reports are scrubbed of phone numbers, ID numbers and room numbers.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from evaluation.domain.text import Text

THEMES: dict[str, tuple[Text, tuple[str, ...]]] = {
    "repair": (
        Text(zh="维修服务", en="Repairs"),
        ("维修", "报修", "修理", "漏水", "水管", "坏了", "损坏", "故障", "师傅", "上门"),
    ),
    "response": (
        Text(zh="响应速度", en="Speed of response"),
        ("及时", "很快", "太慢", "拖延", "没人管", "没人理", "等了", "效率", "响应", "处理速度"),
    ),
    "attitude": (
        Text(zh="服务态度", en="Staff attitude"),
        ("态度", "热情", "耐心", "礼貌", "敷衍", "冷淡", "服务好", "不耐烦"),
    ),
    "safety": (
        Text(zh="治安与安全", en="Safety and security"),
        ("安全", "治安", "小偷", "被盗", "门禁", "监控", "陌生人", "巡逻", "报警"),
    ),
    "fire": (
        Text(zh="消防", en="Fire safety"),
        ("消防", "火灾", "灭火器", "烟感", "消防通道", "电动车充电", "飞线充电"),
    ),
    "environment": (
        Text(zh="环境卫生", en="Cleanliness"),
        ("卫生", "垃圾", "清洁", "保洁", "异味", "脏", "绿化", "草坪", "垃圾分类"),
    ),
    "parking": (
        Text(zh="停车与交通", en="Parking and traffic"),
        ("停车", "车位", "乱停", "堵车", "车辆", "充电桩"),
    ),
    "noise": (Text(zh="噪音", en="Noise"), ("噪音", "吵", "装修声", "广场舞")),
    "facilities": (
        Text(zh="公共设施", en="Shared facilities"),
        ("电梯", "路灯", "健身器材", "设施", "座椅", "楼道灯", "水泵", "供水", "停水", "停电"),
    ),
    "information": (
        Text(zh="通知与信息", en="Notices and information"),
        ("通知", "公告", "消息", "短信", "推送", "不知道", "信息公开"),
    ),
    "elderly_children": (
        Text(zh="一老一小", en="Older people and children"),
        ("老人", "老年", "养老", "助餐", "儿童", "孩子", "托育", "适老"),
    ),
    "fees": (
        Text(zh="收费与缴费", en="Fees and payments"),
        ("收费", "物业费", "缴费", "价格", "乱收费", "退款", "账单"),
    ),
    "neighbours": (
        Text(zh="邻里与活动", en="Neighbours and activities"),
        ("邻居", "邻里", "活动", "志愿者", "文化", "聚会"),
    ),
    "privacy": (
        Text(zh="个人信息", en="Personal data"),
        ("隐私", "个人信息", "泄露", "骚扰电话", "人脸"),
    ),
}

POSITIVE = (
    "满意",
    "很好",
    "不错",
    "及时",
    "很快",
    "感谢",
    "谢谢",
    "点赞",
    "方便",
    "干净",
    "热情",
    "耐心",
    "放心",
    "安全",
    "改善",
    "专业",
    "好评",
    "做得好",
)
NEGATIVE = (
    "不满",
    "太慢",
    "拖延",
    "没人",
    "敷衍",
    "很差",
    "太差",
    "脏",
    "乱",
    "吵",
    "坏了",
    "不耐烦",
    "漏水",
    "投诉",
    "失望",
    "担心",
    "害怕",
    "不安全",
    "麻烦",
    "糟糕",
    "收费高",
    "泄露",
)
NEGATIONS = ("没有", "不", "没", "未", "别", "无")

_PHONE = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")
_ID = re.compile(r"(?<![0-9A-Za-z])\d{17}[\dXx](?![0-9A-Za-z])")
_ROOM = re.compile(
    r"\d{1,3}\s*[号栋幢]\s*楼?\s*\d{0,2}\s*单元?\s*\d{3,4}\s*室?|\d{1,3}-\d{1,2}-\d{3,4}"
)


@dataclass(frozen=True)
class ThemedComment:
    text: str  # scrubbed
    themes: tuple[str, ...]
    polarity: int  # > 0 positive, < 0 negative, 0 neutral or mixed


def scrub(text: str) -> str:
    """Remove what would identify a person from a comment shown to others."""
    text = _ID.sub("［证件号］", text)
    text = _PHONE.sub("［电话］", text)
    return _ROOM.sub("［房号］", text)


def polarity(text: str) -> int:
    compact = re.sub(r"\s+", "", text)
    score = 0
    # "不安全" is negative as a whole: longer cues first, each span counted once
    cues = sorted(
        [(c, 1) for c in POSITIVE] + [(c, -1) for c in NEGATIVE], key=lambda c: -len(c[0])
    )
    taken = [False] * len(compact)
    for cue, sign in cues:
        for m in re.finditer(re.escape(cue), compact):
            if any(taken[m.start() : m.end()]):
                continue
            for i in range(m.start(), m.end()):
                taken[i] = True
            before = compact[max(0, m.start() - 2) : m.start()]
            negated = any(before.endswith(n) for n in NEGATIONS) or (
                len(before) == 2 and before[0] in "不没未别无"
            )
            score += -sign if negated else sign
    return score


def theme(text: str) -> ThemedComment:
    compact = re.sub(r"\s+", "", text)
    found = tuple(code for code, (_, words) in THEMES.items() if any(w in compact for w in words))
    return ThemedComment(scrub(text.strip()), found, polarity(text))


@dataclass
class ThemeSummary:
    code: str
    name: Text
    count: int = 0
    positive: int = 0
    negative: int = 0
    examples: list[str] = field(default_factory=list)


def summarise(comments: Iterable[str], examples: int = 3) -> list[ThemeSummary]:
    """Comments grouped by theme, most mentioned first; unthemed ones under ``other``."""
    groups: dict[str, ThemeSummary] = {}
    for raw in comments:
        if not raw or not raw.strip():
            continue
        c = theme(raw)
        for code in c.themes or ("other",):
            name = THEMES[code][0] if code in THEMES else Text(zh="其他", en="Other")
            g = groups.setdefault(code, ThemeSummary(code, name))
            g.count += 1
            g.positive += c.polarity > 0
            g.negative += c.polarity < 0
            if len(g.examples) < examples and c.text not in g.examples:
                g.examples.append(c.text)
    return sorted(groups.values(), key=lambda g: (g.code == "other", -g.count, g.code))
