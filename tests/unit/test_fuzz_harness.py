"""The fuzzing run's own machinery (bench/fuzz.py), without servers: the same seed draws the same requests (the
report's seed reproduces a run), every kind comes up, the personal-data search finds the dodging spellings in clear
and not the redacted text, and answers are counted as findings the way the report says."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from types import SimpleNamespace

from bench import fuzz
from channels.inbound import clean


def test_the_same_seed_draws_the_same_requests_and_another_seed_others() -> None:
    first = [repr(c) for c in fuzz.cases(2026, 80)]
    again = [repr(c) for c in fuzz.cases(2026, 80)]
    other = [repr(c) for c in fuzz.cases(7, 80)]
    assert first == again
    assert len(set(first)) == len(first)  # nothing sent twice
    assert sum(a == b for a, b in zip(first, other)) < 15  # only the simplest cases, which every seed starts with


def test_every_kind_comes_up_in_its_share() -> None:
    drawn = fuzz.cases(11, 200)
    shares = Counter(c.kind for c in drawn)
    for kind, times in Counter(fuzz.KINDS).items():
        assert shares[kind] >= 0.4 * 200 * times / len(fuzz.KINDS), shares
    # every kind of personal data within 400 cases (the draws depend on hypothesis's state in the whole run)
    kinds = {c.data["item"].kind for c in fuzz.cases(11, 400) if c.kind == "pii"}
    assert {"mobile dodge", "e-mail dodge", "QQ", "WeChat", "ID card", "bank card"} <= kinds
    personal = [c.data["item"] for c in drawn if c.kind == "pii"]
    for item in personal:  # the ground truth is in the text as typed, read as the search reads it
        assert fuzz.core_view(item.core) in fuzz.ascii_view(item.text), item


def test_personal_data_is_found_in_clear_in_its_dodging_spellings() -> None:
    phone = fuzz.Personal("mobile dodge", "138，1234，5678", "13812345678")
    mail = fuzz.Personal("e-mail dodge", "lisi123艾特163点com", "lisi123")
    spoken = fuzz.Personal("mainland mobile", "一三九 幺二三四 ５６７８", "13912345678")
    stored = [("tracker row", "我的电话是138，1234，5678，催收天天打"), ("rasa.log line 3", "邮箱 lisi123艾特163点com"),
              ("download x.docx", "联系方式：一三九 幺二三四 ５６７８")]
    found = fuzz.find_personal_data([phone, mail, spoken], stored)
    assert [(f["core"], f["where"]) for f in found] == [("13812345678", "tracker row"), ("lisi123", "rasa.log line 3"),
                                                         ("13912345678", "download x.docx")]


def test_a_stored_timestamp_is_not_a_finding() -> None:
    """Its digits either side of the point hold 8-digit runs by chance (1796534425.1152449 → 51152449); a dotted
    phone number is still read whole."""
    hk = fuzz.Personal("Hong Kong phone", "＋８５２　５１１５　２４４９", "51152449")
    stored = [("events row", "1796534425.1152449"), ("events row", '{"timestamp": 1796534425.1152449}')]
    assert fuzz.find_personal_data([hk], stored) == []
    dotted = fuzz.Personal("mainland mobile", "138.1234.5678", "13812345678")
    assert fuzz.find_personal_data([dotted], [("events row", "电话138.1234.5678")])


def test_redacted_text_is_not_a_finding() -> None:
    text = "我手机１３８.１２３４.５６７８，欠借呗两万"
    redacted = clean(text).text
    assert redacted != text
    item = fuzz.Personal("mainland mobile", "１３８.１２３４.５６７８", "13812345678")
    assert fuzz.find_personal_data([item], [("tracker row", redacted)]) == []
    assert fuzz.find_personal_data([item], [("tracker row", text)])


def test_a_5xx_and_an_unrefused_unsigned_request_are_findings(tmp_path: Path) -> None:
    fuzzer = fuzz.Fuzzer(SimpleNamespace(rasa_port=1), {"WECOM_TOKEN": "t", "WECOM_AES_KEY": "k" * 43,
                                                         "WECOM_CORP_ID": "c"}, {}, tmp_path)
    case = fuzz.Case("line", "unsigned")
    status, _, body = fuzz.parse_reply(b"HTTP/1.1 500 Internal Server Error\r\nTransfer-Encoding: chunked\r\n\r\n"
                                       b"5\r\noops!\r\n0\r\n\r\n")
    assert (status, body) == (500, b"oops!")
    fuzzer.record(case, b"POST /webhooks/line/webhook", fuzz.Reply(status, body), refuse=True)
    fuzzer.record(case, b"POST /webhooks/line/webhook", fuzz.Reply(200, b"OK"), refuse=True)
    fuzzer.record(case, b"POST /webhooks/line/webhook", fuzz.Reply(401, b"no"), refuse=True)
    tally = fuzzer.tally
    assert tally.server_error_count == 1 and tally.server_errors[0]["status"] == 500
    assert tally.not_refused_count == 2  # the 500 and the 200; the 401 is what an unsigned webhook should get


def test_downloaded_documents_are_read_as_text(tmp_path: Path) -> None:
    """The PDF's Chinese text exists only as font-subset codes: without the ToUnicode maps a number written in it
    could not be found; the .ics folds long lines."""
    import datetime

    from coach import exports

    line = "联系电话 一三八 1234 5678，欠招商银行三万二"
    event = exports.Event(datetime.date(2026, 12, 20), "还款日", "电话 " + "１３８１２３４５６７８" * 6)
    content = exports.Bundle("债务协商方案", datetime.date(2026, 12, 6), [exports.Section("摘要", line)], [event])
    for name, data in (("a.pdf", exports.pdf_bytes(content)), ("a.docx", exports.docx_bytes(content)),
                       ("a.ics", exports.ics_bytes(content, "rest-x"))):
        (tmp_path / name).write_bytes(data)
        text = fuzz.document_text(tmp_path / name)
        item = fuzz.Personal("mainland mobile", "", "13812345678")
        assert fuzz.find_personal_data([item], [(name, text)]), (name, text[:300])
    assert "招商银行" in fuzz.document_text(tmp_path / "a.pdf")
