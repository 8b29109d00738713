"""WeCom callback channel against the real Rasa, with payloads encrypted by wechatpy's WeCom crypto (the library
the channel uses, standing in for WeCom's servers). Long replies go to a local fake of the message API."""

from __future__ import annotations

import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid

import pytest
import xmltodict
from wechatpy.crypto import _get_signature
from wechatpy.enterprise import parse_message
from wechatpy.enterprise.crypto import PrpCrypto, WeChatCrypto

from channels.wecom import conversation_id
from tests.http.waiting import wait_until

PATH = "/webhooks/wecom/webhook"


@pytest.fixture(scope="module")
def crypto(wecom_settings) -> WeChatCrypto:
    return WeChatCrypto(wecom_settings["WECOM_TOKEN"], wecom_settings["WECOM_AES_KEY"],
                        wecom_settings["WECOM_CORP_ID"])


def request(base: str, method: str, query: dict[str, str], body: bytes | None = None) -> tuple[int, str]:
    req = urllib.request.Request(f"{base}{PATH}?{urllib.parse.urlencode(query)}", data=body, method=method,
                                 headers={"Content-Type": "text/xml"})
    try:
        with urllib.request.urlopen(req, timeout=60) as resp:
            return resp.status, resp.read().decode()
    except urllib.error.HTTPError as err:
        return err.code, err.read().decode()


def text_message(crypto: WeChatCrypto, corp_id: str, user: str, content: str,
                 msg_id: int | None = None) -> tuple[dict[str, str], bytes]:
    """What WeCom POSTs for a text message: query (msg_signature, timestamp, nonce) and the encrypted body."""
    msg_id = msg_id or int(time.time() * 1000) % 10**15 + uuid.uuid4().int % 1000
    plain = (f"<xml><ToUserName><![CDATA[{corp_id}]]></ToUserName><FromUserName><![CDATA[{user}]]></FromUserName>"
             f"<CreateTime>{int(time.time())}</CreateTime><MsgType><![CDATA[text]]></MsgType>"
             f"<Content><![CDATA[{content}]]></Content><MsgId>{msg_id}</MsgId><AgentID>1000002</AgentID></xml>")
    nonce, timestamp = uuid.uuid4().hex[:10], str(int(time.time()))
    envelope = xmltodict.parse(crypto.encrypt_message(plain, nonce, timestamp))["xml"]
    body = (f"<xml><ToUserName><![CDATA[{corp_id}]]></ToUserName><AgentID><![CDATA[1000002]]></AgentID>"
            f"<Encrypt><![CDATA[{envelope['Encrypt']}]]></Encrypt></xml>").encode()
    return {"msg_signature": envelope["MsgSignature"], "timestamp": timestamp, "nonce": nonce}, body


def decrypt_reply(crypto: WeChatCrypto, body: str):  # type: ignore[no-untyped-def]
    envelope = xmltodict.parse(body)["xml"]
    xml = crypto.decrypt_message(body, envelope["MsgSignature"], envelope["TimeStamp"], envelope["Nonce"])
    return parse_message(xml)


def user_texts(servers, user: str) -> list[str]:  # type: ignore[no-untyped-def]
    """What the tracker store keeps of a WeCom user's messages (the conversation id is keyed, not the UserID)."""
    conversation = conversation_id(user, servers.env["WECOM_AES_KEY"])
    return [e["text"] for e in servers.tracker(conversation, channel=None)["events"] if e["event"] == "user"]


def test_url_verification(channel_servers, crypto, wecom_settings):
    echo_plain = "wecom-verify-" + uuid.uuid4().hex[:8]
    echostr = PrpCrypto(crypto.key).encrypt(echo_plain, wecom_settings["WECOM_CORP_ID"]).decode()
    timestamp, nonce = str(int(time.time())), "n" + uuid.uuid4().hex[:8]
    signature = _get_signature(wecom_settings["WECOM_TOKEN"], timestamp, nonce, echostr)
    query = {"msg_signature": signature, "timestamp": timestamp, "nonce": nonce, "echostr": echostr}
    assert request(channel_servers.base, "GET", query) == (200, echo_plain)
    assert request(channel_servers.base, "GET", {**query, "msg_signature": "0" * 40})[0] == 403


