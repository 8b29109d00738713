"""The month's budget the case form works out when the borrower does not know what they can pay. Pure: no Rasa.

Income (the form's first question) minus each of the month's costs (its second) is what is left. A margin is kept
back from it for the unexpected, and the rest is proposed as the monthly amount; the borrower can correct it.

The margin: at least a tenth of what is left, the amount proposed being the other nine tenths rounded down to a
whole hundred (income 5,000 − costs 4,200 = 800 left → 700 a month, 100 kept; 1,200 left → 1,000, 200 kept; less
than about 112 left → nothing to propose). Why: an agreement broken in its first month by a doctor's bill or a
repair is worse than a slightly smaller instalment. A share of what is left, not of income: a tenth of income (500
of 5,000) would take most of a small surplus. Whole hundreds give a figure the borrower can say on the phone. The
same rule holds in NT$ and HK$ (only the rounding is in local money).

The words are data in replies.yml (the ``affordable_*`` lines).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from coach import replies
from coach.case import region_of_script
from coach.zh.budget_words import Costs

KEEP_TENTHS = 1  # the tenths of what is left kept back, at least
MARGIN_STEP = 100  # the proposed amount is rounded down to this


def offer_for(left: int) -> int:
    """The monthly amount proposed from ``left``: nine tenths rounded down to a whole hundred (0 for nothing left)."""
    if left <= 0:
        return 0
    return left * (10 - KEEP_TENTHS) // 10 // MARGIN_STEP * MARGIN_STEP  # integers: no float rounding


@dataclass(frozen=True)
class Working:
    """Income and the costs it pays, in the order the borrower said them."""

    income: int
    costs: tuple[tuple[str, int], ...]

    @property
    def total_costs(self) -> int:
        return sum(amount for _, amount in self.costs)

    @property
    def balance(self) -> int:
        """Income minus costs; negative when the costs are more than the income."""
        return self.income - self.total_costs

    @property
    def left(self) -> int:
        return max(self.balance, 0)

    @property
    def offer(self) -> int:
        """The monthly amount proposed (0 when nothing is left): see offer_for."""
        return offer_for(self.left)

    @property
    def margin(self) -> int:
        """What is kept back for the unexpected: the rest of what is left."""
        return self.left - self.offer

    def as_slot(self) -> dict[str, Any]:
        """The form's ``budget`` slot: what the case summary and the drafts need, plain JSON."""
        return {"income": self.income, "costs": [[label, amount] for label, amount in self.costs],
                "total_costs": self.total_costs, "left": self.left, "margin": self.margin, "offer": self.offer}

    @classmethod
    def from_slot(cls, value: Any) -> Working | None:
        """The working back from the slot; None for anything that is not one."""
        if not isinstance(value, Mapping):
            return None
        try:
            costs = tuple((str(label), int(amount)) for label, amount in value.get("costs") or ())
            return cls(int(value["income"]), costs)
        except (KeyError, TypeError, ValueError):
            return None


def work_out(income: int, costs: Costs) -> Working:
    """The working for ``income`` and the costs read from the answer. A total with no items is one line
    (必要开支); items that add up to less than a total named with them get the rest as 其他."""
    items = list(costs.items)
    rest = costs.total - sum(amount for _, amount in items)
    if not items:
        items = [(replies.line("affordable_total_label"), costs.total)]
    elif rest > 0:
        items.append((replies.line("affordable_rest_label"), rest))
    return Working(max(int(income), 0), tuple(items))


def money(amount: int, region: str = "mainland") -> str:
    """An amount in the region's money: 「1,000 元」「NT$1,000」「HK$1,000」."""
    return replies.line(f"affordable_money_{region_of_script(region)}", amount=int(amount))


def working_line(working: Working, region: str = "mainland") -> str:
    """「按您说的算（单位：元）：收入 5,000 − 房租 1,500 − 吃饭 1,200 = 剩 2,300。」"""
    parts = [replies.line("affordable_income_label", amount=working.income)]
    parts += [f"{label} {amount:,}" for label, amount in working.costs]
    key = "affordable_result_short" if working.balance < 0 else "affordable_result"
    result = replies.line(key, amount=abs(working.balance))
    return replies.line("affordable_working", unit=replies.line(f"affordable_unit_{region_of_script(region)}"),
                        working=" − ".join(parts) + " = " + result)


def estimate_lines(working: Working, region: str = "mainland") -> list[str]:
    """The working, then the amount proposed with its margin explained, or that nothing is left."""
    lines = [working_line(working, region)]
    if working.offer > 0:
        lines.append(replies.line("affordable_estimate", margin=money(working.margin, region),
                                  amount=money(working.offer, region)))
    else:
        lines.append(replies.line("affordable_none"))
    return lines


def summary_line(working: Working, region: str = "mainland") -> str:
    """For the staff case summary and the hardship paragraph: 「月收入 5,000，必要开支 4,200，可还约 700」."""
    return replies.line("affordable_summary", income=money(working.income, region),
                        costs=money(working.total_costs, region), offer=money(working.offer, region))
