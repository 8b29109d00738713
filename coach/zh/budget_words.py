"""A month's budget as a borrower lists it: 「工资5000 房租1500 吃饭1200 孩子800 交通300」「月收入四千，房租一千，
吃饭八百」.

Pure text reading, no Rasa: each amount with the words right before it (its label); labels that say income (工资,
收入, 退休金 …) are income, the rest are costs. Amounts about a debt itself (欠3万, 网贷每月还2000) are neither: what is
left after living costs is what can go to all the debts. Amounts are read by coach/zh/numbers.py.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from coach.zh.amount_roles import amount_role
from coach.zh.normalizer import to_simplified
from coach.zh.numbers import parse_amount

_AMT = (r"(?:\d+(?:\.\d+)?\s*(?:[万wW](?:\d+|[一二两三四五六七八九]千?)?|[千kK]\d*)?"
        r"|[一二两三四五六七八九十][零〇一二两三四五六七八九十百千万]*)")
# A label holds no digit and no decimal point: 「1.5w」 is not a label 「1.」 and 5w.
_ITEM = re.compile(rf"(?P<label>[^\d.,，。、；;:：\s]{{1,12}}?)\s*[:：]?\s*(?P<amt>{_AMT})\s*(?:块钱|块|元)?"
                   r"(?![\d.]|期|个|天|号|日|月|年|点|次|%|岁|半|成)")  # 「少了一半」「减了三成」: no sum
INCOME = re.compile(r"工资|收入|月薪|薪水|底薪|到手|月入|挣|赚|退休金|养老金|补贴|兼职|营业额|生活费给我")
# A debt, not a month's cost (房贷/车贷 stay: they are costs of keeping a home and a car).
_DEBT = re.compile(r"欠|借了?|债|网贷|信用卡|花呗|借呗|白条|额度|逾期|一共|总共|本金|还清|还款|一次")
_MONTHLY_WORDS = re.compile(r"^(我|我的|每个?月|一个月|一月|月|的|大概|大约|差不多|要|是|花|还有|加上|另外|"
                            r"然后|再|和|,)+")
# The kinds of cost the question names (and their usual words): one amount labelled with one is an item.
_CATEGORY = re.compile(r"房|租|吃|饭|菜|孩子|小孩|娃|学|看病|药|医|交通|车|油|地铁|公交|水|电|煤|气|话费|网|老人|父母|"
                       r"赡养|保险|还款|月供|最低|物业|日用|奶粉|生活费")
_TRAILING = re.compile(r"(每个?月|一个月|大概|大约|差不多|要|是|花|的|得|交|付|给)+$")


# Words that make an amount the month's total rather than one item.
_TOTAL = re.compile(r"一共|总共|合计|加起来|加一起|总计|总的|全部|开销|开支|花销|花费|支出|用度|^花$|"
                    r"每个?月花|生活费总|^(差不多|大概|大约|约|算下来|就是)$")
# A debt's total (「还欠网贷5万」), not a month's payment …
_DEBT_TOTAL = re.compile(r"欠|借了?|债|本金|额度|一次")
# … unless the words say it is paid each month (「欠款最低还款500」「网贷每月还800」「车贷月供2000」).
_MONTHLY_PAYMENT = re.compile(r"最低|月供|每个?月|一个月|月还|还款|分期")
_BARE = re.compile(_AMT)


@dataclass(frozen=True)
class Costs:
    """The month's costs as the borrower said them: the items and, if they named one, their total."""

    items: tuple[tuple[str, int], ...]
    stated_total: int | None = None

    @property
    def total(self) -> int:
        """The named total, or the items' sum; never less than the items (a rough total forgets things)."""
        listed = sum(a for _, a in self.items)
        return max(self.stated_total or 0, listed)

    @property
    def itemised(self) -> bool:
        return len(self.items) >= 2 or (len(self.items) == 1 and self.stated_total is None)


_NOT_COSTS = ("demand", "fee", "repaid", "installment")  # 「原来的月供是四千」: this debt's old installment


