"""Words that say a message is about a debt, and whether it reports a collector's contact. Pure: text in, a bool out.

- ``mentions_debt``: the message names a debt, a repayment, a collector or a lender (「网贷逾期了」「卡數還唔到」
  「借唄到期」). Such a message is never answered 「这个我帮不上忙」: when no answer fits, the bot asks which
  of its few things the person means. So is a bare 「怎么办」 (``asks_what_to_do``) after such a message.
- ``reports_contact``: the message tells of something a collector did (called, texted, came round, threatened).
- ``asks_without_contact``: a question that tells of no contact (「我现在欠了哪些」「会员费能退吗」); it is not an
  entry of the evidence log, whatever the classifier guessed.

Each function reads the text in Simplified characters (Traditional and Cantonese forms are mapped first). Lender
names come from the registry (coach/case/lenders.py, data/nlu/lenders.yml).
"""

from __future__ import annotations

import re
from functools import lru_cache

from coach.case.lenders import ALIASES, CANONICAL
from coach.zh.normalizer import to_simplified

# Aliases that are everyday words as often as lender names (招商引资, 民生问题, 美团外卖, 金条): not debt words alone.
_AMBIGUOUS_ALIASES = frozenset({"招商", "民生", "华夏", "光大", "中信", "兴业", "平安", "美团", "金条", "三六零",
                                "发现精彩", "乐信", "马上消费", "马上金融", "动卡空间", "中行", "工银", "龙卡"})

_DEBT = (
    r"逾期|预期(了|一|两|三|几|半|多|怎么|会|后)|愈期|逾其|迟缴|迟交|延滞|"  # 预期/愈期: typos of 逾期; 迟缴: Taiwan
    r"欠|债|贷|还款|还钱|还不上|还不起|还不了|还不出|还唔到|还唔起|冇钱还|没钱还|无力还|断供|"
    r"催收|催款|催债|收数|讨债|要债|追债|借款|借钱|借了|借的|借呗|花呗|白条|信用卡|xyk|卡数|卡债|"
    r"利息|罚息|息费|违约金|滞纳金|担保费|会员费|权益费|砍头息|征信|起诉|传票|失信|限高|老赖|黑户|"
    r"分期|延期还|停息|挂账|最低还款|账单日|还款日|额度|财务公司|财仔|私贷|高利贷|"
    r"争(人|佢|银行|财务公司)?(好多|几)?钱"
)

# What a collector does: calls, messages, visits, threats, contacting others.
_CONTACT = re.compile(
    r"打(了)?(电话|过来|来|给|到|我|爆)|来电|电话(打|轰炸|不停|一直|里)|一直打|天天打|不停地?打|"
    r"(发|发了)(短信|信息|消息|微信|邮件|律师函|函|视频|图片|照片)|收到.{0,6}(短信|信息|消息|电话|律师函|函)|"
    r"上门|来(了)?(我)?家|到(我)?家|找上门|找(了)?我|找(我|了)?(的)?(家人|爸|妈|父母|老婆|老公|同事|领导|朋友|单位|公司)|"
    r"(他们|他|她|催收|催收员|对方|客服|银行|平台|机构|那边|有人|收数|佢|佢哋)[^，。,.!?？！]{0,6}(说|讲|话|称)|"
    r"骂|辱骂|威胁|恐吓|吓唬|扬言|催我|催了|逼我|堵(门|我|在)|泼(油漆|漆|粪|污)|(张)?贴(了)?(大)?(字报|告示|传单|照片)|"
    r"骚扰|外访|爆了?(我的?)?通讯录|群发|"
    r"联系(了)?(我|家|同事|朋友|单位|公司|紧急联系人)|(告诉|通知)(了)?(我|家|同事|朋友|单位|公司|领导)|"
    r"打嚟|打俾|搵(我|上门)|闹我|嚟(我|屋企)"
)

# A question: a question word or mark. 「吧」 only at the end (「你们是催收公司的吧」). Cantonese: 可唔可以, 会唔会 …
_QUESTION = re.compile(
    r"[?？]|吗|么|嘛|呢|怎么|怎样|咋|如何|哪|什么|啥|多少|几(家|个|笔|天|次|号)|是不是|能不能|可不可以|会不会|有没有|"
    r"要不要|该不该|用不用|算不算|行不行|可以吗|点算|点样|边度|乜|咩|点解|可唔可以|会唔会|系唔系|使唔使|得唔得|"
    r"有冇|吧[。!！\s]*$"
)
# Who or what a contact report is about: a collector, a call or a message, a visit, a threat. A message with none
# of these (「间公司执笠 我俾人炒咗」 lost a job; 「还收了我2k手续费」 a fee) tells of no contact.
_COLLECTOR = re.compile(
    r"催收|收数|催款|催债|讨债|要债|追债|外访|电话|短信|信息|微信|消息|上门|通讯录|律师函|他们|他|她|对方|那边|佢|"
    r"有人|骂|威胁|恐吓|半夜|凌晨|p图|照片|骚扰|爆|轰炸|狂打|找|弄死|打死|砍|杀|call|打[一二两三四五六七八九十几\d]"
)


