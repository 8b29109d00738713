"""The lender registry, data/nlu/lenders.yml, read once for the case model. Pure: no Rasa imports.

The same file trains the NLU (the ``lender`` lookup table for DIET's features and the LenderExtractor, the
synonyms for the aliases); here it gives the canonical names, the family of each by the file's stated
convention (banks end in 银行, licensed consumer-finance companies in 消费金融, the rest are platforms) and
the names a bank goes by without 银行 (招行, 浦发, 掌上生活), so that free text can name a bank.
"""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from coach.zh.numbers import GLUED_NAME_CHAR

LENDERS_PATH = Path(__file__).resolve().parents[2] / "data" / "nlu" / "lenders.yml"


def _examples(block: str) -> list[str]:
    return [line.strip()[2:].strip() for line in (block or "").splitlines() if line.strip().startswith("- ")]


def family(canonical: str) -> str:
    """"bank", "consumer_finance" or "platform", by the registry's naming convention."""
    if canonical.endswith("银行"):
        return "bank"
    if canonical.endswith("消费金融"):
        return "consumer_finance"
    return "platform"


def _load() -> tuple[tuple[str, ...], dict[str, tuple[str, ...]]]:
    items = yaml.safe_load(LENDERS_PATH.read_text(encoding="utf-8"))["nlu"]
    canonical = tuple(n for item in items if item.get("lookup") == "lender" for n in _examples(item["examples"]))
    aliases = {item["synonym"]: tuple(_examples(item["examples"])) for item in items if "synonym" in item}
    return canonical, aliases


CANONICAL, ALIASES = _load()
PLATFORMS: tuple[str, ...] = tuple(n for n in CANONICAL if family(n) == "platform")
# A bank named without 银行 in free text (招行, 邮政储蓄, 买单吧); aliases with 银行 in them need no list.
BANK_SHORT_NAMES: tuple[str, ...] = tuple(
    a for name in CANONICAL if family(name) == "bank" for a in ALIASES.get(name, ()) if "银行" not in a)


# Every name the NLU's registry knows (its own extractor finds them, with their canonical names).
_REGISTRY_NAMES = frozenset(CANONICAL) | frozenset(a for names in ALIASES.values() for a in names)
_REGISTRY_LOWER = frozenset(n.lower() for n in _REGISTRY_NAMES)


def aliases_of(canonical: str) -> tuple[str, ...]:
    """The names a lender goes by (招商银行 → 招行, 招商, CMB …); empty for a name the registry does not know."""
    return ALIASES.get(canonical, ())


# Words that never stand in a lender's name, for names the registry does not know: a claim (「他们有内部渠道 银行只认
# 他们」), a question, or a request typed where a name was asked (「我想申请分期还款」). One list for the NLU's
# bank-name pattern and for the form's answer to 「哪家机构」.
NOT_IN_A_NAME = re.compile(
    r"渠道|内部|部门|只认|正规|官方|什么|哪个|哪家|这个|那个|合作|所谓|假的|冒充|说|叫|找|认识|"
    r"^我|我想|想要|申请|怎么|能不能|可不可以|可以吗|帮我|请问|不想|还不上|还不起|没钱|"
    r"每个?月|一个月|之前|以前|原来|本来|要还|月供|逾期|催收|总共|一共|收入|疫情|不出|缴不|交不|不了|打来|打电话|"
    r"一攻|总攻|本金|加起来|欠款|工资|到手|算错|说错|讲错|记错|利系|利息|嘅|嗯|然后|的是|谈|商量|协商|聊|其实|不对|不是|应该|改成|更正|错了|已经|拖|"
    # a question is no name (「讨债公司这样合法吗」 to the lender question)
    r"吗|嘛|合法|违法|这样|那样|讨债|收数")


# --- the widened registry: knowledge/lender_entities.yml ------------------------------------------------------
# The sourced list of brands (facts §13) names lenders the NLU registry lacks (网商贷, 来分期, 省呗 …) and more
# aliases. The NLU finds the registry's names; ``find_lenders`` finds these and names the registry does not know.

ENTITIES_PATH = Path(__file__).resolve().parents[2] / "knowledge" / "lender_entities.yml"
# Aliases too general to name one lender (信用贷 is any bank's product; 信用付 belongs to two brands; 信也 is part
# of ordinary words), and 滴滴 (rides and drivers far more often than loans; the NLU vetoes it the same way).
_GENERAL_ALIASES = {"信用贷", "信用付", "月付", "信也", "滴滴"}
_KIND_TO_TYPE = {"bank": "bank_loan", "consumer_finance": "consumer_finance", "microloan": "platform",
                 "platform": "platform"}


def _registry_name(name: str) -> str | None:
    if name in CANONICAL:
        return name
    return next((c for c, names in ALIASES.items() if name in names), None)


def _registry_name_within(brand: str) -> str | None:
    """The registry's lender whose longest name stands inside a brand's name (招联好期贷 → 招联消费金融)."""
    names = [(n, c) for c in CANONICAL for n in (c, *ALIASES.get(c, ())) if len(n) >= 2 and n in brand]
    return max(names, key=lambda nc: len(nc[0]))[1] if names else None


