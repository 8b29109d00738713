"""The practice call's engine: the scenario trees, deterministic branching, the end, stopping and crisis."""

from __future__ import annotations

import pytest

from coach.case import conduct_rules
from coach.rehearsal import engine, rubric
from coach.zh.normalizer import to_traditional
from coach.zh.rehearsal_words import style_asked, wants_again, wants_rehearsal, wants_to_stop

CASE = engine.RehearsalCase(lender="招商银行", lender_kind="credit_card", debt=32000, overdue_days=45,
                            affordable_monthly=1000, plan_monthly=1000, phone_script="一、开场，先核实对方身份")
PLATFORM_CASE = engine.RehearsalCase(lender="借呗", lender_kind="platform", debt=20000, overdue_days=30,
                                     affordable_monthly=800, plan_monthly=800)


def paths(style: str) -> list[list[str]]:
    """Every path from the start to an end, taking every rule of every node."""
    nodes = engine.scenario(style)["nodes"]
    out: list[list[str]] = []

    def walk(path: list[str]) -> None:
        assert len(path) <= engine.MAX_TURNS + 1, f"{style}: {path} runs on"
        node = nodes[path[-1]]
        if node.get("end"):
            out.append(path)
            return
        for target in {rule["go"] for rule in node["next"]}:
            assert target not in path, f"{style}: a loop at {path} → {target}"
            walk([*path, target])

    walk([engine.scenario(style)["start"]])
    return out


@pytest.mark.parametrize("style", engine.STYLES)
def test_every_path_of_each_tree_ends_in_six_to_ten_collector_lines(style: str) -> None:
    found = paths(style)
    assert found
    lengths = {len(p) for p in found}
    assert min(lengths) >= 6 and max(lengths) <= 10, (style, sorted(lengths))
    visited = {n for p in found for n in p}
    assert visited == set(engine.scenario(style)["nodes"]), "every node is reachable"


@pytest.mark.parametrize("style", engine.STYLES)
def test_each_tree_branches_on_rubric_readings_and_names_only_known_rules(style: str) -> None:
    known_kinds = set(conduct_rules.KINDS) | set(engine.texts()["violation"]["own"])
    for name, node in engine.scenario(style)["nodes"].items():
        if node.get("end"):
            assert "next" not in node
            continue
        rules = node["next"]
        assert "when" not in rules[-1] and "unless" not in rules[-1], f"{name}: the last rule is the default"
        for rule in rules:
            assert set(rule.get("when") or []) | set(rule.get("unless") or []) <= set(rubric.ITEMS), name
        if node.get("violation"):
            assert node["violation"] in known_kinds, name
            assert node["violation"] in engine.texts()["violation"]["say"], name
        for case in (CASE, engine.RehearsalCase()):  # every line reads with a full case and with nothing known
            assert "{" not in engine._say(style, name, case, {"offer": None})


def test_the_same_replies_give_the_same_call_and_other_replies_another_branch() -> None:
    replies = ["请问您怎么称呼，工号多少？", "我失业了，现在收入只有三千", "每月1000可以"]
    first = engine.run(CASE, replies, "bank").collector_lines
    assert first == engine.run(CASE, replies, "bank").collector_lines
    assert "工号" in first[1]  # asking who is calling gets an answer about who is calling
    other = engine.run(CASE, ["好好好我今天想办法"], "bank").collector_lines
    assert "今天内还款" in other[1] and other[1] != first[1]


SCRIPTS = {
    "bank": ["请问您怎么称呼，工号多少？", "我今年失业了，实在还不上", "最低还款我也拿不出，每月1000可以",
             "我现在每月收入四千，最多拿出1000", "我人就在这里，请不要联系我家人，这是违规的", "每月1000，分32期",
             "请把结果书面发给我，我只在官方App还款"],
    "platform": ["你是哪家公司的？", "一次性我拿不出来，每月800可以", "我不会借新债还旧债，每月800",
                 "我只通过官方App还款，不往个人账户转", "请把方案和年化利率书面发给我",
                 "我只答应方案里写的数，请书面发给我", "好的"],
    "agency": ["你们是哪家公司？", "我有还款意愿，每月能还1000", "你们联系我家人是违规的，我会打12378投诉",
               "请不要上门吓唬我，我在录音", "普通欠款是民事纠纷，我每月能还1000，请书面确认", "验证码我不会给任何人",
               "晚上十点以后不要打给我，否则我投诉", "好，再见"],
}


