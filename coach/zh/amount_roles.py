"""What an amount of money is, from the words around it. Pure: no Rasa imports.

A borrower's message holds amounts of many kinds, and reading one as another does harm: a scammer's demand
(「他们还让我再交2000」) or the old contractual installment (「原来月供7800」) read as what the borrower can pay
each month gives a plan they cannot keep. Each amount gets one role:

- ``debt``: owed (to one lender or in total); ``each``: owed to each of the lenders just named (「各一万六」);
- ``affordable``: what the borrower can pay a month; ``partial``: a sum they offer now or once (先还/一次性);
- ``income``: what they earn; ``expenses``: living costs; ``installment``: the old contractual installment
  (月供/原来每期/之前分期每月); ``demand``: what a collector or a scammer demands (让我交/要我还/必须先还/叫我转);
  ``fee``: a fee (手续费/服务费 …); ``repaid``: what was already paid (已经还了/还了…了); ``lump``: a sum on a
  day to come (「发工资那天能还五千」), not a monthly amount.

No role (None) when the words do not settle it: the form then uses the amount only for the fact it has just
asked for, and never guesses it into what the borrower can pay.
"""

from __future__ import annotations

import re

# Cues, each searched in the clause before the amount; the cue that ends nearest the amount wins, except the
# "overriding" ones below, which win wherever they stand in the clause (a demand stays a demand:
# 「他们让我这个月必须先还2000」).
_CUES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("income", re.compile(r"收入|工资|月薪|薪水|底薪|挣|赚|揾|搵|到手|税后|税前|人工|退休金|补贴|低保")),
    ("partial", re.compile(
        r"先还|现在能?拿得?出|现在能?还|现在|目前手上|马上能?还|今天能?还|一次性(?!还清|结清)|凑|先拿出|先付|手头有|"
        r"手上有|先给")),
    ("affordable", re.compile(
        r"每个?月|一个月|每期|一期|能还|还得起|拿得出|拿出|能拿|最多|只能|承受|接受|付得起|能付|还个|降到|减到|降为|"
        r"还(?![有是没在要欠款不了过清完])")),
    ("debt", re.compile(
        r"欠|一共|一攻|总共|总攻|共|本金|借了|借的|借款|额度|账单|待还|剩|总额|全部|逾期金额|本息|还清|结清|还完|一次还")),
    ("each", re.compile(r"各(?:自|家)?(?:欠|借)?了?|每家(?:都|各)?(?:欠|借)?了?|都是(?=\s*$)")),
)
_DEMAND = re.compile(
    r"(让|叫|(?<![主需想只还月期不])要|逼|催|喊|要求)(?:我|他|她|借款人|当事人)(?:们)?[^，,。；;]{0,6}?"
    r"(?:交|缴|还|转|付|打|给|充|存|汇|凑|拿)"
    r"|(让|叫|(?<![主需想只还月期不])要|逼|催|喊|要求)(?:们)?(?:再|先|马上|立刻|立即|今天|今日|明天|尽快|必须|赶紧|一次性)?"
    r"(?:交|缴|还|转|付|打|给|充|存|汇|凑)"
    # (交 of 交行 / 交通银行 is a name: 「就是说 交行欠11.2万」)
    r"|(?:说|称)(?:要|只要|先)?(?:交(?!行|通)|转|付)|必须(?:先|马上|今天)?(?:还|交|缴|转|付)"
    r"|(?:他们|催收|收数|对方|客服|那边)(?:说)?(?:要|让)?(?:交(?!行|通)|转|付)"
    r"|(?:交|付)(?:个|一笔)?(?:保证金|解冻费|验证金|激活费|刷流水)"
    # 「他说要3000」「催收讲要先5000」: what the other side asked for, said right before the amount
    r"|(?:他们?|她们?|催收|收数|对方|客服|那边)(?:说|讲|话)要(?:先|再|马上|今天)?\s*$")
# A pay day or a day to come before the amount (「1月10号才发工资 那天能还五千」「月底能先还一千」).
_PAY_DAY_BEFORE = re.compile(r"(发工资|发了工资|领薪水|领工资|出粮|发薪|到时候|那天|那时候|月底|月尾|下个月|下月|年底|"
                             r"\d{1,2}号|\d{1,2}日)[^，,。；;]{0,8}(能|可以|就|再)?(先)?(还|缴|交|付|给|拿出)[^，,。；;]{0,3}$")
# 「美团生活费」 is a loan product's name, not living costs.
_LENDER_NAMED_SO = re.compile(r"美团生活费[^，,。；;]{0,4}$")
# 「一共要还十二万」: what is owed, said with 要; not a demand, and not what they can pay.
_OWED_THEN_PAY = re.compile(r"(一共|一攻|总共|合计|总计|全部|本息)[^，,。；;]{0,3}还\s*$")
_OWED_BEFORE = re.compile(r"(一共|一攻|总共|共|合计|总计|本息|全部|剩下|还剩|我)\s*$")
_FEE = re.compile(r"收费|收我|收了我|扣了我|收咗我|扣咗我|逾期费|预期费|滞纳金|罚金|定金|手续费|服务费|中介费|代理费|"
                  r"会员费|押金|罚款|佣金|解冻费|保证金|工本费|违约金|罚息")
_EXPENSES = re.compile(r"开销|开支|花销|花费|房租|租金|(?<!美团)生活费|必要支出|日常支出|使费|洗费|使用开支|食饭|饭钱|"
                       r"供楼|供车|管理费|"
                       r"(?:房贷|车贷)(?:月供|每月|每个月)?|吃饭|伙食|饭钱|交通(?!银行)|车费|油费|小孩|孩子|学费|水电|药费|看病|话费|奶粉|物业|家用")