def names_a_lender(text: str) -> bool:
    """Whether the words hold a lender's name the registry or the brand list knows (「工行」「中银的卡」「度小满」)."""
    return _registry_name_within(text) is not None or bool(find_lenders(text))


def _load_brands() -> tuple[dict[str, str], dict[str, str]]:
    """(alias or brand → canonical name, canonical name → lender type) for the brands the registry lacks."""
    brands = yaml.safe_load(ENTITIES_PATH.read_text(encoding="utf-8")).get("brands") or []
    counts: dict[str, int] = {}
    for brand in brands:
        for alias in {brand["brand"], *(brand.get("aliases") or [])}:
            counts[str(alias)] = counts.get(str(alias), 0) + 1
    names: dict[str, str] = {}
    kinds: dict[str, str] = {}
    for brand in brands:
        canonical = _registry_name(brand["brand"]) or _registry_name_within(brand["brand"]) or brand["brand"]
        if canonical not in CANONICAL:
            kinds[canonical] = _KIND_TO_TYPE.get(str(brand.get("kind")), "other")
        for alias in (brand["brand"], *(brand.get("aliases") or [])):
            alias = str(alias)
            if alias in _GENERAL_ALIASES or counts[alias] > 1 or len(alias) < 2 or _registry_name(alias):
                continue  # the NLU already finds registry names (with its vetoes)
            names[alias] = canonical
    return names, kinds


EXTRA_NAMES, EXTRA_TYPES = _load_brands()
_EXTRA_PATTERN = re.compile("|".join(re.escape(n) for n in sorted(EXTRA_NAMES, key=len, reverse=True)),
                            re.IGNORECASE) if EXTRA_NAMES else None

_NAME = r"[A-Za-z0-9\u4e00-\u9fff]"
# 「一个叫速借宝的app」「叫做“闪电借”」: whatever is called by a name is named.
_CALLED_LEAD = re.compile(r"(?:名字叫|叫做|名叫|叫)[“\"「『']?")
_CALLED_END = re.compile(r"[”\"」』']?(?=的|嘅|app|APP|App|平台|软件|借款|贷款|网贷|上|里|[，,。.!！?？、\s]|\d|$)")


def _called_names(text: str) -> list[tuple[int, int]]:
    """Spans of 「一个叫X的app」 names: the shortest plausible name that ends where a name can end, so digits and
    lender words inside a name stay in it (「叫2345贷款王的app」 is 2345贷款王, not 2345)."""
    spans = []
    for lead in _CALLED_LEAD.finditer(text):
        start = lead.end()
        for end in range(start + 2, min(len(text), start + 10) + 1):
            name = text[start:end]
            if not re.fullmatch(f"{_NAME}+", name):
                break
            if name[-1].isdigit() and text[end:end + 1].isdigit():
                continue  # the middle of a number
            if _CALLED_END.match(text, end) and _plausible(name) and not re.fullmatch(r"[\d.]+", name):
                spans.append((start, end))
                break
    return spans


_QUOTED = re.compile(rf"[“\"「『'](?P<name>{_NAME}{{2,10}})[”\"」』']")
_QUOTED_CONTEXT_BEFORE = re.compile(r"(欠|还有|另外|在|叫|个|用|下了?|借|和|跟|、)\s*$")
_QUOTED_CONTEXT_AFTER = re.compile(r"^\s*(app|APP|App|平台|软件|上|里|借|贷|欠|\d|[一二两三四五六七八九十几])")
# Latin names (WeLend, Welab, PrimeCredit) with an amount after them or 欠 before them.
# A Latin name ends in a letter: 「PrimeCredit9.8w」「Welab92000」 are a name and an amount.
# (「PrimeCredit9w」: 9w is the amount, though w is a letter)
_LATIN = re.compile(r"(?<![A-Za-z0-9])(?P<name>[A-Za-z][A-Za-z0-9]{1,18}[A-Za-z])(?<![0-9][wWkK])(?![A-Za-z])")
_LATIN_NOT_NAMES = {"app", "rmb", "hkd", "usd", "ntd", "twd", "cny", "ok", "okay", "cs", "wechat", "wx", "vx",
                    "qq", "sms", "pdf", "ios", "iphone", "android", "http", "https", "www", "com", "the", "and",
                    "hello", "hi", "yes", "no", "sorry", "thanks"}
_LATIN_AFTER = re.compile(r"^\s*(欠|借|贷|各|同|和|跟|、|app|APP|那边|那遍|那里|嗰|𠮶|度|\d|"
                          r"[一二两三四五六七八九十几])")
