"""After a call: what a lender answered, what the borrower should reply, and where each lender stands. Pure: no Rasa.

The borrower reports the answer in their words (coach/zh/outcome_words.py reads it into numbers). Each offer is
checked against the most the borrower can pay that lender a month (``limit``: the whole affordable amount for one
debt; with several debts, what is left after the amounts already agreed with the others and the floor each other
lender keeps, coach/multi_debt.py). Then one reply:

- **accept** — the offer fits: accept it and ask for it in writing (facts §6.2: the agreement in writing, with
  whether interest and fees continue);
- **counter** — it does not: a counter-offer with numbers, never a monthly payment or a first payment above
  ``limit``; more than 60 months is never proposed (facts §1.1 for cards, the same ceiling as the plans);
- **escalate** — refused or threatened: the written request again, then the complaint route to that lender and
  the regulator (coach/letters.py ``route``);
- **follow_up** — no answer yet: send the written request, wait ``follow_up_days``, then the follow-up letter;
- **confirm** — the written confirmation arrived: keep it, pay on the dates (the calendar follows).

The status of each lender lives in the case: in its entry of the ``debts`` slot (several debts) or, for one debt,
in ``latest_drafts["outcome"]``; :func:`record` returns the new status dict, with its history of dated steps.
"""

from __future__ import annotations

import datetime
import math
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal, Mapping, Sequence

import yaml

from coach import letters
from coach.case.facts import agreed_monthly_of
from coach.drafting import cn_date, money
from coach.multi_debt import FLOOR, Debt, MultiPlan, plan_across, plan_with_agreed
from coach.plan import MAX_INSTALLMENT_MONTHS
from coach.zh.outcome_words import Reading, read

OUTCOMES_PATH = Path(__file__).with_name("outcomes.yml")

Action = Literal["accept", "counter", "escalate", "follow_up", "confirm", "ask_budget"]
STATUSES = ("not_contacted", "offer_sent", "counter_offer", "agreed", "agreed_in_writing", "refused",
            "complaint_filed")


@lru_cache(maxsize=1)
def load() -> dict[str, Any]:
    return yaml.safe_load(OUTCOMES_PATH.read_text(encoding="utf-8"))


@dataclass(frozen=True)
class Terms:
    """What is accepted or proposed for one lender: an optional first payment, then ``months`` payments of
    ``monthly`` (the last one ``last``), or a one-off (``months`` 0, ``down`` the whole amount)."""

    monthly: int
    months: int
    down: int = 0
    last: int = 0
    fee_cut: float | None = None
    pause_until: str | None = None  # ISO date: nothing can be paid, collection paused until then

    @property
    def total(self) -> int:
        return self.down + (self.monthly * (self.months - 1) + self.last if self.months else 0)

    def as_dict(self) -> dict[str, Any]:
        return {"monthly": self.monthly, "months": self.months, "down": self.down, "last": self.last,
                "fee_cut": self.fee_cut, "pause_until": self.pause_until}

    @classmethod
    def from_dict(cls, value: Any) -> Terms | None:
        if not isinstance(value, Mapping):
            return None
        try:
            return cls(int(value.get("monthly") or 0), int(value.get("months") or 0), int(value.get("down") or 0),
                       int(value.get("last") or 0), value.get("fee_cut"), value.get("pause_until"))
        except (TypeError, ValueError):
            return None


def spread(amount: int, limit: int, down: int = 0) -> tuple[Terms, bool]:
    """``amount`` after a first payment ``down``, levelled over as few months as ``limit`` a month allows (at most
    60); returns the terms and whether 60 months at ``limit`` still do not repay it all (``beyond``)."""
    rest = max(amount - down, 0)
    if rest == 0:
        return Terms(0, 0, down=down), False
    needed = math.ceil(rest / limit)
    months = min(needed, MAX_INSTALLMENT_MONTHS)
    monthly = min(math.ceil(rest / months), limit)
    last = rest - monthly * (months - 1) if needed <= MAX_INSTALLMENT_MONTHS else monthly
    return Terms(monthly, months, down=down, last=last), needed > MAX_INSTALLMENT_MONTHS


