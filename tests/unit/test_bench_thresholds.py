"""The fallback-threshold table of the cross-validation benchmark."""

from __future__ import annotations

from bench.crossval import confidence_rows, threshold_table


def test_threshold_table_counts_right_answers_lost_and_wrong_answers_caught() -> None:
    rows = [{"gold": "a", "pred": "a", "confidence": 0.95}, {"gold": "a", "pred": "a", "confidence": 0.45},
            {"gold": "b", "pred": "a", "confidence": 0.35}, {"gold": "b", "pred": "a", "confidence": 0.65}]
    table = {r["threshold"]: r for r in threshold_table(rows, (0.4, 0.5, 0.7))}
    assert (table[0.4]["right_lost"], table[0.4]["wrong_caught"]) == (0, 1)
    assert (table[0.5]["right_lost"], table[0.5]["wrong_caught"]) == (1, 1)
    assert (table[0.7]["right_lost"], table[0.7]["wrong_caught"]) == (1, 2)
    assert table[0.7]["right"] == 2 and table[0.7]["wrong"] == 2


def test_confidence_rows_use_the_classifier_intent_not_the_fallback() -> None:
    parse = {"intent": {"name": "nlu_fallback", "confidence": 0.5},
             "intent_ranking": [{"name": "nlu_fallback", "confidence": 0.5}, {"name": "inform", "confidence": 0.42},
                                {"name": "deny", "confidence": 0.3}]}
    parse["text"] = "欠招行三万"
    assert confidence_rows(["inform"], [parse]) == [
        {"gold": "inform", "pred": "inform", "confidence": 0.42, "text": "欠招行三万"}]


def test_confusions_and_recall_pool_the_mistakes() -> None:
    from bench.crossval import confusions, per_intent_recall

    rows = [{"gold": "a", "pred": "a"}, {"gold": "a", "pred": "b"}, {"gold": "a", "pred": "b"},
            {"gold": "b", "pred": "b"}, {"gold": "b", "pred": "c"}]
    assert confusions(rows) == [{"gold": "a", "pred": "b", "count": 2}, {"gold": "b", "pred": "c", "count": 1}]
    assert per_intent_recall(rows) == {"a": 1 / 3, "b": 0.5}


def test_missed_lists_only_the_safety_intent_misses() -> None:
    from bench.crossval import missed

    rows = [{"gold": "express_crisis", "pred": "express_distress", "confidence": 0.61, "text": "不想撑了"},
            {"gold": "express_crisis", "pred": "express_crisis", "confidence": 0.9, "text": "不想活了"},
            {"gold": "inform", "pred": "express_crisis", "confidence": 0.5, "text": "欠两万"}]
    assert missed(rows) == [{"text": "不想撑了", "pred": "express_distress", "confidence": 0.61}]