# At the end of a message only a name written as a brand is one (「PrimeCredit嘅」, not 「thx」「hey」).
_LATIN_AT_END = re.compile(r"^\s*(嘅|㗎|呀|啊|吧|喎|㖞|啦|喇|咯|的)?[。.!！]?$")
# 「PrimeCredit 中銀 各欠十二萬」: a brand in a list of names that share one amount.
_EACH_AHEAD = re.compile(r"^[^，,。；;!！?？\d]{0,10}各")
_LATIN_BEFORE = re.compile(r"(欠|还有|另外|和|跟|同|、|叫|在|是|系)\s*$")
# Chinese names that end like a lender's (速借宝, 闪电借, 某某分期) right after 欠/还有/另外 (「还有个速借宝2千」).
_SUFFIXED = re.compile(r"(?:欠款|欠了?|还有个?|另外(?:还有)?个?|以及|再加个?|加上|和|跟|、|那个|这个|那家|这家|"
                       r"^(?:是|就是|系))"  # 「是快易花的 那個 一共欠34,000元」
                       r"(?:的是|是)?"
                       r"(?P<name>[\u4e00-\u9fff]{1,5}?(?:借条|钱包|分期|钱庄|金融|贷|借|宝|花))"
                       r"(?=\s*\d|\s*[一二两三四五六七八九十几]|欠|还|的|也|都|就|总|一共|app|APP|平台|上|那|这|嗰|呢|啊|吧|嘅|"
                       r"嗯|哦|呃|额|啦|喔|[，,。、\s]|$)")
# The same names as an item of a list, with its amount right after (「龙卡欠92000 光大一万九 金豆分期八万五」,
# 「玉山67000，快易花欠96,000元」; after the normaliser drops the spaces, right after the last amount's 元/块): the
# amount right after makes it a lender.
_NAME_CHAR = r"(?:(?![一二两三四五六七八九十百千万元块左右欠的那边])[\u4e00-\u9fff])"
_LISTED = re.compile(r"(?:^|(?<=[\s，,；;。、:：元块右是系和跟同在下过笔家些\dwk一二两三四五六七八九十百千万]))"
                     rf"(?P<name>(?:(?<![\d.,wk])[0-9]{{1,4}}{_NAME_CHAR}{{0,4}}?|{_NAME_CHAR}{{1,5}}?)"
                     r"(?:借条|钱包|分期|钱庄|金融|贷|借|宝|花))"
                     r"(?=\s*(?:那边|那里|的)?\s*(?:欠了?|借了?)?\s*(?:差不多|大概|大约|约|将近|快)?\s*"
                     r"(?:\d|[一二两三四五六七八九十]))")
# A name led by digits and said without an amount (「借款人欠的是2345贷款王」「还有个678借条」): the digits are part
# of the name when a lender's word follows them at once; a round number (「欠5000贷款王」) stays an amount.
_DIGIT_LED = re.compile(r"(?:^|欠款|欠了?|欠的是|就是|就|是|还有个?|另外(?:还有)?个?|以及|和|跟|、|在|那个|这个)"
                        r"(?P<name>\d{2,4}[\u4e00-\u9fff]{0,2}?"
                        r"(?:贷款|借条|钱包|分期|金融|贷|借|花|宝)"
                        r"(?:(?![各欠的嘅都也共和跟还有那这一二两三四五六七八九十百千万几大约差左])[\u4e00-\u9fff]){0,2}?)"
                        r"(?=的|嘅|也|都|大概|大约|差不多|左右|那边|那笔|那家|app|APP|App|平台|上|里|欠|借了|还有|一共|总共|\d|"
                        r"[一二两三四五六七八九十几][万千百块元w]|[，,。.!！?？、\s]|$)")
# 「小鹿钱包 就是说 一共欠5.4w」: a name ending like a lender's that opens the message, then words that lead to what is
# owed there (the debt said later in the same message).
_OPENING_NAME = re.compile(r"\s*(?:对了|哦|噢|嗯|呃|啊|那个|还有个?|另外|其实)*\s*"
                           r"(?P<name>(?:(?![了对哦嗯啊呀吧呢嘛])[\u4e00-\u9fff]){1,5}?(?:借条|钱包|分期|钱庄|金融|贷|借|宝|花))"
                           r"(?=\s*(?:就是说|就是|那个|这个|那边|那遍|那里|嘛|呢|啊)[^\n]*(?:欠|\d|[一二两三四五六七八九十][万千]))")
# 「哦還有個裕融也逾期了」: another debt named with no amount and no lender's ending; only a brand-like word (jieba's
# dictionary lacks it), so 「还有个朋友也催了」 names no lender.
_ALSO_OWED = re.compile(r"(?:还有个?|另外(?:还有)?个?|以及)(?P<name>[\u4e00-\u9fffA-Za-z]{2,6}?)(?:的|那边|那家)?"
                        r"(?=(?:也|都)(?:有|逾期|欠|没还|还不上|还不起|要还|在催|催))")
# 「还有裕融」 as the whole message: one more lender, by a name no list has.
_ALSO_ALONE = re.compile(r"^\s*(?:还有|另外还有|另外|以及|仲有|还有一家|还有一个|还有个|还有间)"
                         r"(?P<name>[\u4e00-\u9fffA-Za-z]{2,6}?)"
                         r"(?:的|嘅|那边|那家|嗰间)?(?:啊|呀|喔|哦|呢|啦|喎|吧)?[。.!！~～]?\s*$")
# 「是裕融的」 as the whole message: whose debt it is, by a name no list has (confirmed before it is used). Words
# that say how or when, not whose (「是真的」「是去年的」「是正规的」), are no name.
_WHOSE = re.compile(r"^(?:(?:是|就是|系)(?P<name>[\u4e00-\u9fffA-Za-z]{2,6}?)(?:的|嘅|那边|那家|嗰间)?|"
                    r"(?:欠的是|欠)(?P<owed>[\u4e00-\u9fffA-Za-z]{2,6}?)(?:的|嘅|那边|那家|嗰间))"
                    r"(?:钱|债|账|款|卡)?(?:啊|吧|呀|啦|喔|嘛)?[。.!！]?$")
