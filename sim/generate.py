"""Grammar → conversations with their ground truth. Pure and seeded: the same (seed, count, today) gives the same
conversations, byte for byte (``random.Random(seed)``; nothing reads the clock, the network or the environment).

A conversation is a persona, a writing style and a list of turns; each turn carries the message and the ground
truth after it: the facts said so far with their values and roles, the lenders named, what the person can pay.
The grammar is data (sim/grammar.yml); this module only draws from it and renders amounts, durations and dates.
"""

from __future__ import annotations

import datetime
import random
import re
from dataclasses import asdict, dataclass, field, replace
from functools import lru_cache
from pathlib import Path
from typing import Any, Mapping, Sequence

import yaml
from opencc import OpenCC

GRAMMAR_PATH = Path(__file__).with_name("grammar.yml")
REGISTRY_PATH = Path(__file__).resolve().parents[1] / "data" / "nlu" / "lenders.yml"


@lru_cache(maxsize=1)
def grammar() -> dict[str, Any]:
    return yaml.safe_load(GRAMMAR_PATH.read_text(encoding="utf-8"))


@lru_cache(maxsize=4)
def _converter(config: str) -> OpenCC:
    return OpenCC(config)


def registry_names() -> list[str]:
    """The canonical lender names of the NLU's registry (data/nlu/lenders.yml)."""
    data = yaml.safe_load(REGISTRY_PATH.read_text(encoding="utf-8"))
    names = [str(e["synonym"]) for e in data["nlu"] if "synonym" in e]
    for entry in data["nlu"]:
        if entry.get("lookup") == "lender":
            names += [line[2:].strip() for line in str(entry["examples"]).splitlines() if line.startswith("- ")]
    return sorted(set(names))


@lru_cache(maxsize=1)
def lender_aliases() -> dict[str, str]:
    """Every way of naming a registry lender (the registry's synonyms and the grammar's `say`), simplified and
    lower-cased, → its canonical name: a case holding an alias holds a lender the person named."""
    data = yaml.safe_load(REGISTRY_PATH.read_text(encoding="utf-8"))
    aliases: dict[str, str] = {}
    for entry in data["nlu"]:
        if "synonym" in entry:
            canonical = str(entry["synonym"])
            aliases[canonical.lower()] = canonical
            for line in str(entry["examples"]).splitlines():
                if line.startswith("- "):
                    aliases[to_simplified(line[2:].strip()).lower()] = canonical
    for entry in grammar()["lenders"]["registry"]:
        for say in entry["say"]:
            aliases.setdefault(str(say).lower(), str(entry["name"]))
    return aliases


def to_simplified(text: str) -> str:
    return str(_converter("t2s").convert(text))


# ---------------------------------------------------------------------------------------------------------------
# Amounts

_DIGITS = "零一二三四五六七八九"


def _digit(d: int, leading: bool = False) -> str:
    """一…九; 两 for a leading 2 before a unit (两千, 两万)."""
    return "两" if leading and d == 2 else _DIGITS[d]


