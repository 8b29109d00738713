"""What kind of debt a message is about, from its words: a mortgage (房贷), a car loan (车贷, or a finance lease
以租代购), a private loan (借朋友的钱) or a likely illegal loan (714高炮, 砍头息, 套路贷). Pure text reading, no Rasa.

The kind decides the plan and the answers: a mortgage is secured by the home and never gets the credit card's
60-month rule, a car loan raises the question of towing, and an illegal lender gets no repayment plan for what it
added on top of the money that actually reached the borrower. A lender's own kind (bank, card, platform) comes
from its name (coach/case/facts.py ``lender_type``); these kinds are about the debt, whoever lends.

- ``debt_kind``: the kind a message's words name (the answers follow it: knowledge.yml ``special`` uses the same cues).
- ``case_kind``: the kind the case becomes, only when that debt is the one in trouble (「房贷每月4000」 beside a
  platform debt is an expense, not a mortgage case).
- ``role_for_kind``: amounts read for the kind (「房贷120万」 is the debt; 「714高炮」 is a name, not 714 yuan).
- ``received_amount``: what actually reached the borrower (「到手700」「到账只有3500」): for an illegal loan that,
  not the amount demanded, is the principal (facts §12.12).
"""

from __future__ import annotations

import re

from coach.zh.normalizer import to_simplified
from coach.zh.numbers import parse_amount

# In order of priority: a message naming a 714 loan and a car is about the illegal loan first.
DEBT_KINDS = ("illegal", "mortgage", "car_lease", "car_loan", "private")

_ILLEGAL = re.compile(
    r"(?<!\d)714(?!\d)|高炮|砍头息|套路贷|裸贷|黑网贷|黑户贷|"
    r"到手(只有|才|就)?[\d一二两三四五六七八九十百千万.]+[^。，,？?！!]{0,6}(要|得|让|却)还|"
    r"(7|七|14|十四)天(就)?(要|得)?还.{0,6}(到手|到账)")
_CAR = r"车贷|车子|汽车|车辆|小车|我的车|车被|拖车|拖走|拖我|收车|扣车|押车|车抵|汽车金融|以租代购|融资租赁"
_CAR_LEASE = re.compile(r"以租代购|以租代售|融资租赁|先租后买|租赁公司")
_CAR_LOAN = re.compile(_CAR)
_MORTGAGE = re.compile(r"房贷|按揭|房屋?抵押|抵押.{0,2}房|房子.{0,8}(贷|抵押|断供|月供|拍卖|法拍|收走|收回|卖)|"
                       r"(卖|拍卖|法拍|收走|收回).{0,4}(房子|房产|住房)|断供|公积金.{0,6}(还|冲)|商贷|首套|二套")
_PRIVATE = re.compile(r"民间借贷|私人借|私人的钱|借了?(朋友|同学|同事|亲戚|老乡|熟人|邻居)的?钱?|"
                      r"(朋友|同学|同事|亲戚|老乡|熟人|邻居)(那里|那儿|那)?借(了|的)|欠(朋友|同学|同事|亲戚|老乡|熟人)|"
                      r"私人借款|个人借款|借条|欠条")

_AMT = r"(\d+(?:\.\d+)?\s*(?:[万wW千kK])?|[零〇一二两三四五六七八九十百千万]+)"
_RECEIVED = re.compile(rf"(实际到账|实际到手|实际拿到|到手|到账|拿到手?|下款)(了|的)?(只有|才|就)?{_AMT}")


def debt_kind(text: str) -> str | None:
    """The kind of debt a message names (one of DEBT_KINDS), or None when its words name none of them.

    Car words decide over 断供/月供 (「车子断供了」 is a car loan), a finance lease over a plain car loan."""
    body = to_simplified(text or "").lower()
    if not body.strip():
        return None
    if _ILLEGAL.search(body):
        return "illegal"
    car = bool(_CAR_LOAN.search(body))
    if _MORTGAGE.search(body) and not (car and not re.search(r"房贷|按揭|房子|房产|住房|房屋", body)):
        return "mortgage"
    if _CAR_LEASE.search(body):
        return "car_lease"
    if car:
        return "car_loan"
    if _PRIVATE.search(body):
        return "private"
    return None


# The debt itself is in trouble (not a mortgage named as a monthly expense beside a card debt: 「房贷每月4000」).
_TROUBLE = re.compile(r"断供|逾期|预期了|愈期|还不上|还不起|还不了|没钱还|只能还|供不起|供不上|交不起|交不上|"
                      r"拖欠|欠了?|拍卖|法拍|收房|收车|拖车|拖走|扣车|收走|开走|催收|催|高炮|砍头息|套路贷|到手")
