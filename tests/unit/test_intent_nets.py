"""The two deterministic intent overrides after DIET, on real Rasa messages: crisis cues and stop requests."""

from __future__ import annotations

import pytest
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from coach.zh.normalizer import normalize
from components.nlu import CrisisSafetyNet, PlanRequestNet, StopRequestNet


def classified(text: str, *ranking: tuple[str, float]) -> Message:
    """A message as DIET leaves it: the top intent and the ranking."""
    message = Message(data={TEXT: normalize(text)})
    message.set(INTENT, {"name": ranking[0][0], "confidence": ranking[0][1]})
    message.set(INTENT_RANKING_KEY, [{"name": n, "confidence": c} for n, c in ranking])
    return message


def after_nets(message: Message) -> str:
    CrisisSafetyNet().process([message])
    StopRequestNet().process([message])
    return message.get(INTENT)["name"]


def test_a_crisis_cue_wins_over_any_guess() -> None:
    message = classified("还不上 真的不想活了", ("cannot_pay", 0.8), ("express_crisis", 0.1))
    assert after_nets(message) == "express_crisis"


def test_a_stop_request_never_overrides_a_crisis() -> None:
    assert after_nets(classified("算了", ("express_crisis", 0.9), ("deny", 0.05))) == "goodbye"  # no cue, two words
    assert after_nets(classified("不弄了 活着没意思", ("express_crisis", 0.9))) == "express_crisis"


@pytest.mark.parametrize("text", ["累死了，白天上班晚上还要想怎么还钱", "烦死了 天天打电话"])
def test_death_as_an_intensifier_is_distress(text: str) -> None:
    assert after_nets(classified(text, ("express_crisis", 0.7), ("cannot_pay", 0.2))) == "express_distress"


def test_declining_an_offer_in_two_characters_takes_the_next_guess() -> None:
    message = classified("不想", ("express_crisis", 0.6), ("deny", 0.3), ("goodbye", 0.1))
    assert after_nets(message) == "deny"
    assert [r["name"] for r in message.get(INTENT_RANKING_KEY)][:2] == ["deny", "express_crisis"]


@pytest.mark.parametrize("text", ["不弄了", "先不聊了", "算了吧"])
def test_a_stop_request_is_goodbye_whatever_the_guess(text: str) -> None:
    assert after_nets(classified(text, ("inform", 0.6), ("deny", 0.3))) == "goodbye"


@pytest.mark.parametrize("text", ["不对 是101000", "不是 我看错了 是146000", "记错了 应该是半年", "唔啱 係124000"])
def test_a_correction_that_names_the_value_is_the_fact_not_a_no(text: str) -> None:
    assert after_nets(classified(text, ("deny", 0.8), ("inform", 0.1))) == "inform"


@pytest.mark.parametrize("text", ["不对", "不是，我不想分期", "不是我不还 是真的没钱"])
def test_a_no_without_a_value_stays_a_no(text: str) -> None:
    assert after_nets(classified(text, ("deny", 0.8), ("inform", 0.1))) == "deny"


def test_a_stop_phrase_with_a_fact_is_not_a_stop() -> None:
    assert after_nets(classified("算了 欠招行3万", ("inform", 0.9))) == "inform"


@pytest.mark.parametrize(("text", "expected"), [
    ("想分期，欠建设银行信用卡三万，逾期一个月了，生意亏了", "request_installment"),
    ("我喺香港，欠滙豐信用卡8萬同渣打4萬，每個月最多還3000，想同銀行傾分期", "request_installment"),
    ("欠借呗两万 逾期40天 能宽限一个月就好", "request_extension"),
    ("欠招联一万八，罚息能减免点吗", "inform"),  # a question about a plan: left to the classifier
    ("已经分期了 还欠招行3万", "inform"),  # a plan that exists is a fact
    ("欠招行三万 逾期两个月", "inform"),
])
def test_facts_with_a_plan_asked_for_by_name_are_that_request(text: str, expected: str) -> None:
    message = classified(text, ("inform", 0.7), ("request_installment", 0.2))
    PlanRequestNet().process([message])
    assert message.get(INTENT)["name"] == expected


@pytest.mark.parametrize(("text", "guess"), [("我欠招行信用卡3万 逾期两个月了 能帮我做个方案吗", "inform"),
                                           ("能帮我写个协商申请吗", "ask_debt_service"),
                                           ("还不上了 帮我出个还款计划", "cannot_pay")])
