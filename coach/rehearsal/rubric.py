"""The rubric of a practice call: what one reply of the borrower to the simulated collector does, good or bad.

Pure functions over the reply's words (Simplified, half-width, a few Cantonese and Taiwanese words put in their
Mandarin form) and the case's numbers; no Rasa. Each item is written down with an example in
docs/rehearsal-rubric.md; the item ids are fixed (a labelled test set uses them). Amounts are read by
coach/zh/numbers.py, so 「一千五」「1.5k」「两千」 are numbers like 1500.

A reply is read together with the collector's line it answers, when there is one: 「行，就五千」 or a bare
「好吧」 after 「每月至少五千」 agrees to five thousand a month; 「一万我拿不出」 after 「先还一万」 counters a
lump sum; six digits after 「验证码念给我」 give the code away; 「好，卡号发我」 after 「转到我个人账户」 accepts
a personal account.

The scenario trees (coach/rehearsal/*.yml) branch on these readings, and the feedback is worded from them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Iterable

from coach.rehearsal import learned
from coach.zh import numbers
from coach.zh.amount_roles import amount_role
from coach.zh.normalizer import to_halfwidth, to_simplified

GOOD = ("identity_checked", "hardship_stated", "offer_concrete", "lump_sum_countered", "written_confirmation",
        "official_account_only", "violation_named")
# Mistakes in the order the feedback names them: what can be stolen first, then a promise made to end the
# pressure (often with an amount above the means in it), then an amount above the means.
MISTAKES = ("secret_given", "personal_account_accepted", "promise_under_pressure", "offer_above_means",
            "abusive")
ITEMS = GOOD + MISTAKES


@dataclass(frozen=True)
class Offer:
    """An amount the borrower offers in the reply: ``monthly`` per month (or per installment), else at once."""

    amount: int
    monthly: bool


@dataclass(frozen=True)
class Demand:
    """What the collector's line asks for: an amount (per month when ``monthly``, else at once), a number of
    installments, a one-off sum (the whole debt, a down payment, the minimum payment, 「先还X」), a code, a payment
    to someone's own account."""

    amount: int | None = None
    monthly: bool = False
    periods: int | None = None
    lump: bool = False
    code: bool = False
    personal: bool = False
    borrow: bool = False
    whole: bool = False
    deadline: bool = False
    asks_income: bool = False


def _field(case: Any, name: str) -> Any:
    if case is None:
        return None
    if isinstance(case, dict):
        return case.get(name)
    return getattr(case, name, None)


def _number(value: Any) -> int | None:
    try:
        return int(float(value)) if value is not None else None
    except (TypeError, ValueError):
        return None


# Cantonese and Taiwanese words in their Mandarin form, so that one set of cues reads all three (applied after
# the conversion to Simplified). Longer words first.
_REGIONAL = (
    ("咩公司", "什么公司"), ("叫咩名", "叫什么名"), ("咩名", "什么名"), ("边位", "哪位"), ("边间", "哪家"),
    ("边个", "谁"), ("边度", "哪里"), ("打嚟", "打来"), ("嚟", "来"), ("send", "发"), ("下个礼拜", "下周"),
    ("礼拜", "周"), ("过完数", "转完账"), ("过数", "转账"), ("点称呼", "怎么称呼"), ("谂办法", "想办法"), ("谂", "想"),
    ("点可能", "怎么可能"), ("点还", "怎么还"), ("点俾", "怎么给"), ("点畀", "怎么给"),
    ("一次过", "一次性"), ("还返晒", "还清"), ("还晒", "还清"), ("俾", "给"), ("畀", "给"), ("冇", "没有"),
    ("咗", "了"),
    ("而家", "现在"), ("听日", "明天"), ("今日", "今天"), ("搞掂", "搞定"), ("入数", "转账"), ("户口", "账户"),
    ("收声", "闭嘴"), ("痴线", "神经病"), ("唔", "不"), ("嘅", "的"), ("佢", "他"), ("哋", "们"), ("帐", "账"),
    ("缴", "还"), ("清偿", "还清"), ("蚊", "元"),
    ("揾", "找"), ("攞", "拿"), ("黐线", "神经病"), ("死开", "滚开"), ("咩人", "什么人"), ("点搞", "怎么搞"),
    ("点解", "为什么"), ("咩", "什么"), ("系咪", "是不是"), ("你系", "你是"), ("我系", "我是"), ("今个", "这个"),
    ("几多", "多少"), ("呢个", "这个"), ("呢度", "这里"), ("即刻", "立刻"), ("点证明", "怎么证明"),
    ("点知", "怎么知道"),
    ("廿", "二十"), ("卅", "三十"),
    ("screenshot", "截图"), ("account number", "账号"), ("account no", "账号"), ("a/c", "账户"), ("account", "账户"),
)
# 「千五」「千二」: a thousand and five hundred (the leading 一 left out).
_BARE_THOUSAND = re.compile(r"(?<![\d一二两三四五六七八九十百零.])千(?=[一二两三四五六七八九](?![十百千万]))")
_DIGIT_COMMA = re.compile(r"(?<=\d),(?=\d{3}(?!\d))")
# What a maximum sounds like is not a refusal: 「不能再多了」「再多没有」「是我的极限」.
_CEILING = re.compile(r"(不能再多了?|再多(就)?(没有|没了|拿不出)|多了(就)?没有|"
                      r"多了?(一分|一毛|一分钱|一块)(钱)?(都|也)?没有|是我的极限|极限了|(已经)?(是|系)极限|"
                      r"已经(很|好)?勉强|已经(是|系)尽|已经尽力|(是)?(我的)?上限|"
                      # holding one's own figure: 「你嫌少我也没办法」「再加也没用」「别的不答应」
                      r"(没有?得|不能|没法)再加|加不了|再加(也)?没用|嫌少(我)?也?没(有)?办法|是我算过的|"
                      r"就这么多(了)?|(别的|其他的?)(都)?不答应)")
# Asking whether an amount will do is not refusing it: 「先还一千行不行」.
_ASKING = re.compile(r"(行不行|可不可以|能不能|可以不可以|好不好|成不成|得不得|得唔得)")
# 「三千五六」: a range said with two digits after 千, read at its lower end (三千五).
_RANGE_TAIL = re.compile(r"(?<=[一二两三四五六七八九]千)([一二三四五六七八])[二三四五六七八九](?![十百千万\d])")
# A number straight after 「一个月」 is read apart from it: 「1k一个月」「千五一个月」.
_BEFORE_A_MONTH = re.compile(r"(?<=[\dkw一二两三四五六七八九十百千万])(?=一个?月)")


def plain(text: str) -> str:
    """The reply as the detectors read it: Simplified, half-width, lower case for the Latin letters, regional
    words in their Mandarin form, thousands separators dropped."""
    body = to_simplified(to_halfwidth(text or "")).strip().lower()
    for regional, mandarin in _REGIONAL:
        body = body.replace(regional, mandarin)
    body = _DIGIT_COMMA.sub("", body)
    body = _CEILING.sub("封顶", _ASKING.sub("可以吗", body))
    return _BEFORE_A_MONTH.sub(" ", _RANGE_TAIL.sub(r"\1", _BARE_THOUSAND.sub("一千", body)))


# A clause: up to punctuation, or a space between Chinese words (chat replies often use spaces for commas).
_CLAUSE = re.compile(r"[，,。!！?？;；\n~～…]|(?<![\da-z])\s+(?![\da-z])")
# A word that says no to an amount: 「首付9600我没有」「一次性拿不出来」「两千太多了」.
_REFUSAL = re.compile(
    r"(拿不出|还不上|还不起|付不起|给不了|凑不出|凑不齐|做不到|办不到|不可能|怎么可能|没这么多|没那么多|没有那么多|"
    r"没有这么多|我没有|没有钱|没钱|没能力|不行|没法|没办法|不够|负担不了|承担不了|不答应|不同意|不接受|还不了|付不了|"
    r"拿不了|太多|太高|有点多|多了点|哪来|哪有|结不了|清不了|转不了|想不了办法|想不到办法|哪里有|哪里来|^(不能|不可以|没可能)|一次(性)?拿不出|对我(来说|而言)?(很|好|真的)多|清不到|还不到|付不到|不付|不交|我没说|处理不了|怎么(还|给|付)(得起|得出)?(呀|啊|嘛)|(?<!有)没有(?!问题|闹|骂|吵|说|讲|凶|怪|针对|恶意)|也没|挤不出|拎不出|给不到|差一点|给不起|(?<!得)不得(?!了)|结不清|还不清|付不清|杀了我|不会(去)?(借|还|付|转|给)|不借|借不到|不现实|开玩笑|做梦|想得美|哪拿得出|谁拿得出|谁拿得到|谁有这么多|还不出|付不出|给不出|攒不下|存不下)")
_NEGATION_BEFORE = re.compile(r"(不|没|别|不会|不能|不要|没有|绝不|不可能|从不|怎么可能|点可能|哪能|哪有)"
                              r"[^，,。]{0,3}$")
_QUESTION_ONLY = re.compile(
    r"^[^\d一二两三四五六七八九十百千万wk]{0,3}[\d一二两三四五六七八九十百千万wk.]+(块|元)?[吗嘛啊]?\?")


def _clauses(body: str) -> list[tuple[int, str]]:
    out, start = [], 0
    for m in _CLAUSE.finditer(body + "。"):
        out.append((start, body[start:m.start()]))
        start = m.end()
    return [(s, c) for s, c in out if c.strip()]


def _clause_span(body: str, index: int) -> tuple[int, str]:
    for start, clause in _clauses(body):
        if start <= index < start + len(clause) or (start <= index <= start + len(clause) and clause):
            return start, clause
    return 0, body


# --- identity_checked ------------------------------------------------------------------------------------------
_IDENTITY = re.compile(
    r"(怎么称呼|贵姓|你叫(什么|啥|咩)|您叫什么|(你|您)的?(全名|名字|姓名)|全名|叫什么名|工号|公号|员工号|员工编号|员编|工牌|编号是|"
    r"(哪|什么|哪个|哪一)(家|个|间)?(公司|机构|单位|部门|平台|银行)|你是谁|您是谁|你是哪位|您是哪位|哪位|"
    r"(受|被)[^，。]{0,6}委托|委托(你们)?的?是(哪|谁)|(哪|什么)(里|边)打来|身份(?!证)|证件|营业执照|"
    r"(怎么|如何|拿什么)证明(你|您)|(你|您)们?(是)?哪(家|个|里)的|(你|您)们?(是|系)?谁|(公司|单位|机构|你们)叫(什么|啥)|"
    r"(你|您)们?(是)?(干|做)(什么|啥|嘛)的|委托书|授权书|工作证|员工证|(你|您)是(不是)?(真的)?(银行|平台|公司|催收|律师|法务|客服)|"
    r"什么来头|什么人|哪里的|报(个|一下)?(你的)?(名字|姓名|工号)|怎么知道(你|您)是|"
    # which firm, even with a word between (「哪个催收公司」「哪间收数公司」), and who sent or entrusted them
    r"(哪|什么|哪个|哪一)(家|个|间)?[^，。?\s]{1,4}(公司|机构|单位|平台|律所)|律所|律师事务所|执业证|律师证|"
    r"委托(方|人|机构|单位)|谁委托|委托[^，。]{0,4}(谁|哪)|谁(派|让|叫)(你|您)|"
    r"正式员工|外包(的|吗|还是|公司)|是不是外包|(你|您)们?(真|真的|确定)是[^，。]{0,6}(的|吗|嘛)|"
    r"(你|您|公司|机构)[^，。]{0,3}全名|全名(呢|是什么|叫什么|是啥|叫啥)|(员工|工作|你的)代号|牌照|资质|"
    r"(你|您)们?(是)?哪(儿|边|里)(的|啊|呀|\?|$)|姓什么|姓啥|公司(在哪|地址|在什么地方)|地址(报|发|说)|"
    r"正规(的)?(公司|机构|催收)?(吗|嘛)|(单位|公司|机构)(是|在)哪|(确认|核实|证明|知道)(你|您)(真)?是|职员证|大名|分机|"
    r"(你|您)们?是不是骗子|(有|拿)(什么)?证明|授权(吗|呢|书)|真名|(公司|机构)(的)?(名字|名称|全称)|备案|是哪(家|个|间)|"
    r"委托[^，。]{0,6}(文件|证明|手续)|(你们|你|您)和[^，。]{0,6}什么关系|座机|(官方|客服)电话(是)?多少|打回去核实|回拨|"
    r"核实(一下)?(你|您)?的?身份|职员编号|员工编码|叫(什么|啥)(名)?(\?|$)|外包(\?|$)|"
    # 「你他妈谁啊」「你是招行员工还是外包」「你係咪真係中銀職員」「你究竟係咪東亞嘅人」
    r"(你|您)(他妈|特么|tm|到底|究竟)(是)?谁|(员工|职员)还是|还是外包|"
    r"(你|您)[^，。]{0,3}(是不是|是否)(真系|真的|真)?(?:(?!觉得|认为|以为|当|欺负|好)[^，。]){0,6}(的人|职员|员工))")