# 「每个月必须花的差不多六千一百」: spending said as a verb, a few words before the amount.
_SPENDING = re.compile(r"(必须|必要|固定|日常|平时|每个?月|一个月)(要|得)?花(的|掉|在)?(?!呗)|(要|得)花(的|掉)(?!呗)")
_INSTALLMENT = re.compile(
    r"(?:原来|之前|以前|本来|原本|合同|原先|当时|现在的)[^，,。；;]{0,6}(?:月供|每期|一期|每个?月还?|分期每个?月)|月供|"
    r"(?:之前|原来|以前)分期|"
    # 「每个月要还4200 实在还不起」: what the contract asks each month, not what they can pay
    r"(?:每个?月|一个月|每期)(?:都|本来|应该)?要还")
_REPAID = re.compile(r"已经?还咗|以经还|已经?缴了|以经缴|已缴|已经交了|已经?还了?|还了(?=\s*$)|已还|还过|"
                     r"之前还了|还进去|已经还进去|还了大概|还了差不多")
# 「能接受月供2000」「希望月供降到1500」: a proposed monthly amount, not the old one.
_PROPOSED_INSTALLMENT = re.compile(r"(能|可以|希望|想|改成|接受|降到|减到|只能|最多)[^，,。；;]{0,4}月供|"
                                   r"月供[^，,。；;]{0,3}(能|可以|希望|想|接受|降到|减到|改成|最多|只能)")
# 「一个人带孩子 嗯 每月还4800」: paying said after the cost word, nearer the amount, says what the amount is.
_PAID_AFTER_COSTS = re.compile(r"月还|能还|还得起|可以还|最多还|只能还|拿出|挤出|能付|付得起")
_ADDING = re.compile(r"(还有|另外|再加|加上|又借了|又欠)")
_PER_MONTH = re.compile(r"每个?月|一个月")
_INCOME_WORDS = re.compile(r"收入|工资|月薪|挣|赚|揾|搵|退休金|补贴|低保|到手|薪水|人工|出粮|底薪")
# What the borrower says they can pay, as a verb (a per-month word alone says nothing about whose money it is).
_PAY_VERBS = re.compile(r"能还|还得起|拿得出|拿出|能拿|最多|只能|承受|付得起|能付|还个|顶多|最多能")
_CLAUSE_BREAK = re.compile(r"[，,。.!！?？;；\n、]")
_AFTER_DEBT = re.compile(r"^\s*的?(债|欠款|贷款|网贷|信用卡)")
_AFTER_INCOME = re.compile(r"^\s*(的工资|工资|收入)")
_AFTER_REPAID = re.compile(r"^\s*(已经还了|还了|已还)")


def clause_before(text: str, start: int, width: int = 12) -> str:
    """The words before ``start`` in the same clause (at most ``width`` characters)."""
    before = text[max(0, start - width):start]
    return _CLAUSE_BREAK.split(before)[-1]


def clause_after(text: str, end: int, width: int = 6) -> str:
    return _CLAUSE_BREAK.split(text[end:end + width])[0]


def amount_role(text: str, start: int, end: int) -> str | None:
    """The role of the amount at ``text[start:end]`` (see the module docstring), or None."""
    before = clause_before(text, start)
    near = before[-6:]
    after = clause_after(text, end)
    if _FEE.search(near) or _FEE.match(after.lstrip()):
        return "fee"  # 「收了我两千三百块手续费」
    demand = _DEMAND.search(before)
    if demand and not (demand.group(0).startswith("要") and _OWED_BEFORE.search(before[:demand.start()])):
        return "demand"
    cost_words = [m.end() for m in _EXPENSES.finditer(near)]
    if (cost_words or _SPENDING.search(before[-10:])) and not _LENDER_NAMED_SO.search(before) \
            and not (cost_words and _PAID_AFTER_COSTS.search(near[cost_words[-1]:])):
        return "expenses"
    if _INSTALLMENT.search(before) and not _PROPOSED_INSTALLMENT.search(before):
        return "installment"
    if _REPAID.search(near) or _AFTER_REPAID.match(after):
        return "repaid"
    best: tuple[int, str | None] = (-1, None)
    for cue_role, cue in _CUES:
        for m in cue.finditer(before):
            if m.end() > best[0] or (m.end() == best[0] and cue_role in ("income", "partial", "each")):
                best = (m.end(), cue_role)
    role = best[1]
    if role in ("affordable", "partial", "income", None) \
            and _PAY_DAY_BEFORE.search(text[max(0, start - 20):start]) \
            and not _PER_MONTH.search(before):
        role = "lump"  # 「12月29号发工资 到时候能先还3000」: a sum on that day, not what they can pay each month
    if role == "affordable" and _OWED_THEN_PAY.search(before):
        role = "debt"  # 「一共要还十二万」: the whole debt
    if role in ("debt", "affordable", "partial") and _PER_MONTH.search(before):
        # 「我份人工一个月四千」 is income; 「工资五千 一个月最多还一千」 what they can pay
        income = [m.end() for m in _INCOME_WORDS.finditer(before)]
        pay = [m.end() for m in _PAY_VERBS.finditer(before)]
        if before.rstrip().endswith("还"):
            pay.append(len(before))  # 「收入少了一半 一个月还1900」: said as what they pay
        role = "income" if income and (not pay or income[-1] > pay[-1]) else "affordable"
    if role is None and _ADDING.search(before):
        role = "debt"  # 「还有来分期4000」: another debt, not a monthly amount
    if role is None and _AFTER_DEBT.match(after):
        role = "debt"
    if role is None and _AFTER_INCOME.match(after):
        role = "income"
    return role
