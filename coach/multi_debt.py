"""One plan across several debts (共债): the borrower's monthly amount split pro rata. Pure arithmetic, no Rasa.

The rule is StepChange's (facts §11.4): one affordable monthly amount, split across creditors **in proportion
to each balance**, with a floor per creditor, re-worked whenever a debt is added, removed or changes; token
payments when nothing (or too little) is affordable. In yuan:

- **floor** (``FLOOR``, 100 元 a month per lender, or the whole balance if smaller): our choice, in the spirit
  of StepChange's £5. Below it a lender's share stops looking like a repayment plan — 10,000 元 at 50 元 a
  month takes 17 years — and a lender is more likely to reject the whole proposal than to accept a plan it
  cannot distinguish from nothing. So a lender never gets less than the floor; when the amount cannot cover
  every floor, the case goes to token mode instead of a plan below the floor.
- **shares** are whole yuan: the exact pro-rata amounts are rounded down and the yuan left over go to the
  largest remainders, so the shares add up to the affordable amount exactly (never more) and each differs from
  its exact pro-rata value by less than 1 元 (the floor and a debt's own balance are the only other limits).
- **months** per debt follow from its share: ceil(balance / share); the monthly installment is the balance
  levelled over those months (≤ the share), the last payment a little smaller. A share that
  would need more than 60 months (the five-year ceiling of 个性化分期 for credit cards, facts §1.1; drafted to
  the same ceiling for other lenders, as the single-debt plan does) is flagged ``beyond_limit``: the drafts say
  so and ask that lender for 60 months with the rest to be reviewed, or a reduction of interest and fees.
- **modes**: ``"pro_rata"`` (the plan above); ``"token"`` (a positive amount that cannot cover every floor — then
  the same small amount to every lender, StepChange's token payments — or a total that would need more than 60
  months even at the whole amount — then the pro-rata shares; either way paid for ``REVIEW_DAYS``, then a
  review, never called a plan to repay); ``"pause"`` (nothing can be paid: ask every
  lender to pause collection until the review date); ``"unknown"`` (the monthly amount is not known yet: a
  short pause to work out a budget).
- **priority** (advice, not a rule): a debt whose lender has threatened a lawsuit is named first, because court
  papers have deadlines (check them at 12368, facts §11) — the split itself stays pro rata.
"""

from __future__ import annotations

import datetime
import math
from dataclasses import dataclass, field
from typing import Literal

from coach.plan import BUDGET_DAYS, MAX_INSTALLMENT_MONTHS, REVIEW_DAYS

FLOOR = 100  # 元 per lender per month (see the module docstring for why)

Mode = Literal["pro_rata", "token", "pause", "unknown"]


@dataclass(frozen=True)
class Debt:
    lender: str
    amount: int  # 元 owed, > 0
    kind: str = "other"  # a key of case.LENDER_TYPES
    threats: tuple[str, ...] = ()  # threats received from this lender (keys of case.THREAT_TYPES)


@dataclass(frozen=True)
class Share:
    debt: Debt
    monthly: int  # 元 a month to this lender (token mode: the token; pause/unknown: 0)
    exact: float  # the unrounded pro-rata amount (for the rounding property)

    @property
    def months(self) -> int:
        """Months to repay this debt at ``monthly`` (0 when nothing is paid)."""
        return math.ceil(self.debt.amount / self.monthly) if self.monthly else 0

    @property
    def installment(self) -> int:
        """The payment asked of this lender each month: the debt levelled over ``months`` (never above the share,
        so the last payment is not a token: 20,000 at a share of 571 → 36 × 556, the last 540, not 35 × 571 + 15)."""
        return math.ceil(self.debt.amount / self.months) if self.monthly else 0

    @property
    def last_amount(self) -> int:
        return self.debt.amount - self.installment * (self.months - 1) if self.monthly else 0

    @property
    def beyond_limit(self) -> bool:
        """This share would need more than 60 months."""
        return self.months > MAX_INSTALLMENT_MONTHS

    @property
    def paid_at_limit(self) -> int:
        """What 60 months of this share repay (the rest is for a review or a reduction)."""
        return min(self.debt.amount, self.monthly * MAX_INSTALLMENT_MONTHS)


