"""Medium: a non-ASCII secret or signature from a client answered 500 instead of a refusal: ``sig=é`` on a download
link (hmac.compare_digest raises TypeError for a non-ASCII str), ``Authorization: Bearer é`` on the staff API and
``X-Hub-Signature-256: sha256=é`` on WhatsApp (Sanic hands non-UTF-8 header bytes over as surrogates, and
``.encode()`` raised UnicodeEncodeError). Every comparison now goes through channels/secrets_compare.equal: each
such request is refused with a 4xx, against the real server, bytes exactly as sent."""

from __future__ import annotations

import socket
import time
import urllib.parse

import pytest

from coach import download_links

# "é" as UTF-8 (what curl sends) and as one Latin-1 byte (what Python's http.client sends); a lone continuation
# byte; and a long run of full-width characters.
ODD = [b"\xc3\xa9", b"\xe9", b"\x80", "ｓｉｇ".encode() * 10]


def raw(servers, method: str, target: bytes, headers: dict[bytes, bytes], body: bytes = b"") -> int:  # type: ignore[no-untyped-def]
    """One HTTP/1.1 request with the bytes as given (urllib would re-encode them), and its status."""
    port = int(servers.base.rsplit(":", 1)[1])
    head = {b"Host": f"127.0.0.1:{port}".encode(), b"Content-Length": str(len(body)).encode(),
            b"Connection": b"close", **headers}
    request = method.encode() + b" " + target + b" HTTP/1.1\r\n" + \
        b"".join(k + b": " + v + b"\r\n" for k, v in head.items()) + b"\r\n" + body
    with socket.create_connection(("127.0.0.1", port), timeout=60) as s:
        s.sendall(request)
        answer = b""
        while b"\r\n" not in answer:
            chunk = s.recv(4096)
            if not chunk:
                break
            answer += chunk
    return int(answer.split(b" ", 2)[1])


def refused(status: int) -> bool:
    return 400 <= status < 500


@pytest.mark.parametrize("odd", ODD)
def test_a_non_ascii_download_signature_is_refused(channel_servers, odd: bytes):
    conversation = "rest-downloads-" + "a" * 8
    good = download_links.link(conversation, "drafts.docx", key=channel_servers.env["DOWNLOAD_SECRET"].encode())
    assert good is not None
    path, _, query = good.partition("?")
    exp = urllib.parse.parse_qs(query)["exp"][0]
    # percent-encoded, as a browser sends it (raw non-ASCII bytes in a request line never reach the app)
    target = f"{path}?exp={exp}&sig=".encode() + urllib.parse.quote_from_bytes(odd).encode()
    status = raw(channel_servers, "GET", target, {})
    assert status == 403, (odd, status)


@pytest.mark.parametrize("odd", ODD)
def test_a_non_ascii_staff_token_is_refused(channel_servers, odd: bytes):
    for target, method in ((b"/webhooks/staff/api/check", "GET"), (b"/webhooks/staff/api/case/staff-abcdefgh", "GET"),
                           (b"/webhooks/staff/api/case/staff-abcdefgh", "DELETE")):
        status = raw(channel_servers, method, target, {b"Authorization": b"Bearer " + odd})
        assert status == 401, (odd, target, method, status)


@pytest.mark.parametrize("odd", ODD)
def test_a_non_ascii_whatsapp_signature_or_verify_token_is_refused(channel_servers, odd: bytes):
    body = b'{"object": "whatsapp_business_account", "entry": []}'
    status = raw(channel_servers, "POST", b"/webhooks/whatsapp/webhook",
                 {b"X-Hub-Signature-256": b"sha256=" + odd, b"Content-Type": b"application/json"}, body)
    assert status == 403, (odd, status)
    query = b"hub.mode=subscribe&hub.challenge=12345&hub.verify_token=" + urllib.parse.quote_from_bytes(odd).encode()
    assert raw(channel_servers, "GET", b"/webhooks/whatsapp/webhook?" + query, {}) == 403


@pytest.mark.parametrize("odd", ODD)
def test_a_non_ascii_line_signature_is_refused(channel_servers, odd: bytes):
    body = b'{"destination": "U0", "events": []}'
    status = raw(channel_servers, "POST", b"/webhooks/line/webhook",
                 {b"X-Line-Signature": odd, b"Content-Type": b"application/json"}, body)
    assert refused(status), (odd, status)


@pytest.mark.parametrize("odd", ODD)
def test_a_non_ascii_wecom_signature_is_refused(channel_servers, odd: bytes):
    """WeCom's signature is compared inside wechatpy (``!=`` on str): checked here that odd bytes are refused."""
    query = b"msg_signature=" + urllib.parse.quote_from_bytes(odd).encode() + \
        f"&timestamp={int(time.time())}&nonce=n1&echostr=abc".encode()
    assert refused(raw(channel_servers, "GET", b"/webhooks/wecom/webhook?" + query, {}))
    body = b"<xml><Encrypt>abc</Encrypt></xml>"
    assert refused(raw(channel_servers, "POST", b"/webhooks/wecom/webhook?" + query.split(b"&echostr")[0],
                       {b"Content-Type": b"text/xml"}, body))
