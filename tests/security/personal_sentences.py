"""Realistic Chinese messages carrying personal data in the spellings borrowers use to get past a filter, and
messages carrying only amounts, days and months, which must stay as typed.

One generator, two drivers: ``FromDraw`` (hypothesis ``draw``: the property tests in
tests/unit/test_inbound_properties.py shrink a failure to its smallest message) and ``FromRandom`` (a seeded
``random.Random``: the end-to-end check in tests/security/test_personal_data.py sends a fixed sample through the
real servers). A ``Spelling``'s ``core`` is what must never be found in storage (see spellings.leaked).
"""

from __future__ import annotations

import random
from typing import Any, Callable, List, Protocol, Sequence, Tuple, TypeVar

from tests.security.spellings import FINANCIAL, FULL, NUMERALS, Spelling, _id_card, _luhn

T = TypeVar("T")


class Choose(Protocol):
    def one(self, options: Sequence[T]) -> T: ...

    def integer(self, low: int, high: int) -> int: ...


class FromRandom:
    def __init__(self, rnd: random.Random) -> None:
        self.rnd = rnd

    def one(self, options: Sequence[T]) -> T:
        return self.rnd.choice(list(options))

    def integer(self, low: int, high: int) -> int:
        return self.rnd.randint(low, high)


class FromDraw:
    """Choices through hypothesis, so a failing message shrinks to the simplest form and filler."""

    def __init__(self, draw: Callable[[Any], Any]) -> None:
        from hypothesis import strategies as st

        self.draw, self.st = draw, st

    def one(self, options: Sequence[T]) -> T:
        return self.draw(self.st.sampled_from(list(options)))

    def integer(self, low: int, high: int) -> int:
        return self.draw(self.st.integers(low, high))


def _digits(c: Choose, n: int, first: str = "0123456789") -> str:
    return c.one(first) + "".join(c.one("0123456789") for _ in range(n - 1))


def _full(s: str) -> str:
    table = {"-": "－", " ": "\u3000", "+": "＋", "(": "（", ")": "）", ".": "．", "@": "＠", "#": "＃", ":": "："}
    return "".join(FULL[int(ch)] if ch.isdigit() else chr(ord(ch) + 0xFEE0) if ch.isascii() and ch.isalpha()
                   else table.get(ch, ch) for ch in s)


def _numerals(s: str, table: str = NUMERALS, one: str | None = None) -> str:
    return "".join((one if one and ch == "1" else table[int(ch)]) if ch.isdigit() else ch for ch in s)


def _digit_form(c: Choose, n: str) -> str:
    """A run of digits as typed: plain, full-width, read out in Chinese numerals (一三八, 幺, 壹贰叁)."""
    return c.one([n, n, _full(n), _numerals(n), _numerals(n, one="幺"), _numerals(n, FINANCIAL),
                  n[:3] + _numerals(n[3:])])


# The 3-4-4 separators of a mobile number, the dodging ones included.
MOBILE_SEPARATORS = ["", " ", "-", ".", "\u3000", "，", "、", ",", "~", "*", "----", " - ", "——", "\u200b"]


def mobile(c: Choose) -> Spelling:
    n = "1" + c.one("3456789") + _digits(c, 9)
    sep = c.one(MOBILE_SEPARATORS)
    if sep in ("，", "、", ",") and n[5:7] == n[9:] == "00":
        n = n[:-1] + "1"  # 「150、2000、3000」 is a list of amounts (channels/inbound.py: _amount_list)
    grouped = sep.join((n[:3], n[3:7], n[7:]))
    text = c.one([lambda: _digit_form(c, grouped), lambda: f"({n[:3]}){n[3:7]}-{n[7:]}", lambda: "+86 " + grouped,
                  lambda: _full(grouped), lambda: " ".join(n)])()
    filler = c.one(["", "我的号码是", "打这个", "手机", "电话：", "加我", "联系我 ", "我手機係 "])
    return Spelling("mobile", filler + text, n)


