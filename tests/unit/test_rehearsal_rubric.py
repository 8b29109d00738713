"""The rubric's detectors on replies written for these tests (docs/rehearsal-rubric.md has one example per
item): each item is found where it is and not where it is not."""

from __future__ import annotations

import pytest

from coach.rehearsal.rubric import ITEMS, best_offer, read_reply

CASE = {"affordable_monthly": 1000, "debt": 32000}

FOUND = [
    ("identity_checked", "请问您怎么称呼？工号多少？"),
    ("identity_checked", "你是哪家公司的，受谁委托？"),
    ("identity_checked", "請問你是哪家機構的？"),
    ("hardship_stated", "我今年三月被裁了，现在打零工收入不稳定"),
    ("hardship_stated", "我爸住院做手术，钱都花在医药费上了"),
    ("offer_concrete", "我每个月最多能还八百"),
    ("offer_concrete", "我想分36期慢慢还"),
    ("offer_concrete", "这个月先还五百，之后每月一千"),
    ("offer_above_means", "那我每个月还两千吧"),
    ("offer_above_means", "行，我一次性先还五千"),
    ("offer_above_means", "分十期吧"),  # 32,000 over 10 months is 3,200 a month
    ("promise_under_pressure", "好好好，我今天想办法"),
    ("promise_under_pressure", "我去跟朋友借点钱还你们"),
    ("promise_under_pressure", "今天下午一定还上"),
    ("lump_sum_countered", "一次性还清我做不到，我每个月能还一千"),
    ("lump_sum_countered", "首付九千六我拿不出来，最多先付一千"),
    ("written_confirmation", "方案请用短信书面发给我"),
    ("written_confirmation", "分期的年化利率是多少？"),
    ("official_account_only", "我只在官方App里还，不往个人账户转"),
    ("personal_account_accepted", "行，你把卡号发我，我转给你"),
    ("personal_account_accepted", "转到你微信可以吗"),
    ("secret_given", "验证码是 482913"),
    ("secret_given", "我把验证码念给你：5521"),
    ("abusive", "你他妈别再打了"),
    ("abusive", "滚，傻逼"),
    ("violation_named", "你们联系我家人是违规的"),
    ("violation_named", "再这样我就打12378投诉"),
    ("violation_named", "晚上十一点打电话，我会举报"),
    ("identity_checked", "你们委托方是谁"),
    ("identity_checked", "哪个催收公司？"),
    ("hardship_stated", "厂子停产了，孩子还在化疗"),
    ("hardship_stated", "間舖執咗，而家搵唔到工"),
    ("offer_above_means", "一年还完"),  # 32,000 over 12 months
    ("promise_under_pressure", "我今晚无论如何都会转"),
    ("promise_under_pressure", "那我先把车抵押了"),
    ("abusive", "你全家都是老赖"),
    ("abusive", "靠腰 你們很煩耶"),
]

NOT_FOUND = [
    ("identity_checked", "我叫王明，是我本人"),
    ("hardship_stated", "嗯"),
    ("offer_concrete", "我欠了三万二"),
    ("offer_concrete", "你们说要首付九千六"),
    ("offer_above_means", "我每个月能还一千"),
    ("offer_above_means", "五千我拿不出来"),
    ("promise_under_pressure", "我不会去借钱还的"),
    ("promise_under_pressure", "今天还不了"),
    ("lump_sum_countered", "好的我知道了"),
    ("written_confirmation", "行，你把卡号发我"),
    ("official_account_only", "我不会给你验证码"),
    ("personal_account_accepted", "我不会转到你个人账户"),
    ("secret_given", "验证码我不会给任何人"),
    ("secret_given", "你们为什么要我的验证码？"),
    ("abusive", "请你说话客气一点"),
    ("violation_named", "好的"),
    ("identity_checked", "我哪个平台都没还"),  # 「哪个」 meaning 「any」
    ("identity_checked", "我不管你是谁，没钱就是没钱"),
    ("hardship_stated", "没有困难，就是利息太高"),
    ("abusive", "滚动还款是什么意思"),
    ("promise_under_pressure", "请尽快给我书面方案"),  # asks the collector
    ("promise_under_pressure", "我明天还要上班"),  # 还 meaning 「still」
    ("promise_under_pressure", "借钱还你们是不可能的"),
    ("promise_under_pressure", "我也想尽快还，但是真没钱"),
    ("offer_above_means", "尾号3321的卡"),  # a card's tail, no amount
]


@pytest.mark.parametrize(("item", "text"), FOUND)
def test_item_found(item: str, text: str) -> None:
    assert item in read_reply(text, CASE), (item, text, read_reply(text, CASE))


@pytest.mark.parametrize(("item", "text"), NOT_FOUND)
def test_item_not_found(item: str, text: str) -> None:
    assert item not in read_reply(text, CASE), (item, text, read_reply(text, CASE))


def test_every_item_has_an_example_here() -> None:
    assert {item for item, _ in FOUND} == set(ITEMS)


