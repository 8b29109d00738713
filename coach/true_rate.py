"""The true annual rate of an instalment loan, fees counted, and the answer that shows the working.

The arithmetic is the one facts §12.14 describes: find the periodic rate r at which the payments, discounted at r,
equal the money actually received (what the borrower got minus any fee paid up front); the annual rate is r × periods
a year (simple) or (1 + r)^(periods a year) − 1 (compound). That the PBOC notice names this method is [X], so the
answer calls it arithmetic, never the rule. Which figure is compared with the thresholds: the simple one, the lower
of the two, so a rate is never said to be above a threshold on the stronger reading only.

Pure: no Rasa. The rate is found by bisection (the discounted sum falls as r rises, so it always converges, even at
the thousands of per cent of a 7-day loan, where Newton's method can fail); numpy-financial is the tests' reference.
The words are data in true_rate.yml, every line citing its § of knowledge/sources.md.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Sequence

import yaml

from coach.case import region_of_script
from coach.zh.loan_terms import LoanTerms, read_loan_terms

TEXT_PATH = Path(__file__).with_name("true_rate.yml")
# A periodic rate above this is no loan anyone should be quoted a figure for (it is also where bisection stops).
MAX_PERIODIC_RATE = 1000.0
_TOLERANCE = 1e-12


@dataclass(frozen=True)
class Loan:
    """A loan as the borrower tells it. ``principal``: the amount in the contract; ``received``: what reached the
    borrower when less was paid out (到手); ``upfront_fees``: paid at the start (会员费, 服务费 taken up front),
    which lower what was received; ``payments``: one amount per period (equal instalments or a schedule);
    ``fee_per_period``: paid with each instalment; ``period_days``: 30 for monthly instalments."""

    principal: float
    payments: tuple[float, ...]
    received: float | None = None
    upfront_fees: float = 0.0
    fee_per_period: float = 0.0
    period_days: int = 30
    fees: tuple[tuple[str, float, bool], ...] = field(default=())  # (name, amount, per period) for the working

    @classmethod
    def equal(cls, principal: float, periods: int, payment: float, **kwargs: Any) -> Loan:
        """Equal instalments: ``periods`` payments of ``payment``."""
        return cls(principal=principal, payments=(float(payment),) * int(periods), **kwargs)

    @property
    def net_received(self) -> float:
        """The money the borrower actually had the use of at the start."""
        return (self.received if self.received is not None else self.principal) - self.upfront_fees

    @property
    def periods_a_year(self) -> float:
        return 12.0 if self.period_days == 30 else 365.0 / self.period_days


def cash_flows(loan: Loan) -> list[float]:
    """From the borrower's side: + the money received at 0, − each instalment with its fee at 1 … n."""
    return [loan.net_received, *(-(p + loan.fee_per_period) for p in loan.payments)]


def _npv(rate: float, flows: Sequence[float]) -> float:
    try:
        return sum(f / (1.0 + rate) ** t for t, f in enumerate(flows))
    except (OverflowError, ZeroDivisionError):  # (1 + r)^t out of float range near r = −100 %: no bound
        return -math.inf


def periodic_rate(flows: Sequence[float]) -> float | None:
    """The internal rate of return of flows that start with money received and are then all payments: the r at
    which the payments' present value equals what was received. None when no such r exists in (−100 %, 100 000 %]
    (nothing received, nothing repaid)."""
    if len(flows) < 2 or flows[0] <= 0 or all(f >= 0 for f in flows[1:]):
        return None
    low, high = -0.999999, MAX_PERIODIC_RATE
    # received − the payments' present value rises with r: negative near −100 %, positive at a high enough r
    if _npv(low, flows) > 0 or _npv(high, flows) < 0:
        return None
    for _ in range(300):
        mid = (low + high) / 2
        if _npv(mid, flows) < 0:
            low = mid
        else:
            high = mid
        if high - low < _TOLERANCE:
            break
    return (low + high) / 2


@dataclass(frozen=True)
class TrueRate:
    """The result: the periodic rate and its two annual readings (fractions, 0.13 = 13 %), with the totals."""

    loan: Loan
    periodic: float
    simple: float
    compound: float

    @property
    def total_repaid(self) -> float:
        return sum(self.loan.payments) + self.loan.fee_per_period * len(self.loan.payments)

    @property
    def cost(self) -> float:
        return self.total_repaid - self.loan.net_received


def true_rate(loan: Loan) -> TrueRate | None:
    """The loan's true rate, or None when the figures describe no loan (nothing received, no payments)."""
    r = periodic_rate(cash_flows(loan))
    if r is None:
        return None
    per_year = loan.periods_a_year
    return TrueRate(loan=loan, periodic=r, simple=r * per_year, compound=(1.0 + r) ** per_year - 1.0)


