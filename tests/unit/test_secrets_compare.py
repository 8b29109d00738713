"""channels/secrets_compare.equal: every secret and signature check goes through it, so no client input can turn a
refusal into an exception (hmac.compare_digest raises TypeError for a non-ASCII str)."""

from __future__ import annotations

import hmac

import pytest

from coach import download_links
from coach.secrets_compare import equal

# What Sanic hands over for a header with the bytes of "é": decoded with surrogateescape.
ESCAPED = b"\xc3\xa9".decode("utf-8", "surrogateescape").encode("latin-1", "surrogateescape").decode(
    "ascii", "surrogateescape")


@pytest.mark.parametrize("given", ["é", "sha256=é", ESCAPED, "\ud800", "\x00", "", None, b"\xff", "ｓｅｃｒｅｔ"])
def test_any_input_is_unequal_never_an_exception(given: object) -> None:
    assert equal(given, "secret-token-1234") is False  # type: ignore[arg-type]


def test_the_old_comparison_raised() -> None:
    with pytest.raises(TypeError):
        hmac.compare_digest("é", "secret")


def test_equal_values_match_as_str_or_bytes() -> None:
    assert equal("secret-token", "secret-token") and equal(b"secret-token", "secret-token")
    assert equal("令牌é", "令牌é")  # a non-ASCII configured secret works too
    assert not equal("secret-toke", "secret-token") and not equal("secret-token ", "secret-token")


def test_an_empty_secret_matches_nothing() -> None:
    assert not equal("", "") and not equal(None, None)


def test_a_non_ascii_download_signature_is_bad_not_an_error() -> None:
    key = b"k" * 32
    path = download_links.link("rest-a", "drafts.docx", key=key, now=1000)
    assert path is not None
    exp = path.split("exp=")[1].split("&")[0]
    good = path.split("sig=")[1]
    assert download_links.check("rest-a", exp, good, key=key, now=1000) is None
    for sig in ("é" * 40, good[:-1] + "é", ESCAPED, "\ud800"):
        assert download_links.check("rest-a", exp, sig, key=key, now=1000) == "bad"
