"""Words that change what the bot may do, whatever the classifier says. Pure: text in, a kind out.

- ``deception_request``: the person asks for help to deceive the lender: invent or exaggerate a hardship, fake a
  document or a photo, pose as someone else, hide income or assets, or vanish (换号失联). The bot refuses kindly
  and offers the honest route (knowledge/sources.md §0 item 10, §4, §6).
- ``untrue_hardship``: a hardship the person says is not true (「其实我没住院」): never a fact of the case.
- ``collector_coaching``: someone on the collector's side asking how to pressure a borrower or get round the
  rules (§1): refused, with the rules.
- ``privacy_question``: what the bot stores and whom it tells.
- after the crisis lines: ``safe_to_go_on`` (「我没事了」「继续吧」「孩子睡了」), ``negated_crisis``
  (「我不想死，我想解决欠款」), ``act_in_progress`` (pills taken, standing on a roof: emergency numbers first),
  ``only_gratitude`` (「多亏了你」).

Each function reads the text in Simplified characters (Traditional and Cantonese forms are mapped first).
"""

from __future__ import annotations

import re
from functools import lru_cache

from coach.zh.crisis_cues import has_crisis_cue
from coach.zh.normalizer import normalize

# ---------- deception ----------

_HARDSHIPS = (r"(住院|入院|生病|得病|病了|大病|重病|癌症|抑郁症|手术|车祸|失业|被裁|裁员|被开|离婚|去世|过世|坐牢|怀孕|破产|"
              r"倒闭|工伤|残疾|病危|受伤|没收入|没有收入|收入为零|化疗|家人重病)")
_DOCUMENTS = (r"(病历|病例|诊断书?|诊断证明|住院证明|出院小结|医院证明|医疗(费用)?单据|发票|失业证明|离职证明|裁员通知|"
              r"解除劳动合同|收入证明|工资条|流水|银行流水|死亡证明|离婚证|贫困证明|低保证明?|困难证明|证明材料|证明|截图|合同|"
              r"判决书|裁定书?|律师函|病假纸|医生纸|社保记录|缴费记录|缴费单|粮单|单据|证件|聊天记录|通知书?)")
_ME = r"(我|自己|俺|偶|他|她|借款人)"  # the person, or the caller in an adviser's note
# A lie said out loud: 「其实没有」「实际上我一个月有八千」「反正他们也不会去查」「写得像一点」「博点同情」.
_LIE_MARKER = re.compile(
    r"(其实|实际上|实际|事实上|说实话)[^。？！?!]{0,8}(没|沒|冇|不是|还在|好好的|没事|冇事|没那么|还得起|有[一二两三四五六七八九十\d]|"
    r"每个月|一个月|月入|挣|赚|是我自己)|"
    r"反正[^。？！?!]{0,6}(不会|查不到|不查|不知道|核实不了|查唔到)|(查不到|不会查|不核实|核实不了|查唔到)(的话)?[^。？！?!]{0,4}(就)?(说|写)")
# A lie that needs nothing else around it: 「写得像一点」「博点同情」「越惨越好」「不想说实话」.
_STRONG_LIE = re.compile(
    r"糊弄|忽悠|蒙混|圆(一下|过去|回来)|把话圆|博(点|一点|些)?同情|越惨越好|挑一个(来)?(说|写)|不想说实话|不说实话|"
    r"不想真的|别的路子|假离婚|假结婚|(帮我|你就|就|跟[^。？！?!]{0,6}|回复[^。？！?!]{0,6}|写[^。？！?!]{0,8}|告诉[^。？！?!]{0,6})(说|写|讲)?(机主|本人|我|借款人|卡主)(已经)?(去世|过世|死了|不在了)|"
    r"没(什么|啥)?真(的)?困难|不用真的|(编|作|整)(个|個|一个)?故仔|老作|"
    r"(写|说|弄|讲|描述|形容|整)得(更|再)?(像|逼真|真实|可信|感人|可怜|惨|凄惨|严重|困难|跟真的一样|像真的)(一?(点|些|啲|點))?|"
    r"(写|说|弄|整)(更|再)?(像|逼真|可怜|惨)一?(点|些|啲|點)|怎么说(才|会)?(比较|更)?像|说(得)?比较像|(写|说)得?跟真的一样|"
    r"(多|再)(加|编|写|添)(几个|一些|点|些)(困难|理由|原因)|(别|不要|唔好)改[^。？！?!]{0,4}(就)?写|"
    r"(想|要|打算|准备)(跟[^。？！?!]{0,6})?(说|讲|报)(我|自己)[^。？！?!]{1,10}[，,、 ]*这样[^。？！?!]{0,6}(就|会|能|不会)|"
    r"(改少|改低|写低|开低)")
# A claim and its denial in one breath: 「说我离婚了，我没离」「就写我失叶了 其实没有」.
_CLAIM_DENIED = re.compile(
    r"(说|写|讲|话)(成)?我[^。？！?!]{1,14}?[，,。 ]+(我)?((其实|但是?|可是|不过|实际上)[^。？！?!]{0,3}(并|根本)?(没|沒|冇|没有|不是)|"
    r"(并|根本)?(没|沒|冇)(有)?(离|住|病|失|被|去|得|出|破|倒|怀|生))")