def test_a_plan_asked_for_in_so_many_words_starts_it(text: str, guess: str) -> None:
    message = classified(text, (guess, 0.7), ("inform", 0.2))
    PlanRequestNet().process([message])
    assert message.get(INTENT)["name"] == "ask_script"


@pytest.mark.parametrize("text", ["需要什么申请材料", "这个方案能不能改", "之前做过方案"])
def test_words_about_a_plan_are_no_request_for_one(text: str) -> None:
    message = classified(text, ("ask_debt_service", 0.7), ("inform", 0.2))
    PlanRequestNet().process([message])
    assert message.get(INTENT)["name"] == "ask_debt_service"


def test_only_inform_is_ever_turned_into_a_request() -> None:
    message = classified("想分期 但是分期会影响征信吗", ("ask_consequences", 0.8), ("inform", 0.1))
    PlanRequestNet().process([message])
    assert message.get(INTENT)["name"] == "ask_consequences"


def test_unsure_but_crisis_as_the_best_guess_is_crisis() -> None:
    message = classified("想一个人静静地走", ("nlu_fallback", 0.5), ("express_crisis", 0.45), ("goodbye", 0.3))
    assert after_nets(message) == "express_crisis"
    idiom = classified("真是烦死了", ("nlu_fallback", 0.5), ("express_crisis", 0.45), ("express_distress", 0.4))
    assert after_nets(idiom) == "nlu_fallback"
    other = classified("这个怎么弄", ("nlu_fallback", 0.5), ("ask_script", 0.45), ("express_crisis", 0.3))
    assert after_nets(other) == "nlu_fallback"


def test_something_else_dying_takes_the_next_guess_and_a_fallback_leaning_to_crisis_is_crisis() -> None:
    other = classified("游戏里我的角色又死了", ("express_crisis", 0.6), ("out_of_scope", 0.3), ("deny", 0.1))
    assert after_nets(other) == "out_of_scope"
    unsure = classified("我撑不住了真的", ("nlu_fallback", 0.5), ("express_crisis", 0.4), ("cannot_pay", 0.3))
    assert after_nets(unsure) == "express_crisis"
    short = classified("死了", ("nlu_fallback", 0.5), ("express_crisis", 0.4), ("cannot_pay", 0.3))
    assert after_nets(short) == "nlu_fallback"  # too short to read as crisis: asked to say more


@pytest.mark.parametrize("text", ["唔知", "唔記得", "记不清了"])
@pytest.mark.parametrize("guess", ["goodbye", "deny"])
def test_not_knowing_read_as_goodbye_or_a_no_is_an_answer(text: str, guess: str) -> None:
    """「记不清了」 read as a no asked 「要先停在这里吗？」 mid-form (sim seed 2026): it answers the question."""
    assert after_nets(classified(text, (guess, 0.6), ("inform", 0.3))) == "inform"


@pytest.mark.parametrize("text", ["bb了", "我先撤了", "行 就先聊到这"])
def test_a_goodbye_the_nets_cannot_place_stays_goodbye(text: str) -> None:
    """Never the runner-up for them: 「bb了」 (bye-bye) once became crisis that way."""
    assert after_nets(classified(text, ("goodbye", 0.6), ("express_crisis", 0.3))) == "goodbye"


@pytest.mark.parametrize("text", ["thx", "hey", "Hi", "okk"])
def test_short_latin_words_are_no_lenders_name(text: str) -> None:
    assert after_nets(classified(text, ("thank", 0.6), ("inform", 0.3))) == "thank"


@pytest.mark.parametrize("text", ["再见", "好的谢谢", "先这样吧"])
def test_a_farewell_stays_goodbye(text: str) -> None:
    assert after_nets(classified(text, ("goodbye", 0.6), ("inform", 0.3))) == "goodbye"


@pytest.mark.parametrize("text", ["WeLend㗎", "是快易花的", "PrimeCredit"])
def test_a_message_that_is_only_a_name_is_inform(text: str) -> None:
    assert after_nets(classified(text, ("out_of_scope", 0.6), ("inform", 0.3))) == "inform"


def test_a_lender_added_read_as_a_yes_is_a_fact() -> None:
    message = classified("还有个“速借宝”", ("affirm", 0.6), ("inform", 0.3))
    message.set("entities", [{"entity": "lender", "start": 4, "end": 7, "value": "速借宝"}])
    assert after_nets(message) == "inform"
    yes = classified("好 还有个“速借宝”", ("affirm", 0.6), ("inform", 0.3))
    yes.set("entities", [{"entity": "lender", "start": 5, "end": 8, "value": "速借宝"}])
    assert after_nets(yes) == "affirm"


