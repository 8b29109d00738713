"""LinearIntentBlend on real Rasa messages: trained, persisted, loaded, and what it may and may not change."""

from __future__ import annotations

from pathlib import Path

import pytest
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from coach.zh.normalizer import normalize
from components.intent_blend import LinearIntentBlend, blend

EXAMPLES = {
    "report_visit_threat": ["催收说明天上门", "说要来我家找我", "他们要派人去我单位", "说下周外访",
                            "短信说已经安排人上门了"],
    "ask_legality": ["上门催收合法吗", "爆通讯录违法吗", "他们这样做犯法不", "半夜打电话合规吗",
                     "能这样催收吗 合法吗"],
    "inform": ["欠招行三万", "逾期两个月了", "月收入五千", "每个月能还一千", "借呗两万 微粒贷一万"],
}


def training_data() -> TrainingData:
    return TrainingData([Message(data={TEXT: normalize(t), INTENT: i}) for i, ts in EXAMPLES.items() for t in ts])


@pytest.fixture()
def trained(tmp_path: Path) -> tuple[LinearIntentBlend, LocalModelStorage, Resource]:
    storage = LocalModelStorage(tmp_path)
    resource = Resource("blend")
    context = ExecutionContext(GraphSchema({}), "test")
    component = LinearIntentBlend.create({**LinearIntentBlend.get_default_config()}, storage, resource, context)
    component.train(training_data())
    return component, storage, resource


def classified(text: str, *ranking: tuple[str, float]) -> Message:
    message = Message(data={TEXT: normalize(text)})
    message.set(INTENT, {"name": ranking[0][0], "confidence": ranking[0][1]})
    message.set(INTENT_RANKING_KEY, [{"name": n, "confidence": c} for n, c in ranking])
    return message


def test_blend_weighs_both_models_and_leaves_out_the_fallback() -> None:
    ranking = blend([{"name": "nlu_fallback", "confidence": 0.5}, {"name": "a", "confidence": 0.9},
                     {"name": "b", "confidence": 0.1}], {"a": 0.2, "b": 0.8}, diet_weight=0.3)
    assert [r["name"] for r in ranking] == ["b", "a"]
    assert ranking[0]["confidence"] == pytest.approx(0.3 * 0.1 + 0.7 * 0.8)
    assert ranking[1]["confidence"] == pytest.approx(0.3 * 0.9 + 0.7 * 0.2)


def test_the_linear_model_corrects_a_weak_diet_guess(trained) -> None:
    component, _, _ = trained
    message = classified("催收说要上门 这合法吗", ("report_visit_threat", 0.55), ("ask_legality", 0.45))
    component.process([message])
    assert message.get(INTENT)["name"] == "ask_legality"
    assert message.get(INTENT_RANKING_KEY)[0] == message.get(INTENT)


def test_a_diet_crisis_reading_is_never_overruled(trained) -> None:
    component, _, _ = trained
    message = classified("欠招行三万 不想活了", ("express_crisis", 0.6), ("inform", 0.4))
    component.process([message])
    assert message.get(INTENT) == {"name": "express_crisis", "confidence": 0.6}


def test_the_fallback_stays_and_only_the_ranking_below_it_is_blended(trained) -> None:
    component, _, _ = trained
    message = classified("这样合法吗", ("nlu_fallback", 0.5), ("inform", 0.4), ("ask_legality", 0.35))
    component.process([message])
    assert message.get(INTENT)["name"] == "nlu_fallback"
    names = [r["name"] for r in message.get(INTENT_RANKING_KEY)]
    assert names[0] == "nlu_fallback" and names[1] == "ask_legality"


def test_persisted_and_loaded_it_reads_the_same(trained) -> None:
    component, storage, resource = trained
    loaded = LinearIntentBlend.load({**LinearIntentBlend.get_default_config()}, storage, resource,
                                    ExecutionContext(GraphSchema({}), "test"))
    first = classified("说要派人来家里", ("inform", 0.5), ("report_visit_threat", 0.5))
    second = classified("说要派人来家里", ("inform", 0.5), ("report_visit_threat", 0.5))
    component.process([first])
    loaded.process([second])
    assert first.get(INTENT) == second.get(INTENT)
    assert first.get(INTENT)["name"] == "report_visit_threat"


def test_loaded_for_serving_the_weights_are_column_major_and_the_probabilities_unchanged(trained) -> None:
    import joblib
    import numpy as np

    _, storage, resource = trained
    with storage.read_from(resource) as directory:
        as_trained = joblib.load(directory / LinearIntentBlend.FILE)
    loaded = LinearIntentBlend.load({**LinearIntentBlend.get_default_config()}, storage, resource,
                                    ExecutionContext(GraphSchema({}), "test"))
    served = loaded._fitted["classifier"]
    assert served.coef_.flags["F_CONTIGUOUS"] and not as_trained["classifier"].coef_.flags["F_CONTIGUOUS"]
    features = loaded._features(loaded._fitted, [normalize("说要派人来家里")], ["说\x1f要\x1f派人\x1f来\x1f家里"])
    assert np.array_equal(served.predict_proba(features), as_trained["classifier"].predict_proba(features))


@pytest.mark.parametrize("text", ["催收说明天上门 合法吗", "欠招行三万 逾期两个月", "", "🙂🙂🙂",
                                  "<b>上門</b> abc ABC 123", "从没见过的字词组合"])
def test_one_message_features_are_sklearns_numbers(trained, text: str) -> None:
    import jieba
    import numpy as np

    from components.intent_blend import one_message_features

    component, _, _ = trained
    fitted = component._fitted
    words = "\x1f".join(jieba.lcut(normalize(text)))
    ours = one_message_features(fitted, normalize(text), words)
    sklearns = component._features(fitted, [normalize(text)], [words])
    assert ours.shape == sklearns.shape
    assert np.allclose(ours.toarray(), sklearns.toarray(), rtol=0, atol=1e-12)
    assert np.allclose(fitted["classifier"].predict_proba(ours), fitted["classifier"].predict_proba(sklearns),
                       rtol=0, atol=1e-12)


def test_a_weak_crisis_reading_of_the_blend_does_not_lead() -> None:
    from components.intent_blend import weak_crisis_demoted

    weak = [{"name": "express_crisis", "confidence": 0.17}, {"name": "verify_collector", "confidence": 0.16},
            {"name": "inform", "confidence": 0.1}]
    assert [r["name"] for r in weak_crisis_demoted(weak, 0.25)] == ["verify_collector", "express_crisis", "inform"]
    strong = [{"name": "express_crisis", "confidence": 0.3}, *weak[1:]]
    assert weak_crisis_demoted(strong, 0.25) == strong
    assert weak_crisis_demoted(weak[:1], 0.25) == weak[:1]  # nothing else to lead
