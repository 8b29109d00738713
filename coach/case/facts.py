"""Case facts: the normalised picture of one borrower's debt, built from Rasa slots.

Pure Python (no Rasa imports) so that the plan maths and the drafting can be unit-tested. Keyword
matching works on Simplified text (``zh.normalizer.to_simplified``, OpenCC t2s).
"""

from __future__ import annotations

import calendar
import dataclasses
import datetime
import math
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Iterable, Literal, Mapping

from coach.case import vocabulary
from coach.case.lenders import BANK_SHORT_NAMES, PLATFORMS, extra_lender_type
from coach.zh.debt_kind_words import received_amount
from coach.zh.normalizer import to_halfwidth, to_simplified
from coach.zh.numbers import find_amounts, parse_duration_days
from coach.zh.time_words import upcoming_date

if TYPE_CHECKING:
    from coach.budget import Working

# The kinds and their labels live in coach/case/vocabulary.yml, the lenders in data/nlu/lenders.yml.
HARDSHIP_REASONS = vocabulary.HARDSHIP_REASONS
LENDER_TYPES = vocabulary.LENDER_KINDS
# What the debt is, whoever lends (房贷, 车贷, 714高炮 …): also held by the lender_type slot and field, since the kind
# decides the plan over the lender's family (coach/zh/debt_kind_words.py reads it from the borrower's words).
DEBT_KINDS = vocabulary.DEBT_KINDS
THREAT_TYPES = vocabulary.THREAT_KINDS
# Where the borrower is: mainland rules, or the brief Hong Kong / Taiwan notes (facts §7).
REGIONS = ("mainland", "hk", "tw")


def region_of_script(script: str | None) -> str:
    """The region whose rules apply: "hk"/"tw" for those scripts (or region names), else "mainland"."""
    return script if script in ("hk", "tw") else "mainland"


_BANK_LOAN_WORDS = ("贷款", "房贷", "车贷", "消费贷", "闪电贷", "信用贷", "经营贷", "快贷", "融e借", "e招贷")
_CARD_WORDS = ("信用卡", "xyk")


def lender_type(canonical: str | None, text: str = "") -> str:
    """Classify the lender into one of LENDER_TYPES' keys.

    The canonical name decides the family (platform, consumer finance, bank); the free text refines a bank
    into credit card or loan. With no canonical name the text alone is used. Banks default to credit_card,
    the most common case for the collection calls this bot is about; a credit card makes any lender a bank.
    """
    name = to_simplified(canonical or "").strip()
    body = to_simplified(text).lower()
    if extra_lender_type(name):
        return extra_lender_type(name) or "other"
    probe = name or body
    if any(p.lower() in probe.lower() for p in PLATFORMS):
        return "platform"
    if name.endswith("消费金融") or "消费金融" in probe or "消金" in probe:
        return "consumer_finance"
    if "银行" in probe or any(b in probe for b in BANK_SHORT_NAMES):
        context = f"{name} {body}"
        if any(w in context for w in _CARD_WORDS):
            return "credit_card"
        if any(w in context for w in _BANK_LOAN_WORDS):
            return "bank_loan"
        return "credit_card"
    if any(w in f"{name} {body}" for w in _CARD_WORDS):
        return "credit_card"  # only banks issue credit cards (国泰世华信用卡: a bank the list does not know)
    return "other"


