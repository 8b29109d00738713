"""Run the example conversations against the real bot and write them to docs/examples.md.

The transcript is what the bot answered, produced by running it (model + action server), not written
by hand: `make examples` regenerates it after a change to the dialogue or the templates.
"""

from __future__ import annotations

import argparse
import datetime
import sys
import tempfile
import uuid
from pathlib import Path

from serving.servers import ROOT, Servers

CONVERSATIONS: list[tuple[str, str, dict | None, list[str]]] = [
    ("借款人被威胁上门，随后申请分期", "borrower", None, [
        "催收发短信说明天要上门找我",
        "上门催收合法吗",
        "我想申请分期",
        "招行信用卡",
        "三万二左右",
        "两个月了",
        "失业了，一直没找到工作",
        "每个月最多能还一千五",
    ]),
    ("这个月还不上，工资补发后能还清：申请延期", "borrower", None, [
        "这个月实在还不上了，公司工资拖了两个月没发，下个月补发了就能全部还清",
        "借呗",
        "八千",
        "还没逾期，下周五到期",
        "每月能还三千",
    ]),
    ("想申请延期，但靠低保、每月一分钱都拿不出来：申请暂缓催收，不承诺做不到的金额", "borrower", None, [
        "信用卡还不上了，想跟银行申请延期",
        "招商银行信用卡",
        "九万左右",
        "逾期四个月了",
        "不知道",
        "生病了没法工作，现在靠低保",
        "一分钱都拿不出来",
    ]),
    ("欠好几家（共债）：一个方案按比例分给各家，每家一份话术；还清一家、改一个金额后重新算", "borrower", None, [
        "我欠了好几个平台，借呗2万，微粒贷1万5，美团5千，还有招行信用卡3万，每个月只能拿出2000，怎么办",
        "好，帮我起草",
        "逾期两个多月了",
        "公司裁员，一直没找到工作",
        "我现在欠了哪些",
        "美团那笔已经还清了",
        "招行是三万五不是三万",
    ]),
    ("儿子欠了网贷，催收打给母亲", "family", None, [
        "我儿子欠了网贷，催收天天给我打电话，我到底要不要还",
        "我儿子欠了网贷，催收天天打我电话，这钱我要替他还吗",
        "我该怎么回复催收",
        "那我能怎么帮他",
    ]),
    ("三次催收记录在案，生成投诉材料（证据记录）", "borrower", None, [
        "我欠招商银行信用卡三万二",
        "昨晚十一点多催收打电话骂我是老赖",
        "记录一下：前天下午三点他们打电话给我妈，说我欠钱不还",
        "上周五有人自称法院的发短信说要抓我坐牢",
        "我的记录",
        "帮我写投诉信",
    ]),
    ("热线工作人员录入个案", "staff", {"audience": "staff"}, [
        "借款人王女士，欠广发信用卡五万二，逾期95天，催收说要去她单位，还打给了她同事",
        "她想分期",
        "生病住院了一段时间，收入下降",
        "每月大概能还一千二",
    ]),
    ("收到法院支付令：15 天内怎么办，起草书面异议（只写对债务本身的异议）", "borrower", None, [
        "我欠招商银行信用卡三万二", "收到法院支付令了怎么办", "帮我写支付令异议书"]),
    ("真实年化利率：借 1 万分 12 期每期 980，还收了 299 元会员费", "borrower", None, [
        "借1万分12期每期980，还收了会员费299"]),
    ("真实年化利率：借 5000 到手 4500，分 6 期每期 900", "borrower", None, ["借了5000 到手4500 分6期每期900"]),
    ("真实年化利率：两万分 24 期每月 1100", "borrower", None, ["两万 24期 每月1100"]),
    ("房贷断供：不套信用卡的 60 期，讲银行能怎么办、公积金、自己卖房", "borrower", None, [
        "房贷120万 断供三个月了 每个月只能还5000", "房子会被拍卖吗 我能自己先卖房吗"]),
    ("台灣：走前置協商", "borrower", None, ["我在台灣 欠玉山銀行信用卡30萬", "我想走前置協商 要怎麼開始"]),
    ("从头到尾一次：方案 → 排练和点评 → 对方要先还 30% → 按能力还价 → 同意后要书面确认 → 收到确认，进日历",
     "borrower", None, [
        "我想申请分期", "招行信用卡", "三万二", "两个月了", "失业了", "每月能还一千五", "练一下",
        "请问您是哪家公司的 工号多少", "我失业了 现在每个月最多还一千五", "今天还不了五千 我可以每月还一千五 分22期",
        "不练了", "他们说要先还30%", "同意了", "收到短信确认了"]),
]


def render(title: str, audience: str, turns: list[tuple[str, list[dict]]]) -> list[str]:
    who = {"staff": "热线工作人员", "family": "借款人的母亲"}.get(audience, "借款人")
    lines = [f"## {title}", ""]
    for user, replies in turns:
        lines += [f"**{who}**：{user}", ""]
        for reply in replies:
            text = reply.get("text") or ""
            files = (reply.get("custom") or {}).get("downloads")
            if files:  # the links carry a signature that changes every run: their labels only
                text = text.splitlines()[0] + "\n" + " · ".join(f["label"] for f in files)
            if text:
                lines += ["> " + line if line else ">" for line in text.splitlines()]
                lines.append("")
            if reply.get("buttons"):
                lines += ["> 按钮：" + " · ".join(b["title"] for b in reply["buttons"]), ""]
    return lines


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", default=str(ROOT / "docs" / "examples.md"))
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        servers = Servers(Path(tmp))
        # a script types faster than anyone: the rate limits (tested elsewhere) would refuse the longer examples
        servers.env.update(RATE_LIMIT_PER_ADDRESS="0", RATE_LIMIT_PER_CONVERSATION="0")
        servers.start_actions()
        servers.start_rasa()
        try:
            doc = ["# 示例对话", "",
                   f"由 `make examples` 运行机器人生成（{datetime.date.today():%Y-%m-%d}，"
                   "模型 `models/latest.tar.gz`），"
                   "不是手写的。每段对话都是新的会话。", ""]
            for title, audience, metadata, messages in CONVERSATIONS:
                sender = f"example-{uuid.uuid4().hex}"  # a long opaque id: short hex runs can look like a phone number
                turns = [(m, servers.say(sender, m, metadata=metadata)) for m in messages]
                doc += render(title, audience, turns)
        finally:
            servers.stop_rasa()
            servers.stop_actions()
    Path(args.out).write_text("\n".join(doc).rstrip() + "\n", encoding="utf-8")
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