# ---------- the answer ----------------------------------------------------------------------------------------

@lru_cache(maxsize=1)
def load() -> dict[str, Any]:
    with TEXT_PATH.open(encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def _money(value: float) -> str:
    return f"{value:,.0f}" if abs(value - round(value)) < 0.005 else f"{value:,.2f}"


def _pct(value: float) -> str:
    return f"{value * 100:.1f}%" if abs(value) < 10 else f"{value * 100:,.0f}%"


def _line(key: str, **values: Any) -> str:
    return str(load()["statements"][key]["text"]).format(**values)


def _band(rate: TrueRate, region: str) -> dict[str, Any]:
    """The first of the region's bands whose threshold the simple annual rate passes (true_rate.yml)."""
    bands = load()["answers"][region]["bands"]
    return next((b for b in bands if rate.simple > float(b["above"])), bands[-1])


def working(rate: TrueRate) -> list[str]:
    """The three lines of working: what was received, what is repaid, the rates."""
    loan = rate.loan
    upfront = [(n, a) for n, a, per in loan.fees if not per] or \
        ([("费用", loan.upfront_fees)] if loan.upfront_fees else [])
    per_period = [(n, a) for n, a, per in loan.fees if per] or \
        ([("费用", loan.fee_per_period)] if loan.fee_per_period else [])
    if abs(loan.net_received - loan.principal) < 0.005:
        got = _line("work_received_all", principal=_money(loan.principal))
    else:
        got = _line("work_received", principal=_money(loan.principal), net=_money(loan.net_received))
        # what brought it down, when a fee did (a smaller payout alone is already said by the amount received)
        items = [_line("work_paid_out", received=_money(loan.received))] \
            if upfront and loan.received is not None and loan.received != loan.principal else []
        items += [_line("work_fee_upfront", name=n, amount=_money(a)) for n, a in upfront]
        if items:
            got += _line("work_because", items="，".join(items))
    monthly = loan.period_days == 30
    if len(set(loan.payments)) == 1:
        repay = _line("work_repay_equal", periods=len(loan.payments), payment=_money(loan.payments[0]),
                      period_note="" if monthly else _line("work_period_days", days=loan.period_days))
    else:
        repay = _line("work_repay_schedule", periods=len(loan.payments))
    repay += "".join(_line("work_fee_per_period", name=n, amount=_money(a)) for n, a in per_period)
    repay += _line("work_total", total=_money(rate.total_repaid), cost=_money(rate.cost))
    # a compound figure in the millions of per cent says nothing more than "far higher"
    rates = _line("work_rate" if rate.compound < 10 else "work_rate_huge",
                  period=_line("word_month" if monthly else "word_period"),
                  periodic=f"{rate.periodic * 100:.2f}%", simple=_pct(rate.simple), compound=_pct(rate.compound),
                  times="12" if monthly else f"365/{loan.period_days}")
    return [f"{got}。", f"{repay}。", rates]


def answer(loan: Loan, region: str = "mainland") -> str | None:
    """The reply: the rate with its working, the thresholds it passes (hedged as the marks say) and what to do.
    None when the figures describe no loan."""
    rate = true_rate(loan)
    if rate is None:
        return None
    region = region_of_script(region)
    if rate.periodic <= 0:
        return "\n".join([_line("no_cost"), *working(rate)])
    spec = load()["answers"][region]
    band = _band(rate, region)
    lines = [_line("heading", simple=_pct(rate.simple)), *working(rate), *(_line(k) for k in band["say"])]
    near_at = band.get("near_at")
    if near_at is not None and rate.compound > float(near_at) >= rate.simple:
        lines.append(_line(band["near"], threshold=_pct(float(near_at))))
    if region == "mainland" and any(n in ("会员费", "权益费") for n, _, _ in loan.fees):
        lines.append(_line("fee_membership"))
    over = max(rate.simple, rate.compound) > float(spec["over_from"])
    lines += [_line(k) for k in spec["then_over" if over else "then"]]
    return "\n".join(lines)


def loan_of(terms: LoanTerms) -> Loan:
    """The loan a message's terms describe (coach/zh/loan_terms.py)."""
    return Loan.equal(terms.principal, terms.periods, terms.payment, received=terms.received,
                      upfront_fees=float(terms.upfront_fees), fee_per_period=float(terms.fee_per_period),
                      period_days=terms.period_days,
                      fees=tuple((f.name, float(f.amount), f.per_period) for f in terms.fees))


def answer_message(text: str, region: str = "mainland") -> str | None:
    """The reply to a message that gives a loan's terms (periods and an instalment); None for any other message."""
    terms = read_loan_terms(text)
    return answer(loan_of(terms), region) if terms is not None else None
