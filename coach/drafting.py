"""Turns a case and its plan into drafts: phone script, written request, short reply, checklist,
and the staff pack for hotline staff.

All user-facing wording lives in coach/templates/*.j2; this module only prepares numbers and flags.
Placeholders for what the bot cannot know use one visible form, 【…】 (see PLACEHOLDERS).
Pure Python, no Rasa imports.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from coach import budget, knowledge, replies
from coach.case import LENDER_TYPES, CaseFacts, lender_type, region_of_script, vocabulary
from coach.plan import ExtensionPlan, HardshipPlan, IllegalLoanPlan, InstallmentPlan, Plan, SecuredPlan

TEMPLATE_DIR = Path(__file__).with_name("templates")

# Every placeholder a draft may contain, and when. Nothing else in 【】 is allowed.
PLACEHOLDERS = {
    "【您的姓名】": "always (written request)",
    "【联系电话】": "always (written request)",
    "【卡号后四位】": "credit cards",
    "【借款合同编号或账户尾号】": "loans and platforms",
    "【机构名称】": "only when the lender is unknown",
}
PLACEHOLDER_RE = re.compile(r"【[^】]*】")

# Facts the staff should try to learn, in asking order (names = CaseFacts fields).
_CORE_FACTS = (
    "lender", "debt_amount", "overdue_days", "monthly_income", "affordable_monthly", "hardship_reason",
)
OVERDUE_RISK_DAYS = 90
CARD_FRAUD_PRINCIPAL = 50_000  # facts §2.1: 恶意透支 数额较大 starts at ¥50,000 of principal


@dataclass(frozen=True)
class Drafts:
    phone_script: str
    written_request: str
    short_reply: str
    checklist: str  # 准备什么 / 千万别做什么 / 违规可投诉


@dataclass(frozen=True)
class StaffPack:
    case_summary: str
    tell_borrower: str
    drafts: Drafts
    risk_flags: tuple[str, ...]
    next_questions: tuple[str, ...]


def money(value: int | None) -> str:
    """36000 → "36,000" (whole yuan with thousands separators)."""
    return f"{int(value):,}" if value is not None else ""


def cn_date(value: datetime.date) -> str:
    """2026-12-23 → "2026年12月23日"."""
    return f"{value.year}年{value.month}月{value.day}日"


def _env() -> Environment:
    env = Environment(
        loader=FileSystemLoader(str(TEMPLATE_DIR)),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=False,
        autoescape=False,
    )
    env.filters["money"] = money
    env.filters["cn_date"] = cn_date
    return env


_ENV = _env()
_BLANK_LINES = re.compile(r"\n[ \t]*\n(?:[ \t]*\n)+")


# A mortgage, a car loan or an illegal loan has drafts of its own (templates/kinds/): the card's and the
# platform's wording (分期, 60 期, 个性化分期) does not fit them.
_KIND_DIR = "kinds"


def _render(name: str, ctx: dict[str, Any]) -> str:
    if ctx.get("kind") in ("secured", "illegal") and (TEMPLATE_DIR / _KIND_DIR / name).exists():
        name = f"{_KIND_DIR}/{name}"
    text = _ENV.get_template(name).render(**ctx)
    text = "\n".join(line.rstrip() for line in text.splitlines())
    return _BLANK_LINES.sub("\n\n", text).strip()


def _lines(name: str, ctx: dict[str, Any]) -> tuple[str, ...]:
    return tuple(line.strip() for line in _render(name, ctx).splitlines() if line.strip())


def budget_cost_words(working: budget.Working) -> str:
    """「房租、吃饭等」: the first two costs the borrower named, for the written request (empty when they gave only a
    total: the sentence then says 必要开支 alone)."""
    generic = {replies.line("affordable_total_label"), replies.line("affordable_rest_label")}
    named = [label for label, amount in working.costs if label not in generic and amount > 0]
    if not named:
        return ""
    return "、".join(named[:2]) + "等"


def _context(facts: CaseFacts, plan: Plan, today: datetime.date | None, region: str = "mainland",
             **extra: Any) -> dict[str, Any]:
    if isinstance(plan, InstallmentPlan):
        kind = "installment"
    elif isinstance(plan, ExtensionPlan):
        kind = "extension"
    elif isinstance(plan, HardshipPlan):
        kind = "hardship"
    elif isinstance(plan, SecuredPlan):
        kind = "secured"  # a mortgage or a car loan: templates/kinds/
    elif isinstance(plan, IllegalLoanPlan):
        kind = "illegal"  # a likely illegal loan: templates/kinds/, no repayment plan for the add-ons
    else:  # pragma: no cover - defensive
        raise TypeError(f"unknown plan type {type(plan).__name__}")
    lender_kind = facts.lender_type if facts.lender_type in LENDER_TYPES else "other"
    if facts.debt_kind and facts.lender:  # a mortgage at 工商银行: the lender's family still says 贵行
        lender_kind = lender_type(facts.lender, "贷款")
    region = region_of_script(region)
    affordable = facts.affordable_monthly if (facts.affordable_monthly or 0) > 0 else None
    working = facts.budget
    ctx: dict[str, Any] = {
        # the month's budget the form worked out: the staff summary shows it; the written request says it only
        # while the amount is still the one it proposed (a borrower who corrected it gets their own number only)
        "budget": working,
        "budget_line": budget.summary_line(working, region) if working is not None else None,
        "budget_used": working is not None and working.offer > 0 and facts.affordable_monthly == working.offer,
        "budget_costs": budget_cost_words(working) if working is not None else "",
        "facts": facts,
        "plan": plan,
        "kind": kind,
        "lender": facts.lender,
        "lender_kind": lender_kind,
        "lender_kind_label": vocabulary.DEBT_KINDS.get(facts.debt_kind or "") or LENDER_TYPES[lender_kind],
        "is_card": lender_kind == "credit_card",
        # Mainland rules (信用卡办法第七十条, 个性化分期) are cited only to mainland card holders.
        "region": region,
        "card_rule": lender_kind == "credit_card" and region == "mainland",
        "is_bank": lender_kind in ("credit_card", "bank_loan"),
        "debt": plan.total,
        "overdue_days": facts.overdue_days,
        "income": facts.monthly_income,
        "affordable": affordable,
        "reason": facts.hardship_reason,
        "fee_waiver": facts.requested_plan == "fee_waiver",
        "threats": facts.threat_types,
        "threat_labels": vocabulary.THREAT_SUMMARY_NAMES,
        "hotline": knowledge.hotlines(),  # every phone number in the drafts comes from knowledge.yml
        "today": today or datetime.date.today(),
        "crisis": False,
        "violence": False,
        "missing": missing_facts(facts),
        # kind-specific values, neutral by default
        "one_off": False,
        "last_amount": None,
        "first_payment": None,
        "requested_outcome": None,
        "pays_all": False,
        "hreason": None,
        "token": 0,
        "debt_kind": facts.debt_kind,
        "debt_kind_label": vocabulary.DEBT_KINDS.get(facts.debt_kind or "", ""),
        "monthly_offer": None,
        "received": None,
        "added": None,
    }
    if isinstance(plan, InstallmentPlan):
        ctx.update(
            one_off=plan.is_one_off,
            last_amount=plan.last_amount,
            # What can be paid at once as a sign of good faith: the first instalment (never above what the
            # borrower can afford: the plan's monthly amount is within it).
            first_payment=plan.monthly_amount,
            requested_outcome=plan.requested_outcome,
        )
    elif isinstance(plan, ExtensionPlan):
        ctx.update(pays_all=plan.pays_all, first_payment=plan.amount_by_date)
    elif isinstance(plan, HardshipPlan):
        ctx.update(hreason=plan.reason, token=plan.token_monthly)
    elif isinstance(plan, SecuredPlan):
        ctx.update(debt_kind=plan.debt_kind, debt_kind_label=vocabulary.DEBT_KINDS[plan.debt_kind],
                   monthly_offer=plan.monthly_offer, first_payment=plan.monthly_offer)
    else:
        ctx.update(received=plan.received, added=plan.added)
    ctx.update(extra)
    return ctx


def missing_facts(facts: CaseFacts) -> list[str]:
    """Names of the case facts still unknown, in the order staff should ask for them."""
    missing = [name for name in _CORE_FACTS if getattr(facts, name) is None]
    if facts.requested_plan == "extension" and facts.extension_days is None:
        missing.append("extension_days")
    return missing


def plan_summary(facts: CaseFacts, plan: Plan) -> str:
    """One line, e.g. 分 24 期，每期 1,500 元（共 36,000 元）."""
    return _render("plan_summary.j2", _context(facts, plan, None))


def plan_note(facts: CaseFacts, plan: Plan, region: str = "mainland") -> str:
    """Why this plan, in plain words, for the borrower (empty when the numbers speak for themselves)."""
    return _render("plan_note.j2", _with_summary(_context(facts, plan, None, region)))


def _with_summary(ctx: dict[str, Any]) -> dict[str, Any]:
    ctx["summary"] = _render("plan_summary.j2", ctx)
    return ctx


def _drafts(ctx: dict[str, Any]) -> Drafts:
    return Drafts(
        phone_script=_render("phone_script.j2", ctx),
        written_request=_render("written_request.j2", ctx),
        short_reply=_render("short_reply.j2", ctx),
        checklist=_render("checklist.j2", ctx),
    )


def _staff_pack(ctx: dict[str, Any]) -> StaffPack:
    flags_ctx = {**ctx, "overdue_risk_days": OVERDUE_RISK_DAYS, "card_fraud_principal": CARD_FRAUD_PRINCIPAL}
    return StaffPack(
        case_summary=_render("staff_summary.j2", ctx),
        tell_borrower=_render("staff_tell.j2", ctx),
        drafts=_drafts(ctx),  # the borrower's drafts read nothing of the staff-only flags
        risk_flags=_lines("staff_risk_flags.j2", flags_ctx),
        next_questions=_lines("staff_questions.j2", ctx),
    )


def draft_borrower(facts: CaseFacts, plan: Plan, today: datetime.date,
                   region: str = "mainland") -> Drafts:
    """``region``: mainland, hk or tw; Hong Kong and Taiwan borrowers get their own rules and lines."""
    return _drafts(_with_summary(_context(facts, plan, today, region)))


def draft_staff(facts: CaseFacts, plan: Plan, today: datetime.date, *,
                crisis: bool = False, violence: bool = False, region: str = "mainland") -> StaffPack:
    """Staff-facing pack. ``crisis``: the borrower expressed suicidal thoughts in this conversation;
    ``violence``: a collector threatened violence (both raise risk flags and change what to tell first)."""
    return _staff_pack(_with_summary(_context(facts, plan, today, region, crisis=crisis, violence=violence)))


@dataclass(frozen=True)
class Layout:
    """The drafts as they are sent, in order: ``note`` (borrowers only, may be empty) says why this plan before
    anything else; ``parts`` are (kind, body) pairs, one message each (kinds are the keys of draft_titles in
    replies.yml); ``next_questions`` (staff only) go last, as one bulleted part."""

    summary: str
    parts: tuple[tuple[str, str], ...]
    next_questions: tuple[str, ...] = ()
    note: str = ""

    @property
    def next_questions_body(self) -> str:
        return "\n".join(f"· {q}" for q in self.next_questions)


def layout(facts: CaseFacts, plan: Plan, today: datetime.date, *, staff: bool = False,
           crisis: bool = False, violence: bool = False, region: str = "mainland") -> Layout:
    """Which drafts, in which order. Borrowers: phone script, written request, short reply, checklist.
    Hotline staff: case summary, risk flags (when there are any), what to tell the borrower, the same four
    drafts to hand over, then the questions to ask next. One template context for everything."""
    ctx = _with_summary(_context(facts, plan, today, region, crisis=crisis, violence=violence))
    parts: list[tuple[str, str]] = []
    next_questions: tuple[str, ...] = ()
    if staff:
        pack = _staff_pack(ctx)
        parts.append(("case_summary", pack.case_summary))
        if pack.risk_flags:
            parts.append(("risk_flags", "\n".join(f"· {f}" for f in pack.risk_flags)))
        parts.append(("tell_borrower", pack.tell_borrower))
        drafts, next_questions = pack.drafts, pack.next_questions
    else:
        drafts = _drafts(ctx)
    parts += [(kind, body) for kind, body in (
        ("phone_script", drafts.phone_script), ("written_request", drafts.written_request),
        ("short_reply", drafts.short_reply), ("checklist", drafts.checklist)) if body]  # none to an illegal lender
    note = "" if staff else _render("plan_note.j2", ctx)  # staff read the same in 可以这样告诉借款人
    return Layout(summary=ctx["summary"], parts=tuple(parts), next_questions=next_questions, note=note)