_NOT_WHOSE = re.compile(r"真|假|对|错|好|坏|新|旧|一样|同一|一家|一个|这|那|哪|什么|怎|自愿|故意|正规|合法|违法|"
                        r"官方|私人|个人|本人|昨|今|明|去年|前年|上个|这个|之前|以前|刚|最近|早|晚|月|年|天|号|多|少|大|小|催收|"
                        r"外包|律师|法院|短信|电话|微信|网上|线上|线下|手机|工作|上班|生意|看病|房|车|学|医|家里|被|为|要|会|"
                        r"能|可|应|必|该|借|欠|还|催|是|系|啊|呀|吗|吧|呢|嘛|了|咗|[一二两三四五六七八九十百千万零几\d]")
# Words that lead a list, not part of the first name in it (「分别是小鹿钱包那边19000」).
# A message that is only a name ending like a lender's (「快易花」「是快易花的」): the lender they mean.
_BARE_NAME = re.compile(r"^(?:是|就是|就|欠的是|欠|还有|还有个|另外)?"
                        r"(?P<name>(?:\d{2,4}|[A-Za-z]{1,6})?[\u4e00-\u9fff]{0,5}?(?:借条|钱包|分期|钱庄|金融|贷|借|宝|花))(?:那笔|那个|那家)?(?:的|啊|吧|呀|啦|嘅|喔)?[。.!！]?$")
# 「就裕融那筆」「是速借宝那家」: a name said as 「the X one」, with or without a lender's ending.
_THAT_ONE = re.compile(r"^(?:就是?|是|欠)?(?P<name>[A-Za-z0-9\u4e00-\u9fff]{2,8}?)"
                       r"(?:那笔|那家|那张卡|那个平台|嗰笔|嗰间|嗰张卡)(?:钱|欠款|账|债)?(?:的|啊|吧|呀|啦|嘅|喔|咯)?[。.!！]?$")
# 「就裕融那筆 那個 加上利息一共三萬六千元」: the same at the start of a longer message, for a brand-like name only.
_THAT_ONE_LEADS = re.compile(r"^\s*(?:就是?|是|欠)?(?P<name>[A-Za-z\u4e00-\u9fff]{2,6}?)(?:那笔|嗰笔|的那笔)")
_LIST_LEAD = re.compile(r"^((欠款)?明细|(这|那|一)?几?笔|我算了?一?下|我计过|我算过|我看了?一?下|分别是|主要是|就是|"
                        r"还有个?|有个?|是|系|欠了?|[我他她]们?[在再]|在|再|[我他她]们?欠了?)+")  # 再: 在 typed by ear
# Words that are no lender's name though they end like one.
_GENERIC = re.compile(r"^(网贷|贷|小贷|信用贷|贷款|借贷|房贷|车贷|网络贷|高利贷|民间借贷|私贷|套路贷|借|外借|借借|"
                      r"分期|花|金融|宝|钱包|钱庄|信用卡分期|账单分期|消费贷|经营贷|装修贷|助学贷|校园贷|一个|别的|"
                      r"其他|其它|好几|几个|两个|三个|这个|那个|余额宝|余利宝|零钱通|支付宝)$")
_PERSONAL = re.compile(r"[我你他她们人家]|朋友|亲戚|同事|老板|公司|单位|爸|妈|老婆|老公|哥|姐|弟|妹|东西|钱了|什么")


# A short name ending like a lender's may hold 你/我/人/家 (你我贷, 人人贷): the pronoun check is for names that do
# not; words for people still count (「朋友借条」 is an IOU to a friend, not a brand), and in a longer one 家 is a
# list's word (「好几家米花花」).
_LENDER_ENDING = re.compile(r"(借条|钱包|分期|贷|宝|花)$")
_PRONOUN_CHARS = re.compile(r"[我你他她们人家]")


def _plausible(name: str) -> bool:
    name = name.strip()
    ending = _LENDER_ENDING.search(name)
    if ending and 0 < ending.start() <= 2 and not re.match(r"^[我你他她]的", name):
        personal = _PERSONAL.search(_PRONOUN_CHARS.sub("", name[:ending.start()]))
    else:
        personal = _PERSONAL.search(name)
    return 2 <= len(name) <= 12 and not _GENERIC.match(name) and not personal \
        and not NOT_IN_A_NAME.search(name) and not re.fullmatch(r"[\d一二两三四五六七八九十百千万几]+", name) \
        and not re.match(r"[年月日号天岁个元块万千多下]", name)  # 「2024年借的」「算一下」: the end of a date, a number


def _uncommon_word(name: str) -> bool:
    """Whether a name is a brand rather than everyday words: Latin, or a word jieba's dictionary does not have and
    does not cut into common words (「裕融」「邦民」 are brands; 「可以」「中介」「客服」「为了还债」 are not)."""
    if re.fullmatch(r"[A-Za-z][A-Za-z0-9]*", name):
        return True
    import jieba  # only for this rare reading; the dictionary loads once, on first use

    jieba.dt.check_initialized()  # the dictionary's frequencies are there only once it has loaded
    freq = jieba.dt.FREQ
    return not freq.get(name) and not any(len(w) >= 2 and freq.get(w, 0) >= 50
                                             for w in jieba.lcut(name, HMM=False))