def test_text_message_round_trip_passive_reply(channel_servers, crypto, wecom_settings):
    query, body = text_message(crypto, wecom_settings["WECOM_CORP_ID"], "zhangsan", "催收说明天要上门")
    status, reply = request(channel_servers.base, "POST", query, body)
    assert status == 200 and reply
    message = decrypt_reply(crypto, reply)
    assert message.type == "text" and message.target == "zhangsan"
    assert message.source == wecom_settings["WECOM_CORP_ID"]
    assert "110" in message.content and "可以回复：" in message.content  # buttons become a reply hint
    assert user_texts(channel_servers, "zhangsan") == ["催收说明天要上门"]


def test_bad_signature_is_refused_and_never_reaches_rasa(channel_servers, crypto, wecom_settings):
    query, body = text_message(crypto, wecom_settings["WECOM_CORP_ID"], "mallory", "你好")
    status, _ = request(channel_servers.base, "POST", {**query, "msg_signature": "f" * 40}, body)
    assert status == 403
    other = WeChatCrypto("another-token", wecom_settings["WECOM_AES_KEY"], wecom_settings["WECOM_CORP_ID"])
    query, body = text_message(other, wecom_settings["WECOM_CORP_ID"], "mallory", "你好")
    assert request(channel_servers.base, "POST", query, body)[0] == 403
    assert user_texts(channel_servers, "mallory") == []