# A request to the bot to say or write something (「你就写我…」「帮我写…」「跟银行说我…」).
_ASK_TO_SAY = re.compile(
    r"(帮我|帮忙|你帮|你就|就|替我|给我|你|幫我|跟[^。？！?!]{0,6}|对[^。？！?!]{0,6}|想|打算|准备)"
    r"(说|写|讲|编|想|报|填|话|寫|講)|借口|理由|说法|故事")
_FAKE_DOCUMENT = re.compile(
    rf"(伪造|造假|假造|仿造|做假|作假|弄假|搞假|p图|(?<![a-z])ps(一下|一张|个)?(?![a-z])|修图|改图)|"
    rf"假(的|嘅|滴)?.{{0,4}}{_DOCUMENTS}|{_DOCUMENTS}.{{0,6}}(要|弄|做|开)?假(的|嘅)|"
    rf"(?<![a-z])(p|ps|zao|造|做|弄|搞|整|生成|合成|画)(一|1)?(个|張|张|份|套|個)?(看起来)?(像真的)?(的)?.{{0,4}}{_DOCUMENTS}|"
    rf"{_DOCUMENTS}.{{0,8}}(zao|造|p|ps|做|弄)(一)?(个|张|份|下|一下)|"
    rf"(买|卖|有人卖)(一|1)?(张|份|个)?.{{0,4}}{_DOCUMENTS}|"
    rf"{_DOCUMENTS}.{{0,12}}(改一下|改成|改掉|改名|名字改|改个名)|(把|在).{{0,8}}{_DOCUMENTS}(上)?.{{0,6}}(改|p一下|ps)|"
    rf"(开|写)低(一)?点|(写|改)成(零|0)|"
    rf"(开|弄|搞|买)[^。？！?!]{{0,4}}{_DOCUMENTS}[^。？！?!]{{0,14}}(不想真的|别的路子|路子|不用去|不去医院|没病)", re.I)
_IMPERSONATE = re.compile(
    r"(冒充|假扮|假装成|扮成|扮作|冒名|冒用|假冒|(?<![打装])扮)(我的?)?(妈|爸|父亲|母亲|家人|老婆|老公|妻子|丈夫|朋友|律师|医生|医院|警察|"
    r"法院|公司|领导|同事|别人|亲戚|儿子|女儿|哥|姐|弟|妹|失业|病|穷|老豆|阿妈|律師|醫院)|"
    r"(让|找|叫)[^。？！?!]{0,6}(冒充|假扮|装成|假装|扮)|"
    r"(用|以|冒用|拿)[^。？！?!]{0,8}(的)?(名义|身份(?!证)|名字|名頭)[^。？！?!]{0,6}(说|写|打|申请|办|发|给)")
_EVADE = (r"(查不到|追不到|找不到|查唔到|追唔到|执行不到|执行唔到|躲过|逃避|没钱|没收入|没有收入|没有财产|没财产|名下没|"
          r"名下啥都没有|啥都没有|什么都没有|不被发现|执行)")
_HIDE = re.compile(
    r"(隐瞒|瞒着|藏起|藏好|藏着|藏掉|偷偷转|转移|转依)[^。？！?!]{0,4}(我的?)?(收入|工资|财产|资产|存款|钱|房子|车|公积金)|"
    r"(转移|藏|隐匿)(财产|资产|存款)|脱产|"
    rf"(钱|存款|房子|房产|车子?|车|工资|股份|层楼|楼)[^。？！?!]{{0,6}}(转|过户|放|存|取|轉|给)[^。？！?!]{{0,24}}{_EVADE}|"
    r"(躲过|逃避|规避)(执行|强制执行|法院)|名下(啥|什么|乜)?都?(没有|冇)[^。？！?!]{0,6}(其实|实际)|"
    r"(不让|别让|等)(他们|银行|法院|催收)(查到|知道|发现|追唔到|追不到)|"
    r"(工资|收入)[^。？！?!]{0,4}(发|打)到[^。？！?!]{0,3}(别人|家人|老婆|老公|朋友|我妈|我爸)[^。？！?!]{0,2}(的)?卡|"
    r"用[^。？！?!]{0,6}(的)?名字办(张|个)?卡|不被发现|(银行|法院|他们)(就)?查不到我(有)?(收入|钱|存款|财产)")
_VANISH = re.compile(
    r"换(个|掉)?(手机|电话|门)?号(码)?[^。？！?!]{0,10}(失联|失连|不还|躲|消失|找不到|找唔到|跑路)|换门号|转电话号码|"
    r"(?<!没)(?<!不是)(?<!没有)(?<!不会)(?<!老板)(?<!老细)(?<!公司)(?<!包工头)(?<!工头)(?<!厂长)(?<!老板娘)(?<!他)(?<!她)"
    r"(?<!老板就)(?<!老板都)(?<!老板也)(失联|失连|玩失踪|玩消失|跑路|走佬|躲债|躲催收|逃债|赖账|赖掉|逃废债|出国躲)|"
    r"让[^。？！?!]{0,8}(永远|再也|彻底)?(找不到|找唔到|联系不到)我|以为我(人)?(已经)?(没了|死了)|注销(掉)?(微信|支付宝)|"
    r"(身份|号码)[^。？！?!]{0,4}都不(用|要)了|欠的钱就不管了|欠款就不管了")