def brand_like(name: str) -> bool:
    """A name said on its own that reads as a brand whatever a classifier makes of the message (「裕融」 read as a
    yes, 「Promise喎」): Latin that is no everyday English word, or Chinese that jieba's dictionary does not have."""
    if re.fullmatch(r"[A-Za-z][A-Za-z0-9]*", name):
        return name.lower() not in _LATIN_NOT_NAMES and len(name) >= 3
    # no character of a fact word or a yes/no (「还剩」「首付」 are no brands, whatever jieba knows)
    return bool(re.fullmatch(rf"{GLUED_NAME_CHAR}{{2,6}}", name)) and not re.search(r"[A-Za-z]", name) \
        and _uncommon_word(name)


def _dictionary_word(name: str) -> bool:
    """A word of jieba's dictionary (「宝宝」「钱包」), so no brand said on its own."""
    import jieba

    jieba.dt.check_initialized()
    return bool(jieba.dt.FREQ.get(name))


def _digits_may_lead(name: str) -> bool:
    """Whether digits before a name are part of it (「2345贷款王」「678借条」「123贷」): not before a word that
    names no lender (「2000网贷」「5000贷款」 are an amount and what it is) nor a registry name (「3000花呗」), not a
    round number."""
    lead = re.match(r"\d+", name)
    if not lead:
        return True
    words = name[lead.end():]
    return not lead.group(0).endswith("00") and not (len(words) >= 2 and _GENERIC.match(words)) \
        and words not in _REGISTRY_NAMES


def find_lenders(text: str, known: tuple[str, ...] = ()) -> list[dict]:
    """Lenders in (normalised) text that the NLU's registry does not find: the brands of
    knowledge/lender_entities.yml it lacks (known: ``registry`` True) and names the borrower gives that no list
    has (「叫速借宝的app」, 「“闪电借”」, 「WeLend 5万」, 「还有个速借宝2千」: ``registry`` False, so the borrower
    confirms them before they reach a letter). ``known``: names the case already holds that no list has (named
again: 「那个速借宝呢」). Entities as the NLU gives them (start, end, value, text)."""
    found: list[dict] = []

    def add(start: int, end: int, value: str, registry: bool) -> None:
        if not any(f["start"] < end and start < f["end"] for f in found):
            found.append({"entity": "lender", "start": start, "end": end, "value": value, "text": text[start:end],
                          "confidence": 1.0, "registry": registry, "extractor": "find_lenders"})

    for name in sorted((n for n in known if n and len(n) >= 2), key=len, reverse=True):
        for m in re.finditer(re.escape(name), text):
            add(m.start(), m.end(), name, False)
    if _EXTRA_PATTERN is not None:
        for m in _EXTRA_PATTERN.finditer(text):
            canonical = next((c for a, c in EXTRA_NAMES.items() if a.lower() == m.group(0).lower()), None)
            if canonical:
                add(m.start(), m.end(), canonical, True)
    for start, end in _called_names(text):
        add(start, end, text[start:end], False)
    for m in _QUOTED.finditer(text):
        if _plausible(m.group("name")) and (_QUOTED_CONTEXT_BEFORE.search(text[max(0, m.start() - 4):m.start()])
                                            or _QUOTED_CONTEXT_AFTER.match(text[m.end():m.end() + 4])):
            add(m.start("name"), m.end("name"), m.group("name"), False)
    for m in _LATIN.finditer(text):
        name = m.group("name")
        if name.lower() in _LATIN_NOT_NAMES or re.fullmatch(r"\d+[wWkK]?", name):
            continue
        if name.lower() in _REGISTRY_LOWER:
            continue  # the registry's own Latin names (HSBC, CMB) are the NLU's to find
        brand = len(name) >= 4 and name[0].isupper()
        if _LATIN_AFTER.match(text[m.end():m.end() + 3]) or _LATIN_BEFORE.search(text[max(0, m.start() - 3):
                                                                                          m.start()]) \
                or (brand and _LATIN_AT_END.match(text[m.end():])) \
                or (brand and _EACH_AHEAD.match(text[m.end():])):
            add(m.start(), m.end(), name, False)
    bare = _BARE_NAME.match(text.strip())
    if bare and len(bare.group("name")) >= 3 and _digits_may_lead(bare.group("name")) \
            and not re.search(r"[想要不没能会去再还]", bare.group("name")) \
            and _plausible(bare.group("name")) and not _GENERIC.match(bare.group("name")) \
            and bare.group("name") not in _REGISTRY_NAMES:
        add(bare.start("name"), bare.end("name"), bare.group("name"), False)
    whose = _WHOSE.match(text.strip())
    group = ("name" if whose.group("name") else "owed") if whose else "name"
    said = whose.group(group) if whose else None
    if whose and said and _plausible(said) and not _GENERIC.match(said) and said not in _REGISTRY_NAMES \
            and not _NOT_WHOSE.search(said) and _uncommon_word(said):
        add(whose.start(group), whose.end(group), said, False)
    one = _THAT_ONE.match(text.strip())
    if one and _plausible(one.group("name")) and not _GENERIC.match(one.group("name")) \
            and one.group("name") not in _REGISTRY_NAMES and not re.search(r"[我你他她这那哪]", one.group("name")):
        add(one.start("name"), one.end("name"), one.group("name"), False)
    leads = _THAT_ONE_LEADS.match(text)
    if leads and not one and _plausible(leads.group("name")) and leads.group("name") not in _REGISTRY_NAMES \
            and brand_like(leads.group("name")):
        add(leads.start("name"), leads.end("name"), leads.group("name"), False)
    for m in _DIGIT_LED.finditer(text):
        if _digits_may_lead(m.group("name")) and _plausible(m.group("name")):
            add(m.start("name"), m.end("name"), m.group("name"), False)
    for pattern in (_SUFFIXED, _LISTED):
        for m in pattern.finditer(text):
            lead = _LIST_LEAD.match(m.group("name"))
            start = m.start("name") + (lead.end() if lead else 0)
            name = text[start:m.end("name")]
            if _plausible(name) and name not in _REGISTRY_NAMES:
                add(start, m.end("name"), name, False)
    alone = _ALSO_ALONE.match(text)
    if alone and re.search(r"[\d一二两三四五六七八九十百千万亿块元蚊]", alone.group("name")):
        alone = None  # 「还有四千八百块」: what is left to pay, no name
    for m in [*_ALSO_OWED.finditer(text), *filter(None, [alone])]:
        if _plausible(m.group("name")) and m.group("name") not in _REGISTRY_NAMES and brand_like(m.group("name")):
            add(m.start("name"), m.end("name"), m.group("name"), False)
    lead = _LIST_LEAD.match(text)
    opening = _OPENING_NAME.match(text, lead.end() if lead else 0)
    if opening and _plausible(opening.group("name")) and opening.group("name") not in _REGISTRY_NAMES \
            and not _GENERIC.match(opening.group("name")) and not _dictionary_word(opening.group("name")):
        add(opening.start("name"), opening.end("name"), opening.group("name"), False)
    return sorted(found, key=lambda f: f["start"])


