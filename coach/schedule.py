"""The repayment schedule and follow-up dates of a plan, as calendar days. Pure: no Rasa.

Installments: one due date a month, the first one month after the plan was drafted (the dates agreed with the
lender replace these: each event says so). An extension: its new due date. A pause: the review date. And a
follow-up date: ``follow_up_days`` after the written request (15 days, the bot's own suggestion; Taiwan 30, when
the FOI takes a case, facts §11.1), when, without an answer, the follow-up letter or the complaint is next.
"""

from __future__ import annotations

import calendar
import datetime
from typing import Any, Mapping

from coach.drafting import money
from coach.exports import Event
from coach.multi_debt import MultiPlan
from coach.plan import MAX_INSTALLMENT_MONTHS, ExtensionPlan, HardshipPlan, InstallmentPlan, Plan

AGREED_DATES = "以与机构书面确认的还款日为准；本日历按方案起草日推算。"


def add_months(day: datetime.date, months: int) -> datetime.date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def plan_events(plan: Plan, drafted_on: datetime.date) -> list[Event]:
    if isinstance(plan, InstallmentPlan):
        out = []
        for k in range(1, plan.months + 1):
            amount = plan.last_amount if k == plan.months else plan.monthly_amount
            label = "一次性还款" if plan.is_one_off else f"第 {k}/{plan.months} 期还款"
            out.append(Event(add_months(drafted_on, k), f"{label}：{money(amount)} 元（计划）", AGREED_DATES))
        return out
    if isinstance(plan, ExtensionPlan):
        return [Event(plan.new_due_date, f"延期到期：还款 {money(plan.amount_by_date)} 元（计划）", AGREED_DATES)]
    if isinstance(plan, HardshipPlan):
        return [Event(plan.review_date, "暂缓期满：重新评估收入，与机构再协商", AGREED_DATES)]
    return []


def several_events(plan: MultiPlan, drafted_on: datetime.date) -> list[Event]:
    """Several debts: each lender's payments of the split, the first one month after drafting; an agreed lender's
    are left to agreed_events (its agreed dates, not the plan's). Token payments run until the review; a pause or an
    unknown amount has only the review date."""
    out: list[Event] = []
    for share in plan.shares:
        lender = share.debt.lender
        if lender in plan.agreed or not share.monthly:
            continue
        if plan.mode == "pro_rata":
            months = min(share.months, MAX_INSTALLMENT_MONTHS)
            for k in range(1, months + 1):
                amount = share.monthly if share.beyond_limit else \
                    share.last_amount if k == share.months else share.installment
                summary = f"{lender}：第 {k}/{months} 期还款 {money(amount)} 元（计划）"
                out.append(Event(add_months(drafted_on, k), summary, AGREED_DATES))
        elif plan.mode == "token" and plan.review_date is not None:
            k = 1
            while add_months(drafted_on, k) < plan.review_date:
                out.append(Event(add_months(drafted_on, k), f"{lender}：先还 {money(share.monthly)} 元（计划）",
                                 AGREED_DATES))
                k += 1
    if plan.mode != "pro_rata" and plan.review_date is not None:
        out.append(Event(plan.review_date, "暂缓期满：重新评估收入，与各家机构再协商", AGREED_DATES))
    return out


def follow_up_event(sent_on: datetime.date, days: int, what: str = "书面还款申请") -> Event:
    return Event(sent_on + datetime.timedelta(days=days),
                 f"跟进：{what}已发出 {days} 天，如果还没有书面答复，发跟进函或按投诉途径投诉",
                 f"{sent_on:%Y-%m-%d} 发出{what}。", reminder_days=0)


def agreed_events(statuses: Mapping[str, Any]) -> list[Event]:
    """The payments agreed with each lender (coach/outcomes.py statuses: agreed or agreed in writing), from the day
    of the agreement: a first payment, if any, one month later, then one installment a month."""
    out: list[Event] = []
    for lender, status in statuses.items():
        if not isinstance(status, Mapping) or status.get("status") not in ("agreed", "agreed_in_writing"):
            continue
        terms = status.get("terms") or {}
        try:
            since = datetime.date.fromisoformat(str(status.get("since")))
            down, months = int(terms.get("down") or 0), int(terms.get("months") or 0)
            monthly, last = int(terms.get("monthly") or 0), int(terms.get("last") or 0)
        except (TypeError, ValueError):
            continue
        how = "已书面确认" if status["status"] == "agreed_in_writing" else "已口头同意，待书面确认"
        first = 1
        if down:
            out.append(Event(add_months(since, 1), f"{lender}：先还 {money(down)} 元（{how}）", AGREED_DATES))
            first = 2
        for k in range(1, months + 1):
            amount = last if k == months and last else monthly
            out.append(Event(add_months(since, first + k - 1),
                             f"{lender}：第 {k}/{months} 期还款 {money(amount)} 元（{how}）", AGREED_DATES))
    return out


def with_agreements(planned: list[Event], statuses: Mapping[str, Any], several: bool) -> list[Event]:
    """The plan's dates, with what the lenders agreed: one debt — the agreed payments replace the plan's; several —
    each agreed lender's payments are added (the overview already counts them in the split)."""
    agreed = agreed_events(statuses)
    if not agreed:
        return planned
    return [*planned, *agreed] if several else agreed