@pytest.mark.parametrize("text", [
    "那张卡算呆账了吧，银行好几年没联系我", "我就一份死工资，每月到手三千八", "月底是死线，钱还差两千",
    "打死我也不碰714高炮了", "客服死脑筋，说什么都听不进去", "昨晚喝了点止咳糖浆吃了消炎药，脑子有点昏",
    "被那个电话吓了个半死", "我死党帮我垫了五千",
])
def test_words_built_on_death_that_name_none_are_answered_for_what_they_ask(text: str) -> None:
    assert after_nets(classified(text, ("express_crisis", 0.6), ("inform", 0.3))) == "inform"


@pytest.mark.parametrize("text", ["欠了三十多万，我这辈子算是毁了", "人生彻底完了，上了征信黑名单还被起诉"])
def test_despair_at_what_the_debt_did_is_distress(text: str) -> None:
    assert after_nets(classified(text, ("express_crisis", 0.7), ("cannot_pay", 0.2))) == "express_distress"


@pytest.mark.parametrize("text", [
    "欠了三十多万，这辈子完了，不想活了", "征信黑了，人生毁了，我吃了一整瓶感冒药", "我把降压药全吃了",
    "网贷还不上 死工资也不够 真的活不下去了",
])
def test_no_such_reading_hides_a_self_harm_cue(text: str) -> None:
    assert after_nets(classified(text, ("cannot_pay", 0.7), ("express_crisis", 0.2))) == "express_crisis"


@pytest.mark.parametrize("text", ["我在洋钱罐借了6.8万 拖了三个多月 想跟他们谈分期 你帮我弄一下",
                                  "麻烦你帮我处理一下延期的事", "帮我写个xieshang方案吧"])
def test_a_plan_named_and_the_bot_asked_to_do_it_starts_the_plan(text: str) -> None:
    message = classified(text, ("inform", 0.5), ("report_harassment", 0.3))
    PlanRequestNet().process([message])
    assert message.get(INTENT)["name"] in ("ask_script", "request_installment", "request_extension")


def test_a_question_about_a_plan_with_a_request_to_look_is_no_request() -> None:
    message = classified("分期会影响征信吗 你帮我看看", ("ask_consequences", 0.6), ("inform", 0.3))
    PlanRequestNet().process([message])
    assert message.get(INTENT)["name"] == "ask_consequences"


def test_an_explicit_request_wins_over_an_unsure_guess_not_a_sure_one() -> None:
    unsure = classified("我欠一間叫Welab嘅財務公司六萬塊 預期半年 可唔可以幫我整個還款方案",
                        ("verify_collector", 0.18), ("inform", 0.15))
    PlanRequestNet().process([unsure])
    assert unsure.get(INTENT)["name"] == "ask_script"
    sure = classified("催收说要帮我做个方案，是真的吗", ("verify_collector", 0.9), ("ask_script", 0.05))
    PlanRequestNet().process([sure])
    assert sure.get(INTENT)["name"] == "verify_collector"


def test_a_message_that_only_adds_a_lender_is_a_fact() -> None:
    message = classified("还有马上消费金融", ("report_third_party_contact", 0.21), ("inform", 0.2))
    message.set("entities", [{"entity": "lender", "start": 2, "end": 8, "value": "马上消费金融"}])
    assert after_nets(message) == "inform"
    told = classified("还有借呗的催收天天打电话", ("report_harassment", 0.6), ("inform", 0.2))
    told.set("entities", [{"entity": "lender", "start": 2, "end": 4, "value": "借呗"}])
    assert after_nets(told) == "report_harassment"


def test_despair_at_the_debt_under_the_threshold_is_distress_not_a_rephrase() -> None:
    message = classified("我是不是这辈子就完了，征信都黑了", ("nlu_fallback", 0.4), ("express_crisis", 0.35))
    assert after_nets(message) == "express_distress"


def test_self_blame_with_death_in_it_keeps_the_classifiers_crisis_reading() -> None:
    # 「该死的催收」 is an adjective; 「我真是该死」 is self-blame, a warning sign the explained-death list never hides
    assert after_nets(classified("我真是该死", ("express_crisis", 0.7), ("express_distress", 0.2))) == "express_crisis"
    assert after_nets(classified("该死的催收又打来了", ("express_crisis", 0.6), ("report_harassment", 0.3))) \
        == "report_harassment"


