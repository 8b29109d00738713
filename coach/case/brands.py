"""The licensed lender behind a consumer-credit brand (借呗, 美团借钱, 分期乐 …), from knowledge/lender_entities.yml.

A brand is often not the lender (facts §13.1): the answer names who probably lends (only lenders the list does not
mark X, always hedged: every brand fact is [S] at best), how the borrower confirms it (contract, credit report), the
complaint route that follows from the lender's kind (bank and consumer finance → 12378; microloan → the provincial
地方金融管理局, facts §3, §11.3) and the official line to ask for 协商 where facts §13.3 has one. Pure: no Rasa.
The words are data in coach/brands.yml.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from coach.zh.normalizer import to_simplified

ENTITIES_PATH = Path(__file__).resolve().parents[2] / "knowledge" / "lender_entities.yml"
TEXT_PATH = Path(__file__).resolve().parents[1] / "brands.yml"
# Aliases too general to name one brand: 信用贷 is any bank's product, 信用付 two brands', 月付 several apps', 信也
# is part of ordinary words, and 滴滴 means rides far more often than loans.
GENERAL_ALIASES = frozenset({"信用贷", "信用付", "月付", "信也", "滴滴"})
STATED_MARKS = ("V", "S")

# 「借呗是哪家公司放的贷」「美团借钱背后是谁」「360借条是什么公司的」「度小满的钱是谁借给我的」
_WHO_LENDS = re.compile(r"哪家|(哪个|什么|啥)(公司|机构|银行)|谁(放|借|出|家)|是谁|背后|放款(方|机构|的)|"
                        r"放贷|资金方|出资|主体|持牌|正规(公司|机构)|谁的钱|哪家的|谁家的|哪里的钱|跟谁借")
# 「借呗的催收是谁」「打电话的是谁」: about a caller (verify_caller answers it), unless the lender is asked outright
_ABOUT_A_CALLER = re.compile(r"催收|电话|号码|打来|短信|上门|起诉|律师")
_LENDER_WORDS = re.compile(r"放款|放贷|资金方|出资|贷款人")
# 「分期乐投诉找谁」「借呗怎么投诉」
_COMPLAINT = re.compile(r"投诉|举报|告他们|反映")


@dataclass(frozen=True)
class Lender:
    name: str
    kind: str
    mark: str
    note: str = ""

    @property
    def former(self) -> bool:
        """The brand's lender before the 2021 rectification (facts §13.2), not today's."""
        return self.note.startswith("pre-2021")


@dataclass(frozen=True)
class Brand:
    name: str
    aliases: tuple[str, ...]
    owner: str
    kind: str
    lenders: tuple[Lender, ...]
    mark: str
    guarantor: str | None = None

    @property
    def stated_lenders(self) -> tuple[Lender, ...]:
        """The lenders the bot may name (hedged): none marked X, and none when the brand itself is marked X."""
        if self.mark not in STATED_MARKS:
            return ()
        return tuple(lender for lender in self.lenders if lender.mark in STATED_MARKS and not lender.former)

    @property
    def complaint_kinds(self) -> tuple[str, ...]:
        """"bank" (banks and consumer finance: 12378) and/or "microloan" (地方金融管理局), for the stated lenders."""
        kinds = {"microloan" if lender.kind == "microloan" else "bank" for lender in self.stated_lenders
                 if lender.kind in ("bank", "consumer_finance", "microloan")}
        return tuple(k for k in ("bank", "microloan") if k in kinds)


@lru_cache(maxsize=1)
def brands() -> tuple[Brand, ...]:
    data = yaml.safe_load(ENTITIES_PATH.read_text(encoding="utf-8"))
    return tuple(Brand(name=str(b["brand"]), aliases=tuple(str(a) for a in b.get("aliases") or ()),
                       owner=str(b.get("owner") or ""), kind=str(b["kind"]), mark=str(b["mark"]),
                       guarantor=b.get("guarantor"),
                       lenders=tuple(Lender(str(x["name"]), str(x["kind"]), str(x["mark"]), str(x.get("note") or ""))
                                     for x in b["lenders"]))
                 for b in data["brands"])


@lru_cache(maxsize=1)
def _names() -> tuple[tuple[str, Brand], ...]:
    """Every name a brand goes by, longest first; names that belong to two brands or are too general are left out."""
    counts: dict[str, int] = {}
    for brand in brands():
        for name in {brand.name, *brand.aliases}:
            counts[name.lower()] = counts.get(name.lower(), 0) + 1
    names = [(name, brand) for brand in brands() for name in {brand.name, *brand.aliases}
             if len(name) >= 2 and name not in GENERAL_ALIASES and counts[name.lower()] == 1]
    return tuple(sorted(names, key=lambda nb: len(nb[0]), reverse=True))


def find_brand(text: str) -> Brand | None:
    """The brand a message (or a case's lender name) names: 「美团借钱背后是谁」 → 美团借钱, 「白条」 → 京东白条."""
    body = to_simplified(text or "").lower()
    return next((brand for name, brand in _names() if name.lower() in body), None)


def asks_who_lends(text: str) -> bool:
    body = to_simplified(text or "")
    return bool(_WHO_LENDS.search(body)) and (not _ABOUT_A_CALLER.search(body) or bool(_LENDER_WORDS.search(body)))


def asks_complaint(text: str) -> bool:
    return bool(_COMPLAINT.search(to_simplified(text or "")))


def brand_question(text: str) -> Brand | None:
    """The brand a message asks about: who lends behind it, or where to complain about it. None otherwise."""
    brand = find_brand(text)
    if brand is None or not (asks_who_lends(text) or asks_complaint(text)):
        return None
    return brand


# ---------- the answer --------------------------------------------------------------------------------------

@lru_cache(maxsize=1)
def load() -> dict[str, Any]:
    with TEXT_PATH.open(encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def _line(key: str, **values: Any) -> str:
    return str(load()["statements"][key]["text"]).format(**values)


def answer(brand: Brand) -> str:
    """Who probably lends (hedged), how to confirm it, where to complain, and how to ask for 协商."""
    lenders = "、".join(lender.name for lender in brand.stated_lenders)
    if not lenders:
        lines = [_line("unknown", brand=brand.name)]
    else:
        lines = [_line("lead_platform" if brand.kind == "platform" else "lead", brand=brand.name,
                       owner=brand.owner, lenders=lenders)]
        former = [lender.name for lender in brand.lenders if lender.former and lender.mark in STATED_MARKS]
        if former:
            lines.append(_line("former", lenders="、".join(former)))
        if brand.guarantor:
            lines.append(_line("guarantor", guarantor=brand.guarantor))
        lines.append(_line("changes"))
    lines.append(_line("confirm"))
    kinds = brand.complaint_kinds or ("bank", "microloan")  # not known: both routes, the contract decides
    lines += [_line(f"route_{kind}") for kind in kinds]
    number = load()["lines"].get(brand.name)
    lines.append(_line("negotiate_line", brand=brand.name, number=number) if number else _line("negotiate_app"))
    return "\n".join(lines)
