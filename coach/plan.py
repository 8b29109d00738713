"""Plan maths: which plan a borrower can keep, and its numbers. Pure arithmetic, no text, no Rasa.

A plan is only worth drafting if the borrower can keep it: a broken promise costs more than no promise. So:

- **extension** (a later date, then a lump sum): only on the borrower's own word that they can pay the whole
  debt, or a stated part, by a date (``CaseFacts.stated_payment``). A stated part leaves the rest to be
  negotiated at that date; nothing beyond what they said is promised.
- **installment**: months = ceil(debt / affordable), or the borrower's own number of months
  (``requested_months``) when its monthly amount is within what they can afford; never above 60 months (the
  five-year ceiling of 个性化分期 for credit cards, facts §1.1; other lenders are drafted to the same
  ceiling). Monthly = ceil(debt / months); the last instalment is smaller (``last_amount``). The monthly amount
  never exceeds what the borrower said they can afford. affordable ≥ debt → one payment (``is_one_off``): the
  borrower said they can pay that much this month.
- **hardship** (a pause of collection and a review date, 暂缓催收，收入恢复后再协商): when there is no
  plan within the limits: nothing can be paid (``"none"``), or even 60 months would cost more per month than
  the borrower can pay (``"too_little"``: they pay what they can, ``token_monthly``, until the review), or the
  monthly capacity is not known (``"unknown"``: a short pause to work out a budget and make an offer).
  No lump sum, no amount above what the borrower said.

Fees and interest during any plan are unknown: the drafts ask for the annual rate and total cost in writing.

The kind of debt comes first (``CaseFacts.debt_kind``):

- **secured** (a mortgage, a car loan, a car finance lease): no installment maths and never the 60-month rule of
  credit cards: the loan already has its own term and the home or the car secures it. The plan is to ask the
  lender early to adjust the repayment schedule, offering what the borrower said they can pay each month
  (``monthly_offer``, maybe unknown); the drafts add what facts §12.7–§12.10 say (公积金, selling with the
  bank's agreement, what a lender may and may not do with a car).
- **illegal** (714高炮, 砍头息, 套路贷): no repayment plan at all for what the lender added; what actually
  reached the borrower (``received``) is the most that may still have to be repaid (facts §12.12), and the
  drafts say to keep the evidence and report threats to 110.
- a private loan and every other kind: the plans above.
"""

from __future__ import annotations

import datetime
import math
from dataclasses import dataclass

from coach.case import CaseFacts

MAX_INSTALLMENT_MONTHS = 60
DEFAULT_EXTENSION_DAYS = 30
REVIEW_DAYS = 90  # a pause with a review date: three months, unless the borrower asked for another length
BUDGET_DAYS = 30  # capacity unknown: time to work out income and essential costs and make an offer


class AffordabilityUnknown(ValueError):
    """An installment plan was asked for without a positive monthly amount the borrower can pay."""


class BeyondCapacity(ValueError):
    """Even the longest plan (60 months) would cost more per month than the borrower can pay."""


@dataclass(frozen=True)
class InstallmentPlan:
    months: int
    monthly_amount: int
    total: int
    # The borrower's own number of months, if any, and what became of it: "kept"; "unaffordable" (its
    # monthly amount is above what they can pay, so the plan uses what they can afford); "capped" (above 60).
    requested_months: int | None = None
    requested_monthly: int | None = None
    requested_outcome: str | None = None

    @property
    def last_amount(self) -> int:
        """The final instalment (smaller than monthly_amount when the division is not exact)."""
        return self.total - self.monthly_amount * (self.months - 1)

    @property
    def is_one_off(self) -> bool:
        return self.months == 1


@dataclass(frozen=True)
class ExtensionPlan:
    extension_days: int
    new_due_date: datetime.date
    amount_by_date: int  # what the borrower said they can pay by the new date
    total: int

    @property
    def remaining(self) -> int:
        """What is left after the stated part: negotiated at the new date, never promised now."""
        return self.total - self.amount_by_date

    @property
    def pays_all(self) -> bool:
        return self.remaining == 0


@dataclass(frozen=True)
class HardshipPlan:
    reason: str  # "none" | "too_little" | "unknown"
    total: int
    review_days: int
    review_date: datetime.date
    token_monthly: int  # paid each month until the review (0: nothing)
    monthly_at_max_term: int  # what 60 months would cost each month (said plainly in the drafts)


@dataclass(frozen=True)
class SecuredPlan:
    """A mortgage or a car loan: ask the lender to adjust the schedule; the borrower offers what they can pay."""

    debt_kind: str  # "mortgage" | "car_loan" | "car_lease"
    total: int
    monthly_offer: int | None  # what the borrower said they can pay each month (None: not known yet)


@dataclass(frozen=True)
class IllegalLoanPlan:
    """A likely illegal loan: no plan to pay what was added; the money received is what may be owed at most."""

    total: int  # what the lender demands, as the borrower said it
    received: int | None  # what actually reached the borrower (None: not said)

    @property
    def added(self) -> int | None:
        """What the lender demands beyond the money that reached the borrower (None when that is not known)."""
        return max(self.total - self.received, 0) if self.received is not None else None


SECURED_KINDS = ("mortgage", "car_loan", "car_lease")

Plan = InstallmentPlan | ExtensionPlan | HardshipPlan | SecuredPlan | IllegalLoanPlan


def _check_debt(debt_amount: int | None) -> int:
    if debt_amount is None or int(debt_amount) <= 0:
        raise ValueError(f"debt_amount must be a positive number of yuan, got {debt_amount!r}")
    return int(debt_amount)


