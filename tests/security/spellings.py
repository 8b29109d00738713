"""Generated spellings of personal data, as borrowers write them (seeded, so every run checks the same ones).

Each ``Spelling`` has the text as typed and ``core``: what must never be found in storage, as digits (or the
lower-case e-mail address) after the stored text is normalised the same way (NFKC, Chinese numerals → digits,
separators dropped). Used by the redaction unit test (tests/unit/test_inbound.py) and by the end-to-end check of
the tracker store (tests/security/test_personal_data.py).
"""

from __future__ import annotations

import random
import re
import unicodedata
from dataclasses import dataclass
from typing import Callable, Iterator, List

NUMERALS = "〇一二三四五六七八九"
FINANCIAL = "零壹贰叁肆伍陆柒捌玖"
FULL = "０１２３４５６７８９"
ZW = "\u200b"


@dataclass(frozen=True)
class Spelling:
    kind: str
    text: str
    core: str


def _full(s: str) -> str:
    return "".join(FULL[int(c)] if c.isdigit() else {"-": "－", " ": "\u3000", "+": "＋", "(": "（", ")": "）",
                                                      ".": "．", "@": "＠"}.get(c, c) for c in s)


def _cn(s: str, table: str = NUMERALS, one: str | None = None) -> str:
    out = []
    for c in s:
        if c.isdigit():
            out.append(one if (one and c == "1") else table[int(c)])
        else:
            out.append(c)
    return "".join(out)


def _groups(digits: str, sizes: List[int], sep: str) -> str:
    out, i = [], 0
    for size in sizes:
        out.append(digits[i:i + size])
        i += size
    if i < len(digits):
        out.append(digits[i:])
    return sep.join(out)


def _luhn(prefix: str, length: int, rnd: random.Random) -> str:
    body = prefix + "".join(rnd.choice("0123456789") for _ in range(length - len(prefix) - 1))
    total = 0
    for i, c in enumerate(reversed(body)):
        d = int(c)
        if i % 2 == 0:
            d = d * 2 - 9 if d * 2 > 9 else d * 2
        total += d
    return body + str((10 - total % 10) % 10)


def _mobile(rnd: random.Random) -> str:
    return "1" + rnd.choice("3456789") + "".join(rnd.choice("0123456789") for _ in range(9))


def _id_card(rnd: random.Random) -> str:
    region = rnd.choice(["110101", "310104", "440305", "510107", "330106", "420111"])
    year, month, day = rnd.randint(1950, 2005), rnd.randint(1, 12), rnd.randint(1, 28)
    return f"{region}{year}{month:02d}{day:02d}{rnd.randint(0, 999):03d}" + rnd.choice("0123456789X")


MAINLAND_FORMS: List[Callable[[str], str]] = [
    lambda n: n,
    lambda n: _groups(n, [3, 4], " "),
    lambda n: _groups(n, [3, 4], "-"),
    lambda n: _groups(n, [3, 4], "."),
    lambda n: _groups(n, [3, 4], "\u3000"),
    lambda n: _full(n),
    lambda n: _full(_groups(n, [3, 4], "-")),
    lambda n: _cn(n),
    lambda n: _cn(n, one="幺"),
    lambda n: _cn(_groups(n, [3, 4], " "), one="幺"),
    lambda n: _cn(n, FINANCIAL),
    lambda n: n[:3] + _cn(n[3:7]) + n[7:],
    lambda n: "+86 " + n,
    lambda n: "+86-" + _groups(n, [3, 4], "-"),
    lambda n: "(+86)" + n,
    lambda n: "0086 " + _groups(n, [3, 4], " "),
    lambda n: "86" + n,
    lambda n: "＋８６ " + _full(n),
    lambda n: ZW.join(_groups(n, [3, 4], ZW).split(ZW)),
    lambda n: " ".join(n),
]
HK_FORMS: List[Callable[[str], str]] = [
    lambda n: "+852 " + _groups(n, [4], " "),
    lambda n: "+852-" + _groups(n, [4], "-"),
    lambda n: "(852) " + n,
    lambda n: "00852 " + n,
    lambda n: "852 " + _groups(n, [4], " "),
    lambda n: _full("+852 " + _groups(n, [4], " ")),
    lambda n: "電話 " + _groups(n, [4], " "),
    lambda n: "WhatsApp: " + _groups(n, [4], "-"),
    lambda n: "我手機係 " + n,
]
TW_FORMS: List[Callable[[str], str]] = [
    lambda n: _groups(n, [4, 3], "-"),
    lambda n: _groups(n, [4, 3], " "),
    lambda n: n,
    lambda n: "+886 " + _groups(n[1:], [3, 3], " "),
    lambda n: "+886-" + _groups(n[1:], [3, 3], "-"),
    lambda n: "886" + n[1:],
    lambda n: _full(_groups(n, [4, 3], "-")),
    lambda n: _cn(_groups(n, [4, 3], "-")),
]
ID_FORMS: List[Callable[[str], str]] = [
    lambda n: n,
    lambda n: n.lower(),
    lambda n: _groups(n, [6, 8], " "),
    lambda n: _groups(n, [6, 4, 4], "-"),
    lambda n: _full(n),
    lambda n: _cn(n),
]
CARD_FORMS: List[Callable[[str], str]] = [
    lambda n: n,
    lambda n: _groups(n, [4, 4, 4, 4], " "),
    lambda n: _groups(n, [4, 4, 4, 4], "-"),
    lambda n: _full(_groups(n, [4, 4, 4, 4], " ")),
    lambda n: _cn(n),
]
EMAIL_FORMS: List[Callable[[str], str]] = [
    lambda e: e,
    lambda e: e.upper(),
    lambda e: _full(e),
    lambda e: e.replace("@", " @ "),
    lambda e: e.replace("@", "(at)"),
    lambda e: e.replace("@", " at ").replace(".", " dot "),
    lambda e: e.replace("@", "＠"),
]
LANDLINE_FORMS: List[Callable[[str, str], str]] = [
    lambda a, n: f"{a}-{n}",
    lambda a, n: f"({a}) {n[:4]} {n[4:]}",
    lambda a, n: f"{a} {n}",
    lambda a, n: _full(f"{a}-{n}"),
]