def _with_entities(message: Message, *spans: tuple[str, str]) -> Message:
    """The lenders and amounts the extractors found, as (entity, surface) in the normalised text."""
    text = message.get(TEXT)
    message.set("entities", [{"entity": kind, "start": text.index(said), "end": text.index(said) + len(said),
                              "value": said} for kind, said in spans])
    return message


@pytest.mark.parametrize(("text", "spans"), [
    ("微信微粒贷跟米花花各65000块", (("lender", "微信微粒贷"), ("amount", "65000块"))),
    ("建设银行跟度小满各35000", (("lender", "建设银行"), ("lender", "度小满"), ("amount", "35000"))),
])
def test_a_crisis_guess_on_a_message_that_only_lists_debts_is_the_facts(text: str, spans: tuple) -> None:
    """A model trained on another machine read 「X跟Y各N」 as crisis (sim seed 2026): nothing but lenders, amounts
    and the words joining them is left for the crisis reading to stand on."""
    message = _with_entities(classified(text, ("express_crisis", 0.99), ("inform", 0.01)), *spans)
    assert after_nets(message) == "inform"


@pytest.mark.parametrize("text", ["欠了借呗5万 不想活了", "招行3万 我撑不下去了", "借呗5万 帮我照顾好女儿"])
def test_a_crisis_guess_with_any_other_words_beside_the_debts_stays(text: str) -> None:
    message = _with_entities(classified(text, ("express_crisis", 0.99), ("inform", 0.01)),
                             ("amount", "5万" if "5万" in text else "3万"))
    assert after_nets(message) == "express_crisis"


@pytest.mark.parametrize(("text", "guess", "expected"), [
    ("月还款能承受四百块", "request_extension", "inform"),
    ("一个月还400行吗", "request_installment", "inform"),
    ("每个月只能还400，能不能缓一缓", "request_extension", "request_extension"),
    ("想分期 每月400", "request_installment", "request_installment"),
])
def test_what_they_can_pay_a_month_read_as_a_plan_request_is_a_fact(text: str, guess: str, expected: str) -> None:
    """「月还款能承受四百块」 read as an extension request sent the form after a time nobody asked for (sim seed
    2026): with no plan named it is what they can pay; a plan named in the same message stays the request."""
    from coach.zh.numbers import extract
    message = classified(text, (guess, 0.8), ("inform", 0.2))
    message.set("entities", [{"entity": "amount", "start": s.start, "end": s.end, "value": s.value,
                              **({"role": s.role} if s.role else {})} for s in extract(message.get(TEXT))[0]])
    PlanRequestNet().process([message])
    assert message.get(INTENT)["name"] == expected


@pytest.mark.parametrize(("text", "name"), [("仲有有間叫Promise嘅", "Promise"),
                                            ("仲有一間叫WeLend嘅財務公司㗎", "WeLend")])
def test_a_lender_added_by_what_it_is_called_is_a_fact_even_read_as_crisis(text: str, name: str) -> None:
    """A model trained here read 「仲有有間叫Promise嘅」 as crisis (sim seed 99) and the lender was lost behind the
    crisis lines; a message that only adds a lender has no other word for a crisis reading to stand on."""
    message = classified(text, ("express_crisis", 0.9), ("inform", 0.05))
    normalised = message.get(TEXT)
    message.set("entities", [{"entity": "lender", "start": normalised.index(name),
                              "end": normalised.index(name) + len(name), "value": name}])
    assert after_nets(message) == "inform"
    stays = classified("仲有間叫Promise嘅 我唔想活落去", ("express_crisis", 0.9), ("inform", 0.05))
    assert after_nets(stays) == "express_crisis"


@pytest.mark.parametrize("text", ["我没事了 继续吧", "好多了 接着来吧", "没事了，开始吧"])
def test_a_wish_to_go_on_read_as_goodbye_is_a_yes(text: str) -> None:
    """「我没事了 继续吧」 after the crisis lines was read as goodbye by a model trained here (没事了) and got
    「好的，先到这里」: they asked to go on."""
    assert after_nets(classified(text, ("goodbye", 0.33), ("inform", 0.3))) == "affirm"


@pytest.mark.parametrize("text", ["不继续了", "别继续了 拜拜", "没事了 谢谢"])
def test_a_goodbye_without_a_wish_to_go_on_stays_goodbye(text: str) -> None:
    assert after_nets(classified(text, ("goodbye", 0.6), ("inform", 0.2))) == "goodbye"
