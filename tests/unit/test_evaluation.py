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


def test_rasa_debug_events_are_not_printed_for_every_parsed_message(monkeypatch):
    """`make eval` loads an Agent in its own process, where Rasa never configures structlog: unconfigured, it prints
    each debug event (processor.message.parse, one line per message). rasa_log_level() filters at LOG_LEVEL."""
    import io

    import structlog

    from evaluation.nlu import rasa_log_level

    out = io.StringIO()

    def logged(**env: str) -> str:
        monkeypatch.delenv("LOG_LEVEL", raising=False)
        for key, value in env.items():
            monkeypatch.setenv(key, value)
        rasa_log_level()
        before = out.tell()
        log = structlog.get_logger()  # as rasa/core/processor.py gets its logger
        log.debug("processor.message.parse", parse_data_text="欠招行三万")
        log.warning("processor.warning.kept")
        return out.getvalue()[before:]

    try:
        structlog.reset_defaults()
        structlog.configure(logger_factory=structlog.PrintLoggerFactory(out))
        structlog.get_logger().debug("processor.message.parse", parse_data_text="欠招行三万")
        assert "processor.message.parse" in out.getvalue()  # the noise, as structlog is left by Rasa
        quiet = logged()
        assert "processor.message.parse" not in quiet and "processor.warning.kept" in quiet
        assert "processor.message.parse" in logged(LOG_LEVEL="DEBUG")  # still there when asked for
    finally:
        structlog.reset_defaults()