# 「催收说我伪造了收入证明」「催收说我装穷」: an accusation reported, not a request.
_ACCUSED = re.compile(
    r"(说|讲|诬陷|冤枉|怀疑|告|骂|话)(我|他|她)(?!被)[^。？！?!]{0,4}(伪造|造假|作假|骗|编|装|跑路|失联|转移|老赖|恶意|逃债)")
# Someone else poses, fakes or lies: 「有人冒充律师给我发律师函」「催收冒充法院的人」.
_OTHERS_DO = re.compile(
    r"(有人|催收|催收员|催收人员|cs|他们|对方|骗子|别人|那个人|收数|收数佬|中介|佢哋|号码|律所)[^。？！?!，,]{0,12}"
    r"(冒充|假扮|假装|伪造|假的|扮|p的|p图|ps|改图|以[^。？！?!，,]{0,6}名义|自称)|"
    r"(发给我|给我发|发来|发了|收到|寄来|寄信|发到我|传给我|传来|群发)[^。？！?!]{0,12}(伪造|假的|假章|p的|p图|ps|改图|假)|"
    r"(伪造|假的|p的|p图)[^。？！?!]{0,16}(发到我|发给我|发来|寄给我|给我发)|"
    r"(短信|微信|信里|邮件|wx|电话里)[^。？！?!]{0,6}(附|发|有|带)[^。？！?!]{0,6}(伪造|假的|p的)|(说|要)(来)?(抓|拘留|起诉|告)我|"
    r"(合法|违法|犯法|犯罪|违规|侵犯|算不算|犯不犯法|违不违法|合不合法|这种可以吗|是不是违法)")
# A deception word said to deny it: 「我没有编」「不夸大」「没有跑路」.
_DENIED = re.compile(r"(没有|没|沒|不|不是|并没有|从没|从来没|不会|唔)(我)?$")


@lru_cache(maxsize=512)
def _simplified(text: str) -> str:
    """The text as the cues read it (NFKC, Simplified, lower case). Cached: one message is read by several cue
    functions in one turn (the guard, the extraction, the crisis state), and normalising is the costly part."""
    return normalize(text or "").lower()


def _first_undenied(pattern: re.Pattern[str], body: str) -> bool:
    """A match of the pattern that is not the object of a denial right before it."""
    return any(not _DENIED.search(body[max(0, m.start() - 4):m.start()]) for m in pattern.finditer(body))


def deception_request(text: str) -> str | None:
    """The kind of deception asked for ("fake_document", "invent", "impersonate", "hide_assets", "vanish"), or
    None. A question whether something is allowed or a scam (「代理说能做假病历 靠谱吗」) is still answered by the
    refusal: the honest route is the answer either way."""
    body = _simplified(text)
    if not body or _ACCUSED.search(body):
        return None
    if _OTHERS_DO.search(body):
        return None  # 「催收发来一份假的法院通知」「冒充律师发短信合法吗」: someone else's deception, reported or asked about
    if _first_undenied(_FAKE_DOCUMENT, body):
        return "fake_document"
    if _first_undenied(_IMPERSONATE, body):
        return "impersonate"
    if _first_undenied(_HIDE, body):
        return "hide_assets"
    if _first_undenied(_VANISH, body):
        return "vanish"
    lie = _first_undenied(_LIE_MARKER, body)
    if (lie and (_ASK_TO_SAY.search(body) or re.search(_HARDSHIPS, body))) or (_CLAIM_DENIED.search(body) and \
            _ASK_TO_SAY.search(body)) or _first_undenied(_INVENT, body) or _first_undenied(_STRONG_LIE, body):
        return "invent"
    if re.search(r"(会|能|要)(去)?(查|核实|发现|要证明)", body) and \
            re.search(r"(想|就|打算|准备)(说|讲|写|报)(我|自己)", body):
        return "invent"  # 「说失业的话他们会查社保吗？…想说自己失业了」
    return None


# Asking outright for an invention: 「帮我编个理由」「想个借口」「瞎编」「谎称」.
_INVENT = re.compile(
    rf"编(一下|一个|个|些|点|造|的|几句|一套|套)?.{{0,6}}(理由|借口|说法|说辞|故事|原因|情况|困难|病|{_HARDSHIPS})|"
    rf"瞎编|胡编|编造|捏造|虚构|(想|找)(个|一个)?借口|"
    rf"(假装|假称|谎称|诈称|装作|装成|装病|装穷|装可怜|扮病|扮穷|卖惨|夸大|往严重(了)?说)|"
    rf"(骗|瞒|忽悠|糊弄|呃)(一下)?(他们|它们|银行|催收|机构|平台|客服|网贷|对方|法院|法官|佢哋)|撒(个|一个)?谎")