def extra_lender_type(canonical: str) -> str | None:
    """The lender type of a brand from knowledge/lender_entities.yml the NLU registry lacks (网商贷 → bank_loan)."""
    return EXTRA_TYPES.get(canonical)


# An item of a list of debts with no lender's ending (「裕融2万6 花旗十一万五」): read only beside a lender the
# registry knows, and only where an amount follows at once.
_NOT_A_LIST_NAME = re.compile(
    r"分别|一共|总共|合计|加起来|每个?月|月收入|收入|工资|本金|利息|大概|差不多|还有|另外|主要|其中|欠款|借款|"
    r"月底|月尾|年底|今天|明天|下个?月|上个?月|这个?月|每期|逾期|已经|现在|目前|最多|只能|能还|房租|生活|我|你|他|她|"
    r"其实|应该|改成|更正|不对|不是|错了|说错|就是")


# --- a name before its amount, found from the amounts -------------------------------------------------------------
# The normaliser drops spaces, so 「有这几笔 裕融 两万一左右 玉山银行6万2」 reaches us as one run of characters. The
# amounts and the lenders already found cut it into pieces; what is left right before an amount, once the words
# that introduce an item are taken off, is that amount's lender.
_ITEM_CUT = re.compile(r"[，,；;。、:：!！?？\s]|还有|以及|加上|另外|跟|同|和|及")
_ITEM_LEAD = re.compile(
    r"^(?:左右|上下|多|块钱?|元|欠款|明细|对了|然后|再|有这几笔|这几笔|有几笔|几笔|就一笔|一笔|笔|借款人(?:有几笔欠款)?|网贷加信用卡|"
    r"网贷和信用卡|欠了?好?几家|欠咗几间|"
    r"我算了?一?下|我计过|我算过|我看了?一?下|分别是|主要是|(?:也|我)?就是说|我是说|意思是|就是|嗯+|呃|那个|还有个?|有个?|是|系|"
    r"[我他她](?:在|再|欠咗?了?|借了?)|"
    r"欠(?:咗|了)?个?|借了?个?|在|个|还欠了?|忘了说|忘记说|"
    r"台湾|香港|澳门|大陆|内地|国内)+")  # 「我在台灣 裕融30000」: where they live, said before the list
_ITEM_TAIL = re.compile(r"(?:那边|那里|那遍|这边|𠮶度|嗰度|𠮶边|嗰边|度|的卡|卡费|卡数|的|也|咯|欠咗?|欠了?|借了|"
                        r"一共|总共|要还|还|"
                        r"大概|差不多|大约|约|将近|快|各自?|都|有)+$")
