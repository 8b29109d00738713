"""Find and normalise money amounts and durations in (simplified) Chinese chat text.

Pure functions, no Rasa imports. Numerals are converted by cn2an ("smart" mode handles 三万二, 1万5,
3.2万, 2万3千); this module only finds the spans, handles the colloquial suffixes cn2an does not
(多/来/几, 半, w/k) and decides which role an amount plays from the words around it.

Roles let the dialogue tell the amounts apart; an amount's role comes from ``zh.amount_roles`` (owed, each,
affordable, partial, income, expenses, the old installment, a demand, a fee, already repaid). Durations are
``overdue``, ``extension`` or ``other`` (about something else: 工资拖了两个月, 住院半个月). No role means the
sentence gives no clue; the form then uses the value for the slot it has just asked for.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

import cn2an

from coach.zh.amount_roles import amount_role

_CN_DIGITS = "零〇一二两三四五六七八九十百千万亿壹贰叁肆伍陆柒捌玖拾佰仟"
# Arabic numerals also with thousands separators (「100,000元」「3,400」): the groups are one number.
_NUM = rf"(?:\d{{1,3}}(?:,\d{{3}}(?!\d))+(?:\.\d+)?|\d+(?:\.\d+)?|[{_CN_DIGITS}]+)"
# A numeral with optional magnitude units, e.g. 3.2w, 1万5, 2万3千, 三万二, 5k, 八千多, 十几万.
_AMOUNT_CORE = (
    rf"(?:{_NUM}(?:[几多来])?\s*(?:[万wW千kK百])"
    rf"(?:{_NUM}(?:[千百])?)?(?:[几多来])?|{_NUM}(?:[多来])?)"
)
_MONEY_SUFFIX = r"(?:块钱|块|元|蚊|rmb|RMB|人民币)"
_AMOUNT_RE = re.compile(rf"(?P<num>{_AMOUNT_CORE})(?P<suffix>\s*{_MONEY_SUFFIX})?")

# Units that make a number something other than money (periods, counts, dates, times).
_NOT_MONEY_AFTER = re.compile(
    r"^(?:借条|借款app|个|期|天|日|号|月|年|周|星期|礼拜|次|遍|通|条|点|岁|小时|分钟|秒|%|％|倍|人|家|张|笔|位|层|楼|楼层|轮|w?期)"
)
_HAS_MAGNITUDE = re.compile(r"[万wW千kK百]")
# 「5000贷款」「有8万的网贷」: a debt word right after the number says it is money.
_DEBT_AFTER = re.compile(r"^\s*(的)?(贷款|网贷|欠款|外债|负债|债务|借款|卡债|信用卡债|的债|债)")
_MONEY_CONTEXT = re.compile(
    r"(欠|还|借|收入|工资|月薪|薪水|底薪|税后|税前|人工|到手|最多|顶多|不超过|不到|至少|大概|大约|差不多|一共|总共|合计|加起来|加埋|房租|租金|吃饭|伙食|生活费|房贷|车贷|开销|开支|花销|花费|话费|学费|水电|只能|挣|赚|拿出|凑|付|本金|额度|账单|金额|罚息|利息|违约金|结清|剩|存款|补贴|退休金|花了|每期|一期|这期|本期|月供|每个?月|手头有|手上有|卡里有|交|剩|"
    # living costs and pay as people write them, Cantonese included (「食饭2200」「供楼13500」「揾3500」)
    r"食饭|饭钱|餐费|供楼|供车|交通|车费|油费|孩子|小孩|奶粉|物业|管理费|药费|看病|家用|使费|洗费|揾|搵|出粮|"
    # a number given as a correction (「更正一下 是45000」「应该是112000」)
    r"应该是|应该系|改成|改为|其实是|更正|纠正|说错|写错|讲错|唔系|不对|不是|错了|看错|记错|算错|搞错|唔啱|"
    # typed by ear: 一攻 for 一共, 利系 for 利息
    r"一攻|总攻|利系|"
    # a number right after a lender's name is what is owed there (「京东白条8000」「招行信用卡30000」)
    r"白条|金条|银行|信用卡|贷|呗|网贷|平台|消费金融|消金|分期乐|借钱|转|让我|要我|叫我|各|每家)"
)

# 「台北富邦的 47000」「招行：30000」: a number of four digits or more right after a name and 的 or a colon.
_NAMED_BEFORE = re.compile(r"[\u4e00-\u9fffA-Za-z]{2,}(的|嘅|[：:])\s*$")
# 「更正一下，是23000」: a number in a correction is the corrected fact even past a comma.
_CORRECTION_BEFORE = re.compile(
    r"(更正|纠正|说错|写错|讲错|看错|记错|算错|搞错|不对|唔啱)[^。！？!?]{0,8}(是|系|为|成)\s*$")
# 「有这几笔 裕融75000」: four digits or more right after a name, in a message about debts, is what is owed there
# (not a staff number, a card's last digits or a code).
_GLUED_NAME_BEFORE = re.compile(r"[\u4e00-\u9fffA-Za-z]{2}$")
_NOT_A_SUM_BEFORE = re.compile(
    r"(工号|尾号|编号|号码|卡号|账号|帐号|验证码|密码|代码|单号|房间|车牌|电话|手机|微信|QQ|qq)\s*$")
# 「裕融30000」 as the whole message: a name and what is owed there. A character of a fact word or a yes/no is in no
# such name (「首付3000」「利息3000」「还剩30000」「唔係 係16000」 are left to the words around them).
GLUED_NAME_CHAR = r"(?:(?![还欠付交剩共约月年天期费息钱款租资薪入供首余额概计多少是系唔不没对错就那这我你他她])" \
    r"[\u4e00-\u9fffA-Za-z])"
NAME_AND_SUM = re.compile(rf"{GLUED_NAME_CHAR}{{2,8}}\s*\d{{4,8}}\s*(元|块|蚊)?")
_ABOUT_DEBTS = re.compile(r"欠|借|贷|信用卡|银行|债|几笔|几家|几间|分期|逾期|的卡|张卡|卡费|那边|那遍|嗰度|财务|金融|"
                          # a list of sums: 「裕融38000，花旗的卡69,000元」「玉山12.4萬 裕融63000」
                          r"\d{4,}[^\d]+\d{4,}|[\d.]+[万wW][^\d]+\d{4,}|"
                          # 「裕融35000，臺北富邦3.6萬」「裕融35000 花旗三万」
                          r"\d{4,}[^\d]+(?:[\d.]+|[一二两三四五六七八九十]+)[万wW]|"
                          # with thousands separators: 「裕融30000；中國信託111,000元」
                          r"\d{4,}[^\d]+\d{1,3}(?:,\d{3})+|\d{1,3}(?:,\d{3})+[^\d]+\d{4,}")

_DURATION_RE = re.compile(
    rf"(?P<num>{_NUM})(?P<approx>[多来几])?(?P<half1>个半)?(?:个(?P<approx2>[多几]))?"
    r"(?P<unit>个?月|天|日|周|个?星期|个?礼拜|年)(?P<half2>半)?"
    r"|(?P<halfonly>半个?多?月|半年)|(?<![\d零〇一二两三四五六七八九十百])(?P<monthandhalf>个半月)"
)
_NOT_DURATION_AFTER = re.compile(r"^(?:号|底|初|中旬|份|利率|息|化)")
# 「一个月到手四千」「一个月能还八百」: "a month" as a rate, not a length of time.
_PER_MONTH_AFTER = re.compile(
    r"^(?:到手|收入|工资|人工|薪水|挣|赚|能|最多|顶多|只能|只有|开销|花|大概|差不多|也就|固定|要还|还|拿|付|交|供|"
    r"可以|揾|搵|(?:就|才|只)(?:挣|赚|揾|搵|拿|得|能|还|有|剩)|(?:才|就)?(?=\s*[\d一二两三四五六七八九十]))")
_UNIT_DAYS = {
    "月": 30, "个月": 30, "天": 1, "日": 1, "周": 7, "星期": 7, "个星期": 7, "礼拜": 7, "个礼拜": 7, "年": 365,
}

_OVERDUE_CUE = re.compile(r"(逾期|拖了|拖欠|没还|欠了|断供|过了|超了|晚了|已经|停了|没交|断了|"
                          r"过咗|过期|冇还|未还|断咗|预期|愈期|迟缴|迟交|延滞|遲繳|遲交)")
_EXTENSION_CUE = re.compile(r"(宽限|延期|延后|延长|缓|推迟|推后|往后|再给|多给|晚点|等|给我|再要|需要|后再还|后还)")
# A duration right after these words is about something else (工资拖了两个月, 住院半个月, 失业半年).
_OTHER_DURATION_CUE = re.compile(
    r"(工资|薪水|薪资|上班|工作|失业|住院|生病|病了|生意|停工|停业|找工作|打工|离婚|坐月子)"
)
_CLAUSE_BREAK = re.compile(r"[，,。.!！?？;；\n、]")
_CURRENCY_BEFORE = re.compile(r"(rmb|RMB|人民币|¥|￥)\s*$")
_NEGATED_BEFORE = re.compile(r"(不是|并非|而不是)\s*$")
_HEDGES = re.compile(
    r"(左右|大概|大约|差不多|估计|可能|应该|也就|以内|以下|上下|出头|吧|啊|呀|哦|嗯|的样子|多|来块|来|块钱|块|元|[。！!~～\s])+")
# Larger values are not money a borrower owes or pays (a pasted ID number, a typo): ignored, never a crash.
MAX_AMOUNT = 1_000_000_000


def _strip_hedges(text: str) -> str:
    return _HEDGES.sub("", text).strip()


@dataclass(frozen=True)
class Span:
    """A value found in the text, with its character offsets and role (or None)."""

    start: int
    end: int
    text: str
    value: int
    role: str | None


def _numeral_to_float(numeral: str) -> float | None:
    numeral = numeral.replace(" ", "")
    if not numeral:
        return None
    for candidate in (numeral, re.sub(r"(?<=[万千])零", "", numeral)):
        try:
            value = float(cn2an.cn2an(candidate, "smart"))
        except (ValueError, KeyError, IndexError, TypeError, OverflowError):
            continue
        return value if math.isfinite(value) else None
    return None


def parse_amount(text: str) -> int | None:
    """Parse one money expression: 三万二 → 32000, 3.5w → 35000, 一万五千块 → 15000, 八千多 → 8000."""
    core = re.sub(rf"{_MONEY_SUFFIX}$", "", text.strip()).strip()
    core = re.sub(r"(?<=\d),(?=\d{3})", "", core)  # 100,000 → 100000
    core = core.replace("w", "万").replace("W", "万").replace("k", "千").replace("K", "千")
    core = re.sub(r"[多来]", "", core)
    core = re.sub(r"^(\d+(?:\.\d+)?)千$", lambda m: str(float(m.group(1)) * 1000), core)
    core = re.sub(r"^十几", "十五", core)  # 十几万 → about 150,000: the user only gave a rough figure
    core = re.sub(r"几", "", core)
    value = _numeral_to_float(core)
    if value is None:
        return None
    return round(value)


def parse_duration_days(text: str) -> int | None:
    """Parse one duration into days: 两个月 → 60, 半年 → 180, 四十多天 → 40, 一个半月 → 45, 一年半 → 545."""
    m = _DURATION_RE.fullmatch(text.strip())
    if not m:
        return None
    if m.group("halfonly"):
        return 180 if "年" in m.group("halfonly") else 15
    if m.group("monthandhalf"):  # 「个半月」: 一个半月 said without the 一
        return 45
    value = _numeral_to_float(m.group("num"))
    if value is None:
        return None
    unit = m.group("unit")
    per = _UNIT_DAYS[unit]
    if m.group("half1"):  # 一个半月
        return round((value + 0.5) * 30)
    days = value * per
    if m.group("half2"):  # 一年半 / 两个月半
        days += per / 2 if per != 365 else 180
    return round(days)


def _clause_before(text: str, start: int, width: int = 10) -> str:
    before = text[max(0, start - width):start]
    parts = _CLAUSE_BREAK.split(before)
    return parts[-1] if parts else before


def _clause_after(text: str, end: int, width: int = 6) -> str:
    return _CLAUSE_BREAK.split(text[end:end + width])[0]


def _amount_role(text: str, start: int, end: int) -> str | None:
    return amount_role(text, start, end)


def _duration_role(text: str, start: int, end: int) -> str | None:
    before = _clause_before(text, start, 8)
    after = _clause_after(text, end, 6)
    if re.match(r"^\s*(?:多|几|左右|来)?\s*(没还|没有还|都没还|还没还|没交|未还|冇还)", after):
        return "overdue"  # 「钱都拿去看病了 有半年没还了」: what follows says it
    ext = [m.end() for m in _EXTENSION_CUE.finditer(before)]
    ovd = [m.end() for m in _OVERDUE_CUE.finditer(before)]
    other = [m.end() for m in _OTHER_DURATION_CUE.finditer(before)]
    # 「住院两个月」「工资拖了两个月」 are no time overdue; 「看病了 然后已经拖了半年」 is: a new clause (然后, 已经)
    # after what the other time was about
    moved_on = bool(other) and max([*ext, *ovd], default=-1) > max(other) and \
        bool(re.search(r"然后|已经|现在|目前|后来|我", before[max(other):]))
    if other and not moved_on and not re.search(r"(逾期|宽限|延期|没还)", before):
        return "other"
    if ext or ovd:
        return "extension" if max(ext, default=-1) > max(ovd, default=-1) else "overdue"
    if re.match(r"^\s*(?:之|以)?内", after):
        return "other"  # 「催收要我三天内拿三千出来」: a deadline, not the time overdue
    if re.match(r"^\s*(?:多|几|左右|来)?\s*(了|没还|没有还|都没|还没|没交|未还|冇还)", after) \
            or re.match(r"^\s*的?逾期", after):
        return "overdue"
    if re.match(r"^\s*(再还|后再还|后还|以后还|时间)", after):
        return "extension"
    return None


_WHOLE_MONTH = re.compile(r"(?<![一二两三四五六七八九十\d])[成整足]个月")
_MONTHS_AND_DAYS = re.compile(rf"(?P<m>{_NUM})个?月零?(?P<d>{_NUM})天")


def find_durations(text: str) -> list[Span]:
    spans: list[Span] = []
    for m in _WHOLE_MONTH.finditer(text):  # 成个月 / 整个月: a whole month
        spans.append(Span(m.start(), m.end(), m.group(0), 30, _duration_role(text, m.start(), m.end())))
    for m in _MONTHS_AND_DAYS.finditer(text):  # 一个月零十天 → 40
        months, days = _numeral_to_float(m.group("m")), _numeral_to_float(m.group("d"))
        if months is not None and days is not None and 0 < months * 30 + days < 36500:
            spans.append(Span(m.start(), m.end(), m.group(0), round(months * 30 + days),
                              _duration_role(text, m.start(), m.end())))
    for m in _DURATION_RE.finditer(text):
        if any(s.start <= m.start() < s.end for s in spans):
            continue
        if _NOT_DURATION_AFTER.match(text[m.end():]):
            continue
        if _NEGATED_BEFORE.search(text[max(0, m.start() - 3):m.start()]):
            continue  # 「逾期是4个月 不是2个月」: the value the borrower rejects
        unit = m.group("unit") or ""
        if m.group("monthandhalf"):
            unit = "个月"
        if m.group("num") in ("一", "1") and unit in ("个月", "月") and not m.group("approx2") \
                and _PER_MONTH_AFTER.match(text[m.end():]):
            continue
        if unit == "月" and not (m.group("half1") or m.group("half2") or m.group("approx2")) \
                and not m.group("num").startswith("两") \
                and _strip_hedges(text.replace("了", "")) != m.group(0):  # 两月/俩月/仨月了 is never a month's name
            # 3月 alone is usually a month name (3月份, 3月15号); as a duration only after 逾期/拖 etc.
            if not (_OVERDUE_CUE.search(_clause_before(text, m.start(), 6))
                    or _EXTENSION_CUE.search(_clause_before(text, m.start(), 6))):
                continue
        if unit == "日" and not _OVERDUE_CUE.search(_clause_before(text, m.start(), 6)):
            continue
        days = parse_duration_days(m.group(0))
        if days is None or days <= 0:
            continue
        spans.append(Span(m.start(), m.end(), m.group(0), days, _duration_role(text, m.start(), m.end())))
    return spans


def find_amounts(text: str, skip: list[Span] | None = None) -> list[Span]:
    """Money amounts in the text; ``skip`` holds spans (durations) that must not be read as money."""
    taken = [(s.start, s.end) for s in (skip or [])]
    spans: list[Span] = []
    whole_message = text.strip()
    for m in _AMOUNT_RE.finditer(text):
        start, end = m.start(), m.end()
        if any(a < end and start < b for a, b in taken):
            continue
        raw = m.group(0).strip()
        if not raw or not re.search(r"[\d一二两三四五六七八九十百千万壹贰叁肆伍陆柒捌玖拾]", raw):
            continue
        if _NOT_MONEY_AFTER.match(text[end:]) and not (raw.endswith("多") and text[end:end + 1] == "点"):
            continue  # 一千多点 is money; 三点 is a time
        if start > 0 and text[start - 1] in "第周":
            continue
        if re.search(r"[.\d]", text[end:end + 1] or "") or (start > 0 and re.match(r"[\d.]", text[start - 1])):
            continue
        has_unit = bool(m.group("suffix")) or bool(_HAS_MAGNITUDE.search(m.group("num"))) \
            or bool(_CURRENCY_BEFORE.search(text[max(0, start - 4):start]))
        if not has_unit and re.fullmatch(r"\d{9,}", raw):
            continue  # a phone, card or ID number, not money
        if _NEGATED_BEFORE.search(text[max(0, start - 3):start]):
            continue  # 「是三万五不是三万」: the value the borrower rejects
        value = parse_amount(raw)
        if value is None or value <= 0 or value > MAX_AMOUNT:
            continue
        bare_answer = _strip_hedges(raw) == _strip_hedges(whole_message)
        context = _MONEY_CONTEXT.search(_clause_before(text, start, 8)) or bool(
            _CORRECTION_BEFORE.search(text[max(0, start - 12):start])) or (
            value >= 1000 and not re.fullmatch(r"(19|20)\d\d", raw)
            and _NAMED_BEFORE.search(_clause_before(text, start, 8))) or (
            value >= 1000 and re.fullmatch(r"\d{4,8}", raw) is not None and not re.fullmatch(r"(19|20)\d\d", raw)
            and bool(_GLUED_NAME_BEFORE.search(text[max(0, start - 2):start]))
            and not _NOT_A_SUM_BEFORE.search(text[max(0, start - 6):start])
            and (bool(_ABOUT_DEBTS.search(text)) or NAME_AND_SUM.fullmatch(whole_message) is not None)) or (
            bool(_DEBT_AFTER.match(text[end:])) and not re.fullmatch(r"(19|20)\d\d", raw))
        if not has_unit and not bare_answer and (not context or value < 100):
            continue
        if value < 10:
            continue
        # Trim leading/trailing spaces out of the span so offsets line up with tokens.
        lead = len(m.group(0)) - len(m.group(0).lstrip())
        s0, s1 = start + lead, start + lead + len(raw)
        spans.append(Span(s0, s1, raw, value, _amount_role(text, s0, s1)))
    return spans


_COLLOQUIAL_NUMERALS = str.maketrans({"俩": "两", "仨": "三"})
# 「三玩二」: 玩 typed for 万 (same pinyin) between numerals.
_WAN_TYPO = re.compile(r"(?<=[\d一二两三四五六七八九十])玩(?=[\d一二两三四五六七八九]|$|左右|多)")


# 「五六万」「两三个月」「一两个月」「七八百」: a range of two neighbouring numerals; the lower bound is taken
# (said as 「五多万」, same length, so offsets are unchanged). What a borrower can pay is never rounded up.
_RANGE = re.compile(r"(一(?=[二两])|两(?=三)|二(?=三)|三(?=四)|四(?=五)|五(?=六)|六(?=七)|七(?=八)|八(?=九))"
                    r"[二两三四五六七八九](?=[百千万个天周年块元wWkK]|$)")


def _lower_bound(m: re.Match[str]) -> str:
    return m.group(1) + "多"


def extract(text: str) -> tuple[list[Span], list[Span]]:
    """All (amounts, durations) in a message (俩/仨 read as 两/三, 五六万 as its lower bound; offsets unchanged)."""
    text = _WAN_TYPO.sub("万", text.translate(_COLLOQUIAL_NUMERALS))
    text = _RANGE.sub(_lower_bound, text)
    durations = find_durations(text)
    return find_amounts(text, skip=durations), durations
