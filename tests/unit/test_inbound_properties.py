"""Properties of the redaction every channel runs (channels/inbound.py), over generated messages: no phone, QQ,
WeChat, e-mail, ID card, passport, permit, bank card or landline survives ``clean`` in any spelling, filler or
sentence of tests/security/personal_sentences.py; and no amount, day count or date is ever touched."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from channels.inbound import clean
from tests.security.personal_sentences import FromDraw, amount_message, amount_phrase, personal_message
from tests.security.spellings import Spelling, leaked

FAST = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@st.composite
def personal(draw) -> tuple[str, Spelling]:  # type: ignore[no-untyped-def]
    return personal_message(FromDraw(draw))


@st.composite
def amounts(draw) -> str:  # type: ignore[no-untyped-def]
    return amount_message(FromDraw(draw))


@st.composite
def amount_then_personal(draw) -> tuple[str, str, Spelling]:  # type: ignore[no-untyped-def]
    c = FromDraw(draw)
    amount = amount_phrase(c)
    text, spelling = personal_message(c)
    return amount, f"{amount}，{text}", spelling


@FAST
@given(personal())
def test_no_personal_data_survives_clean(case: tuple[str, Spelling]) -> None:
    text, spelling = case
    inbound = clean(text)
    assert not leaked(inbound.text, spelling), (spelling, inbound.text)
    assert inbound.notes and "已自动隐去" in inbound.notes[-1]


@FAST
@given(amounts())
def test_amounts_days_and_dates_are_never_redacted(text: str) -> None:
    inbound = clean(text)
    assert inbound.text == text and inbound.notes == []


@FAST
@given(amount_then_personal())
def test_an_amount_beside_personal_data_stays(case: tuple[str, str, Spelling]) -> None:
    amount, text, spelling = case
    out = clean(text).text
    assert out.startswith(amount + "，"), out
    assert not leaked(out, spelling), (spelling, out)