# Order matters: the first group with a hit wins (家人生病 must beat 生病, 工资没发 must beat 失业).
_HARDSHIP_RULES: tuple[tuple[str, tuple[re.Pattern[str], ...]], ...] = (
    ("家庭变故", (
        re.compile(r"离婚|家里出事|家里出了事|家中变故|家庭变故|去世|过世|屋企出[咗了]?事|家里有事|家里遭|出轨|坐牢|"
                   r"(老公|老婆|丈夫|妻子|男人)[^，。,.]{0,4}(跑了|走了|不管|离家)|分居"),
        re.compile(r"(家人|老人|父母|爸|妈|老婆|老公|孩子|小孩|儿子|女儿|爷|奶)[^，。,.]{0,6}"
                   r"(生病|住院|手术|病了|癌)"),
    )),
    ("工资拖欠", (
        re.compile(r"(工资|薪水|薪资|工钱|人工)[^，。,.]{0,6}(拖欠|没发|没有发|压[着著]|欠[着著]|拖[着著]|不发|发不出|没结|"
                   r"不结|结不到|结不下来|没给|不给|拖了|拖咗|被欠|欠了)"),
        re.compile(r"欠薪|拖欠工资|拖欠我工资|压工资|(没|不)发工资|(老板|包工头|公司|厂里?)[^，。,.]{0,6}(跑路|不给钱|没给钱|"
                   r"欠钱|欠我钱|拖着钱)"),
    )),
    ("疾病/意外", (re.compile(r"生病|住院|入院|入[咗了]院|手术|车祸|意外|病了|病[咗着]|患病|得了.{0,4}病|"
                           r"[肾肝心肺胃]病|癌|受伤|摔伤|摔断|骨折|工伤|身体不好|身体垮|看病|治病|医药费|化疗|透析|"
                           r"抑郁症|焦虑症|残疾"),)),
    ("失业/收入下降", (
        re.compile(r"失业|裁员|没工作|没了工作|丢了工作|被辞退|被开除|辞退|降薪|减薪|收入少了|收入下降|收入降|"
                   r"收入减少|收入(不够|锐减|大减|少了?一半)|工资降|没收入|没有收入|待业|找不到工作|停工|减产|工资少|少了一半|"
                   r"被裁|裁了|冇工开|冇工做|冇收入|失业咗|(单|活)(子)?少了|没(活|单)(干|做|接)?|接不到(活|单)|开工不足|"
                   r"无薪假|被资遣|资遣|被优化|优化了|没找到工作|没找着工作|工作(还|一直|都)?没(有)?(找到|找着|着落)|不要我们|不要我了|岁数大了|年纪大了|"
                   # Cantonese: 冇咗份工 (lost my job), 失咗业, 俾人炒 (fired), 炒鱿鱼
                   r"冇[咗了]?份?工(?!资|钱)|冇[咗了]?工作|丢[咗了]份工|失[咗了]业|炒[咗了]?鱿鱼|被炒|[俾畀](人|老细|老板|公司)炒|"
                   r"(公司|间厂|工厂|厂|间铺|老板)[^，,。]{0,3}执(咗|了)?笠"),
    )),
    ("生意失败", (re.compile(r"生意|亏本|亏损|亏了|亏钱|赔了|赔本|倒闭|破产|做买卖|店关了|关门了|创业失败|创业|"
                          r"蚀[晒本]|投资失败|项目黄了|工程款|砸进去|包工程"),)),
)


def classify_hardship(text: str) -> str | None:
    """Map free text to one of HARDSHIP_REASONS, or None when no keyword matches."""
    if not text:
        return None
    t = to_simplified(text)
    if t.strip() in HARDSHIP_REASONS:
        return t.strip()
    for reason, patterns in _HARDSHIP_RULES:
        if any(p.search(t) for p in patterns):
            return reason
    return None


# --- what the borrower says they can pay by a date --------------------------------------------------------------
# An extension (a later date, then a lump sum) is drafted only on the borrower's own word that they can pay the
# whole amount, or a stated part, by a date: 「下个月发了工资就能还清」「月底能先还两千」. Hopes, questions, conditions
# and a collector's demands are not that word (「可能」「能不能」「如果」「催收说必须月底还清」).


@dataclass(frozen=True)
class StatedPayment:
    """The borrower said they can pay ``whole`` the debt, or ``amount`` yuan of it, by a date ``days`` from now
    (None: the date is an event, 发工资 or 到账, that the words do not put a day on)."""

    whole: bool
    amount: int | None = None
    days: int | None = None


_CLAUSE = re.compile(r"[，,。.;；!！?？\n、\s~～]+")
_PAY_WHOLE = re.compile(r"还清|结清|全部还|全还|一次性还|一次还|都还上|全部还上|还完|凑齐|凑够|还上")
_PAY_PART = re.compile(r"先还|能还|可以还|就还|会还|后还|再还|能拿出|可以拿出|拿得出|能凑|可以凑|先付|能付|能给")
# Words that make a clause something other than the borrower's own firm word.
_NOT_A_PROMISE = re.compile(
    r"还不|拿不|凑不|付不|不能|不可以|不会|没法|没办法|无法|做不到|不一定|不确定|说不准|不知道|不好说|看情况|"
    r"可能|也许|大概|估计|争取|尽量|试试|希望|想要|万一|如果|要是|假如|的话|能不能|可不可以|行不行|是不是|吗|么|呢|"
    r"必须|让我|叫我|逼我|要我|要求|催收|他们|对方|说要|已经|上个月|刚还|还了")
