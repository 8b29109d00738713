"""Turn one parsed user message into case-fact slot updates. Pure: no Rasa imports.

How amounts are told apart: the NLU extractor gives each amount a role from the words around it
(欠/一共 → debt, 收入/工资 → income, 每月能还 → affordable, 先还/现在能拿出 → partial). An amount with no
role goes to the slot the form has just asked for; a correction (「不对，是四万」) goes to the fact the user
gave last; otherwise an unroled amount is taken as the total owed if that is still unknown.
"""

from __future__ import annotations

import datetime
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from coach.case import classify_hardship, lender_type
from coach.case.lenders import NOT_IN_A_NAME, aliases_of, brand_like, find_lenders, item_names
from coach.case.vocabulary import DEBT_KINDS, PLAN_BY_INTENT, THREAT_BY_INTENT
from coach.zh.debt_kind_words import case_kind, debt_kind, role_for_kind
from coach.zh.debt_words import tells_of_no_collector
from coach.zh.normalizer import to_simplified
from coach.zh.numbers import extract as extract_numbers
from coach.zh.numbers import parse_amount
from coach.zh.plan_words import NAMES_PLAN, PLAN_WORDS
from coach.zh.safety_cues import deception_request, hardship_only_weighed, strip_untrue, untrue_hardship
from coach.zh.time_words import upcoming_date

# Dates are read in the borrowers' time zone (mainland China, Hong Kong and Taiwan are all UTC+8).
UTC8 = datetime.timezone(datetime.timedelta(hours=8))

AMOUNT_SLOTS = ("debt_amount", "monthly_income", "affordable_monthly", "essential_expenses")
DURATION_SLOTS = ("overdue_days", "extension_days")
ROLE_TO_SLOT = {
    "debt": "debt_amount", "income": "monthly_income", "affordable": "affordable_monthly",
    "overdue": "overdue_days", "extension": "extension_days", "expenses": "essential_expenses",
}
# Amounts that are no case fact the form asks for: a fee, what a collector or a scammer demands, the old contractual
# installment, what was already repaid; 「各一万六」 is read with the lenders it belongs to (_each_amounts).
IGNORED_ROLES = {"other", "fee", "demand", "installment", "repaid", "each", "lump"}
# Roles an amount said with a lender's name may have to be that lender's debt.
_DEBT_ROLES = (None, "debt", "each")

_CORRECTION = re.compile(r"(不对|不是|错了|说错|改成|改为|应该是|其实是|更正|写错|纠正|唔系|讲错|应该系|唔啱)")
_UNKNOWN = re.compile(r"(不知道|不清楚|不记得|记不得|记不清|忘了|不确定|不太确定|不大确定|不太记得|唔太清楚|唔确定|"
                      r"说不准|说不好|说不清|没算过|不晓得|唔知|唔记得|"
                      r"不太清楚|每个月都不一样|不固定|没谱|搞不清|不好说|看情况|跳过)")
_ZERO_MONEY = re.compile(
    r"(没有收入|没收入|没工作|零收入|没有工作|一分都?没有|拿不出|一分钱都|没钱|没有钱|失业|^没有$|^0$|^零$|冇收入|冇钱|"
    r"一蚊都冇|冇工开|分文没有|一毛钱?都没|没得收入|没啥收入|没什么收入)"
)
_NOT_OVERDUE = re.compile(r"(还没逾期|没有逾期|没逾期|还没到期|未逾期|没算逾期|宽限期(内|里)|还没到还款日)")
_JUST_OVERDUE = re.compile(r"(昨天|今天|前天)?刚(刚)?逾期")
_THREAT_CUES = {
    "visit": re.compile(
        # 「去」 as going somewhere, not 去年/过去/去世, nor the borrower's own going (「我去公司上班」).
        r"(上门|找上门|外访|(?<![过失我回])去(?![年世])[^年]{0,3}(单位|公司|家里|老家|村里|学校|小区)|"
        r"来.{0,2}(家|单位|公司)|到.{0,2}(家|单位)来)"),
    "lawsuit": re.compile(r"(起诉|传票|律师函|立案|坐牢|仲裁|强制执行|报警抓|抓我|判刑|列入失信)"),
    "third_party": re.compile(
        r"((打给|打到|打去|打俾|打过去|打电话给|联系|找|告诉|发给|群发|骚扰).{0,4}"
        r"(家人|家里人|爸|妈|父母|老婆|老公|妻子|丈夫|同事|领导|朋友|亲戚|紧急联系人|通讯录|单位|公司|"
        r"弟|哥|姐|妹|儿子|女儿|孩子|亲人|家属|邻居)|爆通讯录)"),
    "harassment": re.compile(
        r"(骂|辱骂|恐吓|威胁|半夜|凌晨|深夜|夜里|晚上(1[0-2]|十[一二]?)点[^，。]{0,4}(打|电话|来电)|轰炸|几十个电话|P图|p图|弄死|砍死|砍人|"
        r"砍你|拿刀|人身安全)"),
}
# Intents whose unlabelled numbers may be taken as case facts (not a fee in a question, not call counts).
_FACT_INTENTS = {"inform", "cannot_pay", *PLAN_BY_INTENT}
# Intents whose words describe what happened (so threats named in them are recorded for the case summary).
_NARRATIVE_INTENTS = {"inform", "cannot_pay", "express_distress", *PLAN_BY_INTENT, *THREAT_BY_INTENT}
_CANTONESE = re.compile(r"(?<![關关])係|[冇佢唔咗嘅俾啲嚟喺睇搵㗎喎嘞咩囉嗰乜]|點算|點解|邊度|老細|收數|話要|咁")
# Words no one writes in Taiwan: a case first taken for Taiwan (Traditional characters, a bank in both) is Hong Kong.
_CANTONESE_ONLY = re.compile(r"[冇佢咗嘅嚟喺㗎喎嗰]|屋企|點解|邊度|收數佬|唔")
# Characters written only in Simplified (their Traditional forms differ): one of them and no Traditional form
# means the person writes Simplified. Characters both scripts share (欠, 借, 月) say nothing.
_SIMPLIFIED_ONLY = re.compile(r"[们说这还钱银贷时么过没让给个为们对样会爱里吗亿万块发岁钟]")
# Where the borrower says they are wins over how they write (a Cantonese writer in Shenzhen has mainland rules).
_PLACE = (
    ("simplified", re.compile(r"(在|喺|住在|住喺|人在|身在|返咗)(深圳|广州|東莞|东莞|珠海|佛山|內地|内地|大陸|大陆|"
                              r"国内|國內)|(唔系|唔係|不是|不在)香港")),
    ("hk", re.compile(r"(在|喺|住在|住喺|人在)(香港|九龍|九龙|新界|港島|港岛)")),
    ("tw", re.compile(r"(在|住在|人在)(台灣|台湾|臺灣|台北|臺北|高雄|台中|臺中|台南|臺南|桃園|新北)")),
)
# Lenders that say where a Traditional-Chinese writer is (names after to_simplified).
_HK_LENDERS = re.compile(r"汇丰|HSBC|恒生|渣打|东亚|中银|中国银行\(香港\)|大新|WeLend|PrimeCredit|Welab|Promise|"
                         r"安信|邦民|众安|天星|livi|Mox|ZA\s?Bank", re.IGNORECASE)