@dataclass(frozen=True)
class MultiPlan:
    mode: Mode
    shares: tuple[Share, ...]
    affordable: int | None
    floor: int = FLOOR
    review_days: int = 0
    review_date: datetime.date | None = None
    priority: tuple[str, ...] = field(default=())  # lenders to deal with first (lawsuit threatened)
    agreed: tuple[str, ...] = field(default=())  # lenders whose monthly amount is agreed: fixed, never re-split
    short_by: int = 0  # how much the agreed amounts alone exceed ``affordable`` (0: they fit)

    @property
    def agreed_total(self) -> int:
        """What the agreed lenders get each month."""
        return sum(s.monthly for s in self.shares if s.debt.lender in self.agreed)

    @property
    def total(self) -> int:
        return sum(s.debt.amount for s in self.shares)

    @property
    def monthly_total(self) -> int:
        """The shares: all of the affordable amount (pro rata) — what is allocated."""
        return sum(s.monthly for s in self.shares)

    @property
    def installments_total(self) -> int:
        """What is actually paid each month while every debt is running (≤ monthly_total)."""
        return sum(s.installment for s in self.shares)

    @property
    def months(self) -> int:
        """Months until the last debt is repaid (pro rata) — 0 for the other modes."""
        return max((s.months for s in self.shares), default=0) if self.mode == "pro_rata" else 0

    @property
    def months_at_whole_amount(self) -> int:
        """Months the whole total would take at the whole affordable amount (said plainly in token mode)."""
        return math.ceil(self.total / self.affordable) if self.affordable else 0

    def share_of(self, lender: str) -> Share | None:
        return next((s for s in self.shares if s.debt.lender == lender), None)


def _check(debts: list[Debt]) -> None:
    if not debts:
        raise ValueError("a plan across debts needs at least one debt")
    for debt in debts:
        if int(debt.amount) <= 0:
            raise ValueError(f"debt amounts must be positive, got {debt.amount!r} for {debt.lender}")
    if len({d.lender for d in debts}) != len(debts):
        raise ValueError("each lender appears once")


def pro_rata(amounts: list[int], budget: int, floor: int = FLOOR) -> tuple[list[int], list[float]]:
    """Whole-yuan shares of ``budget`` in proportion to ``amounts``, each at least min(floor, amount) and at most
    the amount itself; returns (shares, exact pro-rata values of the shares not fixed by a limit).

    Requires budget ≥ the sum of the floors. The shares add up to min(budget, sum(amounts)).
    """
    n = len(amounts)
    floors = [min(floor, a) for a in amounts]
    if budget < sum(floors):
        raise ValueError("the budget does not cover every floor")
    fixed: dict[int, int] = {}
    while True:
        free = [i for i in range(n) if i not in fixed]
        left = budget - sum(fixed.values())
        weight = sum(amounts[i] for i in free)
        exact = {i: left * amounts[i] / weight for i in free} if free else {}
        # A share below its floor is raised to it; a share above its balance is the balance (paid at once).
        # Raising one lowers the others, so repeat until nothing changes.
        low = [i for i in free if exact[i] < floors[i]]
        high = [i for i in free if exact[i] > amounts[i]] if not low else []
        for i in low:
            fixed[i] = floors[i]
        for i in high:
            fixed[i] = amounts[i]
        if not low and not high:
            break
    shares = [0] * n
    exact_all = [float(fixed.get(i, 0)) for i in range(n)]
    for i, v in fixed.items():
        shares[i] = v
    for i in exact:
        shares[i] = math.floor(exact[i])
        exact_all[i] = exact[i]
    # Yuan left by rounding down go to the largest remainders (never above a balance): the total is exact.
    spare = min(budget, sum(amounts)) - sum(shares)
    order = sorted(exact, key=lambda i: (exact[i] - math.floor(exact[i]), amounts[i]), reverse=True)
    for i in order:
        if spare <= 0:
            break
        if shares[i] < amounts[i]:
            shares[i] += 1
            spare -= 1
    return shares, exact_all