# Said about the caller's identity without asking it: 「工号不用管?那行」「我不问你工号了」「工号我记下了」.
_NOT_ASKING_ID = re.compile(r"(不用管|不说就算|不说也|不讲|不问|懒得问|记下了|记低|查到了|都知|也知|无所谓|没有所谓|"
                            r"算了|"
                            r"不用(问|说|报))")
_KNOWS_WHO = re.compile(r"(?<!怎么)(?<!点)(知道|知)(你|您)(是|系)")


def _identity(body: str) -> bool:
    """Asks who calls; a 「哪个」 that means 「any」 (「哪个平台都没还」), 「不管你是谁」, the bank of a card to pay
    into, and what is said about the caller's number without asking it (「工号我记下了」) do not."""
    for m in _IDENTITY.finditer(body):
        before = body[max(0, m.start() - 4):m.start()]
        clause_start, clause = _clause_span(body, m.start())
        if (_NOT_ASKING_ID.search(clause) or _KNOWS_WHO.search(clause)) and \
                not re.search(r"(吗|嘛|呢|\?)", body[m.end():clause_start + len(clause) + 1]):
            continue
        if re.match(r"[^，。]{0,3}(都|也)", body[m.end():]) and m.group(0).startswith("哪"):
            continue
        if re.search(r"(不管|管他|管)$", before) or re.search(r"卡(号)?(是)?$", before):
            continue
        return True
    return False


# --- hardship_stated -------------------------------------------------------------------------------------------
_HARDSHIP = re.compile(
    r"(揭不开锅|交不起(房租|学费)|无薪假|二宝|生(了|完)?(bb|二胎|老二)|就我一个人(上班|挣钱|赚钱|做嘢)|接不到活|"
    r"炒了|炒咗|赌债|(被|给)[^，。]{0,6}(骗|呃)(了|走|光)|(店|铺|档)[^，。]{0,4}收起来|"
    r"(工资|薪水|人工)[^，。]{0,4}(拖欠|还没发|没发|未发)|淹水|水浸|台风|泡烂|没有了(份)?工|中了?风|住紧院|做散工|打散工|"
    r"吃饭都成问题|欠了[^，。]{0,4}(几|好几|[\d一二两三四五六七八九十]+)(个|家)平台|行情(差|不好)|"
    r"(超市|店|生意|厂|公司)[^，。]{0,4}(快)?撑不住|开刀|减(了)?(人工|工资|薪水|薪)|份工没有?了?|工作没有?了|生(了)?bb|生仔|"
    r"(孩子|小孩)[^，。]{0,4}上学|失业|失了业|没工作|丢了工作|工作没了|工没了|被裁|裁员|资遣|被辞|辞退|降薪|减薪|工资(降|少|没发|拖|被拖|只有|发不出)|"
    r"(工资|薪水)?(被)?砍(了)?(一半|工资|薪)|工资(被)?砍|"
    r"收入(少|降|下降|减少|只有|不稳定|没了|断了|很低)|没(有)?收入|没有?开工|开不了工|打零工|生病|病了|病倒|住院|手术|看病|"
    r"医药费|化疗|车祸|受伤|家里(出事|有人|有病人|变故)|生意(亏|赔|失败|不好|黄了|垮了)|亏本|亏了|赔了|倒闭|破产|"
    r"店(关|倒|黄)|关门了|离婚|(老人|父母|爸|妈|孩子|老婆|老公)[^，。]{0,8}(病|住院|手术)|养(孩子|家|老人)|"
    # work stopped, debts piled up, a fraud, a pregnancy
    r"停工|待业|无业|找不到工作|下岗|没有?工开|"
    # 「我老婆剛生 小孩才兩個月」「甲方拖了我四十多万工程款」
    r"(老婆|太太|我)[^，。]{0,2}(刚|才)生|(小孩|孩子|bb|宝宝)才[^，。]{0,3}(个月|天)|(拖|欠)[^，。]{0,8}工程款|"
    r"工程款[^，。]{0,6}(没|拖|欠|结不)|"
    r"刷爆|疫情|家里出(了)?事|身体不好|怀孕|坐月子|被骗|工作不稳定|一个人(养|带)|单亲|上有老下有小|负债|"
    r"欠了(很多|好多|好几)|好几个平台|残疾|癌|治病|欠薪|拖欠工资|没活|没单|生意冷清|赚不到钱|"
    # a job or a business gone, illness and death in the family, a body that cannot work, one earner, a new baby
    r"(公司|厂子?|工厂|单位|店|铺|档口)[^，。]{0,6}(倒了|没了|黄了|关了|垮了|停了|执了|搬走|收掉|关掉|转让)|执笠|停产|临时工|"
    r"资金链|货款|收不回|"
    r"(没|没有)找到(工作|活|工)|工作(还|一直|都)?没(有)?(找到|找着|着落)|找不到(活|工)|没活干|开除|解雇|炒鱿鱼|被炒|辞职(照顾|在家|带)|"
    r"中风|瘫痪|过世|去世|走了[^，。]{0,4}(剩|只有|就我)|丧事|骨折|摔断|抑郁|医院|陪床|住了[^，。]{0,4}院|"
    r"养不活|养不起|养[^，。]{0,3}(孩子|小孩|老人|一家)|单子少|订单少|收入掉|"
    r"没(有)?上班|上不了班|没法(工作|上班|干活)|一个人(挣|赚|找)钱|得我一个|被人骗|"
    r"(刚|才)?生(了|完)?(小孩|孩子|二胎|宝宝)|开销(很|太|特别)?大|洗肾|执(了)?笠|靠散工|shiye|shi ye|"
    r"减(了)?(我)?(的)?(人工|工资|薪水|薪)|"
    r"确诊|肿瘤|白血病|尿毒症|透析|脑梗|心脏病|工伤|病假|药费|封控|行情不好|经济不好|生意差|淡季|一身债|"
    r"一屁股债|跑路|传销|赡养|贫困|(开|做|干|撑)不下去|(工资|收入|粮|人工|薪水|薪)[^，。]{0,3}(减|砍|少|降)(了)?一半|一分(钱)?(都)?没(拿到|发)|(粮|人工)(减|少|冇|没)|"
    r"工钱[^，。]{0,4}没|吃药|工作(丢|黄)了|饭碗(丢|没)了|亏(进去|光|完|掉)|被坑|赔进去|养病|裁人|火烧|失火|火灾|被淹|水灾|地震|"
    r"亏损|低保|产后|照顾[^，。]{0,3}(病|老人|瘫|孩子)|打官司|合同到期|"
    r"(退休金|养老金)[^，。]{0,3}(少|只有|就)|还是(个)?学生|"
    # the harvest lost; a body hurt at work or on the road; a disability; a child's or a parent's long illness
    r"冰雹|绝收|大旱|旱灾|虫灾|歉收|减产|收成(不好|差|没了)|遭(了)?灾|"
    r"砸(到|伤)|摔(伤|断)|跌(亲|伤|断)|石膏|职灾|职业病|聋哑|聋人|听障|失聪|失明|截肢|坐轮椅|"
    r"痴呆|失智|自闭症|脑瘫|早产|保温箱|重症|ICU|(在家|全职)照顾|"
    # a death in the family and what it cost
    r"(爸|妈|父亲|母亲|老公|老婆|丈夫|妻子|爷爷|奶奶|外婆|外公|老豆|老窦)[^，。]{0,2}(刚|啱啱|已经)?(走了|过身|没了|去了)|"
    r"丧葬|后事|白事|殡仪|"
    # work cut back without a word for it above
    r"被?优化|停业|搭桥|没发(工资|薪水|人工)|份工[^，。]{0,4}没有?|没有?份工|(铺|铺头|店|档|摊)[^，。]{0,5}(执|结业|倒闭)|(给|俾|畀)[^，。]{0,4}裁|拖粮|欠粮|降了?(计件|单价|工价)|加护病房|重症监护|(被|给)[^，。]{0,6}骗去|只发(了)?(生活费|基本工资|底薪)|停薪|育婴假|产假|[六七五四]成薪|半薪|生产(了)?$|刚生产|"
    r"(单|活)[^，。]{0,2}(少|变少)了|(铺|铺头|店|档|摊)[^，。]{0,4}(执|收|结业|倒)|蚀(晒|本|了)|结业|"
    r"人工[^，。]{0,3}没有?(出|发)|走佬|"
    # a relative's debts taken on
    r"帮[^，。]{0,4}还[^，。]{0,2}(卡债|债|钱)|(家人|家里人|屋企人|弟|哥|姐|妹|爸|妈|老公|老婆)[^，。]{0,4}(欠|赌)|"
    r"一个人[^，。]{0,2}(养|带|湊|凑)[^，。]{0,3}(孩子|小孩|细路|仔|女))")
# A hardship only supposed or asked about (「如果我说我失业了…」「对失业的人有没有政策」「生病住院的话能…吗」) is none.
_SUPPOSED = re.compile(r"(如果|要是|假如|假设|万一|若是|假使|倘若|你话|如果是|如果系|(可以吗|可以)(跟|和|同)(你|您)说)"
                       r"[^。？?！!]{0,20}$")
_ASKED_ABOUT = re.compile(r"^[^，。？?]{0,4}(的人|者|人士|的话|嘅话)")
# Only a circumstance counts (a job gone, illness, a pay cut, a baby, a business closed, the family's debts): saying
# that the money is not there (「还不了」「没钱」「手头紧」) tells the collector nothing they can weigh, and the coach
# asks for the reason instead (docs/rehearsal-rubric.md).
# 「没有困难」「不困难」: the word said to deny it.
_HARDSHIP_DENIED = re.compile(r"(没有?|不|没什么|谈不上)(什么)?$")
_HARDSHIP_MAX_CHARS = 120  # briefly: a hardship told in a page is a speech, not a sentence on the phone



