"""A month's budget as a borrower lists it: 「工资5000 房租1500 吃饭1200 孩子800 交通300」「月收入四千，房租一千，
吃饭八百」.

Pure text reading, no Rasa: each amount with the words right before it (its label); labels that say income (工资,
收入, 退休金 …) are income, the rest are costs. Amounts about a debt itself (欠3万, 网贷每月还2000) are neither: what is
left after living costs is what can go to all the debts. Amounts are read by coach/zh/numbers.py.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from coach.zh.normalizer import to_simplified
from coach.zh.numbers import parse_amount

_AMT = (r"(?:\d+(?:\.\d+)?\s*(?:[万wW](?:\d+|[一二两三四五六七八九]千?)?|[千kK]\d*)?"
        r"|[一二两三四五六七八九十][零〇一二两三四五六七八九十百千万]*)")
_ITEM = re.compile(rf"(?P<label>[^\d,，。、；;:：\s]{{1,12}}?)\s*[:：]?\s*(?P<amt>{_AMT})\s*(?:块钱|块|元)?"
                   r"(?![\d.]|期|个|天|号|日|月|年|点|次|%|岁)")
INCOME = re.compile(r"工资|收入|月薪|薪水|底薪|到手|月入|挣|赚|退休金|养老金|补贴|兼职|营业额|生活费给我")
# A debt, not a month's cost (房贷/车贷 stay: they are costs of keeping a home and a car).
_DEBT = re.compile(r"欠|借了?|债|网贷|信用卡|花呗|借呗|白条|额度|逾期|一共|总共|本金|还清|还款|一次")
_MONTHLY_WORDS = re.compile(r"^(我|我的|每个?月|一个月|一月|月|的|大概|大约|差不多|要|是|花|还有|加上|另外|"
                            r"然后|再|和|,)+")
_TRAILING = re.compile(r"(每个?月|一个月|大概|大约|差不多|要|是|花|的|得|交|付|给)+$")


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


def _label(raw: str) -> str:
    label = _MONTHLY_WORDS.sub("", raw.strip())
    return _TRAILING.sub("", label) or raw.strip()


def read_budget(raw: str) -> Budget | None:
    """The budget a message lists: some income and at least two costs; None for any other message."""
    text = re.sub(r"\s+", ",", to_simplified(raw or "").strip())
    income: list[tuple[str, int]] = []
    costs: list[tuple[str, int]] = []
    for m in _ITEM.finditer(text):
        value = parse_amount(m.group("amt").replace(" ", ""))
        if value is None or not 0 < value < 10_000_000:
            continue
        label = _label(m.group("label"))
        if INCOME.search(label):
            income.append((label, value))
        elif not _DEBT.search(label):
            costs.append((label, value))
    if not income or len(costs) < 2:
        return None
    return Budget(tuple(income), tuple(costs))