# 「其实我没住院」「我根本没失业」「住院是假的」「不是真的住院」
_DENIABLE = _HARDSHIPS.replace("|没收入|没有收入|收入为零", "")
_UNTRUE = re.compile(
    rf"(其实|实际上|说实话|老实说|根本|并|也)?(我)?(没有?|沒有?|并没有?|根本没有?|从来没有?|不是真的?)(在)?{_DENIABLE}|"
    rf"{_DENIABLE}(是)?(假的|编的|骗他们的|瞎说的|随便说的|不是真的)|假(装)?{_DENIABLE}|(?<![a-z])没住(院)?(?=[，,。 ]|$)|"
    r"(其实|实际上|说实话|老实说|根本)(我)?(没有?|沒有?|冇)(什么)?(病)(?![毒例历])")

_HARDSHIP_CATEGORY = (
    ("疾病/意外", re.compile(r"住院|入院|生病|得病|病了|大病|重病|癌症|抑郁症|手术|车祸|工伤|残疾|病危|受伤|怀孕|没住|没(有|什么)?病|冇病")),
    ("失业/收入下降", re.compile(r"失业|被裁|裁员|被开|没收入|没有收入|收入为零")),
    ("家庭变故", re.compile(r"离婚|去世|过世|坐牢")),
    ("生意失败", re.compile(r"破产|倒闭")),
)


def untrue_hardship(text: str) -> str | None:
    """The hardship reason (one of case.HARDSHIP_REASONS) the person says is not true, or None."""
    body = _simplified(text)
    match = _UNTRUE.search(body)
    if not match:
        return None
    said = match.group(0)
    return next((reason for reason, pattern in _HARDSHIP_CATEGORY if pattern.search(said)), None)


def untrue_words(text: str) -> list[str]:
    """The hardship words the person says are untrue (「我没失业」 → ["失业"]; 「其实没病」 → ["生病"])."""
    return [w for m in _UNTRUE.finditer(_simplified(text))
            for w in (re.findall(_DENIABLE, m.group(0)) or (["生病"] if "病" in m.group(0) else []))]


# 「我能不能说我生病了」「说失业行不行」: a hardship weighed as something to say, not told as a fact. Nothing to record
# until the person says it is so.
_WEIGHED = re.compile(
    rf"(能不能|可不可以|可以|能否|能|行不行|要不要|好不好)(跟[^。？！?!]{{0,6}})?(说|讲|写|报|话)(成)?(我|自己)?[^。？！?!]{{0,6}}{_HARDSHIPS}|"
    rf"(说|讲|写)(成)?(我|自己)?[^。？！?!]{{0,6}}{_HARDSHIPS}[^。？！?!]{{0,4}}(行不行|可以吗|行吗|好吗|可不可以|好不好|有用吗|会不会)")


def hardship_only_weighed(text: str) -> bool:
    """Whether the hardships in the text are only asked about as something to say (「我能不能说我生病了」)."""
    return bool(_WEIGHED.search(_simplified(text)))


def strip_untrue(text: str) -> str:
    """The text without what the person says is untrue, nor any other mention of those words: 「我没失业，是工资降了
    一半」 still tells of 工资降了; 「其实没失业…照失业写」 tells of nothing."""
    body = _UNTRUE.sub("，", _simplified(text))
    for word in untrue_words(text):
        body = body.replace(word, "，")
    return body


# ---------- the collector's side ----------

_DEBTOR = (r"(借款人|欠款人|债务人|老赖|欠钱的人?|欠债的人?|欠钱不还的|客户|逾期客户|逾期的人|逾期用户|用户|对方|他们|他|她|佢|"
           r"啲人|那个欠钱)")
# Someone who says they are on the lending or collecting side.
_COLLECTOR_ROLE = re.compile(
    r"我(是|们是|们|係|系|哋係|哋系|们公司)?(做)?(放贷|放款|催收|催收员|贷后|委外|外包催收|收数|追数|讨债|要债|贷后催收|"
    r"银行信用卡中心|信用卡中心)(的|公司|员|嘅)?|"
    r"作为(一名|一个)?催收|催收业绩|回款率|我们[^。？！?!]{0,8}(打|催|给|对|让)[^。？！?!]{0,8}(借款人|欠款人|逾期客户)|(欠我钱|借给[^。？！?!]{0,6}钱)[^。？！?!]{0,16}(吓|逼|威胁|道上)")
_PRESSURE = re.compile(
    r"(吓|吓唬|嚇|恐吓|逼|施压|压力|拆穿|曝光|丢脸|害怕|怕|发毛|就范|服软|乖乖|不敢|狠一点|狠点|最狠|威胁的话|坐牢|政审)")