def _hardship(body: str) -> bool:
    """The hardship told briefly; 「没有困难」 denies it."""
    if len(body) > _HARDSHIP_MAX_CHARS:
        return False
    for m in _HARDSHIP.finditer(body):
        if re.search(r"(没|没有|不是|并没|也没|没有说)$", body[max(0, m.start() - 3):m.start()]):
            continue  # 「我没失业也没生病」: denied
        if _SUPPOSED.search(body[:m.start()]) or _ASKED_ABOUT.match(body[m.end():]):
            continue
        if m.group(0) == "困难" and (_HARDSHIP_DENIED.search(body[max(0, m.start() - 4):m.start()]) or
                                     re.match(r"(谈不上|不算|倒没有|没有)", body[m.end():])):
            continue
        return True
    return False


# --- offers ----------------------------------------------------------------------------------------------------
_PERIODS = re.compile(
    r"(?<![第每这本上下前后头])(分)?\s*(\d{1,3}|[一二两三四五六七八九十]{1,3})\s*(期|个月(?=(内|之内|以内)?(还|分|慢慢)))")
# 「一年还完」「两年内还清」: a number of years to pay it all, twelve installments a year.
_YEARS = re.compile(
    r"(?<![\d一二两三四五六七八九十今去明前])(半|\d|[一二两三四五])\s*年(内|之内|以内|时间)?(还完|还清|结清|分完)")
_MONTHLY_WORDS = re.compile(r"每个?月|一个月|每期|一期|月供|按月|月还|每月|一月")
_NOT_OFFERED_ROLES = {"debt", "income", "expenses", "fee", "repaid"}
_QUOTING = re.compile(r"(你们?|你们的?|对方|催收|他们)[^，。]{0,4}(要|说|让|叫|要求)|(让|叫|要|逼)我|总共|一共|"
                      r"欠(了|款)?|"
                      r"要还|还要|还欠|还剩|显示|看到|如果|要是|假如|万一|之前|以前|原来|上个月|去年|本来|"
                      r"(每个?月|每期|一个月)(就)?要")
# What the person has, not what they offer: 「卡里就剩300了」.
_HAVE = re.compile(r"(就剩|只剩|还剩|剩下|只有|才有|就有|卡里|手里|手上|余额|存款)[^，。]{0,3}$")
# Money the reply tells of without offering it (pay, rent, fees, what was spent or borrowed).
_OTHER_MONEY = re.compile(r"(工资|收入|挣|赚|生活费|房租|房贷|车贷|学费|医药费|药费|手术费|住院费|花了|花掉|人工|"
                          r"外卖|打工|打零工|零工|(一个|每个?)月(才|只有)|上班|滴滴|跑车|(一个|每个?)月(就|才|只)?得|租(都)?要|"
                          r"利息|罚息|违约金|(工资|收入|薪水|人工)[^，。]{0,3}降到|降薪|月薪|薪水|到手|吃饭|开销|借了|存款|余额|一年|补贴|低保|"
                          r"亏了|亏掉|赔了|赔掉|损失|蚀了|欠我|工程款|货款|还亏|还掏|掏了|自己掏|交租|租金|家用|水电|"
                          r"(一个?|每个?)月[^，。]{0,2}找)")  # 「一個月先搵四千」: 搵 (plain: 找) is earning
_REPAY = re.compile(r"(还(?!要|有|是|欠|剩|得|在)|给你|先付|付给|转给|交给|拿出|凑)")
# Words that make an amount a payment: a verb of paying, a limit, a period, a yes.
_OFFER_CUE = re.compile(r"(还(?!亏|掏|花|欠|剩|有|是|在|没)|给|付|转|交(?!租)|凑|拿出|打|先|分|"
                        r"每个?月|一个月|每期|一期|月供|最多|只能|顶多|封顶|以内|"
                        r"最高|顶天|"
                        r"爱要不要|我说了|"
                        r"可以|行|好|没问题|就|吧|啦|能|愿意|打算|想|按)")
# An amount said on its own as the first words of a reply (「400，你们把方案写下来」「係一千五」).
_ALONE = re.compile(r"(对|是|系|就|嗯|好|行)?\s*(就)?\s*[\d一二两三四五六七八九十百千万wk.]+\s*(块|元|蚊)?"
                    r"\s*(吧|啊|啦)?")
_MONTHLY_PAY = re.compile(r"(分\s*\S{1,3}\s*期|每期|月供|能还|可以还)")
_PAY_VERB = re.compile(r"(还|给|付|转|交|拿出|凑|打)")
# Not agreeing to the figure, only hearing it: 「好的，我知道了」「我考虑一下」.
_HEARD_ONLY = re.compile(r"(知道|明白|了解|收到|考虑|想想|看看|再说|商量|回头|听到|记下(了|来)|我听着|你说吧|你继续说|"
                         r"行了行了|好了好了|别说了|够了)")  # 「行了行了 别说了」 ends the talk, it agrees to nothing
_BARE_NUMBER = re.compile(r"(?<![\d.a-z])(\d{3,6})(?![\d.%]|\s*(期|天|日|号|个|月|年|点|岁|次|位|w|k|万|千|开头|结尾))")
_AGREE = re.compile(
    r"^(那|哦|噢|嗯|恩|额|也|那就|咁|[…\.。，,~\s])*\s*(好好|好的|好吧|好啦|好嘞|好(?![烦累惨难怕气痛吵辛])|行行|行吧|行啊|行(?!吗)|可以(?!吗)|ok|okay|"
    r"没有?问题|得|成交|成|能(?![不吗])|"
    r"(我)?(同意|答应|接受|认了)|就这样|就按|按你说的|听你的|只能这样|只好这样|就这么定)")
_PAY_NOW = re.compile(r"(现在|马上|这就|立刻|今天)(就)?([^，。不没?]{0,8}(全部|都))?(转|还|付|打)(?!不)")
_AGREE_WITH_NUMBER = re.compile(r"(可以|没问题|就这样|就按|行|好|成|得|同意)")
_FULL_REPAYMENT = re.compile(
    r"((一次性|全部|全额|都)[^，。]{0,3}(还清|结清|还上|还完|给你|还你|付清)|(一次性|一口气|一次)(还|给|付|转)|全额还|还全款|"
    r"(都|全)还(了|上|清|掉)|"
    r"(马上|明天|今天|今晚|下周|月底|下个?月|这周|周末)[^，。]{0,4}(还清|结清|全还|全部还|全部给))")
_DEBT_QUOTE = re.compile(r"欠")
_LONG_DIGITS = re.compile(r"\d[\d\s-]{7,}\d")  # a phone or card number, not an amount
# Digits after these words name a card, a phone or a person, not an amount: 「尾号3321」「工号1024」.
_NUMBER_NOT_MONEY = re.compile(r"(尾号|尾数|卡号|账号|号码|工号|编号|手机|电话|房间|门牌)[^，。\d]{0,2}$")
_HOTLINES = {110, 120, 1998, 12315, 12321, 12345, 12363, 12378, 96110}


def _regional_number(raw: str) -> int | None:
    return int(raw) if raw.isdigit() else numbers.parse_amount(raw)


def _amounts(body: str, debt: int | None, bare: bool = True) -> list[numbers.Span]:
    """The money amounts, and (``bare``) plain three-to-six-digit numbers that numbers.py leaves out for lack
    of a money word around them (「300可以」「一个月800吧」) when they can be a payment (not above the debt)."""
    found, _ = numbers.extract(body)
    # 「A1073」: a staff number, not an amount
    found = [s for s in found if not re.search(r"[a-z]$", body[max(0, s.start - 1):s.start])]
    if bare:
        taken = [(s.start, s.end) for s in found]
        for m in _BARE_NUMBER.finditer(body):
            if any(a < m.end() and m.start() < b for a, b in taken):
                continue
            value = int(m.group(1))
            if _LONG_DIGITS.search(body) or value in _HOTLINES or _NUMBER_NOT_MONEY.search(body[:m.start()]):
                continue
            if value >= 100 and (debt is None or value <= debt):
                found.append(numbers.Span(m.start(), m.end(), m.group(1), value,
                                          amount_role(body, m.start(), m.end())))
        found.sort(key=lambda s: s.start)
    return found


def _refused_after(body: str, span_end: int, next_start: int) -> bool:
    """Whether the words after an amount (up to the next amount, within its clause) refuse it: 「6000我拿不出」."""
    clause_start, clause = _clause_span(body, span_end - 1)
    end = min(next_start, clause_start + len(clause))
    return bool(_REFUSAL.search(body[span_end:end]))


def _periods_in(body: str) -> list[tuple[int, int]]:
    """(position, number of installments) said in the reply: 「分12期」「6期就6期」."""
    out = []
    for m in _PERIODS.finditer(body):
        value = _regional_number(m.group(2))
        if value and 1 < value <= 120 and (m.group(1) or "期" in m.group(3)):
            out.append((m.start(), value))
    for m in _YEARS.finditer(body):
        out.append((m.start(), 6 if m.group(1) == "半" else 12 * int(_regional_number(m.group(1)) or 0)))
    return sorted(out)


# A lender's customer-service line said as digits (「我要打95508核实」), not a sum.
_SERVICE_LINE = re.compile(r"9[56]\d{3}|[48]00\d{7}")