def levelled(amount: int, months: int, down: int = 0) -> Terms:
    """The lender's own split: ``amount`` after ``down`` over ``months`` payments."""
    rest = max(amount - down, 0)
    months = max(months, 1)
    monthly = math.ceil(rest / months)
    return Terms(monthly, months, down=down, last=rest - monthly * (months - 1))


@dataclass(frozen=True)
class Decision:
    action: Action
    lender: str
    status: str  # the lender's new status (STATUSES)
    reading: Reading
    limit: int | None
    asked: Terms | None = None  # the lender's offer in numbers
    terms: Terms | None = None  # what the borrower accepts or proposes
    beyond: bool = False  # even 60 months at ``limit`` do not repay it
    why: str = ""  # counter: which number is too high ("monthly", "down", "settle")
    asked_amount: int = 0  # that number


def asked_terms(reading: Reading, debt: int) -> tuple[Terms | None, str]:
    """The lender's offer as terms, and its kind: "settle" (a one-off), "down" (a first payment, then
    installments), "months"/"monthly" (installments), "fee_cut" (a cut in fees only), "" (no numbers)."""
    if reading.discount is not None or reading.settle_amount is not None:
        amount = reading.settle_amount or math.ceil(debt * (reading.discount or 1))
        return Terms(0, 0, down=amount, fee_cut=reading.fee_cut), "settle"
    down = reading.down_amount or (math.ceil(debt * reading.down_share) if reading.down_share else 0)
    if down:
        if reading.months:
            return replace(levelled(debt, reading.months, down), fee_cut=reading.fee_cut), "down"
        if reading.monthly:
            return replace(levelled(debt, math.ceil((debt - down) / reading.monthly), down),
                           fee_cut=reading.fee_cut), "down"
        return Terms(0, 0, down=down, fee_cut=reading.fee_cut), "down"
    if reading.months:
        return replace(levelled(debt, reading.months), fee_cut=reading.fee_cut), "months"
    if reading.monthly:
        return replace(levelled(debt, math.ceil(debt / reading.monthly)), fee_cut=reading.fee_cut), "monthly"
    if reading.fee_cut is not None:
        return None, "fee_cut"
    return None, ""