_ASK_HOW = re.compile(r"(怎么|如何|怎样|咋|點樣|点样|有什么办法|有没有办法|有什么话术|教我|教下|帮我写|给我|有哪些|几招|几句|用什么|不会被)")
_COLLECTOR = re.compile(
    rf"(怎么|如何|怎样|咋|点样|點樣)(说|讲|做|弄|催|搞)?.{{0,4}}{_DEBTOR}(才)?(最|更|会)?(害怕|怕|慌|服软|乖乖)|"
    rf"{_DEBTOR}(最)?(害怕|怕)(什么|啥)|"
    rf"(怎么|如何|怎样|咋|点样|點樣|有什么办法|有没有办法|什么办法)(才能)?(让|逼|吓|催|压|搞定|对付|收拾|拆穿|曝光|嚇|追)[^。？！?!]{{0,3}}(借款人|欠款人|债务人|老赖|"
    rf"逾期客户|客户|欠钱的|他|佢|啲人)(还钱|还款|还|害怕|接|丢脸|就范)?|"
    rf"(怎么|如何)(催款|催收|追数|追债|要债|讨债)(最)?(有效|管用|快)|(追数|催款|催收)最有效|"
    rf"(催收|催款|讨债|要债|收数)(的)?(技巧|套路|秘籍|绝招)|(有什么|教我|给我|分享|推荐|学|写)[^。？！?!]{{0,4}}(催收|催款|收数|追数)话术|"
    rf"(对付|收拾)(老赖|借款人|欠款人|欠钱的)|曝光[^。？！?!]{{0,2}}(他|她|借款人|欠款人)|"
    rf"让(借款人|欠款人|债务人|他|她|佢)[^。？！?!]{{0,6}}(觉得|以为|相信)|(催收|催款|收数)话术[^。？！?!]{{0,6}}(有哪些|狠|大全|模板)|"
    rf"让(他|她|佢|借款人|欠款人)[^。？！?!]{{0,2}}(害怕|怕|丢脸|发毛|慌|心里发毛)|"
    rf"(给我|教我|帮我写|来)[^。？！?!]{{0,4}}(威胁|吓人|狠)的?话|拒绝(他|她|借款人)[^。？！?!]{{0,8}}(一次性|全还|全部还)|"
    rf"给{_DEBTOR}(施压|压力)|施压(的)?(方法|技巧|话术)|"
    rf"(怎么|如何|有没有办法)[^。？！?!]{{0,6}}(绕过|规避|避开|钻)(去|过去)?|(绕过|绕开)(去|过去)|"
    rf"(怎么|如何|才能|又|才)(不会|不)被(投诉|标记|举报)|又不违法|(才|又|怎么说才)不算违规|不犯法又|"
    rf"(怎么|如何|有什么办法|怎样|点样)(才能)?(查到|找到)[^。？！?!]{{0,6}}(新手机号|新号码|他人|他的人|住址|家人电话)|"
    rf"打[^。？！?!]{{0,6}}通讯录[^。？！?!]{{0,6}}(又|不会)|"
    rf"录音[^。？！?!]{{0,4}}(剪|删|改)|反制|"
    rf"(拒绝|不让)[^。？！?!]{{0,4}}(协商|分期)[^。？！?!]{{0,8}}(一次性|全还)|"
    rf"(写|发)(一条|条|个)?(催收)?短信[^。？！?!]{{0,8}}(吓|告诉欠款人|告诉借款人|通知欠款人)|"
    rf"(怎么|如何|帮我|教我|几句话|有什么办法|点样|點樣)[^。？！?!]{{0,8}}(吓|吓唬|嚇)(他|她|佢|欠款人|借款人|对方|那个)")
# A borrower telling of a collector's words: 「催收的话术好吓人」「他们吓我」「我该怎么回」.
_LEGALITY = re.compile(r"(合法|违法|犯法|犯罪|违规|侵犯|算不算|犯不犯法|违不违法|合不合法|是不是违法|可不可以|能不能这样)")
_BORROWER_SIDE = re.compile(r"(好|很|太|真|挺)?吓人|吓到我|吓我|我好怕|我很怕|我该怎么(回|办|应对|说)|我要怎么回|(他们|催收)(一直)?(吓|威胁)")


def collector_side(text: str, earlier: tuple[str, ...] | list[str] = ()) -> bool:
    """Words that put the writer on the collector's or the lender's side, in this message or an earlier one: they
    say they collect, name the debtor they chase, or lent the money themselves (「我借给朋友五万，他一直拖着不还」)."""
    for said in (text, *earlier):
        body = _simplified(said)
        if _COLLECTOR_ROLE.search(body) or re.search(
                r"(借款人|欠款人|债务人|老赖|逾期客户|欠我钱|欠我的钱|借给[^。？！?!]{0,8}(万|千|钱|块))", body):
            return True
    return False


def collector_coaching(text: str, earlier: tuple[str, ...] | list[str] = ()) -> bool:
    """Whether the message asks how to pressure a borrower or get round the collection rules. ``earlier``: the
    person's earlier messages; one that says they collect (「我是催收公司的」) makes a request for a script or for
    pressure in this one a collector's request too."""
    body = _simplified(text)
    if _BORROWER_SIDE.search(body):
        return False
    if _LEGALITY.search(body) and not _COLLECTOR_ROLE.search(body) and not re.search(r"又不(违法|违规|犯法)|才不算", body):
        return False  # 「在朋友圈曝光欠款人合法不合法」: a borrower asking whether the collector may
    if _COLLECTOR.search(body):
        return True
    role_said = _COLLECTOR_ROLE.search(body) or any(_COLLECTOR_ROLE.search(_simplified(t)) for t in earlier)
    if _COLLECTOR_ROLE.search(body) and re.search(r"(客户|借款人|欠款人|欠我|不还)", body):
        return True  # 「我是催收公司的，有个客户欠了三万一直不还」
    return bool(role_said and (_ASK_HOW.search(body) or _PRESSURE.search(body) or re.search(r"话术|短信|说法", body)))