_REGION_TAIL = re.compile(r"(?:还有|要还|还|有|一共|总共|大概|差不多|大约|约)+$")
_NOT_AN_ITEM = re.compile(r"^(银行|公司|单位|网上|外面|私人)$|^的|app|软件|"
                          # the month's costs listed (「房租10,000元，交通2000，吃飯4,000元，小孩7,500元」)
                          r"房租|租金|吃饭|伙食|饭钱|交通|车费|油费|小孩|孩子|学费|水电|医药|药费|看病|生活费|话费|保险|奶粉|"
                          r"物业|赡养|父母|老人|家用|开销|开支|日用|网费|供楼|食饭|卡费|𠮶边|嗰边|"
                          r"笔|钱(?![包庄])|款|债|账|信用卡|网贷|贷款|"
                          r"平台|利息|本金|块|元|加起来|[年月天号期岁个]|多少|几|这|那")
# Words that go on about the lender just named (「恒生张卡」「招行的卡」「花旗那边」), not a second name.
_ABOUT_THE_LENDER = re.compile(r"(张|的|嘅|个|間|间)?(卡|信用卡|银行|贷款|账户|戶口|户口)|那边|那里|"
                               r"嗰度|𠮶度|嗰边|𠮶边|度|的|嘅")
_OWED_WORDS = re.compile(r"欠|借|在|那边|那里|嗰度|𠮶度|一共要还|总共要还|一共|总共")


# 「裕融30000」: a name and its amount glued, the whole message (no word between them that could be a sentence)
_GLUED_PAIR = re.compile(rf"{GLUED_NAME_CHAR}{{2,6}}\d{{4,8}}(元|块|蚊)?")
_PAIR_TAIL = re.compile(r"\s*(元|块钱?|蚊|左右|多|吧|啊|呀|喔|噢|的样子|还没还|没还|。|！|!)*\s*")
_LENDERISH_NAME = re.compile(r"贷|借|花|钱包|分期|金融|银行|白条|卡|宝|财务")


def _item_name(name: str, glued: bool) -> bool:
    """Whether what is left of a piece is a lender's name (the digits of 「2345贷款王」 may lead it)."""
    digits_lead = glued or name[:1].isdigit()
    core = re.sub(r"(分期|借条|钱包)$", "", name) if len(name) >= 4 else name  # 「金豆分期」: 期 is the name's
    return 2 <= len(name) <= 8 and name not in _REGISTRY_NAMES and _plausible(name) \
        and not _NOT_A_LIST_NAME.search(re.sub(r"[你我他她]", "", name)) \
        and not (_NOT_AN_ITEM.search(core) and not digits_lead) and not _GENERIC.match(name) \
        and bool(re.search(r"[\u4e00-\u9fffA-Za-z]", name))


def _pieces(text: str, lo: int, hi: int) -> list[tuple[int, str]]:
    """text[lo:hi] cut where one item of a list ends (separators, 还有, 跟 …), with each piece's offset."""
    out, at = [], lo
    for cut in [*_ITEM_CUT.finditer(text, lo, hi), None]:
        end = cut.start() if cut else hi
        if end > at:
            out.append((at, text[at:end]))
        at = cut.end() if cut else at
    return out


def item_names(text: str, taken: list[tuple[int, int]], amounts: list[tuple[int, int]], listed: bool) -> list[dict]:
    """Names no list knows, each right before its amount (``amounts``: spans of amounts that may be a debt).

    ``listed``: the message is a list (other lenders or other amounts in it); then a bare name before an amount
    counts (「裕融75000」). Otherwise the name must be said as owed (「我欠裕融36,000元」). 「快易花跟臺新各欠2.2w」:
    every name before 各 has the amount. Kept unconfirmed (``registry`` False) like any name no list has."""
    found: list[dict] = []
    bounds = sorted([*taken, *amounts])
    # 「2345贷款王的 10000」: the whole message is one name and its amount, which is how a debt is told
    pair_only = len(amounts) == 1 and not taken and bool(_PAIR_TAIL.fullmatch(text[amounts[0][1]:]))
    for a_start, _ in amounts:
        before = max((e for _, e in bounds if e <= a_start), default=0)
        region = text[before:a_start]
        each = bool(re.search(r"各(?:自|欠|借)?了?$", region))
        tail = _REGION_TAIL.search(region)
        region_end = a_start - (len(tail.group(0)) if tail else 0)
        pieces = _pieces(text, before, region_end)
        pieces = _after_lenders(pieces, taken, each)
        if each:
            # every name since the amount before, the known ones among them (「还有台新 快易花 各42000」)
            lo = max((e for s, e in bounds if e <= a_start and (s, e) not in taken), default=0)
            chosen = pieces + _after_lenders([p for a, b in _outside(lo, before, taken) for p in _pieces(text, a, b)],
                                             taken, each)
        elif pieces and not text[pieces[-1][0] + len(pieces[-1][1]):region_end].strip("，,、 "):
            chosen = pieces[-1:]
        else:
            chosen = []
        for at, piece in chosen:
            lead = _ITEM_LEAD.match(piece)
            start = at + (lead.end() if lead else 0)
            name = piece[lead.end() if lead else 0:]
            name = _ITEM_TAIL.sub("", name)
            glued = next((s for s, e in amounts if e == start and re.fullmatch(r"\d{2,4}", text[s:e])), None)
            if glued is not None:  # 「2345贷款王那边58000」: digits said as part of a name
                name, start = text[glued:start] + name, glued
            end = start + len(name)
            owed = bool(_OWED_WORDS.search(piece) or (tail and _OWED_WORDS.search(tail.group(0)))) or \
                (pair_only and not _LIST_LEAD.sub("", text[:at].strip("，,、 ")).strip("，,、 ")
                 and (bool(_LENDERISH_NAME.search(name)) or _GLUED_PAIR.fullmatch(text) is not None
                      or brand_like(name)))  # 「就一筆 裕融的 4.7w」: a brand and its amount
            if not (listed or each or owed) or not _item_name(name, glued is not None) \
                    or any(a < end and start < b for a, b in taken) \
                    or any(f["start"] < end and start < f["end"] for f in found):
                continue
            found.append({"entity": "lender", "start": start, "end": end, "value": name, "text": name,
                          "confidence": 1.0, "registry": False, "extractor": "item_names"})
    return found