def decide(reading: Reading, *, lender: str, debt: int, limit: int | None, proposed: Terms | None = None,
           today: datetime.date | None = None, review_days: int = 90) -> Decision:
    """The reply to one lender's answer. ``limit``: the most the borrower can pay this lender a month (and as a
    first payment); ``proposed``: what the borrower last proposed to it (the plan, or the last counter-offer)."""
    if reading.kind == "written":
        return Decision("confirm", lender, "agreed_in_writing", reading, limit, terms=proposed)
    if reading.kind == "no_answer":
        return Decision("follow_up", lender, "offer_sent", reading, limit, terms=proposed)
    if reading.kind == "refused":
        return Decision("escalate", lender, "refused", reading, limit, terms=proposed)
    asked, kind = asked_terms(reading, debt)
    if reading.kind == "agreed" and asked is None and kind != "fee_cut":
        return Decision("accept", lender, "agreed", reading, limit, terms=proposed)  # 「同意了」: what we proposed
    if limit is None:
        return Decision("ask_budget", lender, "counter_offer", reading, limit, asked=asked)
    if limit <= 0:
        day = (today or datetime.date.today()) + datetime.timedelta(days=review_days)
        return Decision("counter", lender, "counter_offer", reading, 0, asked=asked,
                        terms=Terms(0, 0, pause_until=day.isoformat()), why="pause")
    if kind == "fee_cut":
        base = proposed if proposed is not None and proposed.monthly <= limit and proposed.down <= limit \
            else spread(debt, limit)[0]
        return Decision("accept", lender, "agreed" if reading.kind == "agreed" else "counter_offer", reading,
                        limit, terms=replace(base, fee_cut=reading.fee_cut))
    assert asked is not None
    if asked.down <= limit and asked.monthly <= limit:
        if kind == "down" and not asked.months:
            terms, beyond = spread(debt, limit, down=asked.down)  # 「先还3000」: the rest over as few months as fit
            return Decision("counter" if beyond else "accept", lender, "agreed" if reading.kind == "agreed"
                            else "counter_offer", reading, limit, asked=asked,
                            terms=replace(terms, fee_cut=asked.fee_cut), beyond=beyond)
        return Decision("accept", lender, "agreed" if reading.kind == "agreed" else "counter_offer", reading, limit,
                        asked=asked, terms=asked)
    # Too much: a counter-offer the borrower can keep.
    if kind == "settle":
        terms, beyond = spread(asked.down, limit)  # the same reduced amount, in installments
        why, amount = "settle", asked.down
    elif asked.down > limit:
        terms, beyond = spread(debt, limit, down=limit)
        why, amount = "down", asked.down
    else:
        terms, beyond = spread(debt, limit, down=asked.down)
        why, amount = "monthly", asked.monthly
    return Decision("counter", lender, "counter_offer", reading, limit, asked=asked,
                    terms=replace(terms, fee_cut=asked.fee_cut), beyond=beyond, why=why, asked_amount=amount)


# --- statuses ------------------------------------------------------------------------------------------------

def record(previous: Any, decision: Decision, day: datetime.date) -> dict[str, Any]:
    """The lender's status after ``decision``, with the dated history (the oldest first)."""
    old = dict(previous) if isinstance(previous, Mapping) else {}
    history = [dict(h) for h in old.get("history") or [] if isinstance(h, Mapping)]
    step: dict[str, Any] = {"date": day.isoformat(), "status": decision.status, "said": decision.reading.kind}
    if decision.asked is not None:
        step["asked"] = decision.asked.as_dict()
    if decision.terms is not None:
        step["terms"] = decision.terms.as_dict()
    history.append(step)
    out: dict[str, Any] = {"status": decision.status, "since": day.isoformat(), "history": history[-20:]}
    terms = decision.terms or Terms.from_dict(old.get("terms"))
    if terms is not None:
        out["terms"] = terms.as_dict()
    if decision.asked is not None:
        out["asked"] = decision.asked.as_dict()
        out["offer"] = offer_words(decision.reading, decision.asked, 0)
    elif old.get("offer"):
        out["offer"] = old["offer"]
    return out


def agreed_monthly(status: Any) -> int | None:
    """The monthly amount fixed with a lender that agreed (orally or in writing), else None."""
    return agreed_monthly_of(status)


def limit_for(lender: str, debts: Sequence[Mapping[str, Any]], affordable: int | None) -> int | None:
    """The most the borrower can pay ``lender`` a month: the affordable amount less what is agreed with the other
    lenders and the floor every other open lender keeps (coach/multi_debt.py FLOOR)."""
    if affordable is None:
        return None
    others = [d for d in debts if d.get("lender") != lender and d.get("amount")]
    fixed = sum(agreed_monthly(d.get("outcome")) or 0 for d in others)
    floors = sum(min(FLOOR, int(d["amount"])) for d in others if agreed_monthly(d.get("outcome")) is None)
    return max(int(affordable) - fixed - floors, 0)


def split_after(debts: Sequence[Mapping[str, Any]], affordable: int | None, today: datetime.date) -> MultiPlan:
    """The several-debts plan with every agreed lender's amount fixed (coach/multi_debt.py plan_with_agreed)."""
    known = [Debt(str(d["lender"]), int(d["amount"])) for d in debts if d.get("lender") and d.get("amount")]
    agreed = {str(d["lender"]): m for d in debts if (m := agreed_monthly(d.get("outcome"))) is not None}
    return plan_with_agreed(known, affordable, agreed, today)