def cn_under_10000(n: int) -> str:
    """2500 → 两千五百, 1050 → 一千零五十, 800 → 八百 (full form)."""
    if n == 0:
        return "零"
    units = ((1000, "千"), (100, "百"), (10, "十"), (1, ""))
    out, zero = "", False
    for size, unit in units:
        d = (n // size) % 10
        if d == 0:
            zero = bool(out)
            continue
        if zero:
            out += "零"
            zero = False
        if size == 10 and not out and d == 1:
            out += "十"
        else:
            out += _digit(d, leading=not out and size >= 100) + unit
    return out


def cn_short_under_10000(n: int) -> str:
    """2500 → 两千五, 8000 → 八千, 300 → 三百 (the spoken form: the last digit's unit dropped)."""
    top = 1000 if n >= 1000 else 100
    head, rest = divmod(n, top)
    unit = "千" if top == 1000 else "百"
    text = _digit(head, leading=True) + unit
    if rest:
        text += _DIGITS[rest // (top // 10)]
    return text


def cn_wan(w: int) -> str:
    """The count of 万: 2 → 两, 12 → 十二, 20 → 二十."""
    return _digit(w, leading=True) if w < 10 else cn_under_10000(w)


def _fits(value: int, need: str) -> bool:
    rest = value % 10000
    return {
        "any": True,
        "whole_wan": value >= 10000 and rest == 0,
        "wan_and_thousands": value > 10000 and rest != 0 and value % 1000 == 0,
        "thousands_over_wan": value >= 10000 and value % 1000 == 0,
        "over_thousand": value >= 1000,
        "thousands_under_wan": 1000 <= value < 10000 and value % 1000 == 0,
        "hundreds_short_under_wan": 1000 <= value < 10000 and value % 100 == 0,
        "hundreds_under_wan": 100 <= value < 10000 and value % 100 == 0,
    }[need]


def spell(value: int, style: str) -> str:
    """One amount in one of the grammar's spellings (the caller checks the spelling fits the value)."""
    wan, rest = divmod(value, 10000)
    decimal = f"{value / 10000:g}"
    short = cn_wan(wan) + "万" + (_DIGITS[rest // 1000] if rest else "")
    renders = {
        "wan_digits": lambda: f"{wan}万",
        "wan_decimal": lambda: f"{decimal}万",
        "wan_chinese": lambda: cn_wan(wan) + "万",
        "wan_chinese_short": lambda: short,
        "wan_mixed": lambda: f"{wan}万{rest // 1000}",
        "w_suffix": lambda: f"{decimal}w",
        "plain": lambda: str(value),
        "comma_yuan": lambda: f"{value:,}元",
        "kuai_digits": lambda: f"{value}块",
        "wan_chinese_kuai": lambda: cn_wan(wan) + "万块",
        "about": lambda: short + "左右",
        "qian_digits": lambda: f"{value // 1000}千",
        "qian_chinese": lambda: cn_short_under_10000(value),
        "k_suffix": lambda: f"{value // 1000}k",
        "chinese_full_kuai": lambda: cn_under_10000(value) + "块",
        "chinese_full_yuan": lambda: cn_wan(wan) + "万" + (cn_under_10000(rest) if rest else "") + "元",
    }
    return renders[style]()


def spellings_for(value: int) -> list[str]:
    return [s["style"] for s in grammar()["amount_spellings"] if _fits(value, s["needs"])]


# ---------------------------------------------------------------------------------------------------------------
# Ground truth


@dataclass(frozen=True)
class LenderTruth:
    name: str                  # what the bot should hold: the registry's canonical name, or the name as said
    amount: int | None         # what is owed there, when said
    registry: bool


@dataclass(frozen=True)
class Truth:
    """What the person has said so far (after a turn)."""

    lenders: tuple[LenderTruth, ...] = ()
    total: int | None = None            # the total owed, said as such (one lender: its amount)
    affordable: int | None = None       # what they can pay a month
    income: int | None = None
    overdue_days: int | None = None
    noise: tuple[tuple[str, int], ...] = ()   # amounts that are no fact: (role, value), e.g. ("demand", 5000)
    lump_offer: int | None = None       # a one-off sum they offered by a date
    pay_date: str | None = None         # ISO date of the pay day they named (the next such date)
    costs: int | None = None            # the month's necessary costs, said as items or a total (the budget path)
    region: str = "mainland"
    expect_script: str = "simplified"
    region_evident: bool = False
    crisis: bool = False

    @property
    def budget_left(self) -> int | None:
        """Income less the month's costs (never below 0), when both were said: what they can pay can be no more."""
        if self.income is None or self.costs is None:
            return None
        return max(self.income - self.costs, 0)

    @property
    def debt_amount(self) -> int | None:
        """What the case's total owed should be: the total said, else the sum of the amounts said."""
        if self.total is not None:
            return self.total
        amounts = [lt.amount for lt in self.lenders if lt.amount is not None]
        return sum(amounts) if amounts else None

    def lender(self, name: str) -> LenderTruth | None:
        return next((lt for lt in self.lenders if lt.name == name), None)

    def with_lender(self, name: str, amount: int | None, registry: bool) -> Truth:
        known = self.lender(name)
        if known is None:
            return replace(self, lenders=(*self.lenders, LenderTruth(name, amount, registry)))
        new = LenderTruth(name, amount if amount is not None else known.amount, registry)
        return replace(self, lenders=tuple(new if lt.name == name else lt for lt in self.lenders))


@dataclass(frozen=True)
class Turn:
    text: str
    kind: str                    # the pattern that made it (voice run-ons: "a+b")
    truth: Truth
    in_domain: bool              # has debt words: a refusal would be wrong
    contact_report: bool         # reports what a collector did: may add to the evidence log
    fact: str | None = None      # the fact it states, for corrections ("total", "affordable", "overdue", ...)
    # The bot's question this turn answers, when the script relies on it (sim/run.py counts how often the bot did
    # ask it): "offer" (要现在开始吗), "confirm_lender", "ask_affordable", "ask_income", "ask_costs".
    after: str | None = None
    plan_request: bool = False   # asks for the plan explicitly: the form starts, no 「要现在开始吗」


@dataclass(frozen=True)
class Conversation:
    id: str
    seed: int
    region: str
    age: str
    channel: str
    style: str
    turns: tuple[Turn, ...] = field(default_factory=tuple)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


# ---------------------------------------------------------------------------------------------------------------
# Drawing


def _weighted(rng: random.Random, items: Sequence[Mapping[str, Any]], key: str) -> str:
    return str(rng.choices([i[key] for i in items], weights=[i["weight"] for i in items])[0])


def _entries(pattern: Mapping[str, Any], persona: Mapping[str, str]) -> list[dict[str, Any]]:
    """The pattern's sentences for this persona (see the grammar's header for which lists apply)."""
    def norm(items: Sequence[Any]) -> list[dict[str, Any]]:
        return [dict(i) if isinstance(i, Mapping) else {"text": str(i)} for i in items or []]

    if persona["channel"] == "staff" and pattern.get("staff"):
        return norm(pattern["staff"])
    if persona["region"] == "hk" and pattern.get("hk"):
        return norm(pattern["hk"])
    pool = norm(pattern.get("plain", []))
    if persona["region"] == "tw":
        pool += norm(pattern.get("tw", []))
    pool += norm(pattern.get(persona["age"], []))
    return pool


def _value(rng: random.Random, role: str) -> int:
    low, high, step = grammar()["amount_values"][role]
    return rng.randrange(low, high + 1, step)


def _other_value(rng: random.Random, role: str, old: int | None) -> int:
    """A value for ``role`` other than ``old``: a correction that repeats the value corrects nothing."""
    value = _value(rng, role)
    while value == old:
        value = _value(rng, role)
    return value


def _amount(rng: random.Random, value: int) -> str:
    return spell(value, rng.choice(spellings_for(value)))


class _Builder:
    """Builds one conversation turn by turn, keeping the truth as it goes."""

    def __init__(self, rng: random.Random, persona: dict[str, str], today: datetime.date) -> None:
        self.rng = rng
        self.persona = persona
        self.today = today
        self.g = grammar()
        region = next(r for r in self.g["personas"]["regions"] if r["region"] == persona["region"])
        self.truth = Truth(region=persona["region"], expect_script=region["expect"],
                           region_evident=persona["region"] == "mainland")
        self.turns: list[Turn] = []
        self.mentions: dict[str, str] = {}   # lender name → how this person names it
        self.form = False                    # the plan's questions have started (after 「好」 or a plan request)

    # -- lenders --
    def pick_lenders(self, count: int) -> list[tuple[str, bool]]:
        region, age = self.persona["region"], self.persona["age"]
        registry = [e for e in self.g["lenders"]["registry"] if region in e["regions"]]
        liked = [e for e in registry if age in e.get("ages", [age])]
        pool = liked if len(liked) >= count else registry
        unknown = [u["name"] for u in self.g["lenders"]["unknown"]["names"] if region in u["regions"]]
        chosen: list[tuple[str, bool]] = []
        if unknown and self.rng.random() < self.g["shape"]["unknown_lender"]:
            chosen.append((self.rng.choice(unknown), False))
        for entry in self.rng.sample(pool, min(len(pool), count - len(chosen))):
            chosen.append((entry["name"], True))
        self.rng.shuffle(chosen)
        for name, known in chosen:
            if known:
                entry = next(e for e in registry if e["name"] == name)
                self.mentions[name] = self.rng.choice(entry["say"])
            else:
                self.mentions[name] = name
        return chosen

    def mention(self, name: str, registry: bool, introduce: bool) -> str:
        """How the lender is named in a sentence; an unknown one is introduced with its kind the first time."""
        if registry or not introduce:
            return self.mentions[name]
        lenders = self.g["lenders"]["unknown"]
        intro = lenders["intro_hk"] if self.persona["region"] == "hk" else lenders["intro"]
        return str(self.rng.choice(intro)).replace("{N}", name)

    # -- sentences --
    def sentence(self, kind: str, where: str = "", **slots: str) -> dict[str, Any]:
        """One of the pattern's sentences (with ``where``: one containing it, when the persona has any)."""
        pool = _entries(self.g["patterns"][kind], self.persona)
        pool = [e for e in pool if where in e["text"]] or pool
        entry = dict(self.rng.choice(pool))
        text = entry["text"]
        for key, value in slots.items():
            text = text.replace("{" + key + "}", value)
        entry["text"] = text
        return entry

    def add(self, kind: str, truth: Truth, *, fact: str | None = None, contact: bool | None = None,
            after: str | None = None, where: str = "", **slots: str) -> None:
        entry = self.sentence(kind, where, **slots)
        pattern_contact = bool(self.g["patterns"][kind].get("contact", False))
        is_contact = bool(entry.get("contact", pattern_contact)) if contact is None else contact
        self.truth = truth
        self.turns.append(Turn(text=entry["text"], kind=kind, truth=truth, in_domain=True,
                               contact_report=is_contact, fact=fact, after=after,
                               plan_request=kind.startswith("plan_request")))

    def duration(self) -> tuple[str, int]:
        d = self.rng.choice(self.g["durations"])
        return str(d["say"]), int(d["days"])

    def maybe(self, key: str) -> bool:
        return self.rng.random() < float(self.g["shape"][key])


def _lender_turns(b: _Builder, chosen: list[tuple[str, bool]]) -> list[tuple[str, bool]]:
    """The turns that name the lenders; returns the lender held back for a later 「还有个…」."""
    rng, shape = b.rng, b.g["shape"]
    later: list[tuple[str, bool]] = []
    rest = list(chosen)
    if len(rest) == 1:
        name, registry = rest[0]
        amount = _value(rng, "owed")
        if b.maybe("total_for_single"):
            b.add("lender_only", b.truth.with_lender(name, None, registry), fact="lender",
                  L=b.mention(name, registry, True))
            b.add("total", replace(b.truth.with_lender(name, amount, registry), total=amount), fact="total",
                  A=_amount(rng, amount))
        else:
            b.add("one_debt", b.truth.with_lender(name, amount, registry), fact="single_debt",
                  L=b.mention(name, registry, True), A=_amount(rng, amount))
        return later
    if len(rest) >= 3 and rng.random() < shape["addition"]:
        later.append(rest.pop())
    if len(rest) >= 2 and rng.random() < shape["each"]:
        (n1, r1), (n2, r2) = rest.pop(0), rest.pop(0)
        amount = _value(rng, "owed")
        truth = b.truth.with_lender(n1, amount, r1).with_lender(n2, amount, r2)
        b.add("each", truth, L1=b.mention(n1, r1, False), L2=b.mention(n2, r2, False), A=_amount(rng, amount))
    while rest:
        size = len(rest) if len(rest) <= 3 else rng.choice([2, 3])
        group, rest = rest[:size], rest[size:]
        if len(group) == 1:
            name, registry = group[0]
            amount = _value(rng, "owed")
            b.add("one_debt", b.truth.with_lender(name, amount, registry), fact="lender_amount",
                  L=b.mention(name, registry, True), A=_amount(rng, amount))
            continue
        patterns = b.g["patterns"]
        items, truth = [], b.truth
        joiner = rng.choice(patterns["list_joiners"])
        for name, registry in group:
            amount = _value(rng, "owed")
            truth = truth.with_lender(name, amount, registry)
            item = rng.choice(_entries(patterns["list_item"], b.persona))["text"]
            items.append(item.replace("{L}", b.mention(name, registry, False)).replace("{A}", _amount(rng, amount)))
        intro = rng.choice(_entries(patterns["list_intro"], b.persona))["text"]
        text = (intro + ("：" if rng.random() < 0.5 else " ") if intro else "") + joiner.join(items)
        b.truth = truth
        b.turns.append(Turn(text=text, kind="list", truth=truth, in_domain=True, contact_report=False,
                            fact="list"))
    return later


def _correction(b: _Builder) -> None:
    """「不对 是…」 right after the fact it corrects (before the plan's questions, the bot has just offered to
    draft: the correction changes the fact, it is no 「不」 to the offer)."""
    last = b.turns[-1]
    rng = b.rng
    after = None if b.form else "offer"
    if last.fact in ("total", "single_debt"):
        name = b.truth.lenders[0].name
        amount = _other_value(rng, "owed", b.truth.lenders[0].amount)
        truth = b.truth.with_lender(name, amount, b.truth.lenders[0].registry)
        if last.fact == "total":
            truth = replace(truth, total=amount)
        b.add("correct_amount", truth, after=after, fact=last.fact, A=_amount(rng, amount))
    elif last.fact == "affordable":
        amount = _other_value(rng, "affordable", b.truth.affordable)
        b.add("correct_affordable", replace(b.truth, affordable=amount), after=after, fact="affordable",
              A=_amount(rng, amount))
    elif last.fact == "overdue":
        said, days = b.duration()
        while days == b.truth.overdue_days:
            said, days = b.duration()
        b.add("correct_overdue", replace(b.truth, overdue_days=days), after=after, fact="overdue", D=said)
    elif last.fact in ("list", "lender_amount") and b.truth.lenders:
        target = rng.choice([lt for lt in b.truth.lenders if lt.amount is not None] or list(b.truth.lenders))
        amount = _other_value(rng, "owed", target.amount)
        b.add("correct_lender", b.truth.with_lender(target.name, amount, target.registry), after=after,
              fact="lender_amount", L=b.mentions[target.name], A=_amount(rng, amount))


def _month_phrase(b: _Builder, partner: str) -> None:
    """How long overdue and a per-month amount in one message (「逾期有5个月 一个月顶多还得起1600」): the 一个月 of
    the amount is no duration."""
    rng = b.rng
    said, days = b.duration()
    overdue = b.sentence("overdue", D=said)["text"]
    amount = _value(rng, partner)
    month = b.sentence(f"{partner}_month", A=_amount(rng, amount))["text"]
    truth = replace(b.truth, overdue_days=days)
    truth = replace(truth, affordable=amount) if partner == "affordable" else replace(truth, income=amount)
    parts = [overdue, month] if rng.random() < 0.5 else [month, overdue]
    b.truth = truth
    b.turns.append(Turn(text=rng.choice([" ", "，"]).join(parts), kind=f"overdue+{partner}_month", truth=truth,
                        in_domain=True, contact_report=False, fact=partner))


def _costs_items(b: _Builder) -> tuple[str, int]:
    """「房租1500 吃饭1,200元 孩子800」: the month's costs item by item, and their total."""
    rng, costs = b.rng, b.g["costs"]
    region = "plain" if b.persona["channel"] == "staff" else {"hk": "hk", "tw": "tw"}.get(b.persona["region"],
                                                                                           "plain")
    items = costs["items"][region]
    names = rng.sample(sorted(items), min(len(items), rng.randint(*costs["count"])))
    parts, total = [], 0
    for name in names:
        low, high, step = items[name]
        value = rng.randrange(low, high + 1, step)
        total += value
        parts.append(str(rng.choice(costs["item_formats"])).format(name=name, v=value))
    return rng.choice(costs["joiners"]).join(parts), total


def _budget(b: _Builder) -> None:
    """「不知道」 to what they can pay: the bot asks the income (unless said), then the month's costs in one
    question; the answer is the items, a total, 「不知道」, or what they can pay instead of the costs."""
    rng = b.rng
    b.add("unknown", b.truth, after="ask_affordable")
    if b.truth.income is None:
        income = _value(rng, "income")
        b.add("income", replace(b.truth, income=income), fact="income", after="ask_income", A=_amount(rng, income))
    income = b.truth.income or 0
    answer = rng.choices(["items", "total", "unknown", "affordable"], weights=[4, 3, 1, 2])[0]
    if answer == "items":
        text, total = _costs_items(b)
        b.truth = replace(b.truth, costs=total)
        b.turns.append(Turn(text=text, kind="costs_items", truth=b.truth, in_domain=False, contact_report=False,
                            fact="costs", after="ask_costs"))
    elif answer == "total":
        low = max(1000, income * 3 // 10) // 100 * 100
        total = rng.randrange(low, max(low + 100, income * 11 // 10 // 100 * 100), 100)
        b.add("costs_total", replace(b.truth, costs=total), fact="costs", after="ask_costs", A=_amount(rng, total))
    elif answer == "unknown":
        b.add("unknown", b.truth, after="ask_costs")
    else:
        amount = _value(rng, "affordable")
        b.add("affordable", replace(b.truth, affordable=amount), fact="affordable", after="ask_costs",
              A=_amount(rng, amount))


def _fact_turn(b: _Builder, kind: str) -> None:
    rng = b.rng
    if kind == "overdue":
        said, days = b.duration()
        b.add("overdue", replace(b.truth, overdue_days=days), fact="overdue", D=said)
    elif kind == "hardship":
        b.add("hardship", b.truth, fact="hardship")
    elif kind == "affordable":
        amount = _value(rng, "affordable")
        b.add("affordable", replace(b.truth, affordable=amount), fact="affordable", A=_amount(rng, amount))
    elif kind == "income":
        amount = _value(rng, "income")
        b.add("income", replace(b.truth, income=amount), fact="income", A=_amount(rng, amount))
    elif kind in ("installment", "demand", "fee", "repaid"):
        amount = _value(rng, kind)
        b.add(kind, replace(b.truth, noise=(*b.truth.noise, (kind, amount))), fact=kind, A=_amount(rng, amount))
    elif kind == "lump_offer":
        amount = _value(rng, "lump")
        b.add("lump_offer", replace(b.truth, lump_offer=amount), fact="lump", A=_amount(rng, amount))
    elif kind == "pay_date":
        amount = _value(rng, "lump")
        day = b.today + datetime.timedelta(days=rng.randint(20, 60))
        said = f"{day.month}月{day.day}号"
        b.add("pay_date", replace(b.truth, lump_offer=amount, pay_date=day.isoformat()), fact="lump",
              DATE=said, A=_amount(rng, amount))


def _unsettled(b: _Builder) -> None:
    """A bare amount once the plan is drafted (「5000」「我手上有3000」): no fact until the person says which; then
    「都不是」 (nothing changes) or 「每个月能还的」 (what they can pay is that amount)."""
    rng = b.rng
    known = {b.truth.debt_amount, b.truth.affordable, b.truth.income, *(v for _, v in b.truth.noise),
             *(d.amount for d in b.truth.lenders)}
    amount = _value(rng, "affordable")
    while amount in known:
        amount = _value(rng, "affordable")
    b.add("unsettled", replace(b.truth, noise=(*b.truth.noise, ("unsettled", amount))), A=_amount(rng, amount))
    if rng.random() < 0.5:
        b.add("unsettled_none", b.truth, after="amount_role")
    else:
        b.add("unsettled_monthly", replace(b.truth, affordable=amount), fact="affordable", after="amount_role")


def _interruption(b: _Builder, kind: str) -> None:
    if kind == "crisis":
        b.add("crisis", replace(b.truth, crisis=True))
        b.add("crisis_resume", b.truth)
    else:
        b.add(kind, b.truth)


# ---------------------------------------------------------------------------------------------------------------
# Writing styles (applied to the sentence words, never to names or numbers)

_PUNCT = re.compile(r"[，。！？、；：,.!?;:]")


def _protected(text: str, keep: Sequence[str]) -> list[tuple[str, bool]]:
    """The text split into (piece, protected) so styles leave names and numbers alone."""
    names = sorted({k for k in keep if k}, key=len, reverse=True)
    pattern = "|".join([re.escape(n) for n in names] + [r"[0-9０-９][0-9,.，万千wWkK]*"])
    pieces: list[tuple[str, bool]] = []
    pos = 0
    for m in re.finditer(pattern, text):
        if m.start() > pos:
            pieces.append((text[pos:m.start()], False))
        pieces.append((m.group(0), True))
        pos = m.end()
    if pos < len(text):
        pieces.append((text[pos:], False))
    return pieces


def _restyle(text: str, style: str, rng: random.Random, keep: Sequence[str]) -> str:
    styles = grammar()["styles"]
    if style in ("typos", "abbrev"):
        table = styles[style]
        out = []
        for piece, protected in _protected(text, keep):
            if not protected:
                for word, other in table.items():
                    if word in piece and rng.random() < 0.6:
                        piece = piece.replace(word, other, 1)
            out.append(piece)
        return "".join(out)
    if style in ("no_punct", "voice"):
        pieces = [p if protected else _PUNCT.sub(" ", p) for p, protected in _protected(text, keep)]
        return re.sub(r"\s{2,}", " ", "".join(pieces)).strip()
    return text


def _voice_merge(turns: list[Turn], rng: random.Random) -> list[Turn]:
    """Voice-to-text: some neighbouring fact turns arrive as one run-on message with a filler."""
    fillers = grammar()["styles"]["fillers"]
    mergeable = {"one_debt", "list", "overdue", "hardship", "affordable", "income", "installment", "fee",
                 "repaid", "lender_only", "total"}
    out: list[Turn] = []
    i = 0
    while i < len(turns):
        a = turns[i]
        if i + 1 < len(turns) and a.kind in mergeable and turns[i + 1].kind in mergeable \
                and not turns[i + 1].kind.startswith("correct") and not (a.after or turns[i + 1].after) \
                and rng.random() < 0.5:
            b = turns[i + 1]
            text = f"{a.text} {rng.choice(fillers)} {b.text}"
            out.append(Turn(text=text, kind=f"{a.kind}+{b.kind}", truth=b.truth, in_domain=True,
                            contact_report=a.contact_report or b.contact_report, fact=b.fact))
            i += 2
        else:
            out.append(a)
            i += 1
    return out


def _finish(b: _Builder, turns: list[Turn], style: str) -> list[Turn]:
    """Style, script and the flags that depend on the final text."""
    g, rng, persona = b.g, b.rng, b.persona
    keep = [*b.mentions.values(), *b.mentions.keys()]
    if style == "voice":
        turns = _voice_merge(turns, rng)
    markers = g["personas"]["hk_markers"]
    words = g["debt_words"]
    evident = persona["region"] == "mainland"
    out = []
    for turn in turns:
        text = _restyle(turn.text, style, rng, keep)
        simplified_source = text
        if persona["region"] == "hk" and turn.kind not in ("crisis",) and rng.random() < 0.3 \
                and not _PUNCT.search(text[-1:] or "。"):
            text += rng.choice(g["personas"]["hk_particles"])
        if persona["region"] == "hk":
            text = str(_converter("s2hk").convert(text))
            evident = evident or (any(m in simplified_source for m in markers) and text != simplified_source)
        elif persona["region"] == "tw":
            text = str(_converter("s2tw").convert(text))
            evident = evident or text != simplified_source
        plain = to_simplified(text).lower()
        in_domain = any(w in plain for w in words) or turn.fact in ("lender", "total", "list", "single_debt")
        out.append(replace(turn, text=text, in_domain=in_domain,
                           truth=replace(turn.truth, region_evident=evident)))
    return out


# ---------------------------------------------------------------------------------------------------------------
# Conversations


def conversation(seed: int, index: int, today: datetime.date) -> Conversation:
    """Conversation number ``index`` of a run seeded ``seed`` (each has its own generator: any subset is the same
    whatever else is generated)."""
    rng = random.Random(f"{seed}:{index}")
    g = grammar()
    p = g["personas"]
    channel = _weighted(rng, p["channels"], "channel")
    region = "mainland" if channel == "staff" else _weighted(rng, p["regions"], "region")
    age = _weighted(rng, p["ages"], "age")
    style = str(rng.choices(list(g["styles"]["weights"]), weights=list(g["styles"]["weights"].values()))[0])
    persona = {"region": region, "age": age, "channel": channel}
    b = _Builder(rng, persona, today)
    shape = g["shape"]

    if rng.random() < 0.7:
        b.add("opener", b.truth)
    counts = shape["lenders"]
    count = int(rng.choices(list(counts), weights=list(counts.values()))[0])
    chosen = b.pick_lenders(count)
    # Paths that rely on the question the bot asks (sim/run.py counts how often it did): the budget questions
    # after 「不知道」 (every lender a registry one: no name to confirm first), a correction while the bot confirms
    # an unknown lender's name, the facts and the request for a plan in one message.
    budget = all(registry for _, registry in chosen) and b.maybe("budget")
    confirm_fix = len(chosen) == 1 and not chosen[0][1] and b.maybe("confirm_correction")
    requested = len(chosen) == 1 and not (budget or confirm_fix) and b.maybe("plan_request")
    later: list[tuple[str, bool]] = []
    if confirm_fix:
        # the plan asked for first, the name said alone when the bot asks for it, another fact corrected while the
        # bot confirms the name (the name stays), 「好」 to the name, then the amount
        name, registry = chosen[0]
        said, days = b.duration()
        b.add("plan_request_no_lender", replace(b.truth, overdue_days=days), fact="overdue", D=said)
        b.form = True
        b.truth = b.truth.with_lender(name, None, registry)
        b.turns.append(Turn(text=b.mentions[name], kind="lender_name", truth=b.truth, in_domain=True,
                            contact_report=False, fact="lender", after="ask_lender"))
        said, days = b.duration()
        while days == b.truth.overdue_days:
            said, days = b.duration()
        b.add("correct_overdue", replace(b.truth, overdue_days=days), fact="overdue", after="confirm_lender",
              where="逾期", D=said)
        b.add("affirm", b.truth, after="confirm_lender")
        amount = _value(rng, "owed")
        b.add("total", replace(b.truth.with_lender(name, amount, registry), total=amount), fact="total",
              A=_amount(rng, amount))
    elif requested:
        name, registry = chosen[0]
        amount = _value(rng, "owed")
        said, days = b.duration()
        b.add("plan_request", replace(b.truth.with_lender(name, amount, registry), overdue_days=days),
              fact="single_debt", L=b.mention(name, registry, True), A=_amount(rng, amount), D=said)
        b.form = True
    else:
        later = _lender_turns(b, chosen)
        if b.maybe("correction") and b.turns and b.turns[-1].fact in ("total", "single_debt", "list",
                                                                        "lender_amount"):
            _correction(b)

    facts = [k for k in ("overdue", "hardship", "affordable", "income", "installment", "demand", "fee", "repaid")
             if b.maybe(k)]
    if budget:
        # the form reaches what they can pay once the lender, the amount, how long overdue and why are known
        facts = [k for k in facts if k != "affordable"] + [k for k in ("overdue", "hardship") if k not in facts]
    if (requested or confirm_fix) and "overdue" in facts:
        facts.remove("overdue")  # said with the request
    rng.shuffle(facts)
    month_partner = next((k for k in ("affordable", "income") if k in facts), None) \
        if "overdue" in facts and b.maybe("month_phrase") else None
    if month_partner:
        facts.remove(month_partner)
    anchor = "affordable" if "affordable" in facts else ("overdue" if month_partner == "affordable" else None)
    if anchor:
        # a sum by a date is said after what they can pay a month, when at all
        extra = [k for k in ("lump_offer", "pay_date") if b.maybe(k)][:1]
        at = facts.index(anchor) + 1
        facts[at:at] = extra
    scripted = budget or confirm_fix
    interruptions = [k for k in ("rights_question", "threat", "crisis") if b.maybe(k)
                     and not (scripted and k == "crisis")]
    slots: list[str] = facts + interruptions + ["__later__"] * len(later)
    if b.maybe("unknown_answer") and not scripted:
        slots.append("__unknown__")
    rng.shuffle(slots)
    for slot in slots:
        if slot == "__later__":
            name, registry = later.pop()
            if rng.random() < 1 / 3:
                b.add("addition_no_amount", b.truth.with_lender(name, None, registry),
                      L=b.mention(name, registry, True))
                amount = _value(rng, "owed")
                b.add("amount_of", b.truth.with_lender(name, amount, registry), fact="lender_amount",
                      L=b.mentions[name], A=_amount(rng, amount))
            else:
                amount = _value(rng, "owed")
                b.add("addition", b.truth.with_lender(name, amount, registry), fact="lender_amount",
                      L=b.mention(name, registry, True), A=_amount(rng, amount))
        elif slot == "__unknown__":
            b.add("unknown", b.truth)
        elif slot in interruptions:
            _interruption(b, slot)
        elif slot == "overdue" and month_partner:
            _month_phrase(b, month_partner)
            if b.maybe("correction"):
                _correction(b)
        else:
            _fact_turn(b, slot)
            if slot in ("affordable", "overdue") and b.maybe("correction"):
                _correction(b)
    if budget:
        b.add("affirm", b.truth, after="offer")
        b.form = True
        _budget(b)
    elif not (requested or confirm_fix) and b.maybe("affirm"):
        b.add("affirm", b.truth)
    complete = {"overdue", "hardship", "affordable"} <= set(facts) | ({"overdue"} if requested else set())
    # a pay day or a sum by a date makes it an extension, whose form asks one more thing (the time): not then
    complete = complete and not {"pay_date", "lump_offer"} & set(facts) and all(lt.registry for lt in b.truth.lenders)
    if complete and not (budget or confirm_fix) and "__unknown__" not in slots and b.truth.debt_amount \
            and (requested or b.turns[-1].kind == "affirm") and b.maybe("unsettled"):
        _unsettled(b)
    if b.maybe("closer"):
        b.add("closer", b.truth)
    turns = _finish(b, b.turns, style)
    return Conversation(id=f"sim-{seed}-{index}", seed=seed, region=region, age=age, channel=channel, style=style,
                        turns=tuple(turns))


def conversations(seed: int, count: int, today: datetime.date) -> list[Conversation]:
    return [conversation(seed, i, today) for i in range(count)]


def grammar_size() -> dict[str, int]:
    """How big the grammar is: lenders, amount spellings, roles, patterns and their sentences."""
    g = grammar()
    sentences = 0
    for pattern in g["patterns"].values():
        if isinstance(pattern, list):  # list_joiners
            sentences += len(pattern)
            continue
        for key, items in pattern.items():
            if isinstance(items, list) and key not in ("needs",):
                sentences += len(items)
    return {
        "registry_lenders": len(g["lenders"]["registry"]),
        "lender_spellings": sum(len(e["say"]) for e in g["lenders"]["registry"]),
        "unknown_lenders": len(g["lenders"]["unknown"]["names"]),
        "amount_spellings": len(g["amount_spellings"]),
        "amount_roles": len(g["amount_values"]),
        "durations": len(g["durations"]),
        "cost_items": sum(len(items) for items in g["costs"]["items"].values()),
        "patterns": len(g["patterns"]),
        "sentences": sentences,
        "regions": len(g["personas"]["regions"]),
        "styles": len(g["styles"]["weights"]),
    }