def _after_lenders(pieces: list[tuple[int, str]], taken: list[tuple[int, int]], each: bool) -> list[tuple[int, str]]:
    """Pieces without the words that go on about the lender right before them: 「恒生张卡欠3000」「借呗其实是一万五」
    say nothing new; 「中国信托的卡裕融各25,000元」 keeps 裕融. Only before 各 can such a piece be another name
    (「台新快易花各42000」)."""
    out = []
    for at, piece in pieces:
        if any(e == at for _, e in taken):
            about = _ABOUT_THE_LENDER.match(piece)
            if about:
                at, piece = at + about.end(), piece[about.end():]
            elif not each:
                continue
        if piece:
            out.append((at, piece))
    return out


def _outside(lo: int, hi: int, taken: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The stretches of [lo, hi) outside the lenders already found."""
    out, at = [], lo
    for s, e in sorted(t for t in taken if lo <= t[0] < hi):
        if s > at:
            out.append((at, s))
        at = e
    if hi > at:
        out.append((at, hi))
    return out


_PARTICLES = re.compile(r"[的嘅啊呀吧啦喇㗎咯喔哦呢嘛囉嗎吗喎㖞。.!！~～\s]|^(是|就是|就|系|欠|欠咗|欠了)|"
                        r"(那笔|那个|那家)$")


_ADDING_LEAD = re.compile(r"^(哦|噢|喔|啊|对了|對了|另|诶|欸)?[，,\s]*(还有|另外(还有)?|以及|加上|再加上?|仲有)"
                          r"(有)?(个|一个|一家|一笔|间|一间)?")
# What may stand around an added lender's name: its amount, 「也逾期了」「那边」, particles.
_ADDED_FILLER = re.compile(r"[\d一二两三四五六七八九十百千万wk.,，、\s]|块|元|蚊|左右|大概|差不多|那边|那里|嗰边|的|嘅|"
                           r"也|都|"
                           r"欠|了|咗|逾期|预期|过期|还不上|还唔到|没还|未还|信用卡|贷款|呢|啊|吧|喔|㗎|呀|"
                           # 「仲有一間叫WeLend嘅財務公司㗎」「还有个叫速借宝的app」: what it is called and what it is
                           r"叫做?|名叫|财务公司|金融公司|贷款公司|公司|平台|app|APP|App|网贷|"
                           r"[。.!！~～「」“”\"]")


def adds_a_lender(text: str, entities: list[dict] | None = None) -> bool:
    """A message that only adds another lender (「还有马上消费金融」「哦还有个安逸花也预期了」「另外还有捷信 8000」):
    a fact for the case, whatever a classifier makes of its few words."""
    text = (text or "").strip()
    lead = _ADDING_LEAD.match(text)
    if not lead or lead.end() == 0:
        return False
    spans = [(int(e["start"]), int(e["end"])) for e in entities or [] if e.get("entity") == "lender"
             and isinstance(e.get("start"), int) and isinstance(e.get("end"), int)]
    spans += [(f["start"], f["end"]) for f in find_lenders(text)]
    spans = [(a, b) for a, b in spans if a >= lead.end() - 2]
    if not spans:
        return False
    rest = text[lead.end():]
    for a, b in sorted(spans, reverse=True):
        a, b = max(a - lead.end(), 0), max(b - lead.end(), 0)
        rest = rest[:a] + rest[b:]
    return len(_ADDED_FILLER.sub("", rest)) <= 1


def is_bare_name(text: str, entities: list[dict] | None = None) -> bool:
    """A message that is only a lender's name with particles (「裕融」「WeLend㗎」「是快易花的」): an answer naming the
    lender, never a goodbye, a greeting or a question out of scope. ``entities``: lenders the NLU already found."""
    text = (text or "").strip()
    spans = [(int(e["start"]), int(e["end"])) for e in entities or [] if e.get("entity") == "lender"
             and isinstance(e.get("start"), int) and isinstance(e.get("end"), int)]
    spans += [(f["start"], f["end"]) for f in find_lenders(text)]
    latin = _LATIN.fullmatch(_PARTICLES.sub("", text))
    if latin and latin.group("name").lower() not in _LATIN_NOT_NAMES and len(latin.group("name")) >= 4 \
            and latin.group("name")[0].isupper():
        return True  # a brand written as one (WeLend, PrimeCredit), not 「thx」「hey」
    if not spans:
        return False
    rest = "".join(ch for i, ch in enumerate(text) if not any(a <= i < b for a, b in spans))
    return not _PARTICLES.sub("", rest)
