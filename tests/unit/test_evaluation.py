"""The NLU scoring shared by `make eval` and the benchmarks (evaluation/nlu.py)."""

from __future__ import annotations

from evaluation.nlu import entity_scores, fallback_analysis, top_intent


def test_top_intent_is_the_classifiers_own():
    fell_back = {"intent": {"name": "nlu_fallback"},
                 "intent_ranking": [{"name": "nlu_fallback", "confidence": 0.5}, {"name": "inform", "confidence": 0.4}]}
    assert top_intent(fell_back) == "inform"
    assert top_intent({"intent": {"name": "greet"}, "intent_ranking": []}) == "greet"


def test_entity_scores_need_every_value_and_no_extras():
    rows = [{"text": "欠招行三万", "entities": [("lender", "招商银行", None), ("amount", "30000", "debt")]},
            {"text": "你好", "entities": []}]
    parses = [{"entities": [{"entity": "lender", "value": "招商银行"}, {"entity": "amount", "value": 30000,
                                                                       "role": "debt"}]},
              {"entities": [{"entity": "amount", "value": 5}]}]
    scores = entity_scores(rows, parses)
    assert scores["all"] == {"messages": 1, "correct": 1, "accuracy": 1.0}
    assert scores["amount"]["false_positive_messages"] == 1 and scores["roles"]["correct"] == 1


def test_fallback_analysis():
    rows = fallback_analysis(["a", "b"], ["a", "c"], [0.45, 0.35])
    at_05 = next(r for r in rows if r["threshold"] == 0.5)
    assert at_05 == {"threshold": 0.5, "correct_sent_to_fallback": 1, "errors_caught": 1}