# ---------- the bot itself ----------

_PRIVACY = re.compile(
    r"(你们|你|这里|机器人|这个)?(会不会|会|能不能|能|是不是|有没有)(把.{0,12})?(告诉|通知|泄露|透露|卖|转给|交给|共享|发给|上报|报给)"
    r"(银行|催收|机构|平台|网贷|别人|第三方|家人|公司|警察|政府)|"
    r"(聊天记录|我的(信息|资料|记录|隐私|个人信息|数据)|说的(这些|话|东西)|这些(话|内容|信息)).{0,8}"
    r"(会保存|保存吗|存着吗|存多久|留着吗|会不会被|会泄露|会不会泄露|谁能看|谁看得到|看得到吗|安全吗|保密吗)|"
    r"(你们|你)(是|跟|和|与)(催收|银行|平台|网贷|贷款公司).{0,4}(一伙|一起|一边|的人|公司|合作|有关系|串通)|"
    r"(你们|你)是(不是)?催收(公司)?(的|派来的)?(吧|吗|嘛)|(会|能)保密吗|(你们|你|这里)[^。？！?!]{0,6}隐私|谁能看到(我|这些)")


# A question, or a sentence about "you" (the bot): 「催收把我的信息泄露给我同事了」 is a report, not a question.
_ASKED = re.compile(r"(吗|么|嘛|呢|吧|\?|？|多久|谁|会不会|是不是|有没有|能不能|你们|你)")


def privacy_question(text: str) -> bool:
    """Whether the message asks what the bot stores, who sees it, or whether it tells a lender or collector."""
    body = _simplified(text)
    if re.search(r"(催收|他们|对方|银行|平台|机构|网贷|律师|法院|收数)[^。？！?!]{0,4}(把|将|会不会|会|能不能|能|是不是|有没有)", body):
        return False  # 「催收会不会通知家人」: a question about the collector, not about the bot
    return bool(_PRIVACY.search(body) and _ASKED.search(body))


# ---------- after the crisis lines ----------

_SAFE = re.compile(
    r"(我)?(现在)?(没事|冇事|没什么事|没啥事|好多了|好些了|好一些了|好点了|还好|还行|可以了|平静|冷静|缓过来|缓过劲)(了|啦|的|嘅)?|"
    r"(我)?(是|很|挺|现在)?安全(的|了|嘅)?|孩子(们)?(已经)?睡(了|着)|(我)?不会(做傻事|想不开|乱来|伤害自己|自杀|寻短见)|"
    r"继续(吧|说|聊|问|弄|做)?|接着(说|来|聊|弄|问)|我们(继续|接着)|回到.{0,4}(欠款|还款|正题|刚才)|说(回)?正事|"
    r"(先)?(说|看|弄|处理|解决)(一下)?(欠款|还款|钱|债|网贷|信用卡)(的事|的问题)?|我想(解决|处理)(欠款|债|还款|这些债|问题)|"
    r"有人(陪|在)(着)?(我)?|(老公|老婆|妈|爸|家人|朋友|姐|哥)(在|陪着?)(我)?(身边|旁边)")

_NEGATED = re.compile(
    r"(不|没|没有|并不|并没有|从没|从来没|不是|不会|绝不|绝对不)(想过|想|要|会|打算)?(去)?"
    r"(死|自杀|轻生|寻死|寻短见|想不开|做傻事|伤害自己|结束生命|跳楼|跳河|割腕|上吊|吃药)|"
    r"(死|自杀)(不会|是不会|我不会)|我(还)?(想|要)(好好)?活(下去|着)")

_ACT = re.compile(
    r"(吃|吞|喝|服)(了|下|下了|下去了|掉了)(一|1|几|半)?(整)?(瓶|板|盒|把|堆|些|很多|好多|大把|片|粒)?(的)?"
    r"(安眠药|药片?|农药|百草枯|敌敌畏|老鼠药|除草剂|消毒水|洗洁精|酒和药)|"
    r"(安眠药|药|农药|百草枯|敌敌畏)[^。？！?!]{0,4}(已经)?(吃|吞|喝)(下去|下|了|完|咗)|"
    r"(吃|吞|服|食)(了|下|下了|掉了|咗)(一|1|几|半|成)(整)?(瓶|板|盒|把|堆|樽)[^。？！?!，,]{0,5}(药|片|胶囊)|"
    r"(割|划)(了|开了|咗)(手腕|腕|自己|血管|手)|割腕了|已经割了|血止不住|(一直|还在)流血|流了(好多|很多|一地)血|"
    r"(在|站在|坐在|爬上|到了|上了|喺|企喺)(了)?(天台|楼顶|顶楼|桥上|大桥|桥边|河边|江边|海边|窗台|阳台外|楼顶边|铁轨|轨道)"
    r"[^。？！?!]{0,8}(跳|下去|往下|边缘|边上|准备|落去|最后)|(顶楼|楼顶|天台|桥)(的)?边(缘|上)|"
    r"烧炭了|(点|烧)了炭|炭[^。？！?!]{0,4}(已经)?(烧|点)(上|着|起来|了)|门窗(都)?封(好|死)|"
    r"绳子(已经)?(挂好|系好|准备好)|已经.{0,4}(跳了|割了|上吊|喝药|吃药)|遗书(已经)?写好")