# --- wording -------------------------------------------------------------------------------------------------

def _pct(share: float) -> str:
    return f"{share * 100:g}"


def offer_words(reading: Reading, asked: Terms | None, debt: int) -> str:
    """The lender's offer in a short phrase: 「分 12 期（每期约 1,667 元）」「先还 30%（约 6,000 元）」."""
    words = load()["offer_words"]
    parts: list[str] = []
    if reading.discount is not None and asked is not None:
        parts.append(words["discount"].format(tenths=f"{reading.discount * 10:g}", amount=money(asked.down)))
    elif reading.settle_amount is not None:
        parts.append(words["settle_amount"].format(amount=money(reading.settle_amount)))
    elif reading.down_share and asked is not None:
        parts.append(words["down_share"].format(percent=_pct(reading.down_share), down=money(asked.down)))
    elif reading.down_amount:
        parts.append(words["down_amount"].format(down=money(reading.down_amount)))
    if reading.months and asked is not None:
        parts.append(words["months"].format(months=reading.months, monthly=money(asked.monthly)))
    elif reading.monthly:
        parts.append(words["monthly"].format(monthly=money(reading.monthly)))
    if reading.fee_cut is not None:
        parts.append(words["fee_cut_all"] if reading.fee_cut >= 1 else
                     words["fee_cut"].format(percent=_pct(reading.fee_cut)))
    return "，".join(parts) or words["agreed_plan"]


def terms_words(terms: Terms | None) -> str:
    """The terms as the sentence to put in writing."""
    words = load()["terms"]
    if terms is None:
        return load()["offer_words"]["agreed_plan"]
    if terms.pause_until:
        return words["pause"].format(date=cn_date(datetime.date.fromisoformat(terms.pause_until)))
    if not terms.months:
        text = words["one_off"].format(amount=money(terms.down))
    elif terms.down:
        text = words["down"].format(down=money(terms.down), rest=money(terms.monthly * (terms.months - 1)
                                                                       + terms.last),
                                    months=terms.months, monthly=money(terms.monthly))
    elif terms.last and terms.last != terms.monthly:
        text = words["installments_last"].format(months=terms.months, monthly=money(terms.monthly),
                                                 last=money(terms.last))
    else:
        text = words["installments"].format(months=terms.months, monthly=money(terms.monthly))
    return text + (words["fee_cut"] if terms.fee_cut else "")


@dataclass(frozen=True)
class Context:
    """What the wording needs beyond the decision: the lender's kind and region (the complaint route), the
    follow-up wait, the contact-log entries about this lender, and today."""

    lender_kind: str | None = None
    region: str = "mainland"
    today: datetime.date = field(default_factory=datetime.date.today)
    log_count: int = 0
    debt: int = 0
    downloads: bool = False  # the server offers download links (the calendar among them)


