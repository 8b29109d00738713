"""Plan maths: installment and extension proposals. Pure arithmetic, no text.

Rules (shared/design.md, "Plan rules"):
- installment: months = ceil(debt / affordable); above 60 months (the five-year ceiling of
  个性化分期 for credit cards) use 60 and flag ``above_affordable``; monthly = ceil(debt / months).
  Because the monthly amount is rounded up, the last instalment is smaller (``last_amount``);
  ``total`` is the amount owed now (fees and interest are unknown and are asked for in writing).
- affordable ≥ debt → one instalment: a one-off settlement (``is_one_off``).
- affordable unknown (None) or 0 → ``AffordabilityUnknown`` (a ValueError): no honest instalment plan can
  be proposed; the action re-asks (income and essential expenses → ``suggested_affordable``).
- extension: today + extension_days (default 30); when affordable > 0 a partial payment now of
  min(affordable, debt).
"""

from __future__ import annotations

import datetime
import math
from dataclasses import dataclass

from case import CaseFacts

MAX_INSTALLMENT_MONTHS = 60
DEFAULT_EXTENSION_DAYS = 30


class AffordabilityUnknown(ValueError):
    """Raised when an installment plan is asked for without a positive monthly amount the borrower can pay."""


@dataclass(frozen=True)
class InstallmentPlan:
    months: int
    monthly_amount: int
    total: int
    capped_at_max_term: bool
    above_affordable: bool

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
    partial_payment_now: int
    remaining_after_partial: int


def _check_debt(debt_amount: int) -> int:
    if debt_amount is None or int(debt_amount) <= 0:
        raise ValueError(f"debt_amount must be a positive number of yuan, got {debt_amount!r}")
    return int(debt_amount)


def installment_plan(debt_amount: int, affordable_monthly: int | None) -> InstallmentPlan:
    debt = _check_debt(debt_amount)
    if affordable_monthly is None or int(affordable_monthly) <= 0:
        raise AffordabilityUnknown("an installment plan needs a positive affordable_monthly")
    affordable = int(affordable_monthly)
    months = math.ceil(debt / affordable)
    capped = months > MAX_INSTALLMENT_MONTHS
    if capped:
        months = MAX_INSTALLMENT_MONTHS
    monthly = math.ceil(debt / months)
    # Rounding the monthly amount up can make the last instalment vanish for tiny debts over many months
    # (61 yuan at 1 yuan/month → 2 yuan × 30.5); keep only the months actually needed.
    months = math.ceil(debt / monthly)
    return InstallmentPlan(
        months=months,
        monthly_amount=monthly,
        total=debt,
        capped_at_max_term=capped,
        above_affordable=monthly > affordable,
    )


def extension_plan(
    debt_amount: int,
    affordable_monthly: int | None,
    extension_days: int | None,
    today: datetime.date,
) -> ExtensionPlan:
    debt = _check_debt(debt_amount)
    days = int(extension_days) if extension_days and int(extension_days) > 0 else DEFAULT_EXTENSION_DAYS
    affordable = int(affordable_monthly) if affordable_monthly and int(affordable_monthly) > 0 else 0
    partial = min(affordable, debt)
    return ExtensionPlan(
        extension_days=days,
        new_due_date=today + datetime.timedelta(days=days),
        partial_payment_now=partial,
        remaining_after_partial=debt - partial,
    )


def choose_plan(facts: CaseFacts) -> str:
    """"installment" or "extension".

    What the user asked for wins ("fee_waiver" → installment, the drafts add a fee-waiver paragraph).
    Otherwise: wages paid late, or affordable × 3 ≥ debt (a short, temporary shortfall) → extension;
    except when affordable ≥ debt, where the installment maths gives a one-off settlement.
    Everything else, including unknown numbers, → installment.
    """
    if facts.requested_plan == "extension":
        return "extension"
    if facts.requested_plan in ("installment", "fee_waiver"):
        return "installment"
    if facts.hardship_reason == "工资拖欠":
        return "extension"
    debt, affordable = facts.debt_amount, facts.affordable_monthly
    if debt and affordable and affordable > 0:
        if affordable >= debt:
            return "installment"
        if affordable * 3 >= debt:
            return "extension"
    return "installment"


def suggested_affordable(monthly_income: int | None, essential_expenses: int | None) -> int | None:
    """Income minus essential expenses, proposed for confirmation; 0 when nothing is left, None if unknown."""
    if monthly_income is None or essential_expenses is None:
        return None
    return max(int(monthly_income) - int(essential_expenses), 0)


def make_plan(facts: CaseFacts, today: datetime.date) -> InstallmentPlan | ExtensionPlan:
    """Convenience for the actions: choose_plan + the matching maths (may raise AffordabilityUnknown)."""
    if facts.debt_amount is None:
        raise ValueError("debt_amount is unknown")
    if choose_plan(facts) == "extension":
        return extension_plan(facts.debt_amount, facts.affordable_monthly, facts.extension_days, today)
    return installment_plan(facts.debt_amount, facts.affordable_monthly)