# Death named for something else: an idiom (贵到死, 嬲死我, 死火, 死机), someone else's death, a game, a plant,
# the news, a collector's words. With no self-harm cue, such a message is answered for what it asks.
_NOT_SELF = re.compile(
    r"(贵|热|冻|嬲|攰|忙|烦|闷|痛|饿|笑|累|气|吵|臭|难|惨|穷)(到|得)?死(我|人|咗|了|啦)?|死火|死(咗|了)?机|死机|杀死比赛|"
    r"死磕|死撑|死扛|死要面子|死贵|死定了|"
    r"(爸|妈|父亲|母亲|爷爷|奶奶|外公|外婆|老公|老婆|朋友|同学|同事|亲戚|担保(人|的那个人)|邻居|哥|姐|弟|妹|他|她|借款人|"
    r"债务人|人)[^。？！?!我]{0,6}(死了|去世|过世|走了|自杀了|没了|死咗)|人死(了)?债|过劳死|新闻|"
    r"(游戏|我的世界|存档|副本|角色|关卡|吃鸡|王者|原神|和平精英|英雄联盟|lol|绿萝|植物|多肉|花|蚊子|苍蝇|蟑螂|老鼠|车|手机|电脑|电池)"
    r"[^。？！?!]{0,10}(死|跳崖|挂了)|"
    r"(催收|他们|对方|收数佬)[^。？！?!]{0,8}(说|骂|叫|让|话)[^。？！?!]{0,12}(死|跳楼|跳河|喝农药)|"
    r"(还)?没到(想死|不想活|寻死)的?地步|死是不可能死的|(不想活|想死)[^。？！?!]{0,3}是?(开玩笑|说说而已|气话)|"
    r"(楼顶|天台|阳台)[^。？！?!]{0,4}(晒|收|拿|乘凉|抽烟|打电话|吃饭|种|修)|"
    # words built on 死 or 命 that name no death: a dead debt, a fixed wage, a deadline, a best friend, a frozen
    # screen, a stubborn clerk, 「打死也不借了」「吓个半死」「要命」
    r"死账|呆账|坏账|死债|呆死账|死工资|死线|死党|死忠|死宅|死心|死脑筋|死心眼|死板|死对头|死缠烂打|死皮赖脸|死循环|死胡同|"
    r"死角|死记硬背|死守|卡死|当机|死海|生死状|生死时速|死亡诗社|死刑|死缓|该死的|拼死拼活|拼死|(打|累|吓|忙)(得|了)?(个)?半死|"
    r"打死(我|我都|我也)?(也|都)?(不|唔)|(?<!不)要(人)?命(啊|呀|了)?(?![^。？！?!]{0,4}(不要|换|抵|赔|还))|"
    # an ordinary medicine taken for what it is for (a whole bottle of it is an act, read above)
    r"(?<![瓶盒把板堆多片粒些颗整])(感冒|退烧|发烧|止咳|咳嗽|胃|肠胃|消炎|头疼|头痛|牙疼|晕车|过敏|降压|降糖|中|维生素|止痛)(药|片|冲剂|胶囊)"
    r"(?![^。？！?!]{0,4}(全|都|一起|一瓶|整瓶|一盒|很多|好多|几十|过量))")
# Words of ending that, beside a plan to clear the debt, are about the debt: 「想一了百了把债还清」.
_WEAK_CUE = re.compile(r"(结束这一切|一了百了|解脱|最后一次|了结)")
_DEBT_END = re.compile(r"(还清|结清|投诉|催收电话|优惠|网贷|再也不碰|不碰网贷|把债|这些债|欠款|绑着)")


def act_in_progress(text: str) -> bool:
    """A self-harm act already under way (pills taken, on a roof, wrists cut), in the person's words or an
    adviser's note (「她说已经吃了安眠药」): emergency numbers before anything else."""
    return bool(_ACT.search(_simplified(text)))


def death_explained(text: str) -> bool:
    """Whether the death words of a message stand for something else (an idiom, someone else's death, a game, the
    news, a collector's words, a joke taken back). Only used when the message has no self-harm cue."""
    return bool(_NOT_SELF.search(_simplified(text)))


# 「我是不是这辈子就完了，征信都黑了」: a life said to be ruined by what the debt did to it. Despair about the debt's
# consequences is distress (its answer names the crisis line gently); a self-harm cue anywhere still brings the lines.
_RUINED = re.compile(r"(这辈子|一辈子|人生|我|我的人生|前途)(是不是|是否|就|都|算是|彻底|真的|已经|就这样)*(完了|毁了|废了|完蛋了?|玩完了?)")
_DEBT_CONSEQUENCE = re.compile(r"(征信|信用|黑名单|黑户|上黑|起诉|被告|逾期|网贷|贷款|信用卡|欠(了|着)?|债|还不上|还不起|催收)")


def despair_about_debt(text: str) -> bool:
    """A life said to be over because of the debt (征信, a lawsuit, what is owed), with no self-harm cue."""
    body = _simplified(text)
    return bool(_RUINED.search(body) and _DEBT_CONSEQUENCE.search(body)) and not self_harm_cue(body)