_EVENT = re.compile(r"发工资|工资(发|到|下来)|发了工资|补发|年终奖|奖金|到账|回款|结款|拿到钱|钱到")
_IN_DAYS = re.compile(
    r"(?P<dur>(?:\d+|[一二两三四五六七八九十半]+)\s*(?:个半|个)?(?:天|日|周|星期|礼拜|月))\s*(?:后|以后|之后|内|之内|以内)")
_NEXT_WEEK = re.compile(r"下(?:个)?(?:周|星期|礼拜)|这周|本周|周末")
_NEXT_MONTH = re.compile(r"下(?:个)?月")
_MONTH_END = re.compile(r"月底|月末")
_PER_MONTH_BEFORE = re.compile(r"(每个?月|每期|一个月|月供)\s*(?:能|可以|先|就|最多|只能)*\s*(?:还|拿出|付)?\s*$")


def _days_until(text: str, today: datetime.date) -> tuple[bool, int | None]:
    """Whether the message names a time to come, and in how many days (None when it is an event)."""
    if m := _IN_DAYS.search(text):
        days = parse_duration_days(m.group("dur").replace(" ", ""))
        return True, days if days and days > 0 else None
    if (day := upcoming_date(text, today)) is not None:  # 「1月15号」 said in December: next year's
        return True, (day - today).days
    if _NEXT_WEEK.search(text):
        return True, 7
    if _MONTH_END.search(text):
        last = calendar.monthrange(today.year, today.month)[1]
        return True, max(last - today.day, 1)
    if _NEXT_MONTH.search(text):
        return True, 30
    if _EVENT.search(text):
        return True, None
    return False, None


_TAKEN_BACK = re.compile(r"还不[上清起完了]|拿不出|凑不[齐够出]|(?:不能|没法|没办法|无法)(?:按时)?还")


def _payment_in(text: str, today: datetime.date) -> StatedPayment | Literal[False] | None:
    """One message: a StatedPayment, False when it takes such a word back (「下个月也还不上」), else None.
    The last clause that says either decides (「这个月还不上，下个月发了工资就能还清」 is a promise)."""
    text = to_halfwidth(to_simplified(text or ""))
    dated, days = _days_until(text, today)
    if not dated:
        return None
    found: StatedPayment | Literal[False] | None = None
    for clause in _CLAUSE.split(text):
        if _TAKEN_BACK.search(clause):
            found = False
            continue
        whole, part = _PAY_WHOLE.search(clause), _PAY_PART.search(clause)
        if not (whole or part) or _NOT_A_PROMISE.search(clause):
            continue
        if whole and not re.search(r"还上?\s*(?:\d|[一二两三四五六七八九十百千万])", clause):
            found = StatedPayment(whole=True, days=days)
            continue
        amounts = [a for a in find_amounts(clause) if not _PER_MONTH_BEFORE.search(clause[:a.start])]
        if amounts:
            found = StatedPayment(whole=False, amount=amounts[0].value, days=days)
    return found


_DATE_CORRECTION = re.compile(r"不对|不是|错了|说错|改成|改为|应该是|其实是|更正|搞错")


def _corrected_days(text: str, today: datetime.date) -> int | None:
    """「不对 是明年1月15号」「不是12月15号 是明年1月15号」: a message that only puts the date right, in days."""
    text = to_halfwidth(to_simplified(text or ""))
    if not _DATE_CORRECTION.search(text) or _PAY_WHOLE.search(text) or _PAY_PART.search(text):
        return None
    day = upcoming_date(text, today)
    return (day - today).days if day is not None else None


def stated_payment_in(messages: Iterable[str], today: datetime.date) -> StatedPayment | None:
    """What the borrower last said they can pay by a date, newest message first; a later 「还不上」 takes it back,
    a later message that only corrects the date (「不对 是明年1月15号」) moves it."""
    corrected: int | None = None
    for text in reversed(list(messages)):
        found = _payment_in(text, today)
        if found is False:
            return None
        if found is not None:
            return found if corrected is None else dataclasses.replace(found, days=corrected)
        if corrected is None:
            corrected = _corrected_days(text, today)
    return None


_UNKNOWN = {"", "unknown", "none", "null", "nan", "不知道", "不清楚", "未知"}
_WAN = re.compile(r"^(\d+(?:\.\d+)?)\s*(w|万)$", re.IGNORECASE)
_QIAN = re.compile(r"^(\d+(?:\.\d+)?)\s*(k|千)$", re.IGNORECASE)