def spellings(seed: int = 12, per_form: int = 2) -> Iterator[Spelling]:
    """``per_form`` random numbers in every spelling of every kind (about 70 × per_form spellings)."""
    rnd = random.Random(seed)
    for form in MAINLAND_FORMS:
        for _ in range(per_form):
            n = _mobile(rnd)
            yield Spelling("mainland mobile", form(n), n)
    for form in HK_FORMS:
        for _ in range(per_form):
            n = rnd.choice("569") + "".join(rnd.choice("0123456789") for _ in range(7))
            yield Spelling("Hong Kong phone", form(n), n)
    for form in TW_FORMS:
        for _ in range(per_form):
            n = "09" + "".join(rnd.choice("0123456789") for _ in range(8))
            yield Spelling("Taiwan mobile", form(n), n[1:])  # "+886 912…" drops the leading 0
    for form in ID_FORMS:
        for _ in range(per_form):
            n = _id_card(rnd)
            yield Spelling("ID card", form(n), n[:17])
    for _ in range(per_form):
        letter = rnd.choice("ABCDEFGHKMPRZ")
        digits = "".join(rnd.choice("0123456789") for _ in range(6))
        yield Spelling("Hong Kong ID", f"{letter}{digits}({rnd.choice('0123456789A')})", digits)
        tw = rnd.choice("ABCDEFGHJKLMNPQRSTUVXYWZIO") + rnd.choice("12") + \
            "".join(rnd.choice("0123456789") for _ in range(8))
        yield Spelling("Taiwan ID", tw, tw[1:])
    for form in CARD_FORMS:
        for _ in range(per_form):
            n = _luhn(rnd.choice(["6222", "6228", "6217", "6225", "4367", "6214"]), rnd.choice([16, 19]), rnd)
            yield Spelling("bank card", form(n), n)
    for form in EMAIL_FORMS:
        for _ in range(per_form):
            user = rnd.choice(["zhang.san", "lisi88", "wang_wu", "chen.xiaoming", "liu2024", "amy.chan"])
            user += str(rnd.randint(10, 99))
            email = f"{user}@{rnd.choice(['qq.com', '163.com', 'gmail.com', 'outlook.com', 'yahoo.com.hk'])}"
            yield Spelling("e-mail", form(email), user.lower())
    for form in LANDLINE_FORMS:
        for _ in range(per_form):
            area = rnd.choice(["010", "021", "0755", "020", "0571"])
            n = rnd.choice("2345678") + "".join(rnd.choice("0123456789") for _ in range(7))
            yield Spelling("landline", form(area, n), n)


_NUM = {c: str(i) for i, c in enumerate(NUMERALS)} | {c: str(i) for i, c in enumerate(FINANCIAL)} | \
    {"零": "0", "幺": "1", "两": "2", "○": "0"}


def flat(text: str) -> str:
    """Stored text as the check reads it: NFKC, numerals → digits, lower case, separators and spaces dropped."""
    text = "".join(ch for ch in text if unicodedata.category(ch) != "Cf")
    text = "".join(_NUM.get(c, c) for c in unicodedata.normalize("NFKC", text)).lower()
    text = text.replace(" at ", "@").replace("(at)", "@").replace(" dot ", ".")
    return re.sub(r"[\s.\-‐‑‒–—―·•_/()（）+]", "", text)


def leaked(stored: str, spelling: Spelling) -> bool:
    core = re.sub(r"[\s.\-_/()+]", "", spelling.core.lower())
    return core in flat(stored)