# Lenders in Hong Kong and in Taiwan too: said in Cantonese, they are the Hong Kong one (「欠花旗嘅呀」).
_HK_AND_TW_LENDERS = re.compile(r"花旗|Citi|星展|DBS|大众|AEON|Aeon", re.IGNORECASE)
_TW_LENDERS = re.compile(r"国泰世华|玉山|中国信托|中信银行\(台|台新|富邦|裕融|永丰|第一银行|合作金库|华南银行|彰化银行|"
                         r"兆丰|联邦银行|元大|凯基|新光银行|和润|中租")
_TAIWAN = re.compile(r"(臺灣|台灣|新台幣|金管會|銀行公會|債清|前置協商|申訴|檢舉)")


def threats_in(text: str) -> list[str]:
    """Threat kinds named in a message (visit, lawsuit, third_party, harassment), in a fixed order."""
    return [kind for kind, cue in _THREAT_CUES.items() if cue.search(text or "")]


# A message that only names where the borrower is (the answer to 「您在香港、台湾还是内地？」), one place or a
# place and a city in it (「台灣啊 台北」「在台湾，台北市」).
_PLACE_LEAD = r"(我?(在|喺|住在|住喺|人在))?"
_PLACE_SEP = r"[\s,，、。.啊呀㗎喔囉啦嘛]*"
_PLACE_TAIL = r"[啊呀㗎喔囉啦嘛呢]?[。.!！~～]?$"


def _bare_place(names: str) -> re.Pattern[str]:
    one = rf"{_PLACE_LEAD}({names})(市|縣|县|區|区)?"
    return re.compile(rf"^{one}(?:{_PLACE_SEP}{one})*{_PLACE_TAIL}")


_BARE_PLACE = (
    ("simplified", _bare_place(r"内地|內地|大陆|大陸|国内|國內|深圳|广州|廣州|东莞|東莞|珠海|佛山|北京|上海")),
    ("hk", _bare_place(r"香港|九龍|九龙|新界|港島|港岛")),
    ("tw", _bare_place(r"台灣|台湾|臺灣|台北|臺北|高雄|台中|臺中|台南|臺南|桃園|新北")),
)


def bare_place(raw: str) -> str | None:
    """The script of the place a message names and nothing else (「台灣啊 台北」 → tw), or None."""
    return next((script for script, place in _BARE_PLACE if place.match((raw or "").strip())), None)


def region_is_clear(raw_texts: Sequence[str]) -> bool:
    """Whether the borrower's own words settle where they are: a place they name, Simplified writing, Cantonese
    words (Hong Kong) or Taiwanese terms. Traditional characters alone do not (a Hong Kong and a Taiwan user write
    the same characters; 999 and Taiwan's lines differ), so the bot asks once when that matters."""
    for raw in raw_texts:
        if any(place.search(raw) for _, place in _PLACE) or any(p.match(raw.strip()) for _, p in _BARE_PLACE):
            return True
        if _CANTONESE.search(raw) or _TAIWAN.search(raw):
            return True
        simplified = to_simplified(raw)
        if raw == simplified and re.search(r"[们说这还钱银贷欠时么过没让给]", raw):
            return True
    return False


def place_named(raw_texts: Sequence[str]) -> str | None:
    """The script of the last place the borrower named for themselves (「我喺深圳住㗎」 → simplified), if any: it
    keeps deciding the rules when later messages are written in Cantonese or Traditional characters."""
    found = None
    for raw in raw_texts:
        for script, place in _PLACE:
            if place.search(raw):
                found = script
        for script, place in _BARE_PLACE:
            if place.match(raw.strip()):
                found = script
    return found


def detect_script(raw: str, current: str | None) -> str | None:
    """'hk'/'tw' when the user writes Traditional Chinese, 'simplified' when they write Simplified; a place the
    borrower names for themselves (「我喺深圳住㗎 唔系香港」) decides over the script."""
    for script, place in _PLACE:
        if place.search(raw):
            return script
    for script, place in _BARE_PLACE:
        if place.match(raw.strip()):
            return script
    simplified = to_simplified(raw)
    changed = sum(1 for a, b in zip(raw, simplified) if a != b)
    hk_lender, tw_lender = _HK_LENDERS.search(simplified), _TW_LENDERS.search(simplified)
    if _CANTONESE.search(raw) and (hk_lender or _HK_AND_TW_LENDERS.search(simplified)) and not tw_lender:
        # 「欠渣打信用卡嘅㗎」「欠花旗嘅呀」: Cantonese about a Hong Kong lender, whichever characters it uses
        return "hk"
    if current == "tw" and _CANTONESE_ONLY.search(raw) and not tw_lender and not _TAIWAN.search(raw):
        return "hk"  # 「屋企人入咗院呀」 after 「我欠中國銀行信用卡131000塊」 (taken for Taiwan)
    if changed >= 1 and len(re.findall(r"[\u4e00-\u9fff]", raw)) >= 2:
        if _CANTONESE.search(raw):
            return "hk"
        if _TAIWAN.search(raw) or (tw_lender and not hk_lender):
            return "tw"
        if hk_lender and not tw_lender:
            return "hk"  # 「中銀欠5w，東亞107000塊」: Traditional characters and Hong Kong banks
        return current if current in ("hk", "tw") else "tw"
    if changed == 0 and _SIMPLIFIED_ONLY.search(raw):
        return "simplified"
    return None  # 「冇钱还嘅」: characters both scripts share (Cantonese is written in either): unchanged


def _entities(entities: Sequence[Mapping[str, Any]], kind: str) -> list[Mapping[str, Any]]:
    return [e for e in entities if e.get("entity") == kind and e.get("value") is not None]


def _number(value: Any) -> float | None:
    try:
        number = float(value)
    except (TypeError, ValueError, OverflowError):
        return None
    return number if math.isfinite(number) else None


def _start(entity: Mapping[str, Any], text: str) -> int:
    """Where an entity starts in the text (tests and hand-made entities may lack offsets)."""
    if isinstance(entity.get("start"), int):
        return int(entity["start"])
    found = text.find(str(entity.get("text") or entity.get("value")))
    return found if found >= 0 else len(text)


@dataclass(frozen=True)
class _Message:
    intent: str | None
    text: str
    raw_text: str
    requested_slot: str | None
    current: Mapping[str, Any]
    as_answer: bool

    @property
    def gives_facts(self) -> bool:
        """Unlabelled numbers and names may be taken as facts (not a fee in a question, not call counts)."""
        return self.as_answer or self.intent in _FACT_INTENTS


