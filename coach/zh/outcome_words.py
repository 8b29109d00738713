"""How a borrower reports what a lender said after a call: agreed, refused, a counter-offer, no answer, or written
confirmation received. Pure: words and numbers only (coach/outcomes.py decides what to do with them).

A message is read as a report only when it says who answered (他们/对方/银行/客服/催收/那边…) or uses a phrase that
only a report uses (「同意分12期」「说不行」「打八折」「要先还30%」): a plain 「好」 or 「不」 is never a report.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from coach.zh.numbers import find_amounts, parse_amount

Kind = Literal["agreed", "written", "refused", "counter", "no_answer"]

_NUM = r"(?:\d+(?:\.\d+)?|[零〇一二两三四五六七八九十百]+)"
# Who answered: the lender's side (a lender's name is checked by the caller).
# 「就是说」「我是说」 are fillers in a borrower's own words, not someone answering.
_THEY = re.compile(r"(他们|她们|对方|那边|银行|客服|催收|平台|机构|公司|经理|专员|人家|坐席|法务|贵行|(?<![是我听])说|"
                   r"让我|要我|叫我|给我)")
_WRITTEN = re.compile(r"((发|寄|给)了?.{0,4}(书面|短信|邮件|协议|确认函|确认书|盖章)|收到.{0,4}(书面|短信|协议|确认)|"
                      r"(书面|短信|邮件).{0,2}确认了|签了.{0,2}协议|协议.{0,2}(签了|发过来了|到了))")
_AGREED = re.compile(r"((?<!不)同意了|(?<![不没])同意(分|减|延|我|按|停|免|暂缓)|答应了|批了|通过了|(?<!不)可以了|"
                     r"(?<![不没])接受了|谈成了|谈妥了|说行|说可以|说好的|办下来了)")
_REFUSED = re.compile(r"(不同意|没同意|不答应|没答应|拒绝|说不行|说不可以|说不能|不给分|不能分|不让分|没法分|不批|没批|"
                      r"不接受|谈不拢|没谈成|谈崩|不给减|不能减|不肯|必须全额|只能全额|要全额|(不给|不让|不同意)我?分|"
                      r"(要|让|叫)我全额)")
_NO_ANSWER = re.compile(r"(没人接|没接|打不通|没回复|没回音|没答复|不回复|没有回复|没有答复|没理我|不理我|没人理|"
                        r"石沉大海|没消息|还没回|没给答复|无人接听)")
_MONTHS = re.compile(rf"(?P<n>{_NUM})\s*(期|个月)")
_MOST_MONTHS = re.compile(rf"(最多|最长|顶多|只能|只给|最高)\D{{0,3}}?(?P<n>{_NUM})\s*(期|个月)")
_PERCENT = re.compile(rf"(百分之\s*(?P<a>{_NUM})|(?P<b>{_NUM})\s*(%|％)|(?P<c>[一二两三四五六七八九\d])\s*成(?!功))")
_DOWN = re.compile(r"(先还|先付|首付|首期|先交|先打|先转|预付|先拿出)")
_DISCOUNT = re.compile(r"打\s*(?P<n>[一二两三四五六七八九\d](?:\.\d|[一二三四五六七八九])?)\s*折")
_SETTLE = re.compile(r"(一次性?结清|一次性?还清|一次付清|结清|一次性还)")
_FEES = re.compile(r"(罚息|违约金|滞纳金|利息|手续费|费用)")
_CUT = re.compile(r"(减免|减|免|少收|打折|折)")
_HALF = re.compile(r"(一半|减半|50%|50％|五成)")
_ALL_FEES = re.compile(r"(全免|全部免|都免|全减)")
# The borrower's own wish or view (「我想分12期」「我不同意这个方案」), not the lender's answer.
_OWN = re.compile(r"^(我|本人)(想|要|能|可以|打算|准备|不同意|不想|觉得|希望)")
_QUESTION = re.compile(r"(吗|么|\?|？|能不能|可不可以|怎么)")
# 「如果他们说不行怎么办」「银行同意了吗」: a question about an answer, not the answer itself (unless it reports one:
# 「他们说最多分12期，怎么办」).
_HYPOTHETICAL = re.compile(r"(如果|要是|万一|假如|假设|会不会|怎么才能|怎样才能|怎么让|怎么样才|怎样让)")
_REPORTED = re.compile(r"(说|答复|回复|回了|告诉我|谈了|问了|打了|打过)")
_MONTHLY = re.compile(r"(每月|每个月|一个月|每期|月供)")


@dataclass(frozen=True)
class Reading:
    """What a report says, in numbers. ``fee_cut`` and ``discount`` are fractions (罚息减一半 → 0.5; 打八折 → pay
    0.8 of the balance); ``down_share`` a fraction of the balance (30% → 0.3); amounts in 元."""

    kind: Kind
    months: int | None = None
    down_share: float | None = None
    down_amount: int | None = None
    monthly: int | None = None
    fee_cut: float | None = None
    discount: float | None = None
    settle_amount: int | None = None


def _int(numeral: str) -> int | None:
    value = parse_amount(numeral)
    return int(value) if value is not None else None


def _discount(numeral: str) -> float | None:
    """八 → 0.8, 八五 → 0.85, 7.5 → 0.75."""
    digits = numeral.translate(str.maketrans("一二两三四五六七八九", "1223456789"))
    try:
        value = float(digits) if "." in digits else float(digits) / (10 ** len(digits)) * 10
    except ValueError:
        return None
    share = value / 10
    return share if 0 < share < 1 else None


def _percent(m: re.Match[str]) -> float | None:
    if m.group("c"):
        tenths = _int(m.group("c"))
        return tenths / 10 if tenths else None
    value = _int(m.group("a") or m.group("b") or "")
    return value / 100 if value and 0 < value < 100 else None


def _money(text: str) -> list[int]:
    """Money amounts in the text (not periods or percentages)."""
    return [s.value for s in find_amounts(text) if s.value > 0]


def _leading_amount(text: str) -> list[int]:
    """「3000剩下分12期」: the number right after 先还/首付 is money even with no 元 after it."""
    m = re.match(rf"\s*(?P<n>{_NUM}\s*[万千wWkK]?)(?!\s*(期|个月|%|％|成|天))", text)
    value = parse_amount(m.group("n")) if m else None
    return [int(value)] if value and value >= 10 else []


def counter_terms(text: str) -> dict[str, float | int]:
    """The numbers of a lender's offer: months, a down payment (share or amount), a monthly amount, a cut in fees,
    a settlement discount or amount. Empty when the message has none."""
    out: dict[str, float | int] = {}
    if (m := _DISCOUNT.search(text)) and (share := _discount(m.group("n"))):
        out["discount"] = share
    settle = _SETTLE.search(text)
    down = _DOWN.search(text)
    if down:
        after = text[down.end():down.end() + 12]
        if (p := _PERCENT.search(after)) and (share := _percent(p)):
            out["down_share"] = share
        elif (amounts := _money(after)) or (amounts := _leading_amount(after)):
            out["down_amount"] = amounts[0]
    if _FEES.search(text) and (_CUT.search(text) or _ALL_FEES.search(text)) and "discount" not in out:
        if _ALL_FEES.search(text):
            out["fee_cut"] = 1.0
        elif _HALF.search(text):
            out["fee_cut"] = 0.5
        elif (p := _PERCENT.search(text)) and (share := _percent(p)):
            out["fee_cut"] = share
    months = _MOST_MONTHS.search(text) or _MONTHS.search(text)
    per_installment = months is not None and months.group("n") in ("一", "1") and \
        bool(re.match(r"\s*(要|得|还|是)?\s*\d", text[months.end():]))  # 「本来一期5300」: an installment's amount
    if months and not per_installment and (n := _int(months.group("n"))) and 0 < n <= 120:
        out["months"] = n
    if settle and "discount" not in out and "down_share" not in out and "down_amount" not in out:
        if (amounts := _money(text[settle.start():])) or (amounts := _money(text)):
            out["settle_amount"] = amounts[0]
        elif (p := _PERCENT.search(text)) and (share := _percent(p)):
            out["discount"] = share
    if (m := _MONTHLY.search(text)) and "monthly" not in out and "down_amount" not in out \
            and "settle_amount" not in out:
        if (amounts := _money(text[m.start():])):
            out["monthly"] = amounts[0]
    return out


# A text message is a written answer only when it confirms something: 「他们发短信确认了」, not 「收到催收短信」 nor
# 「催收发短信说明天上门」.
_CONFIRMING = re.compile(r"确认|协议|方案|同意|书面|盖章|批了|通过了|答应")
# 「收到短信确认了」「拿到书面协议了」: the lender's confirmation received
_CONFIRMATION_RECEIVED = re.compile(r"(收到|拿到)[^，。]{0,4}(确认函|确认书|确认|协议)|签了[^，。]{0,2}协议|"
                                    r"协议[^，。]{0,2}(签了|到了)")
_CAPACITY = re.compile(r"(能拿出|拿得出|能拿|还得起|付得起|承受得?了|最多能还|能还|还得上)")
_LENDER_SIDE = re.compile(r"(他们|她们|对方|那边|银行|客服|催收|平台|机构|公司|经理|专员|法务|贵行|坐席)")


def read(text: str, names_lender: bool = False) -> Reading | None:
    """The report in ``text``, or None when it is not one. ``names_lender``: the message names the case's lender
    (「招行说…」), which says as much as 「他们说…」."""
    if not text:
        return None
    they = names_lender or bool(_THEY.search(text))
    if _OWN.search(text.strip()) and not they:
        return None
    if _CAPACITY.search(text) and not (names_lender or _LENDER_SIDE.search(text)):
        return None  # 「他说一个月能拿出五百块来还」 (an adviser's note): the borrower's means, not the answer
    if _HYPOTHETICAL.search(text) or (_QUESTION.search(text) and not _REPORTED.search(text)):
        return None
    terms = counter_terms(text)
    if _WRITTEN.search(text) and _CONFIRMING.search(text) and \
            (they or _AGREED.search(text) or _CONFIRMATION_RECEIVED.search(text)):
        return Reading("written")
    if _NO_ANSWER.search(text):
        return Reading("no_answer")
    refused = _REFUSED.search(text)
    if refused and not terms:
        return Reading("refused")
    agreed = _AGREED.search(text)
    if not terms:
        return Reading("agreed") if agreed else None
    offered = bool({"fee_cut", "discount"} & set(terms)) and not _QUESTION.search(text)
    if not (they or agreed or refused or offered or _MOST_MONTHS.search(text) or _DOWN.search(text)):
        return None  # 「我想分12期」: the borrower's own wish, not an answer
    kind: Kind = "agreed" if agreed and not refused and set(terms) <= {"months", "monthly", "fee_cut"} \
        else "counter"
    return Reading(kind, months=int(terms["months"]) if "months" in terms else None,
                   down_share=float(terms["down_share"]) if "down_share" in terms else None,
                   down_amount=int(terms["down_amount"]) if "down_amount" in terms else None,
                   monthly=int(terms["monthly"]) if "monthly" in terms else None,
                   fee_cut=float(terms["fee_cut"]) if "fee_cut" in terms else None,
                   discount=float(terms["discount"]) if "discount" in terms else None,
                   settle_amount=int(terms["settle_amount"]) if "settle_amount" in terms else None)