def _to_int(value: Any) -> int | None:
    """Tolerant conversion of a slot value to a non-negative whole number (None when unknown)."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        if isinstance(value, float) and (math.isnan(value) or math.isinf(value)):
            return None
        number = float(value)
    else:
        text = str(value).strip().replace(",", "").replace("，", "").replace("元", "").replace("块", "")
        text = text.replace("天", "").replace("¥", "").replace("￥", "").strip()
        if text.lower() in _UNKNOWN:
            return None
        multiplier = 1.0
        if m := _WAN.match(text):
            text, multiplier = m.group(1), 10000.0
        elif m := _QIAN.match(text):
            text, multiplier = m.group(1), 1000.0
        try:
            number = float(text) * multiplier
        except ValueError:
            return None
    if number < 0:
        return None
    return round(number)


def _to_text(value: Any) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    return None if text.lower() in _UNKNOWN else text


_LENDER_TYPE_BY_LABEL = {label: key for key, label in LENDER_TYPES.items()}


def _threats(value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    items = re.split(r"[,，\s]+", value) if isinstance(value, str) else list(value)
    out: list[str] = []
    for item in items:
        item = str(item).strip()
        if item in THREAT_TYPES and item not in out:
            out.append(item)
    return tuple(out)


@dataclass(frozen=True)
class DebtFact:
    """One of several debts (slot ``debts``): the lender, its kind, the amount (None until the borrower says it),
    the threats received from that lender, and whether the name is known (a list has it, or the borrower confirmed
    it: ``confirmed`` False for a name only the borrower gave, 「叫速借宝的app」)."""

    lender: str
    kind: str
    amount: int | None = None
    threats: tuple[str, ...] = ()
    confirmed: bool = True
    agreed_monthly: int | None = None  # the monthly amount this lender agreed to (coach/outcomes.py), else None


# The statuses of coach/outcomes.py in which a lender's monthly amount is agreed and so fixed in every redraft.
AGREED_STATUSES = ("agreed", "agreed_in_writing")


def agreed_monthly_of(outcome: Any) -> int | None:
    """The monthly amount agreed in a lender's status (its ``outcome``), or None: not agreed, or no terms. 0 is an
    agreed one-off payment: nothing a month for that lender."""
    if not isinstance(outcome, Mapping) or outcome.get("status") not in AGREED_STATUSES:
        return None
    terms = outcome.get("terms")
    return _to_int(terms.get("monthly") or 0) if isinstance(terms, Mapping) else None


def _budget(value: Any) -> Working | None:
    """The form's ``budget`` slot (coach/budget.py), or None for anything malformed: no income, a cost that is not
    a label and an amount, a negative or non-numeric amount."""
    from coach.budget import Working  # here: coach.budget imports coach.case

    if not isinstance(value, Mapping) or not isinstance(value.get("costs", []), (list, tuple)):
        return None
    numbers = [value.get("income"), *(c[1] for c in value.get("costs") or () if isinstance(c, (list, tuple)))]
    if any(isinstance(n, bool) or not isinstance(n, (int, float)) or n < 0 for n in numbers):
        return None
    if any(not isinstance(c, (list, tuple)) or len(c) != 2 or not isinstance(c[0], str)
           for c in value.get("costs") or ()):
        return None
    return Working.from_slot(value)


def _debts(value: Any) -> tuple[DebtFact, ...]:
    """The ``debts`` slot as DebtFacts: items without a lender, and repeated lenders, are dropped. A name no list
    has is kept (the plan counts every debt the borrower named), marked ``confirmed`` False."""
    out: list[DebtFact] = []
    for item in value if isinstance(value, (list, tuple)) else ():
        if not isinstance(item, Mapping):
            continue
        name = _to_text(item.get("lender"))
        if not name or any(d.lender == name for d in out):
            continue
        amount = _to_int(item.get("amount"))
        out.append(DebtFact(lender=name, kind=lender_type(name), amount=amount or None,
                            threats=_threats(item.get("threats")),
                            confirmed=item.get("registry") is not False or bool(item.get("confirmed")),
                            agreed_monthly=agreed_monthly_of(item.get("outcome"))))
    return tuple(out)


@dataclass(frozen=True)
class CaseFacts:
    lender: str | None = None
    lender_type: str | None = None
    debt_amount: int | None = None
    overdue_days: int | None = None
    monthly_income: int | None = None
    affordable_monthly: int | None = None
    hardship_reason: str | None = None
    extension_days: int | None = None
    requested_plan: str | None = None  # "installment" | "extension" | "fee_waiver" | None
    threat_types: tuple[str, ...] = ()  # subset of THREAT_TYPES
    requested_months: int | None = None  # the borrower's own number of installments (「分12期」 → 12)
    stated_payment: StatedPayment | None = None  # what they said they can pay by a date (the only ground for
    #                                              an extension; see stated_payment_in)
    debts: tuple[DebtFact, ...] = ()  # several lenders (共债); empty for a single-debt case
    loan_received: int | None = None  # what actually reached the borrower (「到手700」), read from their messages
    budget: Working | None = None  # the month's budget the form worked out (coach/budget.py), if it did
    unconfirmed_lender: str | None = None  # a name no list knows, not yet confirmed: shown to staff, never in a letter

    @property
    def debt_kind(self) -> str | None:
        """The kind of debt (a DEBT_KINDS key: mortgage, car_loan, car_lease, private, illegal), or None for an
        ordinary card, bank, consumer-finance or platform debt (the lender's family then decides)."""
        return self.lender_type if self.lender_type in DEBT_KINDS else None

    @property
    def several_debts(self) -> bool:
        """Two or more lenders: the plan is worked out across all of them (coach/multi_debt.py)."""
        return len(self.debts) >= 2

    @classmethod
    def from_slots(cls, slots: Mapping[str, Any], messages: Iterable[str] = (),
                   today: datetime.date | None = None) -> CaseFacts:
        """Build facts from Rasa slot values (slot names = field names); tolerant of odd values.

        ``messages``: the borrower's messages so far, oldest first; what they said they can pay by a date
        (stated_payment_in, dates counted from ``today``) is read from them. A stated amount that covers the
        debt counts as the whole debt.

        Numbers may arrive as int, float or strings ("32000", "3.2万", "32,000.0"); "unknown"/""/None mean
        unknown, as do negative numbers. Debt 0 is treated as unknown (there is nothing to negotiate).
        lender_type is derived from the lender name when the slot is empty; hardship_reason free text is
        classified (unmatched text → 其他).
        """
        lender = unconfirmed = _to_text(slots.get("lender"))
        if slots.get("lender_confirmed") is False:
            lender = None  # a name the registry does not know, not yet confirmed: never put into a letter
        else:
            unconfirmed = None
        ltype = _to_text(slots.get("lender_type"))
        ltype = _LENDER_TYPE_BY_LABEL.get(ltype, ltype) if ltype else None
        if ltype not in LENDER_TYPES and ltype not in DEBT_KINDS:
            ltype = lender_type(lender) if lender else None
        reason = _to_text(slots.get("hardship_reason"))
        if reason is not None and reason not in HARDSHIP_REASONS:
            reason = classify_hardship(reason) or "其他"
        plan = _to_text(slots.get("requested_plan"))
        plan = vocabulary.PLAN_ALIASES.get(plan.lower() if plan else "", None)
        debt = _to_int(slots.get("debt_amount"))
        extension = _to_int(slots.get("extension_days"))
        months = _to_int(slots.get("requested_months"))
        stated = stated_payment_in(messages, today or datetime.date.today()) if messages else None
        if stated is not None and not stated.whole and debt and stated.amount and stated.amount >= debt:
            stated = StatedPayment(whole=True, days=stated.days)
        return cls(
            lender=lender,
            lender_type=ltype,
            debt_amount=debt or None,
            overdue_days=_to_int(slots.get("overdue_days")),
            monthly_income=_to_int(slots.get("monthly_income")),
            affordable_monthly=_to_int(slots.get("affordable_monthly")),
            hardship_reason=reason,
            extension_days=extension or None,
            requested_plan=plan,
            threat_types=_threats(slots.get("threat_types")),
            requested_months=months if months and months > 0 else None,
            stated_payment=stated,
            debts=_debts(slots.get("debts")),
            loan_received=_received(messages) if ltype == "illegal" else None,
            budget=_budget(slots.get("budget")),
            unconfirmed_lender=unconfirmed,
        )


def _received(messages: Iterable[str]) -> int | None:
    """What the borrower said actually reached them (the last message that says it)."""
    found = None
    for text in messages:
        found = received_amount(text) or found
    return found