def test_retry_is_not_answered_twice(channel_servers, crypto, wecom_settings):
    query, body = text_message(crypto, wecom_settings["WECOM_CORP_ID"], "wangwu", "你好")
    first = request(channel_servers.base, "POST", query, body)
    second = request(channel_servers.base, "POST", query, body)  # WeCom's retry: same MsgId, same payload
    assert first[0] == 200 and first[1]
    assert second == (200, "")
    assert user_texts(channel_servers, "wangwu") == ["你好"]

    # retries that arrive while the first delivery is still being processed: exactly one reply
    query, body = text_message(crypto, wecom_settings["WECOM_CORP_ID"], "wangwu", "逾期有什么后果")
    results: list[tuple[int, str]] = []
    threads = [threading.Thread(target=lambda: results.append(request(channel_servers.base, "POST", query, body)))
               for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert [s for s, _ in results] == [200, 200, 200]
    assert sum(1 for _, r in results if r) == 1
    assert user_texts(channel_servers, "wangwu") == ["你好", "逾期有什么后果"]


def say_and_wait(channel_servers, crypto, wecom_settings, fake_wecom, user: str, text: str) -> None:  # type: ignore[no-untyped-def]
    """Send one message as a WeCom user does: wait for the answer (passive, or through the message API when the
    turn took longer than the passive window) before typing the next."""
    before = len(fake_wecom.messages_to(user))
    query, body = text_message(crypto, wecom_settings["WECOM_CORP_ID"], user, text)
    status, reply = request(channel_servers.base, "POST", query, body)
    assert status == 200
    if not reply:  # slower than the passive window: the answer comes through the message API
        wait_until(lambda: len(fake_wecom.messages_to(user)) > before)


def test_long_drafts_go_through_the_message_api_in_pieces(channel_servers, crypto, wecom_settings, fake_wecom):
    user = "zhaoliu"
    for text in ["想申请分期", "欠招行信用卡三万二", "逾期两个月", "失业了，没收入"]:
        say_and_wait(channel_servers, crypto, wecom_settings, fake_wecom, user, text)
    say_and_wait(channel_servers, crypto, wecom_settings, fake_wecom, user, "每月能还一千五")
    before = len(fake_wecom.messages_to(user))
    query, body = text_message(crypto, wecom_settings["WECOM_CORP_ID"], user, "全部")
    assert request(channel_servers.base, "POST", query, body)[0] == 200
    wait_until(lambda: any("【电话协商话术】" in m for m in fake_wecom.messages_to(user)[before:]))
    wait_until(lambda: any("【书面协商申请】" in m for m in fake_wecom.messages_to(user)[before:]))
    sent = fake_wecom.messages_to(user)
    assert all(len(m.encode()) <= 2048 for m in sent)
    assert fake_wecom.token_requests >= 1


def test_a_plan_in_wecom_is_its_summary_and_the_next_step(channel_servers, crypto, wecom_settings, fake_wecom):
    user = "qianba"
    for text in ["想申请分期", "欠招行信用卡三万二", "逾期两个月", "失业了，没收入"]:
        say_and_wait(channel_servers, crypto, wecom_settings, fake_wecom, user, text)
    before = len(fake_wecom.messages_to(user))
    query, body = text_message(crypto, wecom_settings["WECOM_CORP_ID"], user, "每月能还一千五")
    status, reply = request(channel_servers.base, "POST", query, body)
    assert status == 200
    wait_until(lambda: any("下一步" in m for m in fake_wecom.messages_to(user)[before:])
               or (reply and "下一步" in decrypt_reply(crypto, reply).content))
    time.sleep(1.5)
    sent = "\n".join(fake_wecom.messages_to(user)[before:]) + (decrypt_reply(crypto, reply).content if reply else "")
    assert "每期 1,455 元" in sent and "看电话协商话术" in sent and "【电话协商话术】" not in sent


def test_several_debts_overview_first_then_one_lenders_drafts_on_request(channel_servers, crypto, wecom_settings,
                                                                          fake_wecom):
    """In WeCom a dozen long drafts in a row would bury the overview: the overview and the checklist come first,
    each lender's drafts when the borrower names it."""
    user = "sunqi"
    for text in ["借呗2万，微粒贷1万5，招行信用卡3万，每个月只能拿出2000", "逾期两个月"]:
        say_and_wait(channel_servers, crypto, wecom_settings, fake_wecom, user, text)
    query, body = text_message(crypto, wecom_settings["WECOM_CORP_ID"], user, "失业了")
    assert request(channel_servers.base, "POST", query, body)[0] == 200
    wait_until(lambda: any("【欠款清单和还款方案】" in m for m in fake_wecom.messages_to(user)))
    sent = "\n".join(fake_wecom.messages_to(user))
    assert "3 家，合计 65,000 元" in sent and "回复机构名称就发给您" in sent
    assert "【电话协商话术】" not in sent  # no lender's drafts yet

    before = len(fake_wecom.messages_to(user))
    query, body = text_message(crypto, wecom_settings["WECOM_CORP_ID"], user, "微粒贷")
    status, reply = request(channel_servers.base, "POST", query, body)
    assert status == 200
    wait_until(lambda: any("【电话协商话术】" in m for m in fake_wecom.messages_to(user)[before:]))
    later = "\n".join(fake_wecom.messages_to(user)[before:]) + (decrypt_reply(crypto, reply).content if reply else "")
    assert "【微粒贷：每月" in later and "【电话协商话术】" in later and "贵平台这一份是每月" in later
    assert "招商银行信用卡中心" not in later  # only the lender asked for


def test_a_wecom_user_deletes_their_own_conversation(channel_servers, crypto, wecom_settings):
    """「删除我的记录」 in WeCom as over REST: asked, confirmed, gone (the passive reply carries each answer)."""
    user = "forget-" + uuid.uuid4().hex[:6]

    def say(text: str) -> str:
        query, body = text_message(crypto, wecom_settings["WECOM_CORP_ID"], user, text)
        status, reply = request(channel_servers.base, "POST", query, body)
        assert status == 200 and reply
        return decrypt_reply(crypto, reply).content

    say("欠招行三万二，逾期两个月")
    assert user_texts(channel_servers, user) == ["欠招行三万二，逾期两个月"]
    assert "确认删除" in say("删除我的记录")
    assert user_texts(channel_servers, user) == ["欠招行三万二，逾期两个月"]  # asking deletes nothing
    assert "已经删除" in say("确认删除")
    assert user_texts(channel_servers, user) == []
