"""Which court stage a message is about, read from its words. Pure: no Rasa imports.

People at the court stage write in every intent the classifier knows (a report of a threat, a question about
consequences, a plain statement, even something it calls out of scope), so the stage is read from the words:
「收到法院支付令了怎么办」 → payment_order, 「法院寄来传票 下周开庭」 → lawsuit, 「说要诉前调解 必须去吗」 →
mediation, 「微信上有人发了个法院传票照片 怎么辨别真假」 → verify, 「催收说已经立案了」 → collector_filed,
「怎么查自己有没有被起诉」 → check_sued, 「法院冻结了我的卡」 → preservation, 「强制执行会扣工资吗」 →
enforcement. Simplified and Traditional alike (the text is normalised here), with the common typos.

knowledge.yml's ``special`` topics name a stage (``court: payment_order``); knowledge.special_topic asks here.
"""

from __future__ import annotations

import re

from coach.zh.normalizer import to_simplified

STAGES = ("verify", "collector_filed", "check_sued", "payment_order", "lawsuit", "mediation", "preservation",
          "enforcement")

# Court papers, whatever they are called (支付令 typed as 支付领/支付另).
_PAPERS = (r"传票|起诉状|起诉书|诉状|应诉通知|举证通知|开庭通知|立案通知|支付[令领另]|判决书|裁定书|执行通知|"
           r"法院(的|发的|发来的|寄来的)?(文书|文件|通知|短信|信|函|专递|材料|照片|截图)")
# Doubt about whether they are real.
_DOUBT = (r"真假|真的假的|是真的吗|是不是真|真的吗|是假的|假的吧|假的吗|辨别|分辨|识别|鉴别|核实|核对|"
          r"怎么确认|怎么判断|怎么知道.{0,6}真|骗子|诈骗|骗局|可信|靠谱|p的|P的|伪造|冒充")
# Papers that came by a channel a court is unlikely to use alone: a photo, a chat, a screenshot.
_SENT_INFORMALLY = (r"(微信|qq|QQ|私信|聊天|催收|收数|有人|对方).{0,12}(发|传|转).{0,8}(传票|起诉状|立案通知|法院)|"
                    r"(传票|起诉状|法院.{0,4}).{0,3}(照片|图片|截图)")
_VERIFY = re.compile(rf"(?:{_PAPERS}).{{0,30}}(?:{_DOUBT})|(?:{_DOUBT}).{{0,12}}(?:{_PAPERS})|{_SENT_INFORMALLY}")

# 「催收说已经立案了」「对方称已经起诉我了」: someone says a case exists; the borrower has seen no papers.
_SOMEONE = r"催收|对方|他们|他|她|客服|律师|法务|有人|那边|电话里|短信里|收数|催收员"
_FILED = r"(已经?|早就|都)(经)?.{0,4}(立案|起诉|提起诉讼|告了|上诉|移交(给)?法院|交给法院|走法律程序|申请了?支付令)|" \
         r"立案了|起诉了我|把我告了"
_COLLECTOR_FILED = re.compile(rf"(?:{_SOMEONE}).{{0,6}}(说|称|讲|话|通知|告诉我|发来).{{0,8}}(?:{_FILED})")

# 「怎么查自己有没有被起诉」: how to find out whether there is a case at all.
_CHECK_CASE = re.compile(r"(被|有没有被|是否被|是不是被|有冇被)(人)?(起诉|起述|告|立案)|起诉(了)?我|告(了)?我|"
                         r"我的?(案子|官司)|被告|立案")
_CHECK_HOW = re.compile(r"怎么查|如何查|哪里查|在哪查|去哪查|点查|查询|查一下|查下|查得到|查到|能查|可以查|怎么知道|"
                        r"怎么确认|怎么看|点知|怎样知道")

_PAYMENT_ORDER = re.compile(r"支付[令领另]|督促程序")

# Papers received, or a hearing coming: the borrower is being sued now (not threatened with it).
_RECEIVED = r"收到|寄来|寄了|送来|送达|来了|到了|接到|拿到|签收|发来|给我"
_LAWSUIT = re.compile(rf"(?:{_RECEIVED}).{{0,10}}(传票|起诉状|起诉书|诉状|应诉通知|举证通知|开庭通知)|"
                      r"(传票|起诉状|起诉书|应诉通知|开庭通知).{0,6}(来了|到了|寄来|送来|寄到)|"
                      r"开庭|答辩期|答辩状|要答辩|怎么答辩|出庭|应诉")

_MEDIATION = re.compile(r"诉前[调掉条]解|先行调解|诉调|调解中心|法院调解|特邀调解|委派调解|调解员|人民调解|在线调解|"
                        r"调解(电话|短信|通知|协议)|(要|让|叫|去|参加|拒绝|不去)(我)?(去)?调解")

_PRESERVATION = re.compile(r"财产保全|诉前保全|诉讼保全|保全(裁定|申请)|(法院|起诉|案子|官司).{0,10}(冻结|冻住)|"
                           r"(冻结|冻住).{0,10}(法院|起诉|案子|官司)")

_ENFORCEMENT = re.compile(r"强制执行|执行通知|执行局|执行法官|执行庭|(?<!失信)被执行|申请执行|执行阶段|执行和解|"
                          r"法院.{0,10}(扣|划)(我的?)?(工资|钱|存款)|划扣|(房子|住房|车).{0,6}(拍卖|查封|被封)|"
                          r"查封|扣押")
# A blacklist or travel question keeps its own answer (knowledge.yml ask_consequences).
_NOT_ENFORCEMENT = re.compile(r"失信|限高|老赖|高消费|黑名单")


def stage(text: str) -> str | None:
    """The court stage ``text`` is about (one of STAGES), or None. The first that holds wins: checking that papers
    are real comes before acting on them."""
    body = to_simplified(text or "")
    if not body.strip():
        return None
    if _VERIFY.search(body):
        return "verify"
    if _COLLECTOR_FILED.search(body):
        return "collector_filed"
    if _CHECK_CASE.search(body) and _CHECK_HOW.search(body) and "律师" not in body:
        return "check_sued"
    if _PAYMENT_ORDER.search(body):
        return "payment_order"
    if _LAWSUIT.search(body):
        return "lawsuit"
    if _MEDIATION.search(body):
        return "mediation"
    if _PRESERVATION.search(body):
        return "preservation"
    if _ENFORCEMENT.search(body) and not _NOT_ENFORCEMENT.search(body):
        return "enforcement"
    return None