def token_amounts(count: int, budget: int) -> list[int]:
    """The same whole-yuan token for every lender (the spare yuan stay with the borrower)."""
    return [budget // count] * count


def plan_across(debts: list[Debt], affordable: int | None, today: datetime.date,
                floor: int = FLOOR) -> MultiPlan:
    """The plan across all ``debts`` for a borrower who can pay ``affordable`` 元 a month (None: not known)."""
    _check(debts)
    priority = tuple(d.lender for d in debts if "lawsuit" in d.threats)
    if affordable is None:
        days = BUDGET_DAYS
        return MultiPlan("unknown", tuple(Share(d, 0, 0.0) for d in debts), None, floor, days,
                         today + datetime.timedelta(days=days), priority)
    budget = max(int(affordable), 0)
    total = sum(d.amount for d in debts)
    floors = sum(min(floor, d.amount) for d in debts)
    if budget < floors or math.ceil(total / max(budget, 1)) > MAX_INSTALLMENT_MONTHS:
        if budget >= floors:  # every floor is covered but even 60 months is too short: pro-rata tokens
            tokens, exact = pro_rata([d.amount for d in debts], budget, floor)
        else:  # below the floors: the same small amount to each (StepChange's token payments)
            tokens = token_amounts(len(debts), budget)
            exact = [float(t) for t in tokens]
        mode: Mode = "token" if min(tokens) > 0 else "pause"
        shares = tuple(Share(d, t if mode == "token" else 0, e) for d, t, e in zip(debts, tokens, exact))
        return MultiPlan(mode, shares, budget, floor, REVIEW_DAYS, today + datetime.timedelta(days=REVIEW_DAYS),
                         priority)
    amounts, exact = pro_rata([d.amount for d in debts], budget, floor)
    shares = tuple(Share(d, a, e) for d, a, e in zip(debts, amounts, exact))
    return MultiPlan("pro_rata", shares, budget, floor, 0, None, priority)


def plan_with_agreed(debts: list[Debt], affordable: int | None, agreed: dict[str, int], today: datetime.date,
                     floor: int = FLOOR) -> MultiPlan:
    """The plan when some lenders have agreed a monthly amount: each agreed amount is fixed for its lender, and
    what is left of ``affordable`` is split across the others (as plan_across, whose mode the plan takes). An
    agreement is the borrower's word to that lender, so a later change of facts never re-splits it: when the agreed
    amounts alone are more than ``affordable``, they stay as agreed and ``short_by`` says by how much (the drafts
    then say so and suggest going back to that lender). Nothing agreed: the plan across all debts, unchanged."""
    fixed = {d.lender: min(max(int(agreed[d.lender]), 0), d.amount) for d in debts if d.lender in agreed}
    if not fixed or affordable is None:
        return plan_across(debts, affordable, today, floor)
    open_debts = [d for d in debts if d.lender not in fixed]
    short_by = max(sum(fixed.values()) - int(affordable), 0)
    left = max(int(affordable) - sum(fixed.values()), 0)
    rest = plan_across(open_debts, left, today, floor) if open_debts else None
    by_lender = {s.debt.lender: s for s in rest.shares} if rest else {}
    shares = tuple(Share(d, fixed[d.lender], float(fixed[d.lender])) if d.lender in fixed else by_lender[d.lender]
                   for d in debts)
    mode: Mode = rest.mode if rest and rest.mode != "pro_rata" else "pro_rata"
    priority = tuple(d.lender for d in debts if "lawsuit" in d.threats)
    return MultiPlan(mode, shares, int(affordable), floor, rest.review_days if rest else 0,
                     rest.review_date if rest else None, priority, tuple(fixed), short_by)
