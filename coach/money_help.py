"""Money help for someone who cannot pay, and the short budget.

- ``circumstances`` / ``help_answer``: 失业, 没收入, 生病, 低保, 孩子上学 in a message → the official help that fits
  (失业保险金 and 12333, 低保 and 临时救助 at the 乡镇/街道, legal aid and 12348; Taiwan 1957 and 社會救助; Hong Kong
  SWD and the free debt counselling), facts §13.4–13.5, never a promise of approval.
- ``budget_pointers``: the help after a budget in the case form that leaves nothing (coach/budget.py).
- ``budget_answer``: income and costs listed → what is left, with the working, and the amount to offer each month:
  the case form's (coach/budget.py offer_for: a margin kept back for the unexpected, said and explained), so a
  budget given in one message and one worked out in the form propose the same amount (facts §11.4).
Pure: no Rasa. The words are data in money_help.yml.
"""

from __future__ import annotations

import re
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

import yaml

from coach import replies
from coach.budget import Working, offer_for
from coach.budget import money as local_money
from coach.case import region_of_script
from coach.case.lenders import names_a_lender
from coach.zh.budget_words import Budget, read_budget
from coach.zh.normalizer import to_simplified

TEXT_PATH = Path(__file__).with_name("money_help.yml")


@lru_cache(maxsize=1)
def load() -> dict[str, Any]:
    with TEXT_PATH.open(encoding="utf-8") as handle:
        return yaml.safe_load(handle)


@cache
def _pattern(source: str) -> re.Pattern[str]:
    return re.compile(source)


def _line(key: str, **values: Any) -> str:
    return str(load()["statements"][key]["text"]).format(**values)


def circumstances(text: str) -> list[str]:
    """The circumstances a message names (money_help.yml ``topics``), in the file's order."""
    body = to_simplified(text or "")
    return [topic for topic, spec in load()["topics"].items() if _pattern(spec["words"]).search(body)]


def asks_for_help(text: str) -> bool:
    """Whether the message asks about the help itself (「失业了有什么补助」「怎么申请低保」), not only names the
    circumstance (「我失业了还不上」「现在靠低保」)."""
    body = to_simplified(text or "")
    return bool(circumstances(body)) and bool(_pattern(load()["asks"]).search(body))


def help_answer(topics: list[str], region: str = "mainland") -> str | None:
    """The pointers for the circumstances, each line once; None when there are none."""
    region = region_of_script(region)
    ids: list[str] = []
    for topic in topics:
        for key in load()["topics"][topic]["say"].get(region, ()):
            if key not in ids:
                ids.append(key)
    if not ids:
        return None
    heading = {"tw": "heading_tw", "hk": "heading_hk"}.get(region, "heading")
    return "\n".join([_line(heading), *(_line(k) for k in ids)])


def budget_pointers(texts: list[str], region: str = "mainland") -> str | None:
    """The help after a budget that leaves nothing: what the conversation's messages name (失业 → 失业保险金 and
    12333 …), then 低保 and 临时救助 (a very low income), and legal aid when a lawsuit was mentioned."""
    said = "\n".join(texts)
    topics = [t for t in load()["topics"] if t in circumstances(said) or t == "no_income"]
    pointers = help_answer(topics, region)
    legal = load()["legal"]
    if pointers is None or not _pattern(legal["words"]).search(to_simplified(said)):
        return pointers
    extra = [_line(k) for k in legal["say"].get(region_of_script(region), ()) if _line(k) not in pointers]
    return "\n".join([pointers, *extra])


def heading(region: str = "mainland") -> str:
    """The first line of the pointers: how a conversation tells they were already given."""
    return _line({"tw": "heading_tw", "hk": "heading_hk"}.get(region_of_script(region), "heading"))


def _money(value: int) -> str:
    return f"{value:,}"


def working_of(budget: Budget) -> Working:
    """The one-message budget as the case form's working (the ``budget`` slot: the case summary and drafts)."""
    return Working(budget.total_income, budget.costs)


def budget_lines(budget: Budget, several_debts: bool = False, region: str = "mainland") -> list[str]:
    """The working, then the amount to offer with the margin kept back and why (as the case form), or that nothing
    is left."""
    items = "、".join(f"{label} {_money(amount)}" for label, amount in budget.costs)
    balance = budget.total_income - budget.total_costs
    if balance < 0:
        lines = [_line("budget_work_short", income=_money(budget.total_income), items=items,
                       costs=_money(budget.total_costs), short=_money(-balance))]
    else:
        lines = [_line("budget_work", income=_money(budget.total_income), items=items,
                       costs=_money(budget.total_costs), left=_money(balance))]
    offer = offer_for(budget.left)
    if offer <= 0:
        # nothing left, or too little to keep a margin and still offer a whole hundred
        lines.append(_line("budget_none") if budget.left <= 0 else replies.line("affordable_none"))
        return lines
    lines.append(replies.line("affordable_estimate", margin=local_money(budget.left - offer, region),
                              amount=local_money(offer, region)))
    lines.append(_line("budget_offer", left=_money(offer)))
    if several_debts:
        lines.append(_line("budget_several", left=_money(offer)))
    return lines


def budget_answer(text: str, region: str = "mainland", several_debts: bool = False) -> tuple[str, Budget] | None:
    """The reply to a message that lists income and costs, with the budget read; None for any other message. When
    nothing is left, the official help follows (the person may qualify for it)."""
    budget = read_budget(text)
    if budget is None or any(names_a_lender(label) for label, _ in budget.costs):
        return None  # 「工行1万7 中银的卡12万4 …收入少了一半」 lists debts, not a month's costs
    lines = budget_lines(budget, several_debts, region)
    if offer_for(budget.left) <= 0:
        pointers = help_answer(["no_income"], region)
        if pointers:
            lines.append(pointers)
    return "\n".join(lines), budget