def read_costs(raw: str) -> Costs | None:
    """The costs an answer to 「每月必须花的钱…」 gives; None when it names no amount (「不知道」)."""
    text = _prepare(raw)
    items: list[tuple[str, int]] = []
    stated: int | None = None
    labelled = False  # an amount with words before it: a bare number is read only when there is none
    for m in _ITEM.finditer(text):
        value = parse_amount(m.group("amt").replace(" ", ""))
        if value is None or not 0 < value < 10_000_000 or _not_a_sum(m):
            continue
        labelled = True
        label = _label(m.group("label"))
        if INCOME.search(label) or (_DEBT_TOTAL.search(label) and not _MONTHLY_PAYMENT.search(label)):
            continue  # income (asked before) or a debt's total (「还欠网贷5万」)
        if amount_role(text, m.start("amt"), m.end("amt")) in _NOT_COSTS:
            continue  # 「催收要我三天内拿22000出来」「光逾期费就2200」: what is demanded or charged, no cost of living
        if _TOTAL.search(label) and not _MONTHLY_PAYMENT.search(label):
            stated = value
        else:
            items.append((label, value))
    if not items and stated is None:
        if labelled:
            return None
        bare = next((b for b in _BARE.finditer(text) if re.search(r"[\d十百千万]", b.group(0))), None)
        value = parse_amount(bare.group(0)) if bare else None
        if value is None or not 0 < value < 10_000_000:
            return None
        stated = value
    if len(items) == 1 and stated is None and not _CATEGORY.search(items[0][0]):
        # 「每个月差不多四千」: one amount whose words name no cost is the month's total
        stated, items = items[0][1], []
    return Costs(tuple(items), stated)


@dataclass(frozen=True)
class Budget:
    income: tuple[tuple[str, int], ...]
    costs: tuple[tuple[str, int], ...]

    @property
    def total_income(self) -> int:
        return sum(a for _, a in self.income)

    @property
    def total_costs(self) -> int:
        return sum(a for _, a in self.costs)

    @property
    def left(self) -> int:
        """What is left each month: the most to offer the lenders, never more (0 when costs eat it all)."""
        return max(self.total_income - self.total_costs, 0)


# A space between a label and its amount (「房租 1500」) joins them; other spaces separate items.
_LABEL_GAP = re.compile(r"(?<=[^\d\s,，。、；;:：])\s+(?=[\d一二两三四五六七八九十])")


def _prepare(raw: str) -> str:
    text = re.sub(r"(?<=\d)[,，](?=\d{3}(?!\d))", "", to_simplified(raw or "").strip())  # 「1,400元」 is 1400
    return re.sub(r"\s+", ",", _LABEL_GAP.sub("", text))


def _label(raw: str) -> str:
    label = _MONTHLY_WORDS.sub("", raw.strip())
    return _TRAILING.sub("", label) or raw.strip()


def _not_a_sum(m: re.Match[str]) -> bool:
    """Chinese numerals with no 十/百/千/万 and no 块/元 after them are no sum: the 一 of 一共, the 三六零 of
    三六零借条."""
    amount = m.group("amt").strip()
    return bool(re.fullmatch(r"[一二两三四五六七八九十零〇]+", amount)) and not re.search(r"[十百千万]", amount) \
        and not re.search(r"(块|元)\s*$", m.group(0))


def read_budget(raw: str) -> Budget | None:
    """The budget a message lists: some income and at least two costs; None for any other message."""
    text = _prepare(raw)
    income: list[tuple[str, int]] = []
    costs: list[tuple[str, int]] = []
    for m in _ITEM.finditer(text):
        value = parse_amount(m.group("amt").replace(" ", ""))
        if value is None or not 0 < value < 10_000_000 or _not_a_sum(m):
            continue
        label = _label(m.group("label"))
        if INCOME.search(label):
            income.append((label, value))
        elif not _DEBT.search(label):
            costs.append((label, value))
    if not income or len(costs) < 2:
        return None
    return Budget(tuple(income), tuple(costs))