def _positive(value: int | None) -> int:
    return int(value) if value is not None and int(value) > 0 else 0


def _split(debt: int, months: int) -> tuple[int, int]:
    """(months, monthly) for ``debt`` over at most ``months``: monthly rounded up, months trimmed so the last
    instalment is positive (61 yuan over 60 months → 2 yuan × 31, the last 1)."""
    monthly = math.ceil(debt / months)
    return math.ceil(debt / monthly), monthly


def installment_plan(debt_amount: int, affordable_monthly: int | None,
                     requested_months: int | None = None) -> InstallmentPlan:
    """Installments the borrower can afford; their own number of months when it is affordable.

    Raises AffordabilityUnknown (no positive affordable amount) or BeyondCapacity (60 months cost more per month
    than affordable): no installment plan can be kept then; make_plan drafts a pause instead.
    """
    debt = _check_debt(debt_amount)
    affordable = _positive(affordable_monthly)
    if not affordable:
        raise AffordabilityUnknown("an installment plan needs a positive affordable_monthly")
    if math.ceil(debt / affordable) > MAX_INSTALLMENT_MONTHS:
        raise BeyondCapacity(f"{debt} over {MAX_INSTALLMENT_MONTHS} months is above {affordable} a month")
    requested = _positive(requested_months) or None
    if requested is not None:
        wanted = min(requested, MAX_INSTALLMENT_MONTHS)
        months, monthly = _split(debt, wanted)
        if monthly <= affordable:
            outcome = "capped" if requested > MAX_INSTALLMENT_MONTHS else "kept"
            return InstallmentPlan(months, monthly, debt, requested, monthly, outcome)
        months, fitting = _split(debt, math.ceil(debt / affordable))
        return InstallmentPlan(months, fitting, debt, requested, monthly, "unaffordable")
    months, monthly = _split(debt, math.ceil(debt / affordable))
    return InstallmentPlan(months, monthly, debt)


def extension_plan(debt_amount: int, amount_by_date: int | None, extension_days: int | None,
                   today: datetime.date) -> ExtensionPlan:
    """A new date ``extension_days`` from today (default 30) by which the borrower pays ``amount_by_date``
    (None or ≥ debt: the whole debt), as they said they can."""
    debt = _check_debt(debt_amount)
    days = _positive(extension_days) or DEFAULT_EXTENSION_DAYS
    amount = _positive(amount_by_date)
    amount = debt if amount == 0 or amount >= debt else amount
    return ExtensionPlan(days, today + datetime.timedelta(days=days), amount, debt)


def hardship_plan(debt_amount: int, affordable_monthly: int | None, today: datetime.date,
                  review_days: int | None = None) -> HardshipPlan:
    """A pause of collection with a review date; the borrower pays what they can (maybe nothing) meanwhile."""
    debt = _check_debt(debt_amount)
    if affordable_monthly is None:
        reason, token = "unknown", 0
    else:
        token = _positive(affordable_monthly)
        reason = "too_little" if token else "none"
    days = _positive(review_days) or (BUDGET_DAYS if reason == "unknown" else REVIEW_DAYS)
    return HardshipPlan(reason=reason, total=debt, review_days=days,
                        review_date=today + datetime.timedelta(days=days), token_monthly=min(token, debt),
                        monthly_at_max_term=math.ceil(debt / MAX_INSTALLMENT_MONTHS))


def choose_plan(facts: CaseFacts) -> str:
    """"installment", "extension" or "hardship".

    - The borrower said they can pay the whole debt or a stated part by a date → extension (unless they asked
      for installments by name and can afford them).
    - Otherwise a positive monthly amount within the 60-month limit → installment (whatever was asked for:
      an extension without a stated ability to pay would be a promise nobody can keep).
    - Otherwise (nothing, too little, or not known) → hardship: a pause and a review date.
    """
    debt, affordable = facts.debt_amount, _positive(facts.affordable_monthly)
    fits = bool(debt and affordable and math.ceil(debt / affordable) <= MAX_INSTALLMENT_MONTHS)
    if facts.stated_payment is not None:
        if facts.requested_plan == "installment" and fits:
            return "installment"
        return "extension"
    return "installment" if fits else "hardship"


def make_plan(facts: CaseFacts, today: datetime.date) -> Plan:
    """choose_plan + the matching maths; always a plan for a known debt (ValueError when the debt is unknown).
    A secured or an illegal debt gets its own plan, whatever choose_plan would say."""
    if facts.debt_amount is None:
        raise ValueError("debt_amount is unknown")
    if facts.debt_kind in SECURED_KINDS:
        return SecuredPlan(str(facts.debt_kind), _check_debt(facts.debt_amount),
                           _positive(facts.affordable_monthly) or None)
    if facts.debt_kind == "illegal":
        total = _check_debt(facts.debt_amount)
        received = facts.loan_received if facts.loan_received and facts.loan_received <= total else None
        return IllegalLoanPlan(total, received)
    kind = choose_plan(facts)
    if kind == "extension":
        stated = facts.stated_payment
        days = (stated.days if stated else None) or facts.extension_days
        amount = None if stated is None or stated.whole else stated.amount
        return extension_plan(facts.debt_amount, amount, days, today)
    if kind == "installment":
        return installment_plan(facts.debt_amount, facts.affordable_monthly, facts.requested_months)
    affordable = facts.affordable_monthly
    if affordable is None and facts.monthly_income == 0:
        affordable = 0  # no income at all: nothing to pay, whatever the expenses
    return hardship_plan(facts.debt_amount, affordable, today, facts.extension_days)