def test_means_are_judged_only_when_known() -> None:
    assert "offer_above_means" not in read_reply("那我每个月还两千吧", {"debt": 32000})
    assert "offer_above_means" not in read_reply("那我每个月还两千吧", None)
    assert "offer_concrete" in read_reply("那我每个月还两千吧", None)


def test_the_offer_read_is_the_persons_number_not_the_collectors() -> None:
    offer = best_offer("首付9600我没有，我能先付1000", CASE)
    assert offer is not None and offer.amount == 1000 and not offer.monthly
    monthly = best_offer("每月一千五可以", CASE)
    assert monthly is not None and monthly.amount == 1500 and monthly.monthly


def test_traditional_replies_read_the_same() -> None:
    assert read_reply("一次性還清我做不到，我每個月能還一千", CASE) >= {"lump_sum_countered", "offer_concrete"}
    assert "secret_given" in read_reply("驗證碼是 482913", CASE)


# Replies read with the collector's line they answer (case: owes 32,000, can pay 1,000 a month).
WITH_LINE = [
    ("每月至少还两千", "行 就两千", {"offer_concrete", "offer_above_means"}),
    ("每月至少还两千", "那好吧", {"offer_above_means"}),  # agreeing to the figure without saying it
    ("每月至少还两千", "好的，我知道了，我考虑一下", set()),  # heard, not agreed
    ("每月还八百可以吗", "好吧", set()),  # agreed, within the means
    ("你分十期吧", "好 那就10期", {"offer_concrete", "offer_above_means"}),  # 32,000 / 10 a month
    ("先付首付9600", "9600我拿不出，先付一千", {"lump_sum_countered", "offer_concrete"}),  # no reason said
    ("每月至少两千", "两千我做不到，最多一千", {"offer_concrete"}),  # a monthly figure countered: no lump sum
    ("系统发了验证码，念给我", "482913", {"secret_given"}),
    ("系统发了验证码，念给我", "验证码不能给你", set()),
    ("你的电话多少", "138 1234 5678", set()),  # digits that are no code, no amount
    ("转到我们专员的个人账户", "好的", {"personal_account_accepted"}),
    ("转到我们专员的个人账户", "我只在官方App还款", {"official_account_only"}),
    ("你找朋友借一借先还上", "好吧", {"promise_under_pressure"}),
    ("你一次過還晒佢啦", "好啦 我一次過還晒", {"offer_above_means", "promise_under_pressure"}),
    ("請您今天先繳最低應繳金額一萬五", "一萬五我沒辦法，每月一千可以", {"lump_sum_countered", "offer_concrete"}),
    ("每月至少两千", "也只能这样了", {"offer_above_means"}),  # a yes without a yes-word
    ("每月至少两千", "你说两千就两千？我一个月才挣多少", set()),  # the figure asked back, not agreed
    ("每月至少两千", "让我每个月还两千，不现实", set()),  # the figure quoted to refuse it
    ("今天必须还清", "好吧", {"promise_under_pressure", "offer_above_means"}),  # the whole debt, today
    ("今天必须还上", "行 我试试", {"promise_under_pressure"}),  # yielding to a deadline
    ("今天必须还上", "知道了", set()),  # heard, not promised
    ("每月至少两千", "行了行了 别说了", set()),  # ends the talk, agrees to nothing
    ("今天下班前必须到账", "好的 我问问同事能不能借我点", {"promise_under_pressure"}),
    ("三天内还清", "三天是吧 没问题", {"promise_under_pressure", "offer_above_means"}),
    ("匯到我帳戶", "好 我轉帳給你", {"personal_account_accepted"}),
    ("你转这个卡 尾号3321", "尾号3321是吧 我记下了 一会转", {"personal_account_accepted"}),
    ("你先打五千到我卡上", "五千是吧 我去转",
     {"personal_account_accepted", "offer_concrete", "offer_above_means"}),  # 5,000 at once: above the means
    ("你转我微信", "你是谁啊 凭什么转你微信", {"identity_checked"}),
    ("你转我微信就行", "加你微信可以 但钱我只在花呗里还", {"official_account_only"}),
    ("转我个人卡", "我要打客服问问能不能转个人", set()),
]


@pytest.mark.parametrize(("line", "text", "items"), WITH_LINE)
def test_a_reply_is_read_with_the_collectors_line(line: str, text: str, items: set[str]) -> None:
    assert read_reply(text, CASE, line) == items, (line, text, read_reply(text, CASE, line))


def test_the_agreed_figure_is_the_offer_said_back() -> None:
    offer = best_offer("行", CASE, "您说的每月一千元我记下了，能不能先还一部分，比如 3,200 元？")
    assert offer is not None and offer.amount == 3200 and not offer.monthly
    whole = best_offer("我明天全部还清", CASE)
    assert whole is not None and whole.amount == 32000


def test_money_of_the_story_is_no_offer() -> None:
    for text in ("我一个月工资才3000，房租就1500", "医药费花了三万", "我卡里就剩300了", "每月两千的话我饭都吃不上"):
        assert "offer_concrete" not in read_reply(text, CASE), text