# The secured debt itself is in trouble; other debts named beside it; a mortgage or car loan as a monthly expense.
_SECURED_TROUBLE = re.compile(
    r"断供|拍卖|法拍|收房|收车|拖车|拖走|扣车|收走|开走|"
    r"(房贷|车贷|按揭|月供|租金)[^，。,；;]{0,6}(逾期|预期|还不上|还不起|还不了|没钱还|欠|拖欠)|"
    r"(逾期|还不上|还不起|还不了)[^，。,；;]{0,3}(房贷|车贷|按揭)")
_OTHER_DEBT = re.compile(r"信用卡|xyk|网贷|借呗|花呗|白条|微粒贷|分期乐|平台|小贷|消费金融")
_AS_EXPENSE = re.compile(r"(房贷|车贷)(每个?月|月供|一个月)")
# Lender families a kind of debt may sit with: a mortgage or car loan at a bank or a finance company, not a card or
# an online platform (「借呗逾期了 房贷每月4000」 is a platform debt).
_KIND_WITH = (None, "bank_loan", "consumer_finance", "other")


def case_kind(text: str, named: str | None = None, current: str | None = None) -> str | None:
    """The kind of debt the case is about, from one message: its kind (``debt_kind``) when the message says that debt
    is in trouble and no card or platform debt is the case (``named``: the lender family named in this message,
    ``current``: the case's lender_type so far). An illegal loan is always said, whoever else is owed."""
    kind = debt_kind(text)
    if kind is None or not _TROUBLE.search(to_simplified(text or "")):
        return None
    if kind == "illegal":
        return kind
    body = to_simplified(text or "").lower()
    if not _SECURED_TROUBLE.search(body) and (_OTHER_DEBT.search(body) or _AS_EXPENSE.search(body)):
        return None  # 「借呗逾期了 房贷每月4000」: the mortgage is a monthly expense of a platform debt's case
    if named not in _KIND_WITH or (current not in _KIND_WITH and current not in DEBT_KINDS):
        return None
    return kind


_AFTER_SECURED = re.compile(r"(房贷|车贷|按揭)(还|还有|还欠|欠|剩|剩下|一共|总共|共)?(了|的)?$")
_ILLEGAL_NAME = re.compile(r"^\s*高炮")
_RECEIVED_BEFORE = re.compile(r"(到手|到账|拿到手?|下款)(了|的)?(只有|才|就)?$")


_MONTHLY_COST = re.compile(r"(月供|每个?月|一个月|每期)")
_OTHER_COSTS = re.compile(r"(吃饭|食饭|房租|租金|交通(?!银行)|孩子|小孩|水电|生活费|开销|伙食|话费|物业|车费|油费|"
                          r"奶粉|学费|看病|吃药|药费|医药|保险|赡养|家用|日用)")


def role_for_kind(kind: str | None, text: str, start: int, end: int, role: str | None) -> str | None:
    """An amount's role in a message about a kind of debt, where the general reading (coach/zh/amount_roles.py)
    does not fit: 「房贷120万」 is the debt, not a monthly expense; in 「714高炮 到手700 要还1000」 714 is a name
    (``"name"``: not an amount), 700 what reached the borrower (``"received"``: no case slot, read by
    ``received_amount``) and 1000 the debt demanded. Otherwise the role is unchanged."""
    before = to_simplified(text[max(0, start - 8):start])
    after = to_simplified(text[end:end + 3])
    if kind in ("mortgage", "car_loan", "car_lease") and role == "expenses" and _AFTER_SECURED.search(before) \
            and not _MONTHLY_COST.search(before) and not _OTHER_COSTS.search(to_simplified(text)):
        return "debt"  # 「房贷120万」, but 「房贷 2500 吃饭 1900」 lists what goes out each month
    if kind == "illegal":
        if _ILLEGAL_NAME.match(after) or text[start:end].strip() == "714":
            return "name"
        if _RECEIVED_BEFORE.search(before):
            return "received"
        if role == "demand":
            return "debt"
    return role


def received_amount(text: str) -> int | None:
    """What actually reached the borrower (「到手700 要还1000」 → 700), or None when the message does not say."""
    match = _RECEIVED.search(to_simplified(text or ""))
    if match is None:
        return None
    value = parse_amount(match.group(4))
    return int(value) if value and value > 0 else None