def reply(decision: Decision, ctx: Context) -> list[str]:
    """The messages to send: the reply, and for accept / counter the text to send to the lender."""
    lines = load()["lines"]
    lender = decision.lender
    limit = money(decision.limit) if decision.limit is not None else ""
    offer = offer_words(decision.reading, decision.asked, ctx.debt)
    terms = terms_words(decision.terms)
    card = ctx.lender_kind == "credit_card" and ctx.region == "mainland"
    wait = letters.follow_up_days(ctx.region)
    if decision.action == "confirm":
        if decision.terms is None:
            return [lines["confirmed_no_terms"].format(lender=lender)]
        return [lines["confirmed"].format(lender=lender, terms=terms,
                                          calendar=lines["calendar"] if ctx.downloads else "").rstrip()]
    if decision.action == "follow_up":
        due = cn_date(ctx.today + datetime.timedelta(days=wait))
        return [lines["no_answer"].format(lender=lender, wait=wait, due=due)]
    if decision.action == "escalate":
        _, steps = letters.route(letters.Case(lender=lender, lender_kind=ctx.lender_kind,
                                                      lender_confirmed=True, region=ctx.region))
        route = "\n".join(f"   - {s}" for s in steps)
        out = [lines["refused"].format(lender=lender, wait=wait, route=route)]
        if card:
            out.append(lines["refused_card_rule"])
        if ctx.log_count:
            out.append(lines["refused_log"].format(lender=lender, count=ctx.log_count))
        return out
    if decision.action == "ask_budget":
        return [lines["ask_budget"].format(lender=lender, offer=offer)]
    if decision.action == "accept":
        key = "accept_fee_cut" if decision.asked is None and decision.reading.fee_cut is not None else "accept"
        return [lines[key].format(lender=lender, offer=offer, limit=limit, terms=terms),
                lines["written_request"].format(lender=lender, terms=terms)]
    if decision.why == "pause":
        return [lines["counter_pause"].format(lender=lender, offer=offer, terms=terms)]
    why = lines[f"counter_why_{decision.why}"].format(asked=money(decision.asked_amount), limit=limit,
                                                      lender=lender) if decision.why else ""
    out = [lines["counter"].format(lender=lender, offer=offer, why=why, limit=limit, terms=terms)]
    if decision.beyond:
        out.append(lines["counter_beyond"].format(limit=limit))
    if card:
        out.append(lines["counter_card_rule"])
    return out


def split_lines(lender: str, plan: MultiPlan, agreed: Mapping[str, int]) -> str:
    """The several-debts split after ``lender`` agreed: its fixed amount, then the others' shares."""
    lines = load()["lines"]
    fixed = agreed[lender]
    open_shares = [s for s in plan.shares if s.debt.lender not in agreed]
    left = sum(s.monthly for s in open_shares)
    shares = "\n".join(lines["split_share"].format(lender=s.debt.lender, monthly=money(s.monthly),
                                                   months=s.months) for s in open_shares if s.monthly)
    text = lines["split_updated"].format(lender=lender, monthly=money(fixed), left=money(left), shares=shares)
    if open_shares and not left:
        text = text.rstrip() + "\n" + lines["split_none_left"].format(lender=lender)
    return text.rstrip()


def redraft_lines(debts: Sequence[Debt], plan: MultiPlan, today: datetime.date) -> list[str]:
    """Before the drafts of a redraft (a fact corrected, a debt added, the drafts asked again) once a lender agreed:
    that its amount stays, and what is left for the others; or, when the agreed amounts alone are more than the
    borrower can now pay, that plainly, with the amount to ask each agreed lender for instead (its share of a plan
    across all the debts at the new amount). Empty when nothing is agreed."""
    lines = load()["lines"]
    agreed = [s for s in plan.shares if s.debt.lender in plan.agreed]
    if not agreed or plan.affordable is None:
        return []
    items = "、".join(lines["redraft_agreed_item"].format(lender=s.debt.lender, monthly=money(s.monthly))
                      for s in agreed)
    if not plan.short_by:
        return [lines["redraft_agreed"].format(agreed=items, left=money(plan.affordable - plan.agreed_total))]
    out = [lines["over_committed"].format(agreed=items, total=money(plan.agreed_total),
                                          affordable=money(plan.affordable), short=money(plan.short_by))]
    fresh = plan_across(list(debts), plan.affordable, today) if len(debts) > 1 else None
    for share in agreed:
        out.append(back_to_lender(share.debt.lender, share.debt.amount, plan.affordable,
                                  fresh.share_of(share.debt.lender) if fresh is not None else None,
                                  fresh.mode if fresh is not None else "pro_rata"))
    others = [s.debt.lender for s in plan.shares if s.debt.lender not in plan.agreed]
    if others:
        out.append(lines["over_committed_others"].format(lenders="、".join(others),
                                                         agreed="、".join(s.debt.lender for s in agreed)))
    return out


