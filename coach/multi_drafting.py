"""Drafts for several debts: an overview (欠款清单 + 还款方案), then one set of drafts per lender — phone script,
written request, short reply — each naming that lender's share and saying that the other debts are being repaid
pro rata (what makes a lender accept less than its contract payment). Pure Python, no Rasa imports.

Wording: coach/templates/multi/*.j2 (with the single-debt macros for a lender's name and the borrower's
hardship); numbers: coach/multi_debt.py.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from coach import knowledge
from coach.case import LENDER_TYPES, CaseFacts, region_of_script, vocabulary
from coach.drafting import _ENV, PLACEHOLDER_RE, cn_date, money  # noqa: F401  (one Jinja environment)
from coach.drafting import _render as render
from coach.multi_debt import Debt, MultiPlan, Share, plan_with_agreed

BANKISH = ("credit_card", "bank_loan", "consumer_finance")


@dataclass(frozen=True)
class LenderDrafts:
    lender: str
    title: str  # 「借呗：每月 571 元，36 期」
    phone_script: str
    written_request: str
    short_reply: str

    @property
    def parts(self) -> tuple[tuple[str, str], ...]:
        return (("phone_script", self.phone_script), ("written_request", self.written_request),
                ("short_reply", self.short_reply))

    @property
    def text(self) -> str:
        """The three drafts as one message (channels without cards)."""
        from coach import replies  # titles are data in replies.yml
        return "\n\n".join(f"【{replies.draft_title(kind)}】\n{body}" for kind, body in self.parts)


@dataclass(frozen=True)
class MultiLayout:
    summary: str
    note: str  # borrowers only
    case_summary: str  # staff only
    overview: str
    lenders: tuple[LenderDrafts, ...]
    checklist: str


def debts_of(facts: CaseFacts) -> list[Debt]:
    """The debts with a known amount, with the threats received from each lender."""
    return [Debt(d.lender, d.amount, d.kind if d.kind in LENDER_TYPES else "other", d.threats)
            for d in facts.debts if d.amount]


def pending_of(facts: CaseFacts) -> list[str]:
    """Lenders named without an amount: listed, not planned."""
    return [d.lender for d in facts.debts if not d.amount]


def make_multi_plan(facts: CaseFacts, today: datetime.date) -> MultiPlan:
    affordable = facts.affordable_monthly
    if affordable is None and facts.monthly_income == 0:
        affordable = 0  # no income at all: nothing to pay (as the single-debt plan)
    # a lender that agreed keeps its amount in every redraft; only what is left is split among the others
    agreed = {d.lender: d.agreed_monthly for d in facts.debts if d.amount and d.agreed_monthly is not None}
    return plan_with_agreed(debts_of(facts), affordable, agreed, today)


def _base(facts: CaseFacts, plan: MultiPlan, today: datetime.date, region: str, pending: list[str],
          crisis: bool) -> dict[str, Any]:
    region = region_of_script(region)
    return {
        "facts": facts, "plan": plan, "mode": plan.mode, "region": region, "today": today,
        "count": len(plan.shares), "total": plan.total, "monthly_total": plan.monthly_total,
        "months": plan.months, "affordable": plan.affordable, "floor": plan.floor,
        "review_date": plan.review_date, "review_days": plan.review_days,
        "equal_tokens": plan.mode == "token" and len({s.monthly for s in plan.shares}) == 1
        and plan.affordable is not None and plan.affordable < sum(min(plan.floor, s.debt.amount) for s in plan.shares),
        "pending": pending, "income": facts.monthly_income, "reason": facts.hardship_reason,
        "kind_labels": LENDER_TYPES, "hotline": knowledge.hotlines(), "crisis": crisis,
        "threat_names": "、".join(vocabulary.THREAT_SUMMARY_NAMES[t] for t in facts.threat_types),
        # macros of the single-debt templates read these
        "hreason": "none" if plan.mode == "pause" else None, "token": 0,
    }


def _lender_context(base: dict[str, Any], share: Share) -> dict[str, Any]:
    kind = share.debt.kind
    return {**base, "share": share, "lender": share.debt.lender, "lender_kind": kind,
            "is_card": kind == "credit_card", "is_bank": kind in ("credit_card", "bank_loan"),
            "card_rule": kind == "credit_card" and base["region"] == "mainland",
            "debt": share.debt.amount, "others": base["count"] - 1, "threats": share.debt.threats,
            # what this lender is asked for each month: the levelled installment of a pro-rata plan (≤ the share)
            "pay": share.installment if base["mode"] == "pro_rata" and not share.beyond_limit else share.monthly}


def _title(share: Share, mode: str) -> str:
    if mode == "pro_rata":
        term = "本月结清" if share.months == 1 else "先分 60 期" if share.beyond_limit else f"{share.months} 期"
        pay = share.monthly if share.beyond_limit else share.installment
        return f"{share.debt.lender}：每月 {money(pay)} 元，{term}"
    if mode == "token":
        return f"{share.debt.lender}：每月先还 {money(share.monthly)} 元，申请暂缓"
    return f"{share.debt.lender}：申请暂缓催收"


def _checklist(base: dict[str, Any], summary: str) -> str:
    """The single-debt checklist, for all lenders at once."""
    kinds = {s.debt.kind for s in base["plan"].shares}
    all_bankish = kinds <= set(BANKISH)
    ctx = {**base, "lender": "各家机构", "lender_kind": "consumer_finance" if all_bankish else "platform",
           "is_card": False, "is_bank": False, "card_rule": False, "summary": summary,
           "kind": "installment" if base["mode"] == "pro_rata" else "hardship", "one_off": False,
           "token": base["plan"].shares[0].monthly if base["mode"] == "token" else 0}
    return render("checklist.j2", ctx)


def multi_layout(facts: CaseFacts, plan: MultiPlan, today: datetime.date, *, region: str = "mainland",
                 crisis: bool = False) -> MultiLayout:
    base = _base(facts, plan, today, region, pending_of(facts), crisis)
    summary = render("multi/summary.j2", base)
    base["summary"] = summary
    lenders = []
    for share in plan.shares:
        ctx = _lender_context(base, share)
        lenders.append(LenderDrafts(
            lender=share.debt.lender,
            title=_title(share, "pro_rata" if share.debt.lender in plan.agreed else plan.mode),
            phone_script=render("multi/phone_script.j2", ctx),
            written_request=render("multi/written_request.j2", ctx),
            short_reply=render("multi/short_reply.j2", ctx)))
    return MultiLayout(summary=summary, note=render("multi/note.j2", base),
                       case_summary=render("multi/staff_summary.j2", base),
                       overview=render("multi/overview.j2", base), lenders=tuple(lenders),
                       checklist=_checklist(base, summary))