def qq(c: Choose) -> Spelling:
    n = _digits(c, c.integer(6, 10), "123456789")
    text = c.one([lambda: _digit_form(c, n), lambda: " ".join((n[:4], n[4:]))])()
    filler = c.one(["QQ", "QQ ", "qq号码 ", "QQ号：", "扣扣", "q号", "QQ邮箱 ", "企鹅号 ", "ＱＱ："])
    return Spelling("QQ", filler + text, n)


def wechat(c: Choose) -> Spelling:
    body = "".join(c.one("abcdefghijkmnpqrstuvwxyz0123456789_-") for _ in range(c.integer(4, 12)))
    n = c.one("abcdefghjkmnpqrstuwyz") + body + c.one("abcdefghjkmnpqrstuwyz0123456789")
    text = c.one([n, n, n.upper(), _full(n)])
    filler = c.one(["加我V：", "加我v ", "vx ", "VX：", "vx", "微信号 ", "微信号是", "威信 ", "薇信：", "V信 ",
                    "微信：", "wx：", "+v "])
    return Spelling("WeChat", filler + text, n)


def email(c: Choose) -> Spelling:
    user = c.one("abcdefghjkmnpqrstuwyz") + "".join(c.one("abcdefghijkmnpqrstuvwxyz0123456789")
                                                     for _ in range(c.integer(2, 8)))
    user = c.one([user, user + str(c.integer(10, 99)), user[:2] + "." + user[2:], user + "_" + str(c.integer(1, 9))])
    domain = c.one(["qq.com", "163.com", "126.com", "gmail.com", "outlook.com", "yahoo.com.hk", "sina.cn"])
    at = c.one(["@", "@", "＠", " @ ", "艾特", "圈a", "#", " at ", "(at)"])
    dot = c.one([".", ".", "点", "點", " dot ", "．"])
    text = user + at + domain.replace(".", dot)
    text = c.one([text, text.upper(), _full(text) if at in "@#" else text])
    filler = c.one(["", "邮箱", "我的邮箱是", "发到", "QQ邮箱 "])
    return Spelling("e-mail", filler + text, user)


def id_card(c: Choose) -> Spelling:
    n = _id_card(random.Random(c.integer(0, 10**9)))
    text = c.one([n, n.lower(), " ".join((n[:6], n[6:14], n[14:])), "-".join((n[:6], n[6:14], n[14:])), _full(n),
                  _numerals(n)])
    filler = c.one(["", "身份证", "身份证号码是", "我的身份证号 "])
    return Spelling("ID card", filler + text, n[:17])


def passport(c: Choose) -> Spelling:
    kind = c.one(["mainland", "mainland", "Hong Kong", "Taiwan", "permit", "permit"])
    if kind == "mainland":
        n = c.one("EG") + _digits(c, 8)
        text = c.one([n, n.lower(), _full(n), n[0] + " " + n[1:5] + " " + n[5:], n[:3] + _numerals(n[3:])])
        filler = c.one(["", "护照", "护照号码：", "我的护照 "])
    elif kind == "Hong Kong":
        n = c.one("HK") + _digits(c, 8)
        text, filler = c.one([n, _full(n)]), c.one(["香港护照 ", "護照號碼：", "passport no. "])
    elif kind == "Taiwan":
        n = _digits(c, 9, "123456789")
        text, filler = n, c.one(["台湾护照 ", "護照號碼 ", "我的护照号是"])
    else:
        n = "C" + c.one([_digits(c, 8), c.one("ABCDEFGHJK") + _digits(c, 7)])
        text, filler = c.one([n, n.lower(), _full(n)]), c.one(["", "港澳通行证 ", "通行证号码：", "往来港澳通行证"])
    return Spelling("passport/permit", filler + text, n)


def bank_card(c: Choose) -> Spelling:
    prefix = c.one(["6222", "6228", "6217", "6225", "4367", "6214"])
    n = _luhn(prefix, c.one([16, 19]), random.Random(c.integer(0, 10**9)))
    sep = c.one(["", " ", "-", "\u3000", "~", "*"])
    grouped = sep.join(n[i:i + 4] for i in range(0, len(n), 4))
    filler = c.one(["", "卡号", "银行卡 ", "打到这张卡", "卡号是："])
    return Spelling("bank card", filler + _digit_form(c, grouped) if sep in ("", " ") else filler + grouped, n)