def offers_in(text: str, case: Any = None, collector_line: str | None = None) -> list[Offer]:
    """The amounts the reply offers: what the borrower says they will pay, not a sum they quote, refuse or owe.
    「分24期」 with the debt known offers the debt over 24 months."""
    body = plain(text)
    debt = _number(_field(case, "debt"))
    demand = read_collector(collector_line, case) if collector_line else Demand()
    secretish = demand.code or bool(_SECRET_WORD.search(body))
    amounts = _amounts(body, debt, bare=not secretish)
    periods = _periods_in(body)
    offers: list[Offer] = []
    for i, span in enumerate(amounts):
        if span.role in _NOT_OFFERED_ROLES or span.value in _HOTLINES or _SERVICE_LINE.fullmatch(span.text):
            continue
        if secretish and (span.text.isdigit() or re.fullmatch(r"[零〇一二三四五六七八九幺两]{4,8}", span.text)):
            continue  # digits read out after a request for a code are the code
        clause_start, clause = _clause_span(body, span.start)
        before = body[clause_start:span.start]
        next_start = amounts[i + 1].start if i + 1 < len(amounts) else len(body)
        refused_before = _REFUSAL.search(before[-3:]) and not (
            i > 0 and span.start - amounts[i - 1].end <= 8 and _REFUSAL.search(body[amounts[i - 1].end:span.start]))
        if _refused_after(body, span.end, next_start) or refused_before:
            continue
        quoted = [q for q in _QUOTING.finditer(before)
                  if not re.search(r"我[^，。]{0,4}(还|付|给)", before[q.end():])]  # 「欠你们的我每月还一千五」
        if quoted or _QUESTION_ONLY.match(body[clause_start:]) or \
                body[span.end:span.end + 3].startswith(("的话", "的时候")):
            continue
        after = body[span.end:clause_start + len(clause)]
        if demand.amount == span.value and _REFUSAL.search(body[span.end:]) and \
                not re.search(r"(就|可以|行|好|没问题|同意|吧)", clause):
            continue  # 「两千，我真的不行」: the collector's figure said back to refuse it
        if demand.amount == span.value and _HEARD_ONLY.search(body) and _ALONE.fullmatch(clause.strip()) and \
                not _AGREE.match(clause.strip()):
            continue  # 「300…emmm 我考虑一下吧」: the figure said back while thinking it over
        window = before[-6:] + span.text + after[:4]
        if _OTHER_MONEY.search(window) and not _REPAY.search(window):
            continue  # 「工资才3000」「医药费花了三万」: money of the story, not a payment offered
        if not _OFFER_CUE.search(clause) and len(body) > 10 and not _ALONE.fullmatch(clause.strip()):
            continue  # 「对 就400 我工资才两千八」: the 400 said on its own answers; the pay is told of
        if demand.asks_income and not _PAY_VERB.search(clause) and not _MONTHLY_PAY.search(clause):
            continue  # 「五六千吧，不太固定」 to 「您现在每月收入大概多少？」: what they earn
        if _HAVE.search(before) and not _PAY_VERB.search(before[-4:] + after):
            continue
        if body[clause_start + len(clause):clause_start + len(clause) + 1] == "?" and \
                not re.search(r"(可以|行|好|能|吧)", clause):
            continue
        if debt and span.value >= debt * 0.95 and (periods or _PERIODS.search(clause)):
            continue  # 「三万二分24期」: the whole debt, spread; the periods say the monthly amount
        monthly = bool(_MONTHLY_WORDS.search(clause)) or (span.role == "affordable" and not demand.lump) or \
            (demand.monthly and span.value == demand.amount)
        offers.append(Offer(span.value, monthly))
    for position, count in periods:
        rest = body[position:]
        clause_start, clause = _clause_span(body, position)
        if _REFUSAL.search(body[position:clause_start + len(clause)]) and \
                not re.search(r"(要|想|分)\s*\S{0,3}期\S*$", clause):
            continue
        if re.match(r"分?\s*\S{1,3}期\s*(我)?(也)?(还不起|还不上|太|不行|做不到|拿不出)", rest) or \
                re.match(r"分?\s*\S{1,3}期\s*(的话)?(每个?月|每期|一个月)(就)?要", rest):
            continue  # 「12期每个月要两千五 我还不起」: the collector's plan worked out, not an offer
        offers.append(Offer(-(-debt // count), True) if debt else Offer(0, True))
    return offers


def _agrees(body: str, demand: Demand, offers: list[Offer]) -> bool:
    """Whether the reply accepts the collector's figure: an agreeing word, no refusal, no other number."""
    if _REFUSAL.search(body) or body.endswith(("?", "吗")) or _HEARD_ONLY.search(body):
        return False
    if demand.amount is None and demand.periods is None and not demand.lump:
        return False
    body = re.sub(r"[^，,。!！?？;；\n]*\?", "", body)  # 「你说五千就五千？」 asks back, it does not agree
    if offers and any(o.amount not in (demand.amount, _per_period(demand, None)) for o in offers if o.amount):
        return False
    agreeing_clause = any(_AGREE.match(clause.strip()) for _, clause in _clauses(body))  # 「三天是吧 没问题」
    said_so = any(re.search(r"就(这样|按|这么|[\d一二两三四五六七八九十])", clause) and not _OTHER_MONEY.search(clause)
                  for _, clause in _clauses(body))  # 「就五千吧」 agrees; 「实习工资就两千」 tells
    # 「嗯 十二点前转」「最低还款可以 今晚转」: a time to pay the figure the collector named, and no figure of one's own
    by_a_time = demand.amount is not None and not offers and not demand.personal and not _PROMISE.search(body) and \
        any(not re.search(r"(打|凑|打给)$", m.group(0)) for m in _PROMISE_WHEN.finditer(body))  # 「晚点打给你」 calls
    return bool(agreeing_clause or (offers and _AGREE_WITH_NUMBER.search(body)) or _PAY_NOW.search(body) or said_so
                or by_a_time)


def _per_period(demand: Demand, debt: int | None) -> int | None:
    if demand.periods and debt:
        return -(-debt // demand.periods)
    return None


def _full_repayment(body: str) -> bool:
    for m in _FULL_REPAYMENT.finditer(body):
        before = body[max(0, m.start() - 6):m.start()]
        after = body[m.end():m.end() + 4]
        if _NEGATION_BEFORE.search(before) or re.match(r"(不|没)", after) or re.search(r"(不|没)$", before) or \
                _REFUSAL.search(body[m.end():m.end() + 8]):
            continue
        if re.search(r"(能不能|可不可以|是不是|吗|\?)", body[m.end():m.end() + 6]):
            continue
        return True
    return False


# --- the collector's line --------------------------------------------------------------------------------------
_C_LUMP = re.compile(r"(即刻|马上|立即|立刻|现在|一次性|结清|还清|全额|全部|首付|先还|先付|先转|先交|先打|先处理|"
                     r"先把|最低还款|最低应还|最低|本期|这期|这个月|一半|30%|三成|今天[^，。]{0,6}(还|转|付|到账)|今晚[^，。]{0,4}(还|转|到账))")
# A one-off sum without a figure only for the whole debt, a down payment or the minimum payment; 「今天」
# 「先还」 ask for a lump sum only when they name one.
_C_WHOLE = re.compile(r"(一次性|结清|还清|全额|全部|首付|最低|一半|30%|三成)")
_C_MONTHLY = re.compile(r"(每个?月|一个月|每期|月供|按月|月还)")
# The collector pushing a new loan: 「找朋友借一借」「别的平台周转一下」.
_C_BORROW = re.compile(r"(借一借|借点|借一下|借别的|借钱|周转|套现|刷信用卡|以贷养贷|找(朋友|家里|亲戚|家人)|"
                       r"找你(的)?(爸|妈|父母|家里|家人|亲戚|朋友|老婆|老公)|"
                       r"(爸妈|父母|家里人?|亲戚|朋友|同事|家人)[^，。]{0,3}(借|想(想)?办法|拿|要))")
# 「您现在每月收入大概多少？」: a figure in the answer is what they earn, not an offer.
_C_INCOME = re.compile(r"(收入|工资|月薪|薪水|挣|赚|人工)[^，。]{0,8}(多少|几多|怎么样|情况|\?)")
_C_CODE = re.compile(r"(验证码|校验码|动态码|密码|口令|cvv|安全码|背面|后三位|码(念|报|发|告诉|说))")
_C_PERSONAL = re.compile(
    r"(个人(账户|账号|卡)|私人(账户|卡)|我(的|这个|那个|个)?(卡|账户|账号|微信|支付宝|收款码)|转(给|到)?我|打(到)?我|扫我|"
    r"收款码|二维码|转数快|fps|(同事|经理|领导|专员|主管)(的)?(卡|微信|支付宝|账户|账号)|这个(卡号|账号|账户)|"
    r"(卡号|账号)[^，。]{0,6}(发|给)你|转完[^，。]{0,3}截(个)?图|payme|(发|给)你(的|一个|个)?(账号|卡号|账户|码)|扫(这个|我)|(微信|支付宝)(转|还|付)|对私|私户|加我微信|"
    r"这张卡|这个卡|\d{4}\s?\d{4}\s?\d{4}|扫码(付|转|支付|给我)|我发你(个|一个)?(收款)?(码|二维码|卡号|账号)|发你(收款)?码)")


# A clause that says what the caller will never do (a bank's warning about fraud).
_NEVER_ASKED = re.compile(r"[^，。！？!?]*(不会|绝不|从不|不要|切勿|请勿)[^，。！？!?]*")


def read_collector(line: str | None, case: Any = None) -> Demand:
    """What the collector's line asks the borrower to do (the figure, monthly or at once, a code, an account)."""
    body = plain(line or "")
    if not body:
        return Demand()
    debt = _number(_field(case, "debt"))
    amount, monthly = None, False
    for span in _amounts(body, None):
        before = body[max(0, span.start - 6):span.start]
        if span.role in ("debt", "repaid") or (_DEBT_QUOTE.search(before) and not _C_LUMP.search(before)) or \
                _NUMBER_NOT_MONEY.search(before) or re.match(r"\s*(块|元|蚊)?\s*(欠|已经逾期|逾期)", body[span.end:]):
            continue
        if debt and span.value > debt * 1.05:
            continue
        amount = span.value  # the last figure asked for: 「您说每月800？起码每月1600」 asks 1600
        clause_start, clause = _clause_span(body, span.start)
        monthly = bool(_C_MONTHLY.search(body[clause_start:span.start]) or _C_MONTHLY.search(clause))
    periods = next((count for _, count in _periods_in(body)), None)
    lump_words = [m.group(0) for m in _C_LUMP.finditer(body)]
    # 「今天必须还清」: the whole debt asked for even when 「今天…还」 was read first
    lump = not monthly and periods is None and \
        (any(amount is not None or _C_WHOLE.match(w) for w in lump_words) or bool(_C_WHOLE.search(body)))
    if lump and amount is None and re.search(r"(一次性|结清|还清|全额|全部)", body):
        amount = debt
    whole = lump and amount == debt and debt is not None
    asks = _NEVER_ASKED.sub("，", body)  # 「我们不会通过私人账户收款，也不会向您要验证码」 asks for neither
    return Demand(amount=amount, monthly=monthly, periods=periods, lump=lump, code=bool(_C_CODE.search(asks)),
                  personal=bool(_C_PERSONAL.search(asks)), borrow=bool(_C_BORROW.search(asks)), whole=whole,
                  deadline=_c_deadline(body), asks_income=bool(_C_INCOME.search(body)))


# --- promise_under_pressure ------------------------------------------------------------------------------------
# A promise made to end the pressure: borrowing, 「想办法」, 「尽快」, selling things, a full repayment at once.
_PROMISE = re.compile(
    r"(我马上(就)?(还|转|凑|去(?!上班|开会|睡|吃|忙|工作|接|洗|投诉|检举|举报|报警|报案|金管|问|找|核实|查)|处理|弄)|"
    r"借到(钱)?就|找[^，。]{0,4}(拿钱|借钱|要钱)|(朋友|家里|亲戚|表哥|表姐)[^，。]{0,4}转给我|"
    r"卖(个|了|掉)?[^，。]{0,2}(表|车|房|手机|金|首饰|东西|电单车|摩托)|一定一定|马上(就)?(还|转|打|凑|处理)|"
    r"(我)?(去|找)[^，。]{0,6}借|借(钱|点钱|点|网贷|别的|一笔|借看)|借我(点|一点|些)|(找|跟|向|问)(我)?(朋友|亲戚|家里|同事|别人|人|"
    r"爸|妈|老婆|老公|哥|姐)[^，。]{0,5}(借|要|拿)|要点钱|套现|套出来|(刷|用)信用卡|"
    r"我保证|保证(今天|明天|下周|这周|月底|还|给|到账|打)|一定(到|到账|转|凑|处理)|(今天|今晚|明天|马上|尽快)[^，。]{0,3}搞定|"
    r"想办法|我尽快|(会|一定)尽快|尽快(还|凑|给|处理|搞定)|夹埋|预借现金|(问|找)[^，。]{0,3}(家人|家里人|屋企人)借|(这两天|月底|月尾)[^，。]{0,4}凑给|尽量(去)?(凑|借|还上|给你)|看看(能不能|可以吗)凑|凑一凑|凑凑|凑齐|我去凑|卖(了)?(车|房|手机|东西|首饰)|"
    r"把[^，。]{0,8}(卖|当|押)(了|掉)|(明天|今晚|今天)[^，。]{0,3}(全|都)(还|给)|当铺|去当|"
    r"想想?(版|半|班)法|套[^，。]{0,3}出来|凑一点|凑些|凑钱|(找|跟|向|问)(我)?[^，。你您]{1,4}借借|"
    r"(问|找|跟|向)(我)?(阿|老)?(哥|姐|弟|妹|叔|舅|姑|姨|丈人|丈母娘|岳父|岳母)[^，。]{0,3}借|"
    r"等[^，。]{1,10}(过来|到账|发工资|发钱|打钱)[^，。]{0,2}就(转|还|给|打)|"
    r"尽快(啦|吧|喇|咯|了)?(?=$|[,，。\s!])|"
    r"(今天|明天|今晚|这周|下周|月底|下个?月|周末|马上)[^，。]{0,3}(一定|保证|肯定)[^，。]{0,3}(还清|全还|还上|结清|还完)|"
    r"回头就(转|还|给)|马上搞定|搞定[^，。]{0,4}明天|尽力|努力(还|凑|吧|一下)|我努力|争取|凑(一下|点)|(能)?凑多少|"
    r"(家里|家人|爸妈|父母|朋友|亲戚)[^，。店厂铺]{0,4}(帮忙|帮我|想办法|拿钱|要钱)|(这就|现在就|马上)去(?!上班|开会|睡|吃|忙|工作|接|洗)|"
    r"(能不能|可以吗)借到|看(看)?(能不能|可以吗)借|"
    r"让(我)?(老婆|老公|家人|家里|朋友|爸|妈|哥|姐|弟|妹)[^，。]{0,3}(转|还|给|打)|(去|再)贷|贷款还|取现|(?<!只)(用|拿)(花呗|借呗|白条|信用卡|网贷)|"
    # the money found somehow: 「无论如何」, 「想法子」, a pledge or pawn, an advance on the pay, a new loan online
    r"无论如何(都)?|不管怎(么)?样(都)?|砸锅卖铁|拼了命|想法子|想辙|(弄|搞|筹)钱|去找钱|去筹|抵押|典当|当掉|预支|撸(个)?口子|借(个)?贷款|"
    r"网上借|去(拿|取)钱|(去|找|跟|向)[^，。]{0,6}周转|想(下|一下|想)?(怎么|咋)(搞|弄|办)|"
    r"(今天|今晚|明天|下午|晚上)[^，。]{0,3}(弄|搞)(好|定|到)|去(弄|搞|筹)(?!清楚|明白)|尽我所能|尽力而为|"
    r"(跟|找|向)[^，。]{0,4}开口|去刷卡|刷卡还|放心[^。]{0,6}(会|一定|肯定|保证)|"
    # another lender's money, a cash-out, a loan shark, friends rung round
    r"(别的|其他|其它)(平台|app|网贷)[^，。]{0,8}(下款|借|贷|额度)|能不能下款|套(个|点)?现|高利贷|"
    r"(借呗|花呗|白条|微粒贷|信用卡|网贷|额度)[^，。]{0,4}(还能|能|可以)(借|贷|刷|套)|(我)?借一下|"
    r"(问问|打几个电话|打电话问问?)[^，。]{0,3}(朋友|家里|亲戚|同事|家人|人)|想[^，。]{0,2}办法|尽快把|"
    r"(下个?月|月底|下周|明天|过几天)[^，。不]{0,2}一定|卖(了)?[^，。]{0,2}(车|房|楼|手机|东西|首饰|金))")
# The same said with a figure is an offer (judged against the means), not a vague promise: these count only
# when the reply names no amount (「好好好」「今天下午就还」「尽量」).
_PROMISE_NO_FIGURE = re.compile(
    r"(好好好|行行行|好的好的好的|是是是|得得得|好啦好啦|好吧好吧|尽量|一定(还|给)|(一定|肯定)会?(还|给|处理)|"
    r"今天(就|一定|肯定|保证|马上|之内|内|下午|晚上)[^，。]{0,4}(还|凑|转|打|给|处理|想办法)|今晚(之前|前|就)[^，。]{0,3}(给|还|转)|"
    r"(下午|晚上|这两天|明天)就(还|转|给|凑|把)|明天(就)?(还|转|给)(你|钱)(?!回|打|电话|答复|消息|个|一个)|"
    r"(?<![吓骂动碰惹逼打])我(来)?试(试|一下|一试)(看)?[吧啦]?$|我答应(你|您)[^，。\d]{0,3}$)")
# Paying soon without a figure: 「过两天就还」「我等会儿就转」 (with a figure it is an offer, not a vague promise).
_PROMISE_WHEN = re.compile(
    r"(这两天|过两天|过几天|改天|回头|晚点|等会儿?|一会儿?|待会儿?|下周|周末|月底|下个?月|明天|今晚|今天|马上|"
    r"下午|晚上|中午|后天|这周|本周|下班|周[一二三四五六日末]|星期[一二三四五六日天]|[\d一二三四五六七八九十两]{1,2}点(钟)?)"
    r"[^，。\d一二两三四五六七八九十百千万不没冇]{0,3}(就|先|会)?(还(?!要|有|是|得|在|没|不|欠|剩|看|打|来|骚扰|催|去|会|又)|转|给|处理|凑|打)"
    r"(?!(你|您)?(们)?(回|答复|消息|打电话|电话|说法|准信|结果|个(答复|回复|电话|说法|准信|结果))|给?我|来|过来|催收|电话)")
_PROMISE_NEGATED = re.compile(r"(不会|不能|不可能|没法|不想|不要|不再|不去|没办法|想不出|想不了|想不到|"
                              r"没说|没有说|没讲|没有讲|没答应|莫得说|没得说|冇讲|冇讲过|冇话|"
                              r"不好意思|不敢|没脸|开不了|"
                              r"不一定|说过|讲过)"
                              r"[^，。]{0,3}$")
_PROMISE_UNDONE_AFTER = re.compile(r"^[^，。]{0,3}(也没用|没用|也没有|也不行|也不够|不够|不了|不到|不出|不起|不上)|"
                                   r"^的?都|"
                                   r"^[^，。]{0,2}验证码")
# Earlier in the same clause: a no (「我不会为了还你们再去借钱」) or the past (「我之前就是借网贷还的」).
_PROMISE_NO_BEFORE = re.compile(
    r"(不会|不能|不可能|不想|不要|不再|绝不|决不|没法|我之前|之前就|以前|上次|原来|当初|本来|已经|也想|希望)")
# Later in the same clause, a no: 「借钱还你们是不可能的」.
# Borrowing to pay named as what it is, or refused: 「这叫以贷养贷」「拆东墙补西墙」「我不想再借了」.
_BORROWING_REFUSED = re.compile(r"以贷养贷|借新还旧|拆东墙补西墙|拆东补西|不想[再在]借|不会[再在]借|不[再在]借|"
                                r"不借了|诱导|"
                                r"越滚越(多|大)")
_PROMISE_NO_AFTER = re.compile(r"(不可能|不现实|做不到|没门|不会的|办不到)")
# A hedge after it: 「我会想办法的，但是现在真的没有」 is willing, not promising.
_PROMISE_HEDGED = re.compile(r"(但|可是|不过|只是)[^。]*(没|不|难)")
# The collector pressing for a payment by a time, in one clause that is no question and no threat's condition:
# 「今天必须还上」「下午五点前到账」「限你明天还上」 (not 「今天到不了账，明天就上门」, not 「几点到账？」).
_C_WHEN = re.compile(
    r"(今天|今晚|今日|明天|马上|立刻|立即|现在|点|天内|天之内|最迟|最晚|下班|周[一二三四五六日末]|月底)")
_C_MUST = re.compile(r"(必须|一定|要|得|前|之前|之内|以内|内|最迟|最晚|限)")
_C_PAY = re.compile(r"(还(?!要|有|是|欠|剩)|到账|转账|转过来|结清|打款|交钱|付款|处理|搞定)")


def _c_deadline(body: str) -> bool:
    """Whether the collector's line presses for a payment by a time (see above)."""
    for start, clause in _clauses(body):
        if body[start + len(clause):start + len(clause) + 1] == "?" or "不" in clause:
            continue
        if _C_WHEN.search(clause) and _C_MUST.search(clause) and _C_PAY.search(clause):
            return True
    return False


# A bare yes (or 「我试试」) with nothing else said: 「好吧」「行 我试试」.
_BARE_YES = re.compile(
    r"^(那|哦|噢|嗯|恩|额|也)*\s*(好好|好的|好吧|好啦|好嘞|好|行吧|行啊|行|可以|ok|okay|没问题|得|成)"
    r"[啦吧的了呀啊\s!.~]*((我)?(试试|试一下|试试看|尽量))?[吧啦看\s!.~]*$")
_BORROW_ASKED = re.compile(
    r"(问(问)?|找|跟)(我)?(家里|家人|爸|妈|父母|老婆|老公|哥|姐|弟|妹|朋友|亲戚|同事|舅|叔|姑|姨|表|堂)")


def _promise(body: str, offered: bool, demand: Demand = Demand(), account: bool = False,
             agreed_figure: bool = False) -> bool:
    """A vague or unrealistic promise; with a figure only the borrowing and 「想办法」 kind (the figure itself is
    an offer, judged against the means). A time to pay into someone's own account (``account``: the reply
    accepts one) is that mistake, not this one, unless the money is to be borrowed or raised."""
    cues = [_PROMISE.finditer(body)]
    if not offered and not demand.personal:
        cues.append(_PROMISE_NO_FIGURE.finditer(body))
        if not agreed_figure:  # 「好吧 今天还最低还款」: the collector's figure, said with a day, is an offer
            cues.append(_PROMISE_WHEN.finditer(body))
    if demand.borrow:
        cues.append(_BORROW_ASKED.finditer(body))  # 「我回家问问我爸」 to 「找你爸妈借点」
    for m in (m for found in cues for m in found):
        if account and not re.search(r"(借|贷|卖|当|押|凑|套|刷|取现|想办法|周转)", m.group(0)):
            continue
        if re.search(r"(哪|谁|怎么)", m.group(0)) or "?" in body[m.end():m.end() + 4] or \
                re.search(r"(哪|谁|怎么|什么)", body[max(0, m.start() - 3):m.start()]):
            continue  # 「我上哪去借？」「你让我去借？」「上哪弄钱」: no promise, the opposite
        start = m.start() + (1 if m.group(0).startswith("我") else 0)
        if re.search(r"((让|叫|要|逼|迫|帮)(我)?(想|去)?|(你|您)们?(自己)?(上|过|进)?|请|麻烦)$",
                     body[max(0, start - 5):start]) or \
                ("借" in m.group(0) and re.match(r"(过|了)", body[m.end():m.end() + 1])) or \
                (m.group(0).endswith("给") and re.match(r"我", body[m.end():m.end() + 1])):
            continue  # 「帮我想想办法」「请尽快给我」 ask the collector; 「借过了」 is the past
        if _PROMISE_NEGATED.search(body[max(0, m.start() - 8):m.start()]) or \
                re.search(r"(不|没|别)$", body[max(0, m.start() - 1):m.start()]) or \
                re.search(r"(想|找)(不了|不到|不出|唔到)", m.group(0)) or \
                re.search(r"知道?我$", body[max(0, m.start() - 3):m.start()]):
            continue  # 「想不了办法」 is no promise, nor 「佢唔知我借錢」 (she does not know I borrowed)
        clause_start, clause = _clause_span(body, m.start())
        if _PROMISE_NO_BEFORE.search(body[clause_start:m.start()]) or \
                _PROMISE_NO_AFTER.search(body[m.end():clause_start + len(clause)]):
            continue
        if (re.search(r"会", m.group(0)) and re.search(r"(但|可是|不过|只是|就是)", body[m.end():])) or \
                _PROMISE_HEDGED.search(body[m.end():]):
            continue  # 「我会还的，但现在拿不出」: willing, not promising
        if _PROMISE_UNDONE_AFTER.match(body[m.end():]):
            continue
        if (re.search(r"(借|贷)", m.group(0)) or m.re is _BORROW_ASKED) and \
                (re.search(r"(不(干|借|会借|去借|要借|会再借|再借)|饮鸩止渴|越滚越多)", body[m.end():]) or
                 _BORROWING_REFUSED.search(body)):
            continue  # 「借钱还债那是饮鸩止渴 我不干」「再借就是拆东墙补西墙」「我不想再借了」
        if re.search(r"打给?$", m.group(0)) and re.match(r"(给)?(你|您)(们)?(?!.{0,2}钱)", body[m.end():]):
            continue  # 「再打给你们」 is a call
        if m.group(0).endswith("打") and not re.match(r"(钱|款|给|过去|到|进)", body[m.end():m.end() + 2]):
            continue  # 「晚点打」「回头打客服核实」: a call, not a payment
        if demand.code and m.re is _PROMISE_NO_FIGURE:
            continue  # 「好吧好吧 738201」: the code given, that mistake
        if m.re is _PROMISE_NO_FIGURE and re.match(r"(好|行|是|得)", m.group(0)) and \
                (agreed_figure or _ABUSE.search(body)):
            continue  # 「好吧好吧 你说多少就多少」 takes the figure (an offer); 「行行行你厉害，…畜生」 is sarcasm
        if body[clause_start + len(clause):clause_start + len(clause) + 1] == "?" or \
                re.match(r"(就是|想办法|能想|有什么|啥)", body[m.end():]):
            # 「下个月一定还上是还多少？」 asks; 「想办法就是去借呗借」「想办法想办法，能想啥办法」 throws it back
            continue
        return True
    return False


# --- lump_sum_countered ----------------------------------------------------------------------------------------
_LUMP = re.compile(r"(一次性|一次还|一次付|一下子|全部|全款|全额|结清|还清|首付|30%|百分之三十|三成|这么多|那么多|"
                   r"一笔|整笔|最低还款|最低)")
_COUNTER = re.compile(r"(最多|只能|顶多|可以先|能先|先还|先付|每个?月|分\s*\S{1,3}\s*期|分期|改成|换成)")

# --- written_confirmation --------------------------------------------------------------------------------------
_WRITTEN = re.compile(
    r"(书面|写下来|写进|文字|短信(发|确认|通知)|发(个|条|一条)短信|发短信(给我|确认|通知)|(请|麻烦|你)(给我)?发短信|短信[^，。]{0,4}(确认|给我)|短讯|留(个)?底|"
    r"email|e-mail|电邮|(方案|协议|结果|明细|内容|金额|利率)[^，。]{0,4}(发|寄|写)(到|给)?我|邮件|盖章|协议(?!还款|分期)|"
    r"(简讯|短信)[^，。]{0,2}(写|发|传)给我|(方案|协议|内容|确认|结果|条件)[^，。]{0,6}寄|寄[^，。]{0,4}(确认|方案|协议)|"
    r"确认信|"
    r"计划表|(开|发)(个|一份)?证明|结清证明|写低|纸本|确认书|"
    r"合同|确认函|通知书|回执|正式文件|文件(发|寄|给)|年化|年利率|实际利率|利率(是)?多少|什么利率|利息(是)?多少|多少利息|总共(要)?还多少|一共(要)?还多少|"
    r"app(上|里)(能|可以)(看|查|显示)|留(个)?(凭证|记录|证据)|白纸黑字|记录下来)")

# --- official_account_only / personal_account_accepted ---------------------------------------------------------
# The official channel named: these words count only in a clause that speaks of paying (「我打官方客服核实」
# checks who calls, it does not insist on a channel).
_OFFICIAL_WORDS = re.compile(r"(官方|官网|正规渠道|对公|公司(的)?账户|还款渠道|原来的还款|账单上(的)?|自动扣款|app|"
                            r"柜台|柜位|"
                            r"网上银行|网路银行|网银|手机银行|网上理财|还款账户|还款账号|缴款账号|缴款帐号|月结单|营业厅|网点)")
_PAYING = re.compile(r"((?<![要欠需得])还(?!是|有|要|欠|剩|看|没|显示|在|款(金额|额|日|记录|计划))|(?<!支)付(?!宝)|"
                     r"转|交|汇|扣|入账|"
                     r"打款|打钱|入)")
_OFFICIAL = re.compile(
    r"("
    r"只(在|走|通过|用|往|从|会在|会走|会通过|会往|会用)[^，。]{0,12}(app|页面|账户|渠道|里|上)|"
    r"(在|从)[^，。]{0,8}(app|页面|里面|里)[^，。]{0,2}(直接)?(还|付)(?!看|有|是|要|欠|没|了|过|显示)|"
    r"只[^，。]{0,3}(往|给|打|转|汇)[^，。]{0,3}((个人|私人)(的)?|你的?)(账户|账号|卡|微信|支付宝)|"
    r"(app|官网|官方)(上|里)[^，。]{0,2}还(?!看|有|是|要|欠|没|了|过|显示)|"
    r"还(到|进)[^，。]{0,8}(信用卡|卡)(上|里|本身)|(一系|只|只有|要么|只认|只走)[^，。]{0,8}官方(的)?(账户|渠道|app)|"
    # 「要还也是去招行柜台」: where the money will go, said as a place
    r"(要还|还款|还钱|还也|还的话)[^，。]{0,4}(去|到|在|走)[^，。]{0,6}(柜台|营业厅|网点|官方|官网|app)|"
    # 「我自己在来分期app里申请就行」「停息我自己上恒生app搞」: doing it oneself in the lender's own app
    r"自己(在|上|用|去|到|通过)[^，。]{0,8}(官方|官网|app|网银|手机银行|网上银行|网上理财|柜台)[^，。]{0,3}"
    r"(办|搞|弄|处理|操作|还|付|交)(?!不)|"
    r"(走|认|用)[^，。]{0,2}(官方|正规|对公)|对公(账户|账号)|只认官方|"
    r"只(在|走|通过|用|从|认)[^，。]{0,6}(借呗|花呗|白条|微粒贷|美团|京东|招行|工行|建行|农行|中行|交行|浦发|平安|银行|平台|app)"
    r"[^，。]{0,4}(还|付)|只(还|转|付|打)(到|给|进)(?![^，。]{0,3}(个人|私人|你))[^，。]{0,6}(官方|账户|app|平台|银行|借呗|花呗|美团)|"
    r"(在|从|用|通过)[^，。]{0,8}(手机银行|网银|官网|小程序|银行app)[^，。]{0,2}(直接)?(还|付)|"
    r"(花呗|借呗|白条|微粒贷|app|银行|平台)(里|上)[^，。还看]{0,6}(?<![要欠需得])(还|付)"
    r"(?!看|有|是|要|欠|没|了|过|显示|不|款(金额|额|日|记录|计划))|"
    r"走[^，。]{0,3}app|只[^，。]{0,3}(用|走|通过)[^，。]{0,2}(网路银行|网上银行|网银|手机银行))")
_PERSONAL = re.compile(
    r"((转|打|汇|付|给)(到|给)?(你|您)(的|们)?(同事|个人|私人)?(的)?(那张)?(账户|账号|卡|银行卡|微信|支付宝|收款码)|"
    r"(你|您)把(你的|您的)?(卡号|账号|收款码|二维码)(发|给)|(卡号|账号|收款码)(发|给)我|"
    r"(个人|私人)(账户|账号|卡)[^，。]{0,3}(也|都)?(可以|行|没问题|没有?所谓|无所谓|得)|加(你|您)?(的)?微信[^，。]{0,4}(转|还|付)|"
    r"(发|给)(我)?(个|一个)?(收款码|二维码|转数快|fps|payme)|扫(你|您)的?(码|二维码|收款码)|"
    r"(转数快|fps|payme)(转|过数|转账|给)(你|您)|"
    r"(好|行|可以)[^，。]{0,4}(转|打)(给|到)(你|您)|(微信|支付宝|银行卡)(转|打|付)(给)?(你|您)|"
    r"(个人|私人)(的)?(也)?(可以|行|没问题)|(卡号|账号|账户|收款码|微信号)[^，。]{0,3}传(给)?我|"
    r"(微信|支付宝|银行卡)(给|转给|打给)(你|您)|(给|帮)(你|您)存|存给(你|您)|"
    r"(转|打|汇|存|入)[^，。]{0,6}(到|给|进|去)(你|您)(的)?(个人|私人)?(的)?(卡|账户|账号|微信|支付宝|那(边|里|儿)?)|"
    r"(转账|转|汇|打钱)(给|到)(你|您)(们)?(的)?(同事|财务|经理|领导|专员|主管)|"
    r"(转|打|汇|存)[^，。]{0,2}(到|给|进)(你|您)(给|发)(我)?的(账号|卡号|账户|卡))")
# 「我用网银转到你给的账号」: the bank's app is only the means; the account is the collector's own.
_THEIR_ACCOUNT = re.compile(r"(你|您)(给|发)(我)?的(账号|卡号|账户|卡)")
# After the collector asked for a payment to someone's own account: agreeing, asking for the number, 「我转给你」.
_PERSONAL_AFTER_ASK = re.compile(
    r"((卡号|账号|号码|账户)[^，。]{0,3}(发|给|多少|是多少|呢)|(发|给)(我)?(个|一下)?(卡号|账号|号码)|"
    r"(我)?(转|打|汇)(给|到)?(你|您)(?![妈娘])|我(就|现在|马上|这就)?(转|打|汇)(了|过去|完)|(现在|马上|这就|等下|待会|一会)(就)?(转|打|汇)|"
    r"(转|打|汇)(多少|哪)|发(来|过来)|那我(就)?转|发(给)?我吧|(你)?发(个)?(收款)?码|(现在|马上|这就)(转|打|汇)|转过去|打过去|汇过去|"
    r"^(好|行|可以|ok|嗯)[^，。]{0,3}(转|打|汇)|"
    r"(转|汇|打|存)(账|款|钱)(给|到|进)(你|您)|存(到|进)(你|您)|(发|给|报|传)(我)?(一下|个|一个)?(你的)?(支付宝|微信|银行|银行卡)?(卡号|账号|账户|户名|收款码|二维码|微信号|支付宝号|号码)|^(得|好|行|可以|ok|嗯)[^。]{0,10}(转数快|fps|电话号码|手机号)|"
    r"哪个银行|开户行|收款人|(用|by)\s*(payme|转数快|fps|微信|支付宝|line\s?pay)|(fps|转数快|payme)[^，。]{0,3}(号码|号|是什么|系什么|多少)|户名(?![^，。]{0,4}(谁|哪|吗))|(转|打|汇)给谁|(截图|截个图|影低)[^，。]{0,4}(给|发)(你|您)|转完账|(微信|支付宝)还是(微信|支付宝|银行卡|卡)|"
    r"(转|汇|打)(好|完)了|已(经)?(转|汇|打)|扫了|我扫(?!描)|^(嗯|好|ok|行)?\s*发(吧|啦)|加(我|你)(的)?(微信|支付宝)|我加(你|了)|^加了|抄下来|记下了|"
    r"等你(的|发)?(码|卡号|账号|二维码)|(手机号|号码|账号|卡号)(是吧|对吧|对不对)|收到$|推(给)?我|账户名|打(过去|给你|到)|(微信|支付宝)(号)?(是)?多少|"
    r"(号码|账号|卡号)[^，。]{0,8}开头|(的)?(卡|账户|账号|微信|支付宝)(也)?(行|可以|没问题))")
# After the same request, any transfer said with no no, no question and no other account: 「五千是吧 我去转」.
_PERSONAL_ANY_TRANSFER = re.compile(r"(?<!不)(?<!别)(?<!什么)(转|汇|存)(?!什么|个屁|不|账记录|你妈|你娘|你老)")

# --- secret_given ----------------------------------------------------------------------------------------------
_SECRET_WORD = re.compile(r"(验证码|验证吗|校验码|动态码|密码|口令|pin|安全码|cvv|码是|码为|背面|后三位)")
_CODE_DIGITS = r"(\d[\d\s]{2,14}\d|[零一二三四五六七八九幺](\s?[零一二三四五六七八九幺]){3,7}|\d个\d)"
_SECRET = re.compile(
    r"((验证码|验证吗|校验码|动态码|密码|口令|pin|安全码|cvv|cvv2|卡背后三位|背面|后三位|(?<!号)码)[^，。\d]{0,4}(是|为|:|系)?\s*"
    + _CODE_DIGITS + r"|(cvv|安全码|背面|后三位)[^，。\d]{0,4}\d{3}(?!\d)|"
    r"(验证码|验证吗|密码)[^，。]{0,4}截图[^，。]{0,3}(给|发)|短信截图[^，。]{0,3}(给|发)|"
    r"(念|报|发|告诉|给)(给)?(你|您)[^，。]{0,3}(验证码|密码|口令|pin)|(验证码|密码|口令|pin)[^，。]{0,4}(念|报|发|告诉|给)(给)?(你|您)|"
    r"(验证码|密码)(我)?(发|报|念)(过去|一下|了|给)|(我|这就|马上)[^，。]{0,3}(念|报)(一下)?(验证码|密码)?(给你)?[^，。]{0,2}\d{4,8})")
# After the collector asked for a code: the digits alone, or 「发你了」「截图发你了」.
_SECRET_AFTER_ASK = re.compile(
    r"((?<![\d])" + _CODE_DIGITS + r"(?![\d])|(发|给|念|报|告诉)(给)?(你|您)(了|啦|过去)|"
    r"(发|念|报)了(个|张)?(截图)?给(你|您)|(发|给)过去了|截图(发|给)|"
    r"(已经|刚刚?)(发|给)(你|您)?了|(发|传)(到|去)?(你|您)?(的)?(微信|line|whatsapp|短信|手机)(上)?(了|啦|喇)?)")
_SECRET_NEGATED = re.compile(r"(不|不会|不能|别|不要|没|绝不|不可能)[^，。]{0,5}(给|发|报|念|告诉|说)?[^，。]{0,3}$")

# --- abusive ---------------------------------------------------------------------------------------------------
_ABUSE = re.compile(
    r"(他妈|他娘|tmd|(?<![我她爸老姑舅])妈的|妈了个|操你|草你|艹|草泥马|cnm|傻逼|傻b|煞笔|沙比|sb(?![a-z])|滚蛋|滚开|给我滚|"
    r"你滚|^滚(?!动|利|烫)|去死|王八|混蛋|畜生|畜牲|狗东西|狗日|贱人|死全家|不要脸|人渣|垃圾东西|你算什么东西|神经病|白痴|弱智|废物|"
    r"脑子有病|有病吧|你有病|脑残|干你娘|干你|靠北|机掰|仆街|扑街|冚家|顶你个肺|屌你|on9|戆鸠|蠢货|蠢猪|猪脑|傻x|傻叉|傻缺|你老母|收皮|吸血鬼|流氓|"
    r"土匪|强盗|无耻|放屁|狗屁|尼玛|nmsl|你妈(?!妈)|日你|卧槽|我操|"
    r"垃圾(?!短信|电话|信息)|二百五|傻帽|滚犊子|去你的|"
    # more of the same, with the typos and the Cantonese and Taiwanese forms people type
    r"你全家|全家都是|废柴|(?<![a-z])屌(?!爆|炸)|老味|我草|我艹|傻比|傻批|傻吊|傻屌|沙雕|煞比|靠腰|靠杯|哭夭|你丫|丫的|"
    r"个屁|屁话|放你妈|狗腿子|走狗|狗娘|杂种|杂碎|蠢材|蠢蛋|脑子进水|被驴踢|死催债|死收数|滚远|滚一边|滚粗|智障|瘪三|"
    r"混账|龟儿子|妈卖批|日了狗|操蛋|他奶奶|奶奶的|你大爷|鸡巴|吃屎|哪根葱|败类|犯贱|下贱|"
    r"你妹|北七|(^|[\s，,。!])滚($|[\s，,。!吧啦])|(啥|什么)玩意|八婆|(^|[\s，,。!])干($|[\s，,。!])|猪头|(^|\s)猪($|\s)|"
    r"聋了吗|瞎了|个毛线|个鬼|你个头|妈逼|逼崽子|狗屎|贱货|婊子|骚货|老东西|老不死|狗崽子|兔崽子|王八羔子|龟孙|鳖孙|"
    r"瓜娃子|哈批|肏|食屎|躝|咸家铲|戆居|低b|(你|死)三八|猪狗不如|你是人吗|烂人|禽兽|疯狗|狗叫|乱吠|"
    r"(你|你们)(才是|就是|真是|是|这个|个)?(个)?(傻子|傻瓜|笨蛋|疯子|有毛病|脑子坏)|死(骗子|催收|收数|要债|讨债)|"
    r"(你|你们)(才)?该死|(这些|一群|这帮|你个|你这)狗(?!屁)|(你个|个)锤子|白目|低能|脑瘫|死变态|(你|你们)[^，。]{0,3}变态|"
    r"狗逼|你算老几|听不懂人话|(这帮|这些|一帮|你们这群|你个|你这)孙子|fuck|含(撚|𨶙)|老木|去你妈|操(?!作|心|场|劳|办|持|守|练|纵|控|盘)|"
    r"(?<![a-z])(md|wcnm|nmb|shabi|tm)(?![a-z]))")

# --- violation_named -------------------------------------------------------------------------------------------
_VIOLATION = re.compile(
    r"(违规|违法|不合规|不合法|犯法|违反|不允许|(?<!说)不准(?!时)|没有权利|无权|不可以(联系|找|打)|不能(联系|找|打给|骚扰)|"
    r"(联系|打给|找|骚扰)[^，。]{0,6}(家人|家里人|父母|爸妈|同事|单位|领导|朋友|通讯录)[^，。]{0,6}(是|属于)?(违规|违法|不行|不可以|不允许)|"
    r"(?<!\d)(12378|12363|12321|110)(?!\d)|报警|报案|警署|派出所|公安|监管|金管局|金管会|评议中心|1998|0800|金融消费|消保|消委会|"
    r"人民银行|人行|银保监|第三人|第三方(?!是(哪|谁|什么))|扰民|(不合|不啱|不符合|坏了)规矩|民事|借新还旧|借新债还旧债|"
    r"诱导|本身就(不对|不啱|不合|违)|夸大|(是|在)吓唬人|不会(被)?(关|抓|坐牢)|叫警察|"
    r"(晚上|夜里|半夜)[^，。]{0,6}(不能|不可以|不允许|违规)|十点以后|10点以后|22点|恐吓|威胁我|"
    r"(这是|这叫|属于|算是?|你这)(在)?(威胁|骚扰|吓唬)|骚扰|(跟|和|同)[^，。]{0,6}(没|无)(有)?关(系)?|"
    r"(索要|要|问我要)[^，。]{0,4}验证码[^，。]{0,6}(不对|不合|违|诈骗|骗))")


# A complaint with the conduct it is about named (「晚上十一点打电话，我会举报」「你再打给我同事 我就去投诉」): the
# violation named. A bare 「我要投诉」 names neither the rule nor a route.
_COMPLAINT = re.compile(r"(投诉|投述|举报|申诉|告你们|告你)")
_CONDUCT = re.compile(
    r"(半夜|深夜|晚上|夜里|夜晚|凌晨|[\d一二两三四五六七八九十]+点)[^，。]{0,6}(打|电话|来)|"
    r"(打|打电话|打给|打到|找|联系|骚扰|去)[^，。]{0,3}(我)?(老婆|老公|家人|家里|屋企|爸|妈|父母|同事|单位|公司|领导|老板|朋友|"
    r"联系人|通讯录)|骂人|骂我|上门|爆通讯录")


# 「被骗了…已经报警了」: the police in the borrower's own story of a fraud, not a route against this collector.
_OWN_CASE_REPORTED = re.compile(r"(被[^，。？?！!]{0,8}骗|杀猪盘|刷单)[^。？?！!]{0,14}(报警|报案)")


def _violation(body: str) -> bool:
    for m in _VIOLATION.finditer(body):
        if m.group(0) in ("报警", "报案") and _OWN_CASE_REPORTED.search(body[:m.end()]):
            continue
        return True
    return bool(_COMPLAINT.search(body) and _CONDUCT.search(body))


# 「是你们公司的对公账户吗」「你们平台没有对公账户吗」 check or reproach; 「你们有对公账户吗」 asks for it.
_CHECKS = re.compile(r"(是|没有?)[^，。]{0,10}$")
_QUESTION_END = re.compile(r"(吗|嘛|\?)$")
# A bank's app used to pay someone's own account is only the means: 「我用网银转给你」「手机银行转 你账户名是啥」.
_MEANS = re.compile(r"(网上银行|网路银行|网银|手机银行)")
_TO_THEM = re.compile(r"(转|打|汇)(给|到)(你|您)(?!们公司)|(你|您)(的)?(账户名|户名|卡号|账号)|(转|打|汇)过去")


def _official(body: str, demand: Demand | None = None) -> bool:
    for m in _OFFICIAL.finditer(body):
        start, clause = _clause_span(body, m.start())
        if not (_CHECKS.search(body[start:m.start()]) and _QUESTION_END.search(body[start:start + len(clause) + 1])):
            return True
    for _, clause in _clauses(body):
        words = {w.group(0) for w in _OFFICIAL_WORDS.finditer(clause)}
        if not words or not _PAYING.search(clause) or _THEIR_ACCOUNT.search(clause):
            continue
        if all(_MEANS.fullmatch(w) for w in words) and "还" not in clause and \
                (_TO_THEM.search(body) or (demand and demand.personal)):
            continue
        return True
    return False


# Words that go along with a proposal said back as a question (「你个人账户？发我吧」).
_GOES_ALONG = re.compile(r"发我|发过来|发来|发给我|给我发|我转|转给你|好的?|行|可以|ok|得|没问题|号码?多少|卡号|账号")


def _personal(body: str, demand: Demand) -> bool:
    if demand.personal and _AGREE.match(body) and not _REFUSAL.search(body) and not _official(body, demand) and \
            not body.endswith("?"):
        return True  # 「好的」 to 「转到我们财务的个人账户」
    cues = [_PERSONAL] + ([_PERSONAL_AFTER_ASK, _PERSONAL_ANY_TRANSFER] if demand.personal else [])
    for cue in cues:
        for m in cue.finditer(body):
            before = body[max(0, m.start() - 6):m.start()]
            if _NEGATION_BEFORE.search(before) or re.search(r"(不|没|别|只)$", before) or \
                    re.search(r"(凭什么|为什么|为啥|干嘛|怎么能)", body[:m.start()]):
                continue  # 「凭什么转你微信」 asks why, it does not agree
            clause_start, clause = _clause_span(body, m.start())
            if re.search(r"(对公|官方|公司的?(账户|账号)|你们公司|贵公司|干嘛|干什么|为什么|为啥|凭什么)", clause) or \
                    (_REFUSAL.search(body) and body[clause_start + len(clause):][:1] == "?"):
                continue  # 「对公账户发我」「加你微信干嘛」: the company's account, or a question why
            rest = body[clause_start + len(clause):]
            if rest[:1] == "?" and not _GOES_ALONG.search(body[:clause_start] + rest):
                continue  # 「转你个人账户？谁的卡啊这是」 says the proposal back in disbelief; 「…？发我吧」 goes along
            asked = body[m.end():clause_start + len(clause) + 1]  # 「转了你能保证停催吗」 asks; 「先转一千行吗」 agrees
            if cue is _PERSONAL_ANY_TRANSFER and (_REFUSAL.search(body) or
                                                  re.search(r"(问|确认|核实|是不是|要不要)", clause) or
                                                  "可以吗" in body[clause_start:m.start()] or
                                                  (re.search(r"[?吗呢]", asked) and
                                                   not re.search(r"(行|可以|好|成)(吗|吧)", asked))):
                continue
            if re.search(r"(骗子|骗|报警|投诉|举报|不转|不会转|不打|不汇|违规|违法|12378|金管|正规吗|让人|让我转)",
                         body) or \
                    _official(body, demand):
                continue
            return True
    return False


def _secret(body: str, demand: Demand) -> bool:
    cues = [_SECRET] + ([_SECRET_AFTER_ASK] if demand.code else [])
    for cue in cues:
        for m in cue.finditer(body):
            if _SECRET_NEGATED.search(body[max(0, m.start() - 8):m.start()]) or re.search(r"(不|别|没)", m.group(0)):
                continue
            if cue is _SECRET_AFTER_ASK and re.search(r"(不给|不会给|不能给|不告诉|不发|不念|不报|没收到)", body):
                continue
            return True
    return False


_TRANSFER = re.compile(r"(?<!不)(转|汇|打钱|打款|存)")
_RAISE_IT_ALL = re.compile(r"(凑齐|凑够|还上|还清|结清|全部|全给|付清|汇|转|到账)")
# 「那我今天想办法把最低还了」: the collector's figure taken in words.
_NOT_THE_SUM = re.compile(r"(工号|名字|姓名|称呼|身份|账户|账号|卡号|微信|支付宝|任何人|别人|(?<!一)个人)")
_TAKES_THE_SUM = re.compile(r"(把|将)(最低|首付|首期|这笔|那笔|这个数|那个数|这些|这么多)[^，。]{0,3}(还|付|交|凑|转)")
_NOT_ABOUT_MONEY = re.compile(r"(没法|没办法|不能|无法)(确认|核实|相信|判断|知道|证明|联系)")
_LUMP_NAMED = re.compile(r"(一次性|一次|全部|全额|结清|还清|首付|最低|这么多|那么多|"
                         r"[\d一二两三四五六七八九十百千万]+(块|元)?)")
# Installments asked for (「我想申请分期」「分24期」), not only named (「分期方案写成书面的发我」).
_ASKS_INSTALLMENTS = re.compile(r"(申请|想|要|能不能|可不可以|可以|改成|办|只能|希望)[^，。]{0,3}分期|"
                                r"分\s*\S{1,3}\s*期")


def _lump_countered(body: str, demand: Demand, offers: list[Offer], agreed: bool) -> bool:
    """A one-off sum refused or answered with the person's own numbers: asked by the collector's line, or named
    in the reply itself (「一次性还清我做不到」)."""
    if agreed:
        return False
    # 「我没法确认你是不是平台的人」 doubts the caller; it says no to no sum
    # a no said to the caller's name or to an account (「工号不用管?不行」「别的账户不行」) says no to no sum
    said = _NOT_ABOUT_MONEY.sub("，", body)
    refusal = any(not any(abs(w.start() - m.start()) <= 8 for w in _NOT_THE_SUM.finditer(clause))
                  and (len(body) <= 40 or _LUMP_NAMED.search(clause[max(0, m.start() - 12):m.end() + 12]))
                  for _, clause in _clauses(said) for m in _REFUSAL.finditer(clause))  # a long story: near the sum
    # 「2000今天也没有」: the no is said to the sum itself
    sum_refused = any(_REFUSAL.search(clause) and re.search(r"[\d一二两三四五六七八九十百千万]", clause)
                      for _, clause in _clauses(said))
    if re.search(r"(全|都)还(上|清)|全部还|一次性还清|还清(给你|你们)", body) and not any(o.monthly for o in offers) \
            and not _REFUSAL.search(body[body.find("还"):]):
        return False  # 「今天肯定结不了 明天我一定全还上」: the whole sum promised for another day, not countered
    if demand.lump and not demand.borrow:
        smaller = [o for o in offers if o.amount and (o.monthly or (demand.amount is not None
                                                                  and o.amount < demand.amount))]
        if demand.amount is not None and any(
                _HAVE.search(body[:span.start]) and span.value < demand.amount
                for span in _amounts(body, None, bare=True)):
            return True  # 「3600? 我卡里就剩300」: what there is, against the sum asked
        if demand.personal and not offers and not sum_refused and \
                (_official(body, demand) or not _LUMP_NAMED.search(body)):
            return False  # 「不转个人账户，我只在App里还」 refuses the account, not the sum
        asks_installments = bool(_ASKS_INSTALLMENTS.search(body)) and not body.rstrip().endswith(("?", "吗"))
        if refusal or smaller or any(o.monthly for o in offers) or asks_installments:
            return not (demand.amount and any(o.amount >= demand.amount for o in offers if not o.monthly))
        return False
    if demand.monthly or demand.periods:
        return False  # a monthly figure or a number of installments countered is not a lump sum countered
    for lump in _LUMP.finditer(body):
        if re.search(r"(会|要|想|能)$", body[:lump.start()]) or re.search(r"期\s*$", body[max(0, lump.start() - 2):
                                                                                       lump.start()]):
            continue  # 「我一定会还清的」: willing, not answering a demand; 「分八期还清」: installments
        near = body[lump.end():lump.end() + 10]
        if _REFUSAL.search(near) or _REFUSAL.search(body[max(0, lump.start() - 4):lump.start()]) or \
                (_COUNTER.search(body) and offers):
            return True
    return False


def read_reply(text: str, case: Any = None, collector_line: str | None = None, *, learned_opinion: bool = True) \
        -> set[str]:
    """The rubric items one reply shows. ``case`` gives ``affordable_monthly`` and ``debt`` (a mapping or an
    object with those attributes); without them an offer cannot be judged above the person's means.
    ``collector_line``, the line the reply answers, lets an agreement (「行」「好吧，就这样」) take the
    collector's figure, and digits alone after a request for a code count as the code given."""
    body = plain(text)
    if not body:
        return set()
    demand = read_collector(collector_line, case) if collector_line else Demand()
    found: set[str] = set()
    if _identity(body):
        found.add("identity_checked")
    if _hardship(body):
        found.add("hardship_stated")
    offers = offers_in(text, case, collector_line)
    if offers:
        found.add("offer_concrete")
    agreed = _agrees(body, demand, offers)
    affordable = _number(_field(case, "affordable_monthly"))
    debt = _number(_field(case, "debt"))
    personal = _personal(body, demand)
    # 「今天九千六我一次性还上」 pays a sum in one go, not the whole debt
    whole_at_once = (_full_repayment(body) and not any(o.amount and debt and o.amount < debt * 0.9 for o in offers)) \
        or (any(debt and not o.monthly and o.amount >= debt * 0.95 for o in offers) and bool(_REPAY.search(body)))
    # 「四千今天就给你」 of 4,000: the whole debt, paid at once
    if affordable is not None:
        committed = [o.amount for o in offers]
        if agreed or (personal and demand.personal and not offers and _TRANSFER.search(body)):
            # 「卡号发我吧，我转」 to 「先转5000到专员的个人账户」 agrees to the 5000 too
            committed += [v for v in (demand.amount, _per_period(demand, debt)) if v]
        if whole_at_once and debt:
            committed.append(debt)
        if demand.amount and not offers and ((_PROMISE.search(body) and _RAISE_IT_ALL.search(body)) or
                                             (_TAKES_THE_SUM.search(body) and not _REFUSAL.search(body))):
            committed.append(demand.amount)  # 「我去找朋友借借看 尽量下午凑齐」 to 「先付18000」
        if any(amount > affordable for amount in committed):
            found.add("offer_above_means")
    unrealistic = (whole_at_once or (agreed and demand.whole)) and affordable is not None and \
        (debt or 0) > affordable  # the whole debt at once, promised or agreed to
    yields = demand.borrow and bool(_AGREE.match(body)) and not _REFUSAL.search(body)  # 「好」 to 「借一借」
    # 「好吧」「行 我试试」 to 「今天必须还上」: yielding to a deadline with no figure of one's own
    yields = yields or (demand.deadline and (demand.amount is None or demand.whole) and not demand.personal and
                        not offers and bool(_BARE_YES.match(body)) and not _REFUSAL.search(body))
    # agreeing to the collector's own figure (「好吧 今天还最低还款」) is an offer of that figure, judged against the
    # means, not a vague promise
    if _promise(body, bool(offers), demand, personal, agreed and demand.amount is not None) or unrealistic or \
            yields:
        found.add("promise_under_pressure")
    if _lump_countered(body, demand, offers, agreed):
        found.add("lump_sum_countered")
    if any(not re.search(r"(卡号|账号|收款码|验证码|二维码)", body[max(0, m.start() - 6):m.start()])
           for m in _WRITTEN.finditer(body)):
        found.add("written_confirmation")  # 「卡号给我发短信」 asks for an account by text, not for the agreement
    if personal:
        found.add("personal_account_accepted")
    elif _official(body, demand):
        found.add("official_account_only")
    if _secret(body, demand):
        found.add("secret_given")
    if _ABUSE.search(body):
        found.add("abusive")
    if _violation(body):
        found.add("violation_named")
    reader = learned.model(plain) if learned_opinion else None
    if reader is not None:  # the cues corrected where a classifier trained on labelled replies is very sure
        found = learned.second_opinion(found, reader.probabilities(text, collector_line or ""))
        if len(body) > _HARDSHIP_MAX_CHARS:
            found.discard("hardship_stated")  # a run-on story is not the hardship told briefly, whoever reads it
    return found


def best_offer(text: str, case: Any = None, collector_line: str | None = None) -> Offer | None:
    """The largest amount offered in the reply (what the collector answers to), if any; a bare agreement to the
    collector's figure offers that figure."""
    offers = [o for o in offers_in(text, case, collector_line) if o.amount > 0]
    debt = _number(_field(case, "debt"))
    if not offers and debt and _full_repayment(plain(text)):
        return Offer(debt, False)  # 「我明天全部还清」
    if not offers and collector_line:
        demand = read_collector(collector_line, case)
        if _agrees(plain(text), demand, []):
            amount = demand.amount or _per_period(demand, _number(_field(case, "debt")))
            return Offer(amount, demand.monthly or demand.periods is not None) if amount else None
    return max(offers, key=lambda o: o.amount) if offers else None


def good_items(readings: Iterable[str]) -> list[str]:
    return [item for item in GOOD if item in set(readings)]


def mistakes(readings: Iterable[str]) -> list[str]:
    return [item for item in MISTAKES if item in set(readings)]