# What is left of a message listing debts once its lenders and amounts are taken out: the words that join them.
_LIST_FILLER = re.compile(
    r"[\s，,、。.;；:：!！~～]|跟|和|同|与|及|还有|另外|各自?|都|欠咗?了?|借咗?了?的?|在|块钱?|元|蚊|万|左右|大概|差不多|大约|约|"
    # (the card words before 的: 「中信跟中银的卡各3千」 leaves nothing)
    r"一共|总共|合计|加起来|信用卡|的卡|张卡|卡费|卡|的|嘅|那边|那遍|这边|嗰边|嗰度|网贷|贷款|微信|支付宝|蚂蚁|京东|就是|我|有|"
    r"这几笔|几笔|"
    r"这几家|几家|分别是|算了?一?下|计过|然后|呀|啊|吧|嘛|呢|喔|咯|啦|㗎|喎|㖞|一攻|总攻")


def only_debt_facts(text: str, spans: list[tuple[int, int]]) -> bool:
    """Whether a message only lists debts (「微信微粒贷跟米花花各65000块」): nothing is left once the lenders and
    amounts at ``spans`` and the words joining them are taken out. A classifier's crisis reading of such a message
    has nothing to stand on; any other word (「不想活了」「撑不下去」) keeps it."""
    if not spans:
        return False
    rest = "".join(ch for i, ch in enumerate(text) if not any(a <= i < b for a, b in spans))
    return not _LIST_FILLER.sub("", _simplified(rest)) and not self_harm_cue(text)


def weak_cue_about_debt(text: str) -> bool:
    """「想一了百了把债还清」「我想结束这一切催收电话」: words of ending about ending the debt. A gentle check, not the
    full lines (a strong cue anywhere else in the message still brings the lines)."""
    body = _simplified(text)
    return bool(_WEAK_CUE.search(body) and _DEBT_END.search(body))


def self_harm_cue(text: str) -> bool:
    """An explicit self-harm cue in the person's own voice once the explained death words are set aside (「我朋友
    前年自杀了」 is not one), or an act under way. Words of ending about the debt alone (weak_cue_about_debt) still
    count here: they get a gentle check, never silence."""
    body = _simplified(text)
    return has_crisis_cue(_NOT_SELF.sub("，", body)) or act_in_progress(body)


def strong_self_harm_cue(text: str) -> bool:
    """self_harm_cue without the words of ending that, beside a plan to clear the debt, are about the debt."""
    body = _simplified(text)
    if weak_cue_about_debt(body):
        body = _WEAK_CUE.sub("，", body)
    return self_harm_cue(body)


_CANTONESE = re.compile(r"(唔|喺|而家|咗|嘅|佢|冇|啲|乜|嘢|諗|谂|边度|點解|点解|俾)")


def cantonese(text: str) -> bool:
    """Cantonese words: the writer may be in Hong Kong even when their characters are Simplified."""
    return bool(_CANTONESE.search(text or ""))


_GRATITUDE_ONLY = re.compile(
    r"^(真的?|还是|都是|全)?(多亏|幸亏|幸好|还好|好在|感谢|谢谢|多谢|感恩|辛苦)(了|有)?(你|您|你们)?(了|的帮助|帮忙|帮我)?"
    r"(啊|呀|哈|哦|喔|嘛|呢)?(真的|真是)?(帮了大忙|救了我(一命|的命)?|太好了)?[!！。.~～\s]*$")


def safe_to_go_on(text: str) -> bool:
    """Whether the person says they are safe or want to go on (「我没事了」「继续吧」「孩子睡了」)."""
    return bool(_SAFE.search(_simplified(text)))


def negated_crisis(text: str) -> bool:
    """「我不想死，我想解决欠款的问题」: death named only to say no to it."""
    return bool(_NEGATED.search(_simplified(text)))


# Thanks for help already given, said as what would have happened without it. Plain 「谢谢」 is not enough: 「谢谢你
# 陪我聊 但我撑不下去了」 is a goodbye to take seriously.
_THANKS_FOR_HELP = re.compile(r"(多亏|幸亏|幸好有你|要不是你|要不是有你|还好有你|你是我的救星|救了我)")
_BUT_NOW = re.compile(r"(但是|可是|不过|还是|现在)[^。？！?!]{0,10}(撑不|不想|崩|绝望|累|活)")


def grateful(text: str) -> bool:
    """Thanks for help already given (「要不是你帮我把账理清楚，我早就崩了」), with no self-harm cue of the person's own and
    nothing after it that says it is bad now: thanks, never the crisis lines."""
    body = _simplified(text)
    return bool(_THANKS_FOR_HELP.search(body)) and not self_harm_cue(body) and not _BUT_NOW.search(body)


def only_gratitude(text: str) -> bool:
    """「多亏了你」「幸好有你」: thanks and nothing else (never a crisis, whatever a classifier guesses)."""
    return bool(_GRATITUDE_ONLY.match(_simplified(text).strip()))


def not_a_report(text: str) -> bool:
    """A message that is never a report of a collector's contact, whatever the classifier says: a request to
    deceive, a collector's question, a question about the bot itself."""
    return bool(deception_request(text) or collector_coaching(text) or privacy_question(text))