def extract_facts(
    *,
    intent: str | None,
    entities: Sequence[Mapping[str, Any]],
    text: str,
    raw_text: str,
    requested_slot: str | None,
    current: Mapping[str, Any],
    as_answer: bool = False,
    now: datetime.datetime | None = None,
) -> dict[str, Any]:
    """Slot updates for one message. ``text`` is the normalised text, ``raw_text`` what the user typed.

    ``as_answer``: the form is waiting for ``requested_slot`` and the message is read as the answer whatever its
    intent (coach.form_reading decides afterwards whether it really was one). ``now``: when the message was
    sent (dates are read against it in UTC+8; default: the current time).
    """
    msg = _Message(intent, text, raw_text, requested_slot, current, as_answer)
    updates: dict[str, Any] = {}
    script = detect_script(raw_text, current.get("script"))
    if script and script != current.get("script"):
        updates["script"] = script
    entities = with_named_lenders(text, entities, _unlisted_names(current))
    entities = _kind_roles(text, entities)
    paired = _lenders_and_debts(msg, entities, updates)
    _numbers(msg, [e for e in entities if id(e) not in paired], updates)
    _role_answer(msg, entities, updates)
    _dates(msg, updates, now)
    _plain_answers(msg, updates)
    unnamed = _without_names(text, entities)
    _plan_request(msg, updates, unnamed)
    _threats(msg, updates)
    _debt_kind(msg, updates, unnamed)
    if intent == "express_crisis":
        updates["crisis_flag"] = True
    return updates