def landline(c: Choose) -> Spelling:
    n = c.one("23") + _digits(c, 7)
    area = c.one(["010", "021", "020", "0755", "0571"])
    text = c.one([f"{area}-{n}", f"({area}){n}", f"{area} {n[:4]} {n[4:]}", f"{area}{n}", f"座机 {n}",
                  f"电话：{n[:4]} {n[4:]}", f"打这个 {n}", f"固话{n}"])
    return Spelling("landline", text, n)


KINDS: List[Callable[[Choose], Spelling]] = [mobile, qq, wechat, email, id_card, passport, bank_card, landline]

TEMPLATES = ["催收天天打电话，{}，你们能帮帮我吗", "{}，欠招行信用卡三万，逾期两个月了", "我在美团借了八千还不上，{}",
             "有事可以{}，我白天要上班", "{}", "我叫张三，{}，借呗和花呗都逾期了", "你好 {} 麻烦尽快回复",
             "催收说要上门，{}。怎么办？", "這是我的資料：{}，欠了中銀信用卡"]


def personal_message(c: Choose) -> Tuple[str, Spelling]:
    """A message with one piece of personal data in it, and that piece."""
    spelling = c.one(KINDS)(c)
    return c.one(TEMPLATES).format(spelling.text), spelling


# Amounts, days and months as borrowers write them: never personal data, never changed.
def amount_phrase(c: Choose) -> str:
    cn = "一二三四五六七八九"
    forms: List[Callable[[], str]] = [
        lambda: f"欠了{c.integer(1000, 9_999_999):,}",
        lambda: f"欠了{c.integer(1000, 99_999_999)}元",
        lambda: f"欠款{c.integer(10_000_000, 99_999_999)} 元",
        lambda: f"{c.one(cn)}万{c.one(cn)}",
        lambda: f"{c.one(cn)}千{c.one(cn)}百块",
        lambda: f"每月还{c.integer(100, 30000)}",
        lambda: f"每个月能还 {c.integer(100, 9999)} 块",
        lambda: f"逾期{c.integer(1, 999)}天",
        lambda: f"逾期{c.one(cn)}个月",
        lambda: f"收入{c.integer(1000, 9000)}-{c.integer(9001, 30000)}",
        lambda: f"{c.integer(1, 9)}，{c.integer(0, 9999):04d}",
        lambda: f"{c.integer(10, 999)}，{c.integer(0, 999):03d}元",
        lambda: f"年化{c.integer(4, 36)}%",
        lambda: f"第{c.integer(1, 36)}期 {c.integer(100, 9999):,} 元",
        lambda: f"{c.integer(2020, 2027)}年{c.integer(1, 12)}月{c.integer(1, 28)}日",
        lambda: f"催收电话说我欠了{c.integer(10_000_000, 99_999_999)}元",
        lambda: f"借了{c.integer(1, 99)}w",
        lambda: f"每月还{c.integer(10, 99) * 10}{c.one('、，,')}{c.integer(10, 99) * 100}{c.one('、，,')}"
                f"{c.integer(10, 99) * 100}不等",
    ]
    return c.one(forms)()  # only the chosen form draws its numbers


AMOUNT_TEMPLATES = ["{}", "我{}，实在还不上", "{}，催收天天打电话", "网贷{}，信用卡{}", "{}，能协商吗？{}"]


def amount_message(c: Choose) -> str:
    template = c.one(AMOUNT_TEMPLATES)
    return template.format(*(amount_phrase(c) for _ in range(template.count("{}"))))


def sample(seed: int, n: int) -> List[Tuple[str, Spelling]]:
    """A fixed sample of personal messages (for the end-to-end check), every kind in turn."""
    c = FromRandom(random.Random(seed))
    out = []
    for i in range(n):
        spelling = KINDS[i % len(KINDS)](c)
        out.append((c.one(TEMPLATES).format(spelling.text), spelling))
    return out