@pytest.mark.parametrize("style", engine.STYLES)
def test_a_whole_call_in_each_style_ends_with_a_scorecard_and_the_improved_script(style: str) -> None:
    call = engine.run(CASE, SCRIPTS[style], style)
    last = call.turns[-1]
    assert last.ended and not engine.is_active(last.state)
    assert 6 <= len(call.collector_lines) <= 10
    assert "练习结束" in last.scorecard and "做得好的" in last.scorecard
    assert last.script.startswith("一、开场")
    assert "您自己在练习中说得好的话" in last.script
    for turn in call.turns[1:]:
        assert 1 <= len(turn.coach) <= 2  # one or two short lines on each reply


def test_the_improved_script_keeps_the_persons_own_best_lines_and_not_their_mistakes() -> None:
    call = engine.run(CASE, ["请问您怎么称呼，工号多少？", "好好好我今天想办法", "最低还款我拿不出，每月1000可以",
                             "收入四千，最多拿出1000", "只和我本人谈，联系家人是违规的", "每月1000",
                             "请把结果书面发给我，年化利率多少"], "bank")
    script = call.turns[-1].script
    assert "「请问您怎么称呼，工号多少？」" in script
    assert "好好好" not in script


def test_the_scorecard_names_two_things_to_change_mistakes_first() -> None:
    # promises three times (the last a bare 「好」 to 「找朋友借一借」), a personal account twice (「好」 to it)
    call = engine.run(PLATFORM_CASE, ["我今天想办法", "我去找朋友借钱还你", "好", "好", "好", "好"], "platform")
    card = call.turns[-1].scorecard
    change = card.split("下次要改的两件事：", 1)[1]
    assert "1. " in change and "2. " in change and "3. " not in change
    assert "今天想办法" in change.split("2. ")[0]  # the promise under pressure was made most often
    assert "个人账户" in change


def test_a_crisis_message_ends_the_call_at_once() -> None:
    state = engine.start(CASE, "agency").state
    assert state is not None
    turn = engine.reply(state, "我真的不想活了", CASE)
    assert turn.crisis and turn.ended and turn.state is None and not turn.collector


@pytest.mark.parametrize("text", ["不练了", "停", "结束练习", "不練了", "結束練習"])
def test_stopping_ends_the_call_with_the_scorecard_so_far(text: str) -> None:
    turn = engine.start(CASE, "bank")
    assert turn.state is not None
    turn = engine.reply(turn.state, "请问您怎么称呼，工号多少？", CASE)
    assert turn.state is not None
    end = engine.reply(turn.state, text, CASE)
    assert end.ended and not end.collector and "一共 1 个回合" in end.scorecard
    assert not engine.is_active(end.state)


def test_stopping_before_any_reply_just_ends() -> None:
    state = engine.start(CASE, "bank").state
    assert state is not None
    end = engine.reply(state, "不练了", CASE)
    assert end.ended and not end.scorecard and end.coach


def test_a_fiercer_collector_asked_for_restarts_the_call_in_the_next_style() -> None:
    state = engine.start(CASE).state
    assert state is not None and state["style"] == "bank"  # a credit card: the bank's own collector first
    turn = engine.reply(state, "换个凶一点的", CASE)
    assert turn.state is not None and turn.state["style"] == "platform" and turn.state["node"] == "open"
    assert not turn.state["replies"]


def test_again_after_the_end_takes_another_style() -> None:
    finished = engine.run(CASE, SCRIPTS["bank"], "bank").turns[-1].state
    assert finished is not None
    again = engine.again({**finished, "ended_at": 8}, "再来一次", CASE)
    assert again.state is not None and again.state["style"] != "bank" and again.state["styles"][0] == "bank"
    assert engine.recent_end({**finished, "ended_at": 8}, 9)
    assert not engine.recent_end({**finished, "ended_at": 8}, 20)


def test_default_style_follows_the_lender_kind() -> None:
    assert engine.default_style("credit_card") == "bank"
    assert engine.default_style("platform") == "platform"
    assert engine.start(PLATFORM_CASE).state["style"] == "platform"  # type: ignore[index]