def _kind_roles(text: str, entities: Sequence[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    """Amounts read for the kind of debt (「房贷120万」 is the debt; 「714高炮」 is a name; 「到手700」 is what reached
    the borrower, no case slot): coach/zh/debt_kind_words.role_for_kind."""
    kind = debt_kind(text)
    if kind is None:
        return list(entities)
    out: list[Mapping[str, Any]] = []
    for ent in entities:
        if ent.get("entity") == "amount" and isinstance(ent.get("start"), int) and isinstance(ent.get("end"), int):
            role = role_for_kind(kind, text, int(ent["start"]), int(ent["end"]), ent.get("role"))
            if role == "name":
                continue
            if role != ent.get("role"):
                ent = {**ent, "role": "other" if role == "received" else role}
        out.append(ent)
    return out


def _debt_kind(msg: _Message, updates: dict[str, Any], unnamed: str) -> None:
    """The kind of debt the case is about (房贷断供, 车贷逾期, 714高炮: coach/zh/debt_kind_words.py) goes to
    lender_type over the lender's family; a kind said before stays when the lender is named later (「是工行的」 after
    「房贷断供了」). ``unnamed``: the text with the lenders' names blanked (「678借条」 is a platform, no IOU)."""
    current = msg.current.get("lender_type")
    kind = case_kind(unnamed, updates.get("lender_type"), current)
    if kind is not None:
        updates["lender_type"] = kind
    elif current in DEBT_KINDS and updates.get("lender_type") is not None:
        updates["lender_type"] = current


# --- lenders, and the debts a message pairs with them -------------------------------------------------------

_SEGMENT_BREAK = re.compile(r"[，,。.;；!！?？\n、]|还有|另外|以及")
_PAID_OFF = re.compile(r"(已经?还清|还清了|结清|还完了|已还完|不欠了|没欠了|销户了)")
# Another debt besides the one the case has (「还有借呗2万」「另外微粒贷也欠了」), not a correction of the lender.
_ADDING = re.compile(r"(还有|另外|此外|以及|也欠|还欠|也有|再加|加上|又借了|又欠|同时欠|好几家|几个平台)")


def _segment_of(text: str, pos: int) -> int:
    return len(_SEGMENT_BREAK.findall(text[:pos]))


def _lender_value(entity: Mapping[str, Any]) -> str:
    return str(entity["value"])


def _span(entity: Mapping[str, Any], text: str) -> tuple[int, int]:
    start = _start(entity, text)
    end = entity.get("end")
    return start, int(end) if isinstance(end, int) else start + len(str(entity.get("text") or entity.get("value")))


def _unlisted_names(current: Mapping[str, Any]) -> tuple[str, ...]:
    """Lender names the case holds that no list has (the borrower named them; they are found when named again)."""
    names = [str(d.get("lender")) for d in current.get("debts") or [] if isinstance(d, Mapping)
             and d.get("registry") is False and d.get("lender")]
    if current.get("lender") and current.get("lender_confirmed") is False:
        names.append(str(current["lender"]))
    return tuple(dict.fromkeys(names))


def with_named_lenders(text: str, entities: Sequence[Mapping[str, Any]],
                       known: tuple[str, ...] = ()) -> list[Mapping[str, Any]]:
    """The NLU's entities plus every lender the person names that the NLU's registry lacks (case.lenders.
    find_lenders: the brands of knowledge/lender_entities.yml, 「叫速借宝的app」, 「WeLend」), and without the
    numbers inside lenders' names (「360借条」 is a name, not 360 元)."""
    out = list(entities)
    lenders = [_span(e, text) for e in out if e.get("entity") == "lender"]
    for found in find_lenders(text, known):
        if not any(a < found["end"] and found["start"] < b for a, b in lenders):
            out.append(found)
            lenders.append((found["start"], found["end"]))
    # a name no list has right before its amount (「裕融2万6」「我欠裕融36,000元」「快易花跟台新各欠2.2w」)
    amounts = [_span(e, text) for e in _entities(out, "amount") if isinstance(e.get("start"), int)
               and e.get("role") in _DEBT_ROLES
               and not any(a <= _span(e, text)[0] and _span(e, text)[1] <= b for a, b in lenders)]
    listed = bool(lenders) or len(amounts) >= 2
    for found in item_names(text, lenders, amounts, listed):
        out.append(found)
        lenders.append((found["start"], found["end"]))
    return [e for e in out if e.get("entity") != "amount" or not isinstance(e.get("start"), int)
            or not any(a <= _span(e, text)[0] and _span(e, text)[1] <= b for a, b in lenders)]


def _each_amounts(text: str, lenders: list[Mapping[str, Any]], amounts: list[Mapping[str, Any]]) \
        -> tuple[dict[int, float], set[int]]:
    """「借呗、微粒贷、京东金条各一万六」: an amount said with 各 (each) belongs to every lender named since the
    amount before it. Returns (lender entity id → amount, ids of the amounts used)."""
    given: dict[int, float] = {}
    used: set[int] = set()
    positions = sorted(_start(a, text) for a in amounts)
    for amount in amounts:
        if amount.get("role") != "each":
            continue
        at = _start(amount, text)
        since = max((p for p in positions if p < at), default=-1)
        group = [e for e in lenders if since < _start(e, text) < at]
        if group:
            for lender in group:
                given[id(lender)] = _number(amount["value"]) or 0.0
            used.add(id(amount))
    return given, used


_NOT_THIS = re.compile(r"(不是|唔系|并非|不係)\s*$")
_BUT_THIS = re.compile(r"[，,\s]*(?:而)?(?:是|系)[^\d一二两三四五六七八九十几]")
# 「不是招行 是裕融」 to the lender question: the name after 是 is the answer (the one before it is what it is not).
_ONLY_NOT = re.compile(r"(的|啦|啊|呀|哦|喔|嘅|喎|吧)?[。.!！~～\s]*")
_ONLY_NEGATED = re.compile(r"(?:不是|唔系|不係|并非)[^是系，,。\s]{1,10}?" + _ONLY_NOT.pattern)
_NOT_X_BUT = re.compile(r"^(?:不是|唔系|不係)[^是系，,。\s]{1,10}[，,\s]*(?=是|系)")


def _lenders_and_debts(msg: _Message, entities: Sequence[Mapping[str, Any]], updates: dict[str, Any]) -> set[int]:
    """Lender names, each paired with the amount said in the same clause (「借呗2万，微粒贷1万5」,
    「2万是借呗的」). Returns the ids of the amount entities used, so they are not read again."""
    text = msg.text
    lenders = sorted(_entities(entities, "lender"), key=lambda e: _start(e, text))
    # 「借呗 哦不对 是花呗」: a lender named after a self-correction replaces the one before it
    lenders = [e for i, e in enumerate(lenders)
               if i + 1 == len(lenders) or not _CORRECTION.search(text[_start(e, text):_start(lenders[i + 1], text)])]
    # 「不是招行 是建行」: a lender said as the one it is not, when another follows, is no debt of theirs
    # 「不是招行」 alone says only which lender it is not
    lenders = [e for i, e in enumerate(lenders)
               if not _NOT_THIS.search(text[max(0, _start(e, text) - 4):_start(e, text)])
               or (i + 1 == len(lenders) and not _BUT_THIS.match(text[_span(e, text)[1]:])
                   and not _ONLY_NOT.fullmatch(text[_span(e, text)[1]:]))]
    amounts = [e for e in _entities(entities, "amount") if e.get("role") in _DEBT_ROLES
               and _number(e["value"]) is not None]
    each, paired = _each_amounts(text, lenders, amounts)
    if not lenders:
        pending = _pending_amount(msg, amounts)
        if pending is not None:
            updates.update(pending[0])
            total = _total(pending[0]["debts"])
            if total is not None:
                updates["debt_amount"] = float(total)
            return pending[1]
        _unknown_lender_answer(msg, updates)
        return set()
    found: list[dict[str, Any]] = []
    for lender in lenders:
        name = _lender_value(lender)
        if any(d["lender"] == name for d in found):
            continue
        value: float | None = each.get(id(lender))
        if value is None:  # the amount right after the name first: lists run on without commas
            value = _amount_right_after(text, lender, amounts, paired)
        if value is None:
            segment = _segment_of(text, _start(lender, text))
            same_clause = next((a for a in amounts if id(a) not in paired and a.get("role") != "each"
                                and _segment_of(text, _start(a, text)) == segment), None)
            if same_clause is not None:
                paired.add(id(same_clause))
                value = _number(same_clause["value"])
        found.append({"lender": name, "amount": round(value) if value else None,
                      "registry": lender.get("registry", True) is not False})
    paid_off = bool(_PAID_OFF.search(text))
    current_debts = msg.current.get("debts")
    single = msg.current.get("lender")
    if not current_debts and single and not paid_off and any(d["lender"] != single for d in found) and (
            _ADDING.search(text) or _another_debt(msg, found, single)):
        # The case had one lender and this message adds others: the first debt joins the list, with the
        # amount known for it, or an amount said in this message outside the new lenders' clauses
        # (「3万，还有借呗2万」 answering the amount question about 招行).
        amount = msg.current.get("debt_amount")
        if amount is None or msg.requested_slot == "debt_amount":
            lender_segments = {_segment_of(text, _start(e, text)) for e in lenders}
            loose = next((a for a in amounts if id(a) not in paired
                          and _segment_of(text, _start(a, text)) not in lender_segments), None)
            if loose is not None:
                paired.add(id(loose))
                amount = _number(loose["value"])
        current_debts = [{"lender": single, "amount": round(float(amount)) if amount is not None else None,
                          "registry": msg.current.get("lender_confirmed") is not False}]
    debts = _merge_debts(current_debts, found, remove=paid_off)
    if len(found) == 1 and not paid_off and not current_debts:
        # One lender, as most conversations have: the single-debt facts, exactly as before.
        first = found[0]
        updates["lender"] = first["lender"]
        updates["lender_type"] = lender_type(first["lender"], text)
        updates["lender_confirmed"] = first["registry"]
        if first["amount"] is not None:
            updates["debt_amount"] = float(first["amount"])
            _note_recent(updates, msg, "debt_amount")
        return paired
    if len(debts) > 1 or current_debts is not None:
        updates["debts"] = debts
        total = _total(debts)
        if total is not None:
            updates["debt_amount"] = float(total)
        primary = next((d for d in debts if d["lender"] == msg.current.get("lender")), debts[0] if debts else None)
        if primary is None:
            updates.update(lender=None, lender_type=None)
        elif primary["lender"] != msg.current.get("lender"):
            updates["lender"] = primary["lender"]
            updates["lender_type"] = lender_type(primary["lender"], text)
            updates["lender_confirmed"] = primary.get("registry", True)
    elif debts:  # the case had one lender in the single-debt slots and this message names it again
        only = debts[0]
        updates["lender"] = only["lender"]
        updates["lender_type"] = lender_type(only["lender"], text)
        updates["lender_confirmed"] = only.get("registry", True)
        if only["amount"] is not None:
            updates["debt_amount"] = float(only["amount"])
    return paired


# What may stand between a lender's name and what is owed there (「农行那边还有十五万」「花旗那边40000」「中国信托的卡
# 21000」「速借宝」的平台那边还有1.8w」): no other words, so the amount is that lender's even across 还有.
_GAP = re.compile(r"^[」”\"』']?\s*(的平台|平台|的卡|张卡|嗰张卡|的网贷|的app|的APP|的|卡|信用卡|借条)?\s*"
                  r"(那边|那遍|那里|这边|那儿|那个|那笔|这笔|嗰笔|嗰边|𠮶边|嗰度|𠮶度|嗰个|𠮶个|嗰间|𠮶间|嗰张|𠮶张|那家|那张)?\s*"
                  r"(卡费|卡数)?\s*"
                  r"(说错了|讲错了|讲错咗|搞错了|错了|唔啱|不对)?[，,\s]*"
                  r"(还有|还欠|也有|也欠|欠了?|欠咗|有|是|系|[：:])?\s*$")
_BARE_NUMBER = re.compile(r"\d{1,3}(?:,\d{3})+(?!\d)|\d+(?:\.\d+)?")


def _amount_right_after(text: str, lender: Mapping[str, Any], amounts: list[Mapping[str, Any]],
                        paired: set[int]) -> float | None:
    """The amount right after a lender's name with nothing but 「那边」「的卡」「还有」 between: an amount entity,
    or a bare number the number reader left alone because no unit followed it (「玉山67000」)."""
    end = _span(lender, text)[1]
    for amount in sorted(amounts, key=lambda a: _start(a, text)):
        start = _start(amount, text)
        if start >= end and id(amount) not in paired and amount.get("role") != "each" and _GAP.match(text[end:start]):
            paired.add(id(amount))
            return _number(amount["value"])
    for m in _BARE_NUMBER.finditer(text, end):
        if not _GAP.match(text[end:m.start()]):
            break
        after = text[m.end():m.end() + 2]
        if re.match(r"\s*(期|个|天|号|月|年|%|岁|次|笔|家)", after) or re.match(r"[\d.]", after[:1]):
            break
        value = parse_amount(m.group(0))
        return float(value) if value is not None and value >= 100 else None
    return None


def _another_debt(msg: _Message, found: list[dict[str, Any]], single: str) -> bool:
    """「台北富邦的 47000」 when the case holds 中国信托 and what is owed there: another debt with its own amount,
    not a correction of the lender (a correction says so: 「不是中信 是富邦」)."""
    return msg.current.get("debt_amount") is not None and not _CORRECTION.search(msg.text) \
        and any(d["lender"] != single and d["amount"] is not None for d in found)


def _pending_amount(msg: _Message, amounts: list[Mapping[str, Any]]) -> tuple[dict[str, Any], set[int]] | None:
    """A bare amount (「8000」「大概一万」) when exactly one of several debts still has no amount and the bot asked
    for it: it is that debt's amount. Returns (updates, amount ids used) or None."""
    debts = [dict(d) for d in msg.current.get("debts") or [] if isinstance(d, Mapping) and d.get("lender")]
    missing = [d for d in debts if d.get("amount") is None]
    if len(debts) < 2 or len(missing) != 1 or len(amounts) != 1 or msg.requested_slot not in (None, "debt_amount"):
        return None
    if _CORRECTION.search(msg.text) or not msg.gives_facts:
        return None
    missing[0]["amount"] = round(_number(amounts[0]["value"]) or 0) or None
    if missing[0]["amount"] is None:
        return None
    return {"debts": debts}, {id(amounts[0])}


def _merge_debts(current: Any, found: list[dict[str, Any]], remove: bool) -> list[dict[str, Any]]:
    """The case's debt list after this message: amounts of named lenders updated, new ones added, paid ones gone."""
    debts = [dict(d) for d in current or [] if isinstance(d, Mapping) and d.get("lender")]
    for item in found:
        existing = next((d for d in debts if d["lender"] == item["lender"]), None)
        if remove:
            if existing is not None:
                debts.remove(existing)
            continue
        if existing is None:
            debts.append({"lender": item["lender"], "amount": item["amount"], "registry": item["registry"]})
        elif item["amount"] is not None:
            existing["amount"] = item["amount"]
    return debts


def _total(debts: Sequence[Mapping[str, Any]]) -> int | None:
    """What the listed debts add up to. Amounts not yet said are left out (the plan lists those lenders and asks
    for their amounts), so the form does not ask for a total the borrower has in effect already given."""
    amounts = [d["amount"] for d in debts if d.get("amount") is not None]
    return int(sum(amounts)) if amounts else None


_LENDER_CHUNK_BREAK = re.compile(r"[啊呀吧呢哦嘛啦了的，,。.!！?？\s]|刚刚|刚才|就是|那个|那家|那笔|这个")
# 再: 在 typed by ear; 其实/不对/不是: a correction (「其实是裕融」)
_LENDER_LEAD = re.compile(r"^(其实|不对|不是|应该|就是|就|是|欠款|欠的|欠|在|我欠|欠了|借的|借了|找|我再|我在|再)+")
_LENDER_TAIL = re.compile(r"(那笔|那个|那家|信用卡|贷款|借款|网贷|app|APP|啊|呀|吧|咯|喔|啦|嘅|㗎|的)+$")
_PAYING_WORDS = re.compile(r"(可以|能|先还|还钱|月尾|月底|发工资|出粮)")
_LENDERISH = re.compile(r"银行|消费金融|消金|金融|贷|花|借|卡|财务|融资|信托|白条|分期|钱包|商行")
# An answer about a fee or a demand (「还收了我2k手续费」) names no lender, whatever its first words.
_NOT_ABOUT_A_NAME = re.compile(r"手续费|服务费|会员费|收了我|扣了我|让我交|要我交")
_SOCIAL_INTENTS = {"greet", "goodbye", "thank", "affirm", "deny", "bot_challenge", "out_of_scope", "express_distress"}
_SOCIAL_WORDS = re.compile(r"^(你好|您好|在吗|嗯+|好的?|是的?|对的?|谢谢|多谢|哈哈|不是|没有|不用|哦+|啊+|喂|"
                           r"没问题|收到|明白|知道了?|了解|可以|行|好吧|好滴|哈喽|嗨|拜拜|再见|(?i:ok|okay|yes|no|hi|hello))$")


# What a sentence has and a name has not: Cantonese grammar, a time, words about the debt itself.
_A_SENTENCE = re.compile(r"[冇咗嚟揾搵唔嘅㗎喎佢哋俾畀]|听日|今日|琴日|明天|今天|昨天|本金|加起来|一攻|总攻|预期|"
                         r"利息|利系|上门|找我|打给|打电话|工作|份工|生意|住院|没还|没有还|冇还|逾期|预期|多天|个月|年了|天了")


def _brand_alone(msg: _Message) -> bool:
    """「裕融」 as the whole message before any lender is known and nothing is asked (said after the question where
    they live, read as a yes): the lender they mean, confirmed before it reaches a letter."""
    return msg.requested_slot is None and not msg.current.get("lender") and not msg.current.get("debts") \
        and msg.intent in ("affirm", "inform", "nlu_fallback", "out_of_scope") \
        and brand_like(_LENDER_TAIL.sub("", msg.text.strip()))


def _unknown_lender_answer(msg: _Message, updates: dict[str, Any]) -> None:
    """A lender the registry does not know, typed as the answer to the lender question (「国泰世华啊」).

    Only the name itself is kept (the first phrase, without particles and trailing words), and it is marked
    unconfirmed: the form asks the borrower to confirm it before it reaches a draft.
    """
    if msg.requested_slot != "lender" and not _brand_alone(msg):
        return
    if msg.requested_slot == "lender" and not (msg.gives_facts or msg.intent in ("affirm", "nlu_fallback")) \
            and not brand_like(_LENDER_TAIL.sub("", msg.text.strip())):
        return
    if _UNKNOWN.search(msg.text) or _NOT_ABOUT_A_NAME.search(msg.text) or _ONLY_NEGATED.fullmatch(msg.text.strip()):
        return  # 「不是招行」 alone names the lender it is not
    chunks = [c for c in _LENDER_CHUNK_BREAK.split(_NOT_X_BUT.sub("", msg.text)) if c]
    if not chunks:
        return
    name = _LENDER_TAIL.sub("", _LENDER_LEAD.sub("", chunks[0]))
    amounts, _ = extract_numbers(name)
    if amounts:
        # 「一攻九万六千元」 (一共, mistyped): an amount is no part of a name; a name that is only what comes
        # before the amount and starts like a numeral is the typo, not a lender
        name = name[:amounts[0].start]
        if re.match(r"[一二两三四五六七八九十几]", name) or amounts[0].role in _NOT_A_NAMES_AMOUNT:
            return  # 「月薪2500塊」 to 「欠哪家？」: the pay, not a lender called 月薪
    if _PAYING_WORDS.search(name):
        return  # 「月尾可以先還3500塊㗎」 answers something else: what they can pay, not who they owe
    if (msg.intent in _SOCIAL_INTENTS and not _LENDERISH.search(name) and not brand_like(name)) \
            or _SOCIAL_WORDS.search(name) \
            or NOT_IN_A_NAME.search(name) or _A_SENTENCE.search(name) or classify_hardship(name) \
            or threats_in(name):
        return  # 「你好」「嗯嗯」「我想申请分期还款」「冇咗份工」 are not names; the form re-asks
    # digits said as part of a name (「2345贷款王」「678借条」), never digits alone or a long number
    if 2 <= len(name) <= 10 and not re.fullmatch(r"[\d\s]+", name) and not re.search(r"\d{5,}", name) \
            and not re.search(r"\d$", name):
        updates["lender"] = name
        updates["lender_type"] = lender_type(name, msg.text)
        updates["lender_confirmed"] = False


# --- amounts and durations ------------------------------------------------------------------------------------

_NOT_A_NAMES_AMOUNT = {"income", "affordable", "expenses", "fee", "repaid", "demand", "installment"}


def _recent(msg: _Message) -> list[str]:
    """Facts given most recently, newest last (``last_fact`` slot): a correction goes to the last of its kind."""
    return [f for f in str(msg.current.get("last_fact") or "").split(",") if f]


def _note_recent(updates: dict[str, Any], msg: _Message, slot: str) -> None:
    recent = [f for f in str(updates.get("last_fact", msg.current.get("last_fact")) or "").split(",") if f]
    updates["last_fact"] = ",".join(([f for f in recent if f != slot] + [slot])[-4:])


def _slot_for(kind: str, role: str | None, msg: _Message, correction: bool, value: float = 0.0) -> str | None:
    """Which fact an amount or duration fills: its role when the words give one; otherwise the fact being
    corrected, the fact the form asked for, or the natural default (the debt; the time overdue)."""
    slots = AMOUNT_SLOTS if kind == "amount" else DURATION_SLOTS
    if role == "partial":
        # 「月底可以先还2000」 is a one-off sum, not what they can pay each month: it answers the monthly
        # question only when that is what the form just asked and nothing was said before
        if msg.requested_slot != "affordable_monthly" or msg.current.get("affordable_monthly") is not None:
            return None
        role = "affordable"
    by_role = ROLE_TO_SLOT.get(role) if role else None
    # 「我一个月只能挤出两千三」 answering the debt question is still what they can pay a month
    said_monthly = role == "affordable" and bool(_MONTHLY.search(msg.text)) and (
        msg.requested_slot not in ("monthly_income", "essential_expenses") or bool(_PAY_VERB.search(msg.text)))
    if by_role and (said_monthly or not (msg.requested_slot in slots
                                        and role not in ("debt", "income", "overdue", "expenses"))):
        return by_role
    last_of_kind = next((f for f in reversed(_recent(msg)) if f in slots), None)
    if correction and role is None and kind == "amount" and value > 0:
        # 「更正一下 是45000」 naming no fact: the known amount nearest in size (45,000 corrects the debt of
        # 67,000, not the 1,500 a month)
        known = {s: _number(msg.current.get(s)) for s in slots}
        sizes = {s: abs(math.log(value / v)) for s, v in known.items() if v and v > 0}
        if sizes:
            nearest = min(sizes, key=lambda s: sizes[s])
            if sizes[nearest] <= math.log(4) or len(sizes) == 1:
                return nearest  # the only amount known is the one corrected, whatever the size (10万1 → 23000)
    if correction and last_of_kind and role is None:
        return last_of_kind
    if msg.requested_slot in slots:
        return msg.requested_slot
    if by_role:
        return by_role
    if not msg.gives_facts:
        return None
    if kind == "amount":
        return "debt_amount" if msg.current.get("debt_amount") is None else None
    if msg.intent == "request_extension" or (msg.current.get("requested_plan") == "extension"
                                             and msg.current.get("overdue_days") is not None):
        return "extension_days"
    return "overdue_days" if msg.current.get("overdue_days") is None else None


_MONTHLY = re.compile(r"每个?月|一个月|每期|月供|月还款|月还")
# 「一个月两万」 answering the income question is the income; 「一个月最多能还两千」 is what they can pay.
_PAY_VERB = re.compile(r"能还|还得起|拿得出|拿出|能拿|最多|顶多|只能|承受|付得起|能付|挤出|还个|能缴|缴得起|还行|再多|"
                       r"可以接受|没问题|做得到|能做到")
_TOTAL_BEFORE = re.compile(r"(一共|总共|合计|加起来|加一起|总的|差不多|大概)\s*$")


def _expenses_answer(msg: _Message, entities: Sequence[Mapping[str, Any]], updates: dict[str, Any]) -> set[int]:
    """Living costs listed item by item (「房租1500，吃饭1000，差不多2500」): the total they name, else their sum.
    Unasked, only a list every item of which is said as a cost (「食飯3500塊 租金7000塊 交通600塊」)."""
    amounts = [e for e in _entities(entities, "amount") if _number(e["value"]) is not None]
    if msg.requested_slot == "essential_expenses":
        items = [e for e in amounts if e.get("role") in (None, "expenses", "debt")]
    elif len(amounts) >= 2 and all(e.get("role") == "expenses" for e in amounts):
        items = amounts
    else:
        return set()
    if len(items) < 2:
        return set()
    if _CORRECTION.search(msg.text):  # 「三千五 不对 四千」: the value said last, not items to add up
        last = max(items, key=lambda e: _start(e, msg.text))
        updates["essential_expenses"] = _number(last["value"])
        _note_recent(updates, msg, "essential_expenses")
        return {id(e) for e in items}
    total = next((e for e in items if _TOTAL_BEFORE.search(msg.text[max(0, _start(e, msg.text) - 4):
                                                                      _start(e, msg.text)])), None)
    updates["essential_expenses"] = _number(total["value"]) if total else float(sum(float(e["value"]) for e in items))
    _note_recent(updates, msg, "essential_expenses")
    return {id(e) for e in items}


# 「三千五 不对 四千」「四万，不对不对，连利息四万六」「本金三万…一共三万七」「底薪三千，加提成平均五千」: a value
# said after a self-correction, or introduced as the total, replaces the one said before it for the same fact.
_REPLACES = re.compile(
    r"不对|不是|哦不|说错|更正|改成|应该是|一共|总共|合计|加起来|加一起|连利息|加上利息|平均|税后|其实")


def _replaces_earlier(text: str, entity: Mapping[str, Any], earlier: Mapping[str, Any] | None) -> bool:
    if earlier is None:
        return False
    between = text[_start(earlier, text):_start(entity, text)]
    return bool(_REPLACES.search(between))


def _numbers(msg: _Message, entities: Sequence[Mapping[str, Any]], updates: dict[str, Any]) -> None:
    used = _expenses_answer(msg, entities, updates)
    entities = [e for e in entities if id(e) not in used]
    correction = bool(_CORRECTION.search(msg.text))
    last_of: dict[str, Mapping[str, Any]] = {}
    for kind in ("amount", "duration"):
        for ent in _entities(entities, kind):
            value = _number(ent["value"])
            role = ent.get("role")
            if value is None or role in IGNORED_ROLES:
                continue
            slot = _slot_for(kind, role, msg, correction, value)
            if kind == "amount" and _unsettled(msg, ent, slot, correction, value):
                updates.setdefault("amount_unsettled", value)  # asked about (「您说的5,000元是指…」), not guessed
                continue
            if slot and (slot not in updates or _replaces_earlier(msg.text, ent, last_of.get(slot))):
                updates[slot] = value
                last_of[slot] = ent
                _note_recent(updates, msg, slot)


# 「还有5000」 alone, with the debt known: another debt or what is left of this one; the words do not say which.
_BARE_MORE = re.compile(r"^(那|哦|噢|对了|还有就是)?[，,\s]*(另外|其他|其它)?还(有|剩)(一笔|一个|个|大概|差不多|约)?$")
_AMOUNT_TAIL = re.compile(r"^\s*(块钱?|元|蚊|文|块|左右|的样子|吧|啊|呢|呀|哈|。|！|\.|!)*\s*$")
# The answer in words to the question about an amount's role (「每个月能还的」「是收入」).
_ROLE_ANSWER = (
    ("debt_amount", re.compile(r"欠款|欠的|总额|一共|总共|本金|欠了|是欠|剩下的?欠|还欠")),
    ("affordable_monthly", re.compile(r"每个?月能?还|每月能|一个月能|能还的|还得起|能拿出|每月还|月还")),
    ("monthly_income", re.compile(r"收入|工资|月薪|挣|赚|人工|薪水")),
)
_NONE_OF_THESE = re.compile(r"都不是|都唔系|不是这些|别管|不用管|算了|随便说的|没什么|^(不知道|不清楚|说不清|唔知)")


# Questions of the form that no amount answers.
_NO_AMOUNT_ANSWERS = ("overdue_days", "extension_days", "hardship_reason")


def _known_amount(msg: _Message, value: float) -> bool:
    """An amount the case already holds (said again)."""
    known = [_number(msg.current.get(s)) for s in AMOUNT_SLOTS]
    known += [_number(d.get("amount")) for d in msg.current.get("debts") or [] if isinstance(d, Mapping)]
    return any(k is not None and abs(k - value) < 0.5 for k in known)


def _unsettled(msg: _Message, ent: Mapping[str, Any], slot: str | None, correction: bool, value: float) -> bool:
    """An amount outside the form that the words give no role the case can use: 「5000」「我手上有3000」 after the
    facts are in, or 「还有5000」 alone when the debt is known. It is asked about, never guessed; an amount the case
    already holds (said again) is not."""
    if correction or value < 50:
        return False
    start, end = _span(ent, msg.text)
    bare_more = bool(_BARE_MORE.match(msg.text[:start].strip())) and bool(_AMOUNT_TAIL.match(msg.text[end:]))
    if msg.requested_slot is not None:
        # the form asks something no amount answers (how long, why): 「我手上有五百块」 is asked about the same way,
        # and 「还有1200」 alone whatever the form asks
        # (to 「每个月最多能拿出多少」 too: 「还有1200」 may be another debt, what is left, or what they have)
        asked_about = bare_more or (msg.requested_slot in _NO_AMOUNT_ANSWERS and ent.get("role") in (None, "partial"))
        return asked_about and msg.current.get("debt_amount") is not None and not _known_amount(msg, value)
    if _known_amount(msg, value):
        return False
    role = ent.get("role")
    if slot is None:
        return role in (None, "partial") and msg.current.get("debt_amount") is not None
    if slot != "debt_amount" or msg.current.get("debt_amount") is None:
        return False
    return bare_more


def lets_amount_go(text: str) -> bool:
    """「都不是」 to the question about an amount's role."""
    return bool(_NONE_OF_THESE.search(text))


def _role_answer(msg: _Message, entities: Sequence[Mapping[str, Any]], updates: dict[str, Any]) -> None:
    """The answer to 「您说的5,000元是指…」 in words (「每个月能还的」「是收入」「都不是」): the amount asked about
    goes to that fact. The question lives one turn: any other message lets it go."""
    pending = _number(msg.current.get("amount_unsettled"))
    if pending is None:
        return
    if "amount_unsettled" not in updates:
        updates["amount_unsettled"] = None
    if _entities(entities, "amount") or _NONE_OF_THESE.search(msg.text):
        return
    slot = next((s for s, words in _ROLE_ANSWER if words.search(msg.text)), None)
    if slot is not None and slot not in updates:
        updates[slot] = pending
        _note_recent(updates, msg, slot)


# --- dates: the day the borrower says they will pay -------------------------------------------------------------

# Words that make a date to come the day of a payment or of the time asked for (not a contact or a due date).
_PAY_DAY = re.compile(r"还清|还上|还完|结清|一次还|一次性还|发工资|发了工资|工资|到账|宽限|延期|推迟|推到|延到|"
                      r"之前还|前还|再还|就还|能还|可以还|会还|那天还|拿到钱|回款|结款|奖金")


def message_day(now: datetime.datetime | None) -> datetime.date:
    """The day a message was sent, in UTC+8."""
    moment = now or datetime.datetime.now(UTC8)
    return (moment.astimezone(UTC8) if moment.tzinfo else moment).date()


def _dates(msg: _Message, updates: dict[str, Any], now: datetime.datetime | None) -> None:
    """「1月15号发了工资一次还清」 (said in December: next year's 15 January) and the correction 「不是12月15号 是明年
    1月15号」: the time asked for, in days from the message day, as ``extension_days``."""
    if "extension_days" in updates or not (msg.gives_facts or msg.intent == "deny" or _CORRECTION.search(msg.text)):
        return  # 「不对 是明年1月15号」 is a correction whatever intent a model gives it
    today = message_day(now)
    day = upcoming_date(msg.text, today)
    if day is None:
        return
    about_time = msg.requested_slot == "extension_days" or bool(_PAY_DAY.search(msg.text)) or (
        bool(_CORRECTION.search(msg.text)) and (msg.current.get("extension_days") is not None
                                                or "extension_days" in _recent(msg)
                                                or msg.current.get("requested_plan") == "extension"))
    days = (day - today).days
    if about_time and 0 < days <= 366:
        updates["extension_days"] = float(days)
        _note_recent(updates, msg, "extension_days")


# --- answers without numbers: not overdue, no income, the reason, "I don't know" ------------------------------

_YES = re.compile(r"^(对|对的|是|是的|没错|嗯|嗯嗯|对啊|是啊|正确|就是|就是它|就是这家|yes|ok|好)")
_NO = re.compile(r"(不对|不是|错了|搞错|写错|no\b)")


def _plain_answers(msg: _Message, updates: dict[str, Any]) -> None:
    text, requested = msg.text, msg.requested_slot
    # 「不对 是逾期一个半月」 while the name is being confirmed corrects another fact, not the name: the name stays
    # and its question comes again.
    # 「年纪大了 厂里不要我们了」 (read as a no by a model) or 「他们说明天上门」 tells something else: they went on
    corrects_other = any(k in updates for k in (*AMOUNT_SLOTS, *DURATION_SLOTS, "debts")) or \
        bool(classify_hardship(text)) or bool(threats_in(text))
    if requested == "lender_confirmed" and "lender" not in updates and not corrects_other:
        if _UNKNOWN.search(text):
            updates["lender_confirmed"] = True  # 「唔記得」: not sure of the spelling; the name stays as they wrote it
        elif _NO.search(text) or (msg.intent == "deny" and not _YES.search(text)):
            updates.update(lender=None, lender_type=None, lender_confirmed=None)  # ask for the name again
        elif _YES.search(text) or msg.intent == "affirm":
            updates["lender_confirmed"] = True
    elif requested == "lender_confirmed" and "lender" not in updates and not _NO.search(text):
        # 「一共1.8萬呀」 to 「我記下的機構是「Promise」，對嗎？」: they saw the name and went on; the name stands
        # (asking it again after every fact is the loop people give up on)
        updates["lender_confirmed"] = True
    if requested == "overdue_days" and "overdue_days" not in updates and _NOT_OVERDUE.search(text):
        updates["overdue_days"] = 0.0
    elif requested == "overdue_days" and "overdue_days" not in updates and _JUST_OVERDUE.search(text):
        updates["overdue_days"] = 2.0 if "前天" in text else 1.0
    if requested in ("monthly_income", "affordable_monthly") and requested not in updates \
            and _ZERO_MONEY.search(text):
        updates[requested] = 0.0
    # 「其实我没住院」「原因就写住院 写得像一点」: a hardship said to be untrue, or asked for as a lie, is no fact
    told = strip_untrue(text) if untrue_hardship(text) else text
    reason = None if deception_request(text) or hardship_only_weighed(text) else classify_hardship(told)
    if reason in (msg.current.get("untrue_claims") or []):
        reason = None
    if reason:
        updates["hardship_reason"] = reason
    elif requested == "hardship_reason" and updates.get("amount_unsettled") is None \
            and msg.current.get("amount_unsettled") is None and (
            msg.as_answer or msg.intent in ("inform", "cannot_pay", "deny", "express_distress")) \
            and len(text) >= 2 and not _UNKNOWN.search(text):
        updates["hardship_reason"] = "其他"
    if requested and requested not in updates and _UNKNOWN.search(text):
        unknown = list(msg.current.get("facts_unknown") or [])
        if requested not in unknown:
            updates["facts_unknown"] = [*unknown, requested]


# --- what the borrower asks for: the kind of plan, their own number of installments ---------------------------

_CN_SMALL = "[一二两三四五六七八九十]{1,3}"
_MONTHS = re.compile(rf"分\s*(\d{{1,3}}|{_CN_SMALL})\s*(?:期|个月)|分\s*(\d{{1,2}}|{_CN_SMALL})\s*年")
# Intents whose words may change the plan asked for by name (「改成分期 每月1500」), not questions about it.
_PLAN_TALK_INTENTS = {"inform", "affirm", "deny", "cannot_pay", "ask_script", *PLAN_BY_INTENT}


def requested_months_in(text: str) -> int | None:
    """The number of monthly installments the borrower asks for: 「分12期」 → 12, 「分两年」 → 24."""
    m = _MONTHS.search(text or "")
    if not m:
        return None
    number, years = (m.group(1), False) if m.group(1) else (m.group(2), True)
    value = int(number) if number.isdigit() else parse_amount(number)
    if not value:
        return None
    months = value * 12 if years else value
    return months if 1 <= months <= 120 else None


def _without_names(text: str, entities: Sequence[Mapping[str, Any]]) -> str:
    """``text`` with each lender's name blanked (「金豆分期」「来分期」 ask for no installment plan)."""
    chars = list(text)
    for ent in _entities(entities, "lender"):
        if isinstance(ent.get("start"), int) and isinstance(ent.get("end"), int):
            chars[ent["start"]:ent["end"]] = "某" * (ent["end"] - ent["start"])
    return "".join(chars)


def _plan_request(msg: _Message, updates: dict[str, Any], unnamed: str) -> None:
    """The plan asked for, in the borrower's words (``unnamed``: the text without lenders' names)."""
    plan = PLAN_BY_INTENT.get(msg.intent or "")
    if plan and msg.as_answer and not NAMES_PLAN[plan].search(unnamed):
        # A reply to the form's question (「还没逾期，下周五到期」 read as request_extension): the plan changes on
        # the borrower's words, never on the classifier's guess alone.
        plan = None
    if plan is None and (msg.as_answer or msg.intent in _PLAN_TALK_INTENTS):
        plan = next((kind for kind, words in PLAN_WORDS if words.search(unnamed)), None)
    if plan and plan != msg.current.get("requested_plan"):
        updates["requested_plan"] = plan
    months = requested_months_in(msg.text)
    if months and (plan or msg.current.get("requested_plan") or "installment") == "installment":
        updates["requested_months"] = float(months)
        if msg.current.get("requested_plan") != "installment":
            updates["requested_plan"] = "installment"


def _threats(msg: _Message, updates: dict[str, Any]) -> None:
    threats = list(msg.current.get("threat_types") or [])
    # a threat the classifier read into a message that names no collector, call or visit is none (「间公司执笠」)
    found = [THREAT_BY_INTENT[msg.intent]] if msg.intent in THREAT_BY_INTENT and \
        not tells_of_no_collector(msg.text) else []
    if msg.intent in _NARRATIVE_INTENTS:
        found += threats_in(msg.text)
    new = [t for t in dict.fromkeys(found) if t not in threats]
    if new:
        updates["threat_types"] = threats + new
    _debt_threats(msg, updates, list(dict.fromkeys(found)))


def _debt_threats(msg: _Message, updates: dict[str, Any], found: list[str]) -> None:
    """A threat reported about one of several lenders by name (「招行说要起诉我」) is kept with that debt: the
    plan names a lender that threatened a lawsuit first."""
    debts = updates.get("debts", msg.current.get("debts"))
    if not found or not isinstance(debts, list) or len(debts) < 2:
        return
    debts = [dict(d) for d in debts if isinstance(d, Mapping)]
    changed = False
    # clause by clause (「欠招行3万、借呗2万，招行说要起诉她」): a clause naming one lender and a threat; a threat
    # report (by intent) naming one lender anywhere counts for that lender
    clauses = re.split(r"[，,。.;；!！?？\n]", msg.text)
    whole = [d for d in debts if names_lender(msg.text, str(d.get("lender") or ""))]
    for clause in clauses:
        named = [d for d in debts if names_lender(clause, str(d.get("lender") or ""))]
        kinds = [t for t in threats_in(clause) if t in found]
        if not kinds and len(whole) == 1 and msg.intent in THREAT_BY_INTENT:
            kinds = found
        if len(named) != 1 or not kinds:
            continue
        have = list(named[0].get("threats") or [])
        new_kinds = [t for t in kinds if t not in have]
        if new_kinds:
            named[0]["threats"] = have + new_kinds
            changed = True
    if changed:
        updates["debts"] = debts


def names_lender(text: str, lender: str) -> bool:
    """Whether ``text`` names ``lender`` (its canonical name or a registry alias)."""
    return bool(lender) and any(alias and alias in text for alias in (lender, *aliases_of(lender)))
