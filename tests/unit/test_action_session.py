"""Action-server calls over kept-alive connections (serving.patches.action_session), against a real HTTP server."""

from __future__ import annotations

import asyncio
import socket
from typing import Any

import aiohttp
import pytest
from aiohttp import web
from rasa.utils.endpoints import ClientResponseError, EndpointConfig

from serving.patches import action_session

ORIGINAL = getattr(EndpointConfig.request, "__wrapped__", EndpointConfig.request)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


async def serve(keepalive: float = 75.0) -> tuple[web.AppRunner, str, list[Any], list[dict[str, Any]]]:
    peers: list[Any] = []
    seen: list[dict[str, Any]] = []

    async def webhook(request: web.Request) -> web.Response:
        peers.append(request.transport.get_extra_info("peername"))
        body = await request.json()
        seen.append({"body": body, "query": dict(request.query), "auth": request.headers.get("Authorization"),
                     "x": request.headers.get("X-Test")})
        if body.get("next_action") == "bad":
            return web.json_response({"error": "no such action"}, status=404)
        if body.get("next_action") == "text":
            return web.Response(text="ok")
        return web.json_response({"events": [], "responses": [{"text": body["next_action"]}]})

    app = web.Application()
    app.router.add_post("/webhook", webhook)
    runner = web.AppRunner(app, keepalive_timeout=keepalive)
    await runner.setup()
    port = free_port()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    return runner, f"http://127.0.0.1:{port}/webhook", peers, seen


def call(endpoint: EndpointConfig, action: str, patched: bool = True) -> Any:
    fn = action_session.request if patched else ORIGINAL
    return fn(endpoint, json={"next_action": action}, method="post", timeout=5)


def test_one_connection_for_many_calls_and_the_same_answers_as_rasa() -> None:
    async def scenario() -> None:
        runner, url, peers, seen = await serve()
        endpoint = EndpointConfig(url, params={"p": "1"}, headers={"X-Test": "yes"},
                                  basic_auth={"username": "u", "password": "pw"}, token="t")
        try:
            ours = [await call(endpoint, f"action_{i}") for i in range(5)]
            assert len(set(peers)) == 1  # one kept-alive connection for five calls
            peers.clear()
            rasas = [await call(endpoint, f"action_{i}", patched=False) for i in range(5)]
            assert len(set(peers)) == 5  # Rasa's own: a connection per call
            assert ours == rasas == [{"events": [], "responses": [{"text": f"action_{i}"}]} for i in range(5)]
            assert seen[0] == {**seen[5], "body": seen[0]["body"]}  # same query, auth and headers
            assert seen[0]["query"] == {"p": "1", "token": "t"} and seen[0]["x"] == "yes"
            assert seen[0]["auth"].startswith("Basic ")
            with pytest.raises(ClientResponseError) as error:
                await call(endpoint, "bad")
            assert error.value.status == 404
            assert await call(endpoint, "text") is None
        finally:
            await runner.cleanup()

    asyncio.run(scenario())


def test_a_connection_the_server_closed_while_idle_is_not_a_failure(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(action_session, "KEEPALIVE_S", 30.0)  # the server closes first (aiohttp: after ~1 s)

    async def scenario() -> None:
        runner, url, peers, _ = await serve(keepalive=0.2)
        endpoint = EndpointConfig(url)
        try:
            assert (await call(endpoint, "first"))["responses"] == [{"text": "first"}]
            await asyncio.sleep(1.6)
            assert (await call(endpoint, "second"))["responses"] == [{"text": "second"}]
            assert len(set(peers)) == 2
        finally:
            await runner.cleanup()

    asyncio.run(scenario())


def test_a_kept_connection_closed_just_as_it_is_reused_is_sent_again_once() -> None:
    """The race the short keep-alive avoids, forced: the server closes the connection on its second request."""
    requests: list[int] = []

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        served = 0
        while True:
            head = await reader.readuntil(b"\r\n\r\n")
            length = int(next(line.split(b":")[1] for line in head.split(b"\r\n")
                              if line.lower().startswith(b"content-length")))
            await reader.readexactly(length)
            if served == 1:
                writer.close()  # the request is dropped unanswered
                return
            served += 1
            requests.append(served)
            body = b'{"events": [], "responses": []}'
            writer.write(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: "
                         + str(len(body)).encode() + b"\r\nConnection: keep-alive\r\n\r\n" + body)
            await writer.drain()

    async def scenario() -> None:
        server = await asyncio.start_server(handle, "127.0.0.1", 0)
        port = server.sockets[0].getsockname()[1]
        endpoint = EndpointConfig(f"http://127.0.0.1:{port}/webhook")
        try:
            assert await call(endpoint, "a") == {"events": [], "responses": []}
            assert await call(endpoint, "b") == {"events": [], "responses": []}  # dropped once, sent anew
            assert requests == [1, 1]  # each answer came on a connection's first request
        finally:
            server.close()

    asyncio.run(scenario())


def test_a_server_that_is_down_still_fails_the_call() -> None:
    async def scenario() -> None:
        runner, url, _, _ = await serve()
        endpoint = EndpointConfig(url)
        await call(endpoint, "warm")
        await runner.cleanup()
        with pytest.raises(aiohttp.ClientError):
            await call(endpoint, "after")

    asyncio.run(scenario())


def test_each_event_loop_gets_its_own_session_and_a_closed_loops_session_is_closed() -> None:
    sessions = []

    async def grab() -> None:
        sessions.append(action_session.shared_session())

    asyncio.run(grab())
    asyncio.run(grab())
    assert sessions[0] is not sessions[1]
    assert sessions[0].closed and not sessions[1].closed


def test_the_body_arrives_as_the_same_json_values() -> None:
    body = {"next_action": "action_draft", "tracker": {"events": [
        {"event": "user", "timestamp": 1795901361.5436342, "text": "欠招行3万/逾期两个月 <b>&</b> 🙂",
         "parse_data": {"intent": {"name": "inform", "confidence": 0.8123456789012345}}},
        {"event": "slot", "name": "monthly_income", "value": 4500.0}, {"event": "slot", "name": "x", "value": None}]}}

    async def scenario() -> None:
        runner, url, _, seen = await serve()
        try:
            await action_session.request(EndpointConfig(url), json=body, method="post", timeout=5)
            await ORIGINAL(EndpointConfig(url), json=body, method="post", timeout=5)
        finally:
            await runner.cleanup()
        assert seen[0]["body"] == seen[1]["body"] == body

    asyncio.run(scenario())