def test_feedback_names_a_forbidden_threat_with_its_rule_and_the_complaint_route() -> None:
    node = engine.scenario("agency")["nodes"]["family"]
    lines = engine.feedback(rubric.read_reply("那你们别打了", CASE), "那你们别打了", CASE, node)
    note = lines[-1]
    assert "联系第三方" in note and "第六十八条" in note and "12378" in note
    named = engine.feedback(rubric.read_reply("联系我家人是违规的", CASE), "联系我家人是违规的", CASE, node)
    assert "当场点出" in named[-1] and len(named) <= 2


@pytest.mark.parametrize(("region", "number"), [("tw", "0800-789-885"), ("hk", "2878 1378"), ("mainland", "12378")])
def test_the_complaint_route_is_the_regions_own(region: str, number: str) -> None:
    case = engine.RehearsalCase(lender="國泰世華銀行", lender_kind="credit_card", debt=150000, region=region)
    assert number in engine.violation_line("third_party", case, named=False)


def test_feedback_catches_an_offer_above_means_with_the_persons_own_numbers() -> None:
    node = engine.scenario("bank")["nodes"]["listen"]
    lines = engine.feedback(rubric.read_reply("每个月2000我可以", CASE), "每个月2000我可以", CASE, node)
    assert "2,000" in lines[0] and "1,000" in lines[0]


@pytest.mark.parametrize("text", ["练一下", "模拟一下催收", "我想练习怎么跟催收说", "模擬一下催收",
                                  "我想練習怎麼跟催收說", "陪我练练", "模拟练习一次"])
def test_entry_words(text: str) -> None:
    assert wants_rehearsal(text)


@pytest.mark.parametrize("text", ["不想练", "催收又打电话了", "我欠招行三万", "不练了", "练什么练，烦死了我不想练"])
def test_not_entry_words(text: str) -> None:
    assert not wants_rehearsal(text)


def test_stop_again_and_style_words() -> None:
    assert wants_to_stop("停") and wants_to_stop("不练了") and not wants_to_stop("停息挂账怎么申请")
    assert wants_again("再来一次") and wants_again("换一种") and wants_again(to_traditional("换个凶一点的", "tw"))
    assert style_asked("换个凶一点的", "platform") == "agency"
    assert style_asked("换个客气一点的", "agency") == "bank"


def test_the_engine_reads_each_reply_with_the_line_it_answers() -> None:
    """A bare 「行」 to the bank's 「能不能先还一部分，比如 3,200 元？」 agrees to 3,200: above the means."""
    call = engine.run(CASE, ["我每月能还一千", "行"], "bank")
    assert "3,200" in call.turns[1].collector[0]
    assert "offer_above_means" in call.turns[2].state["replies"][-1]["readings"]
    assert "3,200" in call.turns[2].coach[0] and "1,000" in call.turns[2].coach[0]


@pytest.mark.parametrize("region", ["tw", "hk"])
def test_taiwan_and_hong_kong_collectors_do_not_speak_of_the_mainlands_credit_bureau(region: str) -> None:
    case = engine.RehearsalCase(lender="國泰世華", lender_kind="credit_card", debt=150000, affordable_monthly=5000,
                                region=region)
    for style in engine.STYLES:
        for name in engine.scenario(style)["nodes"]:
            line = engine._say(style, name, case, {"offer": None})
            assert "征信" not in line and "高铁" not in line, (style, name, line)
    assert "信用纪录" in engine._say("agency", "credit", case, {})  # 信用紀錄 once in Traditional
    assert "征信" in engine._say("agency", "credit", CASE, {})  # the mainland keeps its own word


def test_a_second_round_does_not_stack_the_first_rounds_own_lines() -> None:
    first = engine.run(CASE, ["请问您怎么称呼，工号多少？", "不练了"], "bank").turns[-1].script
    again = engine.RehearsalCase(**{**CASE.__dict__, "phone_script": first})
    second = engine.run(again, ["你是哪家公司的？", "不练了"], "agency").turns[-1].script
    heading = engine.texts()["scorecard"]["own_lines_heading"]
    assert second.count(heading) == 1 and "「你是哪家公司的？」" in second and "一、开场" in second
