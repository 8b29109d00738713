"""A loan's terms as a borrower types them: 「借1万分12期每期980，还收了会员费299」「借了5000 到手4500 分6期每期900」
「两万 24期 每月1100」「借5000到手3500，7天后还5000」.

Pure text reading, no Rasa, no arithmetic beyond the amounts (coach/true_rate.py computes the rate). Amounts are
read by coach/zh/numbers.py (1万, 两万, 3.5w, 8k, 一万五); this module only decides which amount is the loan, what
reached the borrower, the instalment, the number of periods and the fees. A message is loan terms only when it gives
periods and an instalment (or a total to repay): an amount alone is a debt, not terms.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from coach.zh.normalizer import to_simplified
from coach.zh.numbers import parse_amount

# An amount as typed: 980, 1万, 1.5万, 1万5, 3w, 8k, 两万, 一万五, 一万五千 (numbers.parse_amount reads it).
_AMT = (r"(?:\d+(?:\.\d+)?\s*(?:[万wW](?:\d+|[一二两三四五六七八九]千?)?|[千kK]\d*)?"
        r"|[零〇一二两三四五六七八九十百千万]+)")
_MONEY = r"(?:块钱|块|元|rmb|RMB)?"
_COUNT = r"(?:\d+|[一二两三四五六七八九十]+)"

FEE_NAMES = ("会员费", "权益费", "服务费", "手续费", "担保费", "保险费", "咨询费", "管理费", "审核费", "介绍费",
             "砍头息", "平台费", "信息费", "加速费")
_FEE = "|".join(FEE_NAMES)
_PER = r"(?:每期|每个?月|每月)"

_PRINCIPAL = re.compile(rf"(?:借了?|借款|借的|贷了?|贷款|本金|下款了?|额度)(?:是|为|有)?[:：]?(?P<amt>{_AMT}){_MONEY}"
                        r"(?!期|个月|天)")
_RECEIVED = re.compile(rf"(?:实际到账|实际到手|实际拿到|实际收到|到手|到账|拿到手?|只到了?|只给了?|放款|打款|收到)"
                       rf"(?:了|的)?(?:只有|才|就)?(?P<amt>{_AMT}){_MONEY}")
_PERIODS = re.compile(rf"(?:分|共|一共|总共|还)?(?P<n>{_COUNT})\s*(?:期|个月(?=还|分期|[，,。\s]|$|每|月供))")
_PAYMENT = re.compile(rf"(?<!第)(?:{_PER}|一期|月供)(?:的)?(?:还款|要还|需要还|得还|应还|都要还|都还|还)?(?:款)?"
                      rf"(?:是|为)?[:：]?(?P<amt>{_AMT}){_MONEY}(?!期|个月|天)")
_TOTAL = re.compile(rf"(?:一共|总共|共计|总计|合计|共)(?:要|得|需要)?还(?:了|款)?(?P<amt>{_AMT}){_MONEY}")
# 「7天后还5000」「14天还5000」: one repayment after some days.
_DAYS = re.compile(rf"(?P<days>{_COUNT})\s*天(?:后|内|到期)?(?:要|得)?还(?:款)?(?P<amt>{_AMT}){_MONEY}")
# A fee: 「会员费299」「收了299会员费」「每月服务费50」「服务费每期30」「砍头息1000」「先扣了800」
_FEE_AFTER = re.compile(rf"(?P<per>{_PER})?(?:的)?(?:另外|另|还)?(?:有|要|得)?(?:收|交|扣|付)?(?:了)?(?P<name>{_FEE})"
                        rf"(?:是|为|收了?|交了?|扣了?)?(?P<per2>{_PER})?(?:是|为|收了?|交了?)?(?P<amt>{_AMT}){_MONEY}")
_FEE_BEFORE = re.compile(rf"(?P<per>{_PER})?(?:收|交|扣|付)了?(?P<amt>{_AMT}){_MONEY}(?:的)?(?P<name>{_FEE})")
_DEDUCTED = re.compile(rf"(?:先|预先|直接|放款时|当场)(?:被)?(?:扣|砍)(?:了|掉|除)?(?P<amt>{_AMT}){_MONEY}")


@dataclass(frozen=True)
class Fee:
    name: str
    amount: int
    per_period: bool


@dataclass(frozen=True)
class LoanTerms:
    """What the message says. ``received`` is None when the whole loan reached the borrower (or nothing was said);
    ``payment`` is the equal instalment; ``period_days`` is 30 for monthly instalments."""

    principal: int
    periods: int
    payment: float
    received: int | None = None
    fees: tuple[Fee, ...] = ()
    period_days: int = 30

    @property
    def upfront_fees(self) -> int:
        return sum(f.amount for f in self.fees if not f.per_period)

    @property
    def fee_per_period(self) -> int:
        return sum(f.amount for f in self.fees if f.per_period)


def _text(raw: str) -> str:
    """Simplified, full-width punctuation as ASCII, runs of spaces as one comma (「两万 24期」 never reads 两万24)."""
    text = to_simplified(raw or "").replace("，", ",").replace("：", ":").replace("。", ",")
    return re.sub(r"\s+", ",", text.strip())


def _amount(raw: str) -> int | None:
    value = parse_amount(raw.replace(" ", ""))
    return value if value is not None and 0 < value < 100_000_000 else None


def _count(raw: str) -> int | None:
    value = parse_amount(raw)
    return value if value is not None and 0 < value <= 360 else None


def _first(pattern: re.Pattern[str], text: str, taken: list[tuple[int, int]]) -> re.Match[str] | None:
    return next((m for m in pattern.finditer(text) if not any(a < m.end("amt") and m.start("amt") < b
                                                             for a, b in taken)), None)


# An offer or a wish, said in the first person: the terms the person proposes, not the ones a lender set.
_AN_OFFER = re.compile(r"(我)?(可以|能|想|希望|申请|最多|只能|打算)[^，,。；;]{0,4}(每个?月|一个月|每期)?"
                       r"[^，,。；;]{0,2}还|(我)?(想|希望|申请|要)(分|申请)\s*\d*\s*期")


def read_loan_terms(raw: str) -> LoanTerms | None:
    """The loan terms a message gives, or None when it does not give periods and an instalment (or total)."""
    text = _text(raw)
    if _AN_OFFER.search(text):
        return None  # 「我可以每月还一千五 分22期」: what the person offers to pay, not a loan's terms
    taken: list[tuple[int, int]] = []
    fees: list[Fee] = []
    for pattern in (_FEE_AFTER, _FEE_BEFORE):
        for m in pattern.finditer(text):
            if any(a < m.end("amt") and m.start("amt") < b for a, b in taken):
                continue
            amount = _amount(m.group("amt"))
            if amount is not None:
                per = bool(m.group("per") or m.groupdict().get("per2"))
                fees.append(Fee(m.group("name"), amount, per))
                taken.append((m.start("amt"), m.end("amt")))
    for m in _DEDUCTED.finditer(text):
        amount = _amount(m.group("amt"))
        if amount is not None and not any(a < m.end("amt") and m.start("amt") < b for a, b in taken):
            fees.append(Fee("预先扣除", amount, False))
            taken.append((m.start("amt"), m.end("amt")))

    period_days = 30
    days = _DAYS.search(text)
    periods_match = _PERIODS.search(text)
    payment: float | None = None
    periods: int | None = None
    if days and not periods_match:
        n, amount = _count(days.group("days")), _amount(days.group("amt"))
        if n is None or amount is None:
            return None
        periods, payment, period_days = 1, float(amount), n
        taken.append((days.start("amt"), days.end("amt")))
    elif periods_match:
        periods = _count(periods_match.group("n"))
        taken.append((periods_match.start(), periods_match.end()))
        pay = _first(_PAYMENT, text, taken)
        if pay:
            payment = _amount(pay.group("amt"))
            taken.append((pay.start("amt"), pay.end("amt")))
        else:
            total = _first(_TOTAL, text, taken)
            if total and periods:
                amount = _amount(total.group("amt"))
                payment = amount / periods if amount else None
                taken.append((total.start("amt"), total.end("amt")))
    if not periods or not payment:
        return None

    received_match = _first(_RECEIVED, text, taken)
    received = _amount(received_match.group("amt")) if received_match else None
    if received_match:
        taken.append((received_match.start("amt"), received_match.end("amt")))
    principal_match = _first(_PRINCIPAL, text, taken)
    principal = _amount(principal_match.group("amt")) if principal_match else None
    if principal is None:
        principal = _bare_principal(text, taken, payment)
    if principal is None:
        return None
    if received is not None and received >= principal:
        received = None  # 「借5000到手5000」: all of it reached the borrower
    return LoanTerms(principal=principal, periods=periods, payment=payment, received=received, fees=tuple(fees),
                     period_days=period_days)


_BARE = re.compile(rf"(?P<amt>{_AMT}){_MONEY}(?!期|个月|天|\d)")


def _bare_principal(text: str, taken: list[tuple[int, int]], payment: float) -> int | None:
    """「两万 24期 每月1100」: the loan said with no verb, the first free amount larger than the instalment."""
    for m in _BARE.finditer(text):
        if any(a < m.end("amt") and m.start("amt") < b for a, b in taken):
            continue
        amount = _amount(m.group("amt"))
        if amount is not None and amount > payment:
            return amount
    return None