@lru_cache(maxsize=1)
def _debt_pattern() -> re.Pattern[str]:
    names = {n.lower() for n in CANONICAL} | {a.lower() for aliases in ALIASES.values() for a in aliases}
    lenders = sorted((n for n in names if len(n) >= 2 and n not in _AMBIGUOUS_ALIASES), key=len, reverse=True)
    return re.compile(_DEBT + "|" + "|".join(re.escape(n) for n in lenders))


def _simplified(text: str) -> str:
    return to_simplified(text or "").lower()


def mentions_debt(text: str) -> bool:
    """Whether the message names a debt, a repayment, a collector, credit records or a lender."""
    body = _simplified(text)
    return bool(body.strip()) and bool(_debt_pattern().search(body))


_WHAT_TO_DO = re.compile(r"^(那|那我|我)?(该|应该|要)?"
                         r"(怎么办|咋办|怎么弄|咋弄|怎么搞|咋整|怎么处理|怎么做|点算|点办|如何是好)"
                         r"(好)?(呢|啊|呀|嘛|啦|哦)?[?？!！。.~～\s]*$")


def asks_what_to_do(text: str) -> bool:
    """「怎么办」「那我该怎么办啊」 on its own: about whatever the conversation was about."""
    return bool(_WHAT_TO_DO.match(_simplified(text).strip()))


# 「她说每月只能还2000」「他说自己失业了」 (an adviser's note): the borrower speaking of their own situation.
_PRONOUN_SAYS_OWN = re.compile(r"(他|她|佢)(说|讲|话|称)(他|她|佢)?(自己)?(现在|目前|最近|实在|真的)?"
                               r"(还不上|还不起|还唔到|只能|最多|每月|每个月|一个月|能还|可以还|收入|工资|月薪|人工|"
                               r"没钱|没有钱|冇钱|欠|借|逾期|想|希望|失业|生病|病了)")


def reports_contact(text: str) -> bool:
    """Whether the message tells of something a collector did: called, texted, came round, threatened, contacted
    someone else."""
    return bool(_CONTACT.search(_PRONOUN_SAYS_OWN.sub("", _simplified(text))))


# 「逾期了会上门吗」「会不会打电话给我家人」: what might happen, asked about, is no contact that happened.
_WHAT_IF = re.compile(r"(会不会|会唔会|会|能不能|能|可不可以|可唔可以|可以|敢|是不是要|要不要)(被|来|给|对|去)?"
                      r"[^，。,.!?？！]{0,3}"
                      r"(上门|来家|到家|打(电话|给|到)|打俾|找|搵|骂|爆|联系|告诉|通知|起诉|堵|骚扰|威胁)")


def asks_without_contact(text: str) -> bool:
    """A question that tells of no contact (「我现在欠了哪些」「怎么查自己有没有被起诉」「逾期了会上门吗」): never an
    evidence entry. 「他们说明天上门，会来吗」 tells of one (they said so)."""
    body = _simplified(text)
    if not _QUESTION.search(body):
        return False
    return not reports_contact(_WHAT_IF.sub("", body))


# 「他在你我贷欠了65,000元」 (an adviser's note): the pronoun is the borrower who owes, no collector.
_PRONOUN_OWES = re.compile(r"(他们|他|她|佢哋|佢)(?=(在|喺|向|跟|从|找|问|于)?[^，。,.!?？！他她佢]{0,10}?"
                           r"(欠|借了|借的|借过|贷了|逾期|还不上|还不起|还唔到|还款))")


def tells_of_no_collector(text: str) -> bool:
    """Whether the message names no collector, call, message, visit or threat at all: whatever the classifier
    says, it reports no contact. A pronoun that is the one who owes (「他在你我贷欠了6万」) names no collector."""
    body = _simplified(text)
    return not reports_contact(body) and not _COLLECTOR.search(_PRONOUN_OWES.sub("", _PRONOUN_SAYS_OWN.sub("", body)))