def back_to_lender(lender: str, debt: int, affordable: int, share: Any = None, mode: str = "pro_rata") -> str:
    """What to ask an agreed lender for when the borrower can no longer keep the agreement: its share of the new
    plan across every debt (``share``, a coach/multi_debt.py Share), or for one debt the whole new amount spread
    over as few months as it allows; a pause when that is nothing or more than 60 months."""
    lines = load()["lines"]
    if share is not None:
        if mode != "pro_rata" or not share.monthly or share.beyond_limit:
            return lines["over_committed_pause"].format(lender=lender)
        monthly, months = share.installment, share.months
    else:
        if affordable <= 0:
            return lines["over_committed_pause"].format(lender=lender)
        terms, beyond = spread(debt, affordable)
        if beyond:
            return lines["over_committed_pause"].format(lender=lender)
        monthly, months = terms.monthly, terms.months
    return lines["over_committed_back"].format(lender=lender, monthly=money(monthly), months=months)


def single_redraft_lines(lender: str, debt: int, agreed: Terms, affordable: int | None) -> list[str]:
    """One debt agreed with its lender, then a fact corrected: the agreement stays; when the borrower can now pay
    less than the agreed monthly amount, that plainly, with the new amount to ask the lender for."""
    lines = load()["lines"]
    item = lines["redraft_agreed_item"].format(lender=lender, monthly=money(agreed.monthly))
    if affordable is None or affordable >= agreed.monthly:
        return [lines["redraft_agreed_single"].format(agreed=item)]
    return [lines["over_committed"].format(agreed=item, total=money(agreed.monthly), affordable=money(affordable),
                                           short=money(agreed.monthly - affordable)),
            back_to_lender(lender, debt, affordable)]


def pending_lines(statuses: Mapping[str, Any]) -> list[str]:
    """For a returning borrower: each lender's last answer, and the question it leaves open."""
    lines = load()["lines"]
    names = load()["statuses"]
    out: list[str] = []
    for lender, status in statuses.items():
        if not isinstance(status, Mapping) or status.get("status") not in names:
            continue
        terms = terms_words(Terms.from_dict(status.get("terms")))
        if status["status"] == "counter_offer" and status.get("offer"):
            out.append(lines["pending_counter"].format(lender=lender, offer=status["offer"], terms=terms))
        elif status["status"] == "agreed":
            out.append(lines["pending_agreed"].format(lender=lender, terms=terms))
        else:
            day = status.get("since")
            out.append(lines["pending_status"].format(
                lender=lender, status=names[status["status"]],
                date=cn_date(datetime.date.fromisoformat(day)) if day else ""))
    return out


def statuses_of(debts: Any, drafts: Any, lender: str | None) -> dict[str, Any]:
    """Each lender's status from the slots: the ``debts`` entries, or for one debt ``latest_drafts["outcome"]``."""
    out: dict[str, Any] = {}
    for d in debts if isinstance(debts, list) else []:
        if isinstance(d, Mapping) and d.get("lender") and isinstance(d.get("outcome"), Mapping):
            out[str(d["lender"])] = d["outcome"]
    if not out and isinstance(drafts, Mapping) and isinstance(drafts.get("outcome"), Mapping):
        out[str(drafts["outcome"].get("lender") or lender or "")] = drafts["outcome"]
    return {k: v for k, v in out.items() if k}


__all__ = [
    "STATUSES",
    "Context",
    "Decision",
    "Reading",
    "Terms",
    "agreed_monthly",
    "back_to_lender",
    "decide",
    "levelled",
    "limit_for",
    "load",
    "offer_words",
    "pending_lines",
    "read",
    "record",
    "redraft_lines",
    "reply",
    "single_redraft_lines",
    "split_after",
    "split_lines",
    "spread",
    "statuses_of",
    "terms_words",
]
