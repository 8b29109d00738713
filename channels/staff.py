"""Hotline staff console: page and API under ``/webhooks/staff/``.

Who is calling (channels/accounts.py):
- ``POST   /webhooks/staff/api/session``        ``{"login", "password"}`` → a session token (sign-in; 401 wrong,
                                                423 account locked, 429 too many failures from one address)
- ``DELETE /webhooks/staff/api/session``        signs the session out
- ``GET    /webhooks/staff/api/check``          200 with who the token stands for
- ``GET    /webhooks/staff/api/accounts``       the colleagues (login, name, role; lock state for a supervisor)
- ``POST   /webhooks/staff/api/accounts``       a supervisor creates an account; the operator token a supervisor
- ``POST   /webhooks/staff/api/accounts/<login>/unlock``   a supervisor lifts a lock-out
- ``POST   /webhooks/staff/api/accounts/<login>/deactivate`` a supervisor deactivates an account (its sessions end)
- ``POST   /webhooks/staff/api/accounts/<login>/reactivate`` … and reactivates it
- ``POST   /webhooks/staff/api/accounts/<login>/reset``    a supervisor sets a one-time temporary password (shown once)
- ``POST   /webhooks/staff/api/password``       ``{"old", "new"}`` the signed-in adviser changes their password
                                                (a session opened with a temporary password may do only this)
- ``POST   /webhooks/staff/api/retention``      a supervisor runs the case-retention sweep now (also at start, daily)
- ``GET    /webhooks/staff/api/audit``          the audit log, newest first (supervisors only; others get 403)

The cases (channels/workspace.py):
- ``POST   /webhooks/staff/api/cases``          a new case with a server-made id, held by whoever opened it
- ``GET    /webhooks/staff/api/cases``          the case list; filters ``from``, ``to``, ``adviser``, ``lender``,
                                                ``status``, ``region``, ``callback`` (due by a day), ``mine=1``
- ``GET    /webhooks/staff/api/case/<id>``      the case (facts, threats, risk flags, latest drafts), messages,
                                                notes, who has it; 404 for an id that names no case
- ``PATCH  /webhooks/staff/api/case/<id>``      ``{"assignee": login}`` hands it over, ``{"status": …}``
- ``POST   /webhooks/staff/api/case/<id>/notes`` ``{"text"}`` an adviser's note (never sent to Rasa)
- ``POST   /webhooks/staff/api/case/<id>/export`` ``{"name": "drafts.docx"}`` → the signed download link;
                                                ``staff-pack.docx`` or ``letter.docx`` + ``kind``: the file itself
- ``PATCH  /webhooks/staff/api/case/<id>/facts`` ``{"slot", "value"}`` corrects a fact (a slot event, audited)
- ``PUT    /webhooks/staff/api/case/<id>/region`` ``{"script": "simplified"|"hk"|"tw"}`` the caller's region
- ``POST   /webhooks/staff/api/case/<id>/redraft`` rewrites drafts made before a correction
- ``GET    /webhooks/staff/api/case/<id>/checklist`` what is still unknown, in the order an adviser asks
                                                (coach/live_call.py)
- ``POST   /webhooks/staff/api/case/<id>/suggest`` ``{"said": "…"}`` what the collector said → lines to relay
- ``POST   /webhooks/staff/api/case/<id>/wrapup`` ``{"agreed", "next_step", "callback_date", "call_seconds"}`` the
                                                call's summary, saved to the case (the holder, a supervisor)
- ``DELETE /webhooks/staff/api/case/<id>``      deletes the case's conversation (channels/forget.py) and notes
- ``POST   /webhooks/staff/api/message``        ``{"conversation_id": "staff-…", "message": "…"}`` → replies + case;
                                                a message that starts 「坐席备注：」 or 「备注：」 is stored as a note
- ``GET    /webhooks/staff/api/labels``         Chinese labels of lender, threat and plan kinds

Every API call needs ``Authorization: Bearer <token>``: a session token from sign-in, or the operator's shared
token (``STAFF_TOKEN`` from the environment or ``token`` under ``channels.staff.StaffInput`` in credentials.yml;
the environment wins), which acts as 「运维」. Rasa's ``--auth-token`` does not cover channel blueprints, so this
channel checks its own. Missing: 401; wrong or expired: 401 with what to do, in Chinese; the operator token when
none is configured: 503. Who did what is decided here, never taken from the request: every call that reads,
writes, exports or deletes a case is written to the audit log (channels/audit.py) with that name.

Messages sent here carry metadata ``audience: staff`` (staff-facing output); this is the only channel that may
(``serving/patches/trusted_audience.py`` resets it for every other channel). Staff conversations have ids that
start with ``staff-``, an id space no other channel can reach (each adds its own prefix); an id that contains
personal data (a phone, QQ or ID number) is refused on every route, DELETE included, since it would be stored,
written to the audit log and shown in URLs. Tokens are compared as bytes (coach/secrets_compare.py): a non-ASCII
token is a wrong token (401), never an error.
"""

from __future__ import annotations

import asyncio
import datetime
import functools
import json
import logging
import os
import re
from typing import Any, Awaitable, Callable, Dict, Tuple, TypeVar

from rasa.core.channels.channel import InputChannel, UserMessage
from rasa.server import update_conversation_with_events
from rasa.shared.core.events import SlotSet, UserUttered
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from channels import accounts, audit, files, forget, history, limits, workspace
from channels.accounts import OPERATOR, OPERATOR_ACTOR, Actor, Refused
from channels.inbound import EMPTY_REPLY, clean, id_contains_personal_data
from channels.rest import WholeMessageCollector
from channels.web import WEB_ROOT, send_file
from coach import exports, live_call
from coach.audience import STAFF, STAFF_CHANNEL
from coach.bundle import bundle
from coach.case import contact_log, vocabulary
from coach.secrets_compare import equal
from coach.zh.normalizer import to_traditional

logger = logging.getLogger(__name__)
T = TypeVar("T")

CONVERSATION_ID = re.compile(r"staff-[A-Za-z0-9_-]{6,64}\Z")
UNAUTHORIZED = ("需要员工凭证：请用自己的坐席账号登录控制台；API 客户端请在请求头中提供 "
                "Authorization: Bearer <令牌>（运维令牌由管理员通过环境变量 STAFF_TOKEN 设置）。")
WRONG_TOKEN = "员工令牌不正确，请向管理员确认后重新输入。"
NOT_CONFIGURED = "运维令牌未启用：服务器没有配置员工令牌（环境变量 STAFF_TOKEN 或 credentials.yml 中的 token）。"
SUPERVISORS_ONLY = "只有主管可以{what}。如需查看，请联系当班主管。"
NOT_FOUND = ("没有编号为 {id} 的个案。请检查编号是否输错，或在「个案列表」里查找；"
             "接新来电请点「新个案」。")
NOTE_SAVED = "已记为坐席备注（只存在个案里，没有发给助手，也不算借款人的话）。"
EMPTY_NOTE = "备注是空的：请在「坐席备注」后写上内容。"
NOT_YOURS = "这个个案现在由{name}负责：只有负责的坐席或主管可以{what}。"
NO_FILE = "这个个案还没有可下载的文件：先让助手生成草稿或信件。"
BAD_FILTER = "筛选条件不正确：日期写成 2025-01-31 这样，状态和地区从列表里选。"
# A note typed into the message box: an annotation of the adviser's, not the borrower's words.
NOTE_PREFIX = re.compile(r"\s*(?:坐席)?备注\s*[:：]\s*")
# The console shows case data: nothing but its own files may run, and no other site may frame it.
PAGE_HEADERS = {"Content-Security-Policy": "default-src 'self'; frame-ancestors 'none'; base-uri 'none'",
                "X-Frame-Options": "DENY", "Referrer-Policy": "no-referrer", "Cache-Control": "no-store"}
BAD_ID = "conversation_id 应以 staff- 开头，后面是 6–64 个字母、数字、- 或 _。"
PERSONAL_ID = "个案编号里不能有手机号、证件号等个人信息（编号会出现在网址和存储里）。请用随机编号，例如控制台生成的。"
ERROR_REPLY = "抱歉，系统刚才出了点问题，没能处理这条消息。请稍后再发一次。"
BAD_FACT = "不能这样改：{why}"
NOT_YOURS_EDIT = "改案情、重写草稿或设地区"
NO_DRAFTS = "这个个案还没有草稿：案情问完后助手会自动生成。"
NO_LETTER = "这个个案里没有这封信：请刷新后再试。"
# What the redraft command says to Rasa: a bare intent (as a quick-reply button sends it), marked in the metadata
# as the console's command, so no one reads it as the borrower's words (channels/history.py leaves it out).
REDRAFT = "/inform"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
STAFF_PACK = "staff-pack.docx"
LETTER = "letter.docx"
MAX_MONEY = 1e9  # yuan: no borrower owes more; a typo of many digits is refused, not drafted on
MAX_DAYS = 36500
# The live-call help (coach/live_call.py): what the collector said, and the wrap-up's fields.
MAX_SAID = live_call.MAX_SAID
MAX_WRAP_TEXT = 1000
MAX_CALL_SECONDS = 86400
CALLBACK_AHEAD_DAYS = 366
MARKUP = re.compile(r"<\s*/?\s*[A-Za-z!?][^>]*>")
EMPTY_SAID = "请写下催收说了什么，例如「今天必须还」。"
LONG_SAID = "太长了：只写催收说的那一两句话（{n} 个字以内）。"
NO_MARKUP = "{what}里不能有网页标签（尖括号 < > 包着的代码），请只写文字。"
EMPTY_WRAPUP = "小结是空的：请至少写上「已商定」或「下一步」。"
LONG_WRAP = "「{what}」太长了：请写在 {n} 个字以内。"
BAD_CALLBACK = "回访日期应写成 2026-12-31 这样的日期，从今天起一年以内。"
BAD_SECONDS = "通话时长应为 0 到 86400 秒之间的整数。"
NOT_YOURS_WRAPUP = "保存通话小结"


def _error(message: str, status: int, **headers: str) -> HTTPResponse:
    return response.json({"error": message}, status=status, headers=headers or None, ensure_ascii=False)


def _json(body: Any, status: int = 200) -> HTTPResponse:
    return response.json(body, status=status, ensure_ascii=False, headers={"Cache-Control": "no-store"})


def id_refusal(conversation_id: object) -> HTTPResponse | None:
    """The 400 for a case id that is malformed or carries personal data (it is stored and shown in URLs), or
    None. ``fullmatch``: ``$`` would let a trailing newline through."""
    if not isinstance(conversation_id, str) or not CONVERSATION_ID.fullmatch(conversation_id):
        return _error(BAD_ID, 400)
    if id_contains_personal_data(conversation_id):
        return _error(PERSONAL_ID, 400)
    return None


def _body(request: Request) -> Dict[str, Any] | HTTPResponse:
    try:
        body = json.loads(request.body or b"{}")
    except (ValueError, UnicodeDecodeError, RecursionError):
        return _error("请求体不是合法的 JSON。", 400)
    return body if isinstance(body, dict) else _error("请求体应为 JSON 对象。", 400)


async def _run(fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """SQLite and Argon2 block: run them off the event loop."""
    return await asyncio.get_running_loop().run_in_executor(None, functools.partial(fn, *args, **kwargs))


def _person(login: str | None, names: Dict[str, str]) -> Dict[str, str] | None:
    if not login:
        return None
    name = accounts.OPERATOR_NAME if login == OPERATOR_ACTOR.login else names.get(login, login)
    return {"login": login, "name": name}


def _listed(row: Dict[str, Any], names: Dict[str, str]) -> Dict[str, Any]:
    """A case row as the console shows it (names, labels, the hotline's local times)."""
    return {"conversation_id": row["id"], "created": workspace.local_text(row["created"]),
            "updated": workspace.local_text(row["updated"]), "created_by": _person(row["created_by"], names),
            "assignee": _person(row["assignee"], names), "status": row["status"],
            "status_label": workspace.STATUSES.get(row["status"], row["status"]), "lender": row["lender"],
            "region": row["region"], "region_label": workspace.REGIONS.get(row["region"], row["region"]),
            "region_set": bool(row.get("region_set")), "crisis": bool(row["crisis"]),
            "callback": row.get("callback") or None}


def _unlinked(message: Dict[str, Any]) -> Dict[str, Any]:
    """A bot message without its download links (the text's link lines too): an adviser gets a file through the
    export route, so that every download is in the audit log with the adviser's name."""
    custom = message.get("custom")
    if not isinstance(custom, dict) or not custom.get("downloads"):
        return message
    items = [{k: v for k, v in d.items() if k != "url"} for d in custom["downloads"] if isinstance(d, dict)]
    return {**message, "text": str(message.get("text") or "").split("\n")[0], "custom": {**custom, "downloads": items}}


def _for(actor: Actor, case: Dict[str, Any], messages: list[Dict[str, Any]]) -> Tuple[Dict[str, Any], list[Any]]:
    """The case and messages as ``actor`` may see them: the operator's API clients keep the links they always had;
    a signed-in adviser gets names only (see ``_unlinked``)."""
    if actor.role == OPERATOR:
        return case, messages
    return ({**case, "downloads": [{"name": d["name"]} for d in case.get("downloads") or []]},
            [_unlinked(m) for m in messages])


def fact_value(slot: str, value: Any) -> Any:
    """An adviser's corrected fact as the slot holds it; ValueError (with the Chinese reason) when it cannot be.
    ``None`` clears the fact (the borrower does not know it)."""
    if value is None or value == "":
        return None
    if slot in history.MONEY_SLOTS or slot in ("overdue_days", "extension_days", "requested_months"):
        if isinstance(value, bool) or not isinstance(value, (int, float, str)):
            raise ValueError("请填数字")
        try:
            number = float(str(value).replace(",", "").replace("，", "").strip())
        except ValueError:
            raise ValueError("请填数字，例如 53000") from None
        ceiling = MAX_MONEY if slot in history.MONEY_SLOTS else MAX_DAYS if slot != "requested_months" else 360
        if not 0 <= number <= ceiling or number != number:
            raise ValueError(f"数字应在 0 到 {ceiling:,.0f} 之间")
        return round(number) if slot != "overdue_days" or number == int(number) else number
    if slot == "threat_types":
        kinds = value if isinstance(value, list) else [value]
        if not all(k in vocabulary.THREAT_KINDS for k in kinds):
            raise ValueError("催收方式从列表里选")
        return [k for k in vocabulary.THREAT_KINDS if k in kinds]
    if slot == "hardship_reason":
        if value not in vocabulary.HARDSHIP_REASONS:
            raise ValueError("困难原因从列表里选")
        return value
    if slot == "requested_plan":
        if value not in vocabulary.PLAN_LABELS:
            raise ValueError("申请方案从列表里选")
        return value
    if slot == "lender":
        inbound = clean(value if isinstance(value, str) else "")
        if inbound.empty or len(inbound.text) > 40 or inbound.notes:
            raise ValueError("机构名写 1–40 个字，不要写电话或证件号")
        return inbound.text
    raise ValueError("这一项不能在这里改")


def shown_case(tracker: Any, conversation_id: str) -> Dict[str, Any]:
    """The case as the console shows it: its facts (channels/history.py), files, and each lender's status in the
    outcome loop (coach/live_call.py ``statuses``)."""
    case = {**history.case(tracker), **files.staff_extras(tracker, conversation_id)}
    return {**case, "outcomes": live_call.statuses(case)}


def all_slots(tracker: Any) -> Dict[str, Any]:
    return {slot.name: slot.value for slot in tracker.slots.values()} if tracker is not None else {}


def wrap_text(value: Any, what: str) -> str:
    """One text field of a wrap-up, cleaned as notes are (personal numbers hidden); ValueError with the reason."""
    if value is None:
        return ""
    if not isinstance(value, str):
        raise ValueError(f"「{what}」应为文字。")
    if len(value) > MAX_WRAP_TEXT:
        raise ValueError(LONG_WRAP.format(what=what, n=MAX_WRAP_TEXT))
    if MARKUP.search(value):
        raise ValueError(NO_MARKUP.format(what=f"「{what}」"))
    inbound = clean(value)
    return "" if inbound.empty else inbound.text


def callback_day(value: Any, today: datetime.date) -> datetime.date | None:
    """The callback date (YYYY-MM-DD, today to a year ahead), None when not given; ValueError otherwise."""
    if value is None or value == "":
        return None
    if not isinstance(value, str) or not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        raise ValueError(BAD_CALLBACK)
    try:
        day = datetime.date.fromisoformat(value)
    except ValueError:  # 2026-02-30
        raise ValueError(BAD_CALLBACK) from None
    if not today <= day <= today + datetime.timedelta(days=CALLBACK_AHEAD_DAYS):
        raise ValueError(BAD_CALLBACK)
    return day


def letters_of(case: Dict[str, Any]) -> list[Dict[str, Any]]:
    sent = case.get("latest_letters")
    return [x for x in (sent.get("letters") if isinstance(sent, dict) else []) or [] if isinstance(x, dict)]


def staff_pack_bytes(slots: Dict[str, Any], texts: Tuple[str, ...]) -> bytes | None:
    """The staff pack: the case summary, risk flags, what to tell the borrower and the questions to ask, with the
    drafts; a separate file from the borrower's."""
    content = bundle(slots, user_texts=texts, drafted_on=None, today=contact_log.local_time(None).date(), staff=True)
    return exports.docx_bytes(content) if content.sections else None


def letter_bytes(letter: Dict[str, Any], script: str | None) -> bytes:
    title, text = str(letter.get("title") or "信件"), str(letter.get("text") or "")
    return exports.docx_bytes(exports.Bundle(to_traditional(title, script), contact_log.local_time(None).date(),
                                             (exports.Section(to_traditional(title, script),
                                                              to_traditional(text, script)),)))


class StaffInput(InputChannel):
    @classmethod
    def name(cls) -> str:
        return STAFF_CHANNEL

    @classmethod
    def from_credentials(cls, credentials: Dict[str, Any] | None) -> InputChannel:
        token = os.environ.get("STAFF_TOKEN") or str((credentials or {}).get("token") or "")
        return cls(token.strip())

    def __init__(self, token: str = "") -> None:
        self.token = token
        self._stores: Tuple[accounts.Accounts, workspace.CaseBoard] | None = None
        self._sweeper: asyncio.Future[None] | None = None

    def stores(self) -> Tuple[accounts.Accounts, workspace.CaseBoard]:
        """The accounts and the case board, opened on first use (the file is STAFF_DB's at that time)."""
        if self._stores is None:
            db = accounts.Database(accounts.db_path())
            self._stores = accounts.Accounts(db), workspace.CaseBoard(db)
        return self._stores

    async def sweep_daily(self, app: Any) -> None:
        """Case retention (channels/forget.py ``sweep_cases``): once the Rasa agent is loaded after start, then
        every day. A failed sweep is logged and tried again the next day; it never stops the server."""
        for _ in range(120):  # the agent loads in its own start-up listener: wait for it (10 minutes at most)
            if getattr(getattr(app, "ctx", None), "agent", None) is not None:
                break
            await asyncio.sleep(5)
        while True:
            days = forget.retention_days(os.environ.get("STAFF_CASE_RETENTION_DAYS"))
            try:
                await forget.sweep_cases(app, self.stores()[1], days)
            except Exception:
                logger.exception("staff case retention sweep failed")
            await asyncio.sleep(forget.DAY)

    def refused(self, request: Request) -> HTTPResponse | None:
        """None when the request carries the operator's token; otherwise the refusal to send."""
        if not self.token:
            return _error(NOT_CONFIGURED, 503)
        given = self._bearer(request)
        if not given:
            return _error(UNAUTHORIZED, 401, **{"WWW-Authenticate": 'Bearer realm="staff"'})
        if not equal(given, self.token):
            return _error(WRONG_TOKEN, 401, **{"WWW-Authenticate": 'Bearer realm="staff", error="invalid_token"'})
        return None

    @staticmethod
    def _bearer(request: Request) -> str:
        scheme, _, given = request.headers.get("Authorization", "").partition(" ")
        return given.strip() if scheme.lower() == "bearer" else ""

    async def who(self, request: Request) -> Actor | HTTPResponse:
        """The signed-in adviser (session token) or the operator (shared token); else the refusal to send."""
        given = self._bearer(request)
        if given and accounts.is_session_token(given):
            actor, why, _ = await _run(self.stores()[0].session, given)
            if actor is None:
                return _error(why, 401, **{"WWW-Authenticate": 'Bearer realm="staff", error="invalid_token"'})
            return actor
        return self.refused(request) or OPERATOR_ACTOR

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        bp = Blueprint("staff_console", __name__)
        pages = {"console": "console.html", "console.js": "console.js", "console.css": "console.css"}

        # What a session opened with a temporary password may do: say who it is, choose a new password, sign out.
        while_must_change = {"check", "change_password", "sign_out"}

        def authed(handler: Callable[..., Awaitable[HTTPResponse]]) -> Callable[..., Awaitable[HTTPResponse]]:
            """Runs the handler with the request's actor; refuses without one, and refuses everything but choosing
            a new password to a session opened with a temporary one."""
            @functools.wraps(handler)
            async def wrapped(request: Request, *args: Any, **kwargs: Any) -> HTTPResponse:
                actor = await self.who(request)
                if isinstance(actor, HTTPResponse):
                    return actor
                if actor.must_change and handler.__name__ not in while_must_change:
                    return response.json({"error": accounts.MUST_CHANGE, "must_change": True}, status=403,
                                         ensure_ascii=False)
                return await handler(request, actor, *args, **kwargs)
            return wrapped

        @bp.listener("after_server_start")
        async def start_retention(app: Any, _loop: Any) -> None:
            self._sweeper = asyncio.ensure_future(self.sweep_daily(app))

        @bp.listener("before_server_stop")
        async def stop_retention(_app: Any, _loop: Any) -> None:
            if self._sweeper is not None:
                self._sweeper.cancel()

        async def known_case(request: Request, actor: Actor, conversation_id: str
                             ) -> Tuple[Dict[str, Any] | None, Any, HTTPResponse | None]:
            """The case's row and tracker, or the refusal: a malformed id (400) or one that names no case (404);
            the row is never None without a refusal. A conversation stored before the case list existed is taken
            into it."""
            refusal = id_refusal(conversation_id)
            if refusal:
                return None, None, refusal
            board = self.stores()[1]
            row = await _run(board.get, conversation_id)
            tracker = await history.load_tracker(request.app, conversation_id)
            if row is None:
                if tracker is None or not tracker.events:
                    return None, None, _error(NOT_FOUND.format(id=conversation_id), 404)
                await _run(board.open, conversation_id, None)
                await _run(board.touch, conversation_id, actor, history.index_facts(tracker))
                row = await _run(board.get, conversation_id)
            if row is None:
                return None, None, _error(NOT_FOUND.format(id=conversation_id), 404)
            return row, tracker, None

        def may_change(actor: Actor, row: Dict[str, Any]) -> bool:
            """The adviser who has the case (or anyone while nobody has it), a supervisor, or the operator."""
            return actor.supervisor or actor.role == OPERATOR or row["assignee"] in (None, actor.login)

        async def case_body(actor: Actor, conversation_id: str, tracker: Any, row: Dict[str, Any]) -> Dict[str, Any]:
            board = self.stores()[1]
            names = await _run(self.stores()[0].names)
            shown, messages = _for(actor, shown_case(tracker, conversation_id), history.messages(tracker, staff=True))
            return {"conversation_id": conversation_id, "case": shown, "messages": messages,
                    "notes": await _run(board.notes, conversation_id), "workspace": _listed(row, names),
                    "wrapups": await _run(board.wrapups, conversation_id)}

        async def run_turn(request: Request, actor: Actor, conversation_id: str, text: str, extra: Dict[str, Any]
                           ) -> Tuple[Any, list[Any], Dict[str, Any]] | HTTPResponse:
            """One turn of Rasa for the case: staff wording, and the region an adviser set (it decides the rules
            whatever script the note is typed in: actions read ``script`` from staff metadata only)."""
            board = self.stores()[1]
            metadata: Dict[str, Any] = {"audience": STAFF, **extra}
            script = await _run(board.adviser_script, conversation_id)
            if script:
                metadata["script"] = script
            collector = WholeMessageCollector()
            try:
                await on_new_message(UserMessage(text, collector, conversation_id, input_channel=self.name(),
                                                 metadata=metadata))
            except Exception:
                logger.exception("staff message failed")
                return _error(ERROR_REPLY, 500)
            tracker = await history.load_tracker(request.app, conversation_id)
            await _run(board.touch, conversation_id, actor, history.index_facts(tracker))
            shown, replies = _for(actor, shown_case(tracker, conversation_id),
                                  [history.bot_message(m) for m in collector.messages])
            return tracker, replies, shown

        async def append_slots(request: Request, conversation_id: str, events: list[SlotSet]) -> Any:
            """Slot events appended to the conversation as Rasa's ``POST /conversations/<id>/tracker/events``
            does (same lock, same function), in this process: no API token to hold, no loopback port to find.
            They change facts; they are not something the borrower said."""
            agent = request.app.ctx.agent
            async with agent.lock_store.lock(conversation_id):
                tracker = await update_conversation_with_events(conversation_id, agent.processor, agent.domain,
                                                                list(events))
                await agent.tracker_store.save(tracker)
            return tracker

        async def changeable(request: Request, actor: Actor, conversation_id: str
                             ) -> Tuple[Dict[str, Any] | None, Any, HTTPResponse | None]:
            row, tracker, refusal = await known_case(request, actor, conversation_id)
            if refusal or row is None:
                return None, None, refusal
            if not may_change(actor, row):
                holder = _person(row["assignee"], await _run(self.stores()[0].names)) or {"name": ""}
                return None, None, _error(NOT_YOURS.format(name=holder["name"], what=NOT_YOURS_EDIT), 403)
            return row, tracker, None

        @bp.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok", "configured": bool(self.token)})

        @bp.route("/<name:str>", methods=["GET"])
        async def page(_: Request, name: str) -> HTTPResponse:
            if name not in pages:
                return _error(f"找不到 {name}", 404)
            return await send_file(WEB_ROOT, pages[name], headers=PAGE_HEADERS)

        # ---------- sign-in and accounts ----------
        @bp.route("/api/session", methods=["POST"])
        async def sign_in(request: Request) -> HTTPResponse:
            body = _body(request)
            if isinstance(body, HTTPResponse):
                return body
            store = self.stores()[0]
            try:
                actor, token, expires = await _run(store.sign_in, body.get("login"), body.get("password"),
                                                   limits.client_address(request))
            except Refused as refused:
                if refused.status == 423:
                    known = await _run(store.get, str(body.get("login") or "").strip().lower()[:64])
                    if known:
                        audit.record(request, "locked", "", known)
                headers = {"Retry-After": str(accounts.LOCK_WINDOW)} if refused.status in (423, 429) else {}
                return _error(refused.message, refused.status, **headers)
            audit.record(request, "sign_in", "", actor, detail="临时密码" if actor.must_change else "")
            return _json({"token": token, "expires_in": round(expires - store.clock()), "login": actor.login,
                          "name": actor.name, "role": actor.role, "must_change": actor.must_change})

        @bp.route("/api/session", methods=["DELETE"])
        @authed
        async def sign_out(request: Request, actor: Actor) -> HTTPResponse:
            if actor.role != OPERATOR:
                await _run(self.stores()[0].sign_out, self._bearer(request))
                audit.record(request, "sign_out", "", actor)
            return _json({"signed_out": True})

        @bp.route("/api/check", methods=["GET"])
        @authed
        async def check(request: Request, actor: Actor) -> HTTPResponse:
            if actor.must_change:
                return _json({"status": "ok", "login": actor.login, "name": actor.name, "role": actor.role,
                              "role_label": accounts.ROLE_NAMES[actor.role], "must_change": True})
            return _json({"status": "ok", "login": actor.login, "name": actor.name, "role": actor.role,
                          "role_label": accounts.ROLE_NAMES[actor.role], "statuses": workspace.STATUSES,
                          "regions": workspace.REGIONS, "fact_labels": history.FACT_LABELS,
                          "hardship_reasons": list(vocabulary.HARDSHIP_REASONS), "scripts": history.SCRIPT_REGIONS})

        @bp.route("/api/labels", methods=["GET"])
        @authed
        async def labels(request: Request, actor: Actor) -> HTTPResponse:
            return _json(vocabulary.labels())

        @bp.route("/api/accounts", methods=["GET"])
        @authed
        async def list_accounts(request: Request, actor: Actor) -> HTTPResponse:
            rows = await _run(self.stores()[0].list)
            if actor.supervisor:  # deactivated accounts too, to reactivate them
                keep = ("login", "name", "role", "active", "must_change", "locked_minutes")
                return _json({"accounts": [{k: (bool(r[k]) if k in ("active", "must_change") else r[k])
                                            for k in keep} for r in rows]})
            return _json({"accounts": [{k: r[k] for k in ("login", "name", "role")} for r in rows if r["active"]]})

        @bp.route("/api/accounts", methods=["POST"])
        @authed
        async def create_account(request: Request, actor: Actor) -> HTTPResponse:
            body = _body(request)
            if isinstance(body, HTTPResponse):
                return body
            try:
                made = await _run(self.stores()[0].create, body.get("login"), body.get("name"), body.get("role"),
                                  body.get("password"), actor)
            except Refused as refused:
                return _error(refused.message, refused.status)
            audit.record(request, "account_create", made.login, actor)
            return _json({"login": made.login, "name": made.name, "role": made.role}, 201)

        @bp.route("/api/accounts/<login:str>/unlock", methods=["POST"])
        @authed
        async def unlock(request: Request, actor: Actor, login: str) -> HTTPResponse:
            if not actor.supervisor:
                return _error(SUPERVISORS_ONLY.format(what="解锁账号"), 403)
            await _run(self.stores()[0].unlock, login)
            audit.record(request, "account_unlock", login[:64], actor)
            return _json({"login": login, "unlocked": True})

        async def set_active(request: Request, actor: Actor, login: str, active: bool) -> HTTPResponse:
            try:
                target = await _run(self.stores()[0].set_active, login, active, actor)
            except Refused as refused:
                return _error(refused.message, refused.status)
            audit.record(request, "account_reactivate" if active else "account_deactivate", target.login, actor,
                         detail=f"{target.name}（{target.login}）")
            return _json({"login": target.login, "name": target.name, "active": active})

        @bp.route("/api/accounts/<login:str>/deactivate", methods=["POST"])
        @authed
        async def deactivate(request: Request, actor: Actor, login: str) -> HTTPResponse:
            """The adviser can no longer sign in, every session of theirs ends now; their cases stay (handed over
            by a supervisor)."""
            return await set_active(request, actor, login, False)

        @bp.route("/api/accounts/<login:str>/reactivate", methods=["POST"])
        @authed
        async def reactivate(request: Request, actor: Actor, login: str) -> HTTPResponse:
            return await set_active(request, actor, login, True)

        @bp.route("/api/accounts/<login:str>/reset", methods=["POST"])
        @authed
        async def reset_password(request: Request, actor: Actor, login: str) -> HTTPResponse:
            """A one-time temporary password, in this answer only (never in a log): the supervisor passes it on."""
            try:
                target, temporary = await _run(self.stores()[0].reset_password, login, actor)
            except Refused as refused:
                return _error(refused.message, refused.status)
            audit.record(request, "password_reset", target.login, actor, detail=f"{target.name}（{target.login}）")
            return _json({"login": target.login, "name": target.name, "temporary_password": temporary})

        @bp.route("/api/password", methods=["POST"])
        @authed
        async def change_password(request: Request, actor: Actor) -> HTTPResponse:
            body = _body(request)
            if isinstance(body, HTTPResponse):
                return body
            try:
                await _run(self.stores()[0].change_password, actor, self._bearer(request), body.get("old"),
                           body.get("new"))
            except Refused as refused:
                return _error(refused.message, refused.status)
            audit.record(request, "password_change", actor.login, actor)
            return _json({"login": actor.login, "changed": True})

        @bp.route("/api/retention", methods=["POST"])
        @authed
        async def retention(request: Request, actor: Actor) -> HTTPResponse:
            """The case-retention sweep now (it also runs at start and daily): for a supervisor who lowered
            ``STAFF_CASE_RETENTION_DAYS`` and will not wait a day."""
            if not actor.supervisor:
                return _error(SUPERVISORS_ONLY.format(what="清理过期个案"), 403)
            days = forget.retention_days(os.environ.get("STAFF_CASE_RETENTION_DAYS"))
            deleted = await forget.sweep_cases(request.app, self.stores()[1], days)
            return _json({"days": days, "deleted": deleted})

        @bp.route("/api/audit", methods=["GET"])
        @authed
        async def audit_log(request: Request, actor: Actor) -> HTTPResponse:
            if not actor.supervisor:
                return _error(SUPERVISORS_ONLY.format(what="查看审计日志"), 403)
            entries = await _run(audit.recent, 300, request.args.get("case", ""), request.args.get("staff", ""))
            for entry in entries:  # the hotline's clock, as the case list shows it
                entry["local_time"] = workspace.local_text(workspace.utc_seconds(entry.get("time")))
            return _json({"entries": entries})

        # ---------- cases ----------
        @bp.route("/api/cases", methods=["POST"])
        @authed
        async def new_case(request: Request, actor: Actor) -> HTTPResponse:
            board = self.stores()[1]
            case_id = workspace.new_case_id(id_contains_personal_data)
            await _run(board.open, case_id, actor)
            audit.record(request, "create", case_id, actor)
            return _json({"conversation_id": case_id}, 201)

        @bp.route("/api/cases", methods=["GET"])
        @authed
        async def list_cases(request: Request, actor: Actor) -> HTTPResponse:
            filters = {key: str(request.args.get(key) or "")[:64] for key in
                       ("from", "to", "adviser", "lender", "status", "region", "callback", "mine")}
            try:
                rows = await _run(self.stores()[1].search, filters, actor.login)
            except ValueError:
                return _error(BAD_FILTER, 400)
            names = await _run(self.stores()[0].names)
            return _json({"cases": [_listed(row, names) for row in rows]})

        @bp.route("/api/case/<conversation_id:str>", methods=["GET"])
        @authed
        async def case(request: Request, actor: Actor, conversation_id: str) -> HTTPResponse:
            row, tracker, refusal = await known_case(request, actor, conversation_id)
            if refusal:
                return refusal
            audit.record(request, "view", conversation_id, actor)
            return _json(await case_body(actor, conversation_id, tracker, row))

        @bp.route("/api/case/<conversation_id:str>", methods=["PATCH"])
        @authed
        async def change_case(request: Request, actor: Actor, conversation_id: str) -> HTTPResponse:
            body = _body(request)
            if isinstance(body, HTTPResponse):
                return body
            row, _, refusal = await known_case(request, actor, conversation_id)
            if refusal:
                return refusal
            names = await _run(self.stores()[0].names)
            if not may_change(actor, row):
                holder = _person(row["assignee"], names) or {"name": ""}
                return _error(NOT_YOURS.format(name=holder["name"], what="转交或改状态"), 403)
            assignee, status = body.get("assignee"), body.get("status")
            if assignee is not None and (not isinstance(assignee, str)
                                         or assignee not in await _run(self.stores()[0].names, True)):
                return _error("要转交的同事不存在：请从同事列表里选。", 400)
            if status is not None and status not in workspace.STATUSES:
                return _error("状态应为：" + "、".join(f"{k}（{v}）" for k, v in workspace.STATUSES.items()), 400)
            await _run(self.stores()[1].update, conversation_id, assignee=assignee, status=status)
            if assignee is not None:
                audit.record(request, "assign", conversation_id, actor)
            if status is not None:
                audit.record(request, "status", conversation_id, actor)
            return _json({"workspace": _listed(await _run(self.stores()[1].get, conversation_id) or row, names)})

        @bp.route("/api/case/<conversation_id:str>/notes", methods=["POST"])
        @authed
        async def add_note(request: Request, actor: Actor, conversation_id: str) -> HTTPResponse:
            body = _body(request)
            if isinstance(body, HTTPResponse):
                return body
            _row, _, refusal = await known_case(request, actor, conversation_id)
            if refusal:
                return refusal
            text = body.get("text")
            inbound = clean(text if isinstance(text, str) else "")
            if inbound.empty:
                return _error(EMPTY_NOTE, 400)
            note = await _run(self.stores()[1].add_note, conversation_id, actor, inbound.text)
            audit.record(request, "note", conversation_id, actor)
            return _json({"note": note, "notes": inbound.notes}, 201)

        async def export_here(request: Request, actor: Actor, conversation_id: str, tracker: Any, name: str,
                              kind: Any) -> HTTPResponse:
            """The staff pack, or one letter, as a Word file in the response (never a link a borrower could be
            given: the staff pack holds the risk flags and the case summary)."""
            if tracker is None:
                return _error(NO_FILE, 404)
            slots = {slot.name: slot.value for slot in tracker.slots.values()}
            if name == STAFF_PACK:
                texts = tuple(e.text or "" for e in tracker.events
                              if isinstance(e, UserUttered) and not history.is_command(e))
                body = await _run(staff_pack_bytes, slots, texts)
                filename, detail = "staff-pack.docx", "坐席材料"
            else:
                letter = next((x for x in letters_of(slots) if x.get("kind") == kind), None)
                if letter is None:
                    return _error(NO_LETTER, 404)
                body = await _run(letter_bytes, letter, slots.get("script"))
                filename = f"letter-{re.sub(r'[^A-Za-z0-9_-]', '', str(kind))[:40]}.docx"
                detail = str(letter.get("title") or kind)
            if not body:
                return _error(NO_FILE, 404)
            audit.record(request, "export", conversation_id, actor, detail=detail)
            return response.raw(body, content_type=DOCX, headers={
                "Content-Disposition": f'attachment; filename="{filename}"', "Cache-Control": "no-store",
                "X-Content-Type-Options": "nosniff"})

        @bp.route("/api/case/<conversation_id:str>/export", methods=["POST"])
        @authed
        async def export(request: Request, actor: Actor, conversation_id: str) -> HTTPResponse:
            body = _body(request)
            if isinstance(body, HTTPResponse):
                return body
            _row, tracker, refusal = await known_case(request, actor, conversation_id)
            if refusal:
                return refusal
            name = body.get("name")
            if name in (STAFF_PACK, LETTER):  # built here and sent to the signed-in console only: no link
                return await export_here(request, actor, conversation_id, tracker, name, body.get("kind"))
            links = files.staff_extras(tracker, conversation_id)["downloads"]
            url = next((d["url"] for d in links if d["name"] == name), None)
            if not url:
                return _error(NO_FILE, 404)
            audit.record(request, "export", conversation_id, actor)
            return _json({"name": body.get("name"), "url": url})

        @bp.route("/api/case/<conversation_id:str>/facts", methods=["PATCH"])
        @authed
        async def edit_fact(request: Request, actor: Actor, conversation_id: str) -> HTTPResponse:
            """``{"slot": "debt_amount", "value": 53000}``: the adviser corrects a fact. It goes into the
            conversation as a slot change (with who and what in its metadata), never as the borrower's words; the
            drafts written before it are then out of date until redrafted."""
            body = _body(request)
            if isinstance(body, HTTPResponse):
                return body
            row, tracker, refusal = await changeable(request, actor, conversation_id)
            if refusal:
                return refusal
            slot = body.get("slot")
            if not isinstance(slot, str) or slot not in history.FACT_LABELS:
                return _error(BAD_FACT.format(why="能改的是：" + "、".join(history.FACT_LABELS.values())), 400)
            try:
                value = fact_value(slot, body.get("value"))
            except ValueError as why:
                return _error(BAD_FACT.format(why=why), 400)
            before = tracker.get_slot(slot) if tracker is not None and slot in tracker.slots else None
            if value == before:
                return _json(await case_body(actor, conversation_id, tracker, row))
            edit = {"slot": slot, "label": history.FACT_LABELS[slot], "before": history.shown(slot, before),
                    "after": history.shown(slot, value), "login": actor.login, "name": actor.name}
            events = [SlotSet(slot, value, metadata={history.EDIT: edit})]
            if slot == "lender":  # the adviser's name for it stands: the bot does not ask to confirm it again
                events.append(SlotSet("lender_confirmed", True))
            tracker = await append_slots(request, conversation_id, events)
            await _run(self.stores()[1].touch, conversation_id, actor, history.index_facts(tracker))
            audit.record(request, "edit", conversation_id, actor,
                         detail=f"{edit['label']}：{edit['before']} → {edit['after']}")
            return _json(await case_body(actor, conversation_id, tracker,
                                         await _run(self.stores()[1].get, conversation_id) or row))

        @bp.route("/api/case/<conversation_id:str>/region", methods=["PUT"])
        @authed
        async def set_region(request: Request, actor: Actor, conversation_id: str) -> HTTPResponse:
            """``{"script": "tw"}``: the caller is in Taiwan (``hk`` Hong Kong, ``simplified`` the mainland), whatever
            script the adviser types in. Kept on the case and sent with every later turn; the slot is set now."""
            body = _body(request)
            if isinstance(body, HTTPResponse):
                return body
            script = body.get("script")
            if script not in history.SCRIPT_REGIONS:
                return _error(BAD_FACT.format(why="地区应为 simplified（内地）、hk（香港）或 tw（台湾）"), 400)
            row, tracker, refusal = await changeable(request, actor, conversation_id)
            if refusal:
                return refusal
            board = self.stores()[1]
            before = tracker.get_slot("script") if tracker is not None and "script" in tracker.slots else None
            await _run(board.set_region, conversation_id, script)
            if before != script:
                edit = {"slot": "script", "label": "地区", "before": history.shown("script", before),
                        "after": history.shown("script", script), "login": actor.login, "name": actor.name}
                tracker = await append_slots(request, conversation_id,
                                             [SlotSet("script", script, metadata={history.EDIT: edit})])
                audit.record(request, "region", conversation_id, actor,
                             detail=f"地区：{edit['before']} → {edit['after']}")
            return _json(await case_body(actor, conversation_id, tracker,
                                         await _run(board.get, conversation_id) or row))

        @bp.route("/api/case/<conversation_id:str>/redraft", methods=["POST"])
        @authed
        async def redraft(request: Request, actor: Actor, conversation_id: str) -> HTTPResponse:
            """Rewrites the drafts from the facts as they stand now: a bare ``/inform`` turn marked as the
            console's command (the bot redrafts when the facts changed after its drafts: actions/steps.py)."""
            _row, tracker, refusal = await changeable(request, actor, conversation_id)
            if refusal:
                return refusal
            if tracker is None or not tracker.get_slot("latest_drafts"):
                return _error(NO_DRAFTS, 409)
            audit.record(request, "redraft", conversation_id, actor)
            turn = await run_turn(request, actor, conversation_id, REDRAFT, {history.COMMAND: "redraft"})
            if isinstance(turn, HTTPResponse):
                return turn
            tracker, replies, shown = turn
            return _json({"conversation_id": conversation_id, "replies": replies, "case": shown})

        # ---------- live-call help (coach/live_call.py) ----------
        @bp.route("/api/case/<conversation_id:str>/checklist", methods=["GET"])
        @authed
        async def checklist(request: Request, actor: Actor, conversation_id: str) -> HTTPResponse:
            """What is still unknown about the case, in the order an adviser asks; read like the case itself."""
            row, tracker, refusal = await known_case(request, actor, conversation_id)
            if refusal or row is None:
                return refusal or _error(NOT_FOUND.format(id=conversation_id), 404)
            items = live_call.checklist(all_slots(tracker), row.get("region_set"))
            audit.record(request, "checklist", conversation_id, actor)
            return _json({"conversation_id": conversation_id, "checklist": [i.as_dict() for i in items],
                          "open": sum(1 for i in items if not i.done)})

        @bp.route("/api/case/<conversation_id:str>/suggest", methods=["POST"])
        @authed
        async def suggest(request: Request, actor: Actor, conversation_id: str) -> HTTPResponse:
            """``{"said": "今天必须还"}``: what the collector said → the lines to relay, with why, in the rules and
            script of the case's region. Nothing is stored: the words are the collector's, not the case's facts."""
            body = _body(request)
            if isinstance(body, HTTPResponse):
                return body
            said = body.get("said")
            if not isinstance(said, str) or not said.strip():
                return _error(EMPTY_SAID, 400)
            if len(said) > MAX_SAID:
                return _error(LONG_SAID.format(n=MAX_SAID), 400)
            if MARKUP.search(said):
                return _error(NO_MARKUP.format(what="催收的话"), 400)
            row, tracker, refusal = await known_case(request, actor, conversation_id)
            if refusal or row is None:
                return refusal or _error(NOT_FOUND.format(id=conversation_id), 404)
            slots = all_slots(tracker)
            script = await _run(self.stores()[1].adviser_script, conversation_id) or slots.get("script")
            affordable = slots.get("affordable_monthly")
            found = live_call.suggestions(clean(said).text, script,
                                          affordable=affordable if isinstance(affordable, (int, float)) else None,
                                          lender_kind=slots.get("lender_type"))
            audit.record(request, "suggest", conversation_id, actor,
                         detail="、".join(s.kind for s in found) or "none")
            known = slots.get("threat_types")
            return _json({"conversation_id": conversation_id, "region": history.shown("script", script or "simplified"),
                          "relay": live_call.load()["relay"], "suggestions": [s.as_dict() for s in found],
                          "new_threats": live_call.new_threats(found, known if isinstance(known, list) else None)})

        @bp.route("/api/case/<conversation_id:str>/wrapup", methods=["POST"])
        @authed
        async def wrapup(request: Request, actor: Actor, conversation_id: str) -> HTTPResponse:
            """``{"agreed", "next_step", "callback_date", "call_seconds"}``: the call's summary, saved with the case
            (by whoever may change it, as for the facts)."""
            body = _body(request)
            if isinstance(body, HTTPResponse):
                return body
            today = contact_log.local_time(None).date()
            try:
                agreed = wrap_text(body.get("agreed"), "已商定")
                next_step = wrap_text(body.get("next_step"), "下一步")
                callback = callback_day(body.get("callback_date"), today)
            except ValueError as why:
                return _error(str(why), 400)
            seconds = body.get("call_seconds")
            if seconds is not None and (isinstance(seconds, bool) or not isinstance(seconds, int)
                                        or not 0 <= seconds <= MAX_CALL_SECONDS):
                return _error(BAD_SECONDS, 400)
            if not agreed and not next_step:
                return _error(EMPTY_WRAPUP, 400)
            row, tracker, refusal = await known_case(request, actor, conversation_id)
            if refusal or row is None:
                return refusal or _error(NOT_FOUND.format(id=conversation_id), 404)
            if not may_change(actor, row):
                holder = _person(row["assignee"], await _run(self.stores()[0].names)) or {"name": ""}
                return _error(NOT_YOURS.format(name=holder["name"], what=NOT_YOURS_WRAPUP), 403)
            slots = all_slots(tracker)
            summary = live_call.wrap_up(slots, live_call.statuses(slots), agreed, next_step, callback,
                                        call_seconds=seconds, adviser=actor.name, today=today,
                                        region_set=row.get("region_set"))
            board = self.stores()[1]
            saved = await _run(board.add_wrapup, conversation_id, actor, agreed=agreed, next_step=next_step,
                               callback=callback.isoformat() if callback else None, call_seconds=seconds,
                               summary=summary)
            after = await _run(board.get, conversation_id) or row
            detail = [f"回访 {callback.isoformat()}"] if callback else []
            if after["status"] != row["status"]:
                detail.append("状态：" + workspace.STATUSES.get(after["status"], after["status"]))
            audit.record(request, "wrapup", conversation_id, actor, detail="；".join(detail))
            names = await _run(self.stores()[0].names)
            return _json({"conversation_id": conversation_id, "wrapup": saved,
                          "wrapups": await _run(board.wrapups, conversation_id),
                          "workspace": _listed(after, names)}, 201)

        @bp.route("/api/case/<conversation_id:str>", methods=["DELETE"])
        @authed
        async def delete_case(request: Request, actor: Actor, conversation_id: str) -> HTTPResponse:
            refusal = id_refusal(conversation_id)  # a deletion names the case too: the same check
            if refusal:
                return refusal
            board = self.stores()[1]
            row = await _run(board.get, conversation_id)
            if row is not None and not may_change(actor, row):
                holder = _person(row["assignee"], await _run(self.stores()[0].names)) or {"name": ""}
                return _error(NOT_YOURS.format(name=holder["name"], what="删除"), 403)
            audit.record(request, "delete", conversation_id, actor)
            if not await forget.delete_conversation(request.app, conversation_id):
                return _error(forget.FAILED, 500)
            await _run(board.forget, conversation_id)
            return _json({"conversation_id": conversation_id, "deleted": True})

        @bp.route("/api/message", methods=["POST"])
        @authed
        async def message(request: Request, actor: Actor) -> HTTPResponse:
            try:
                body = json.loads(request.body or b"")
            except (ValueError, UnicodeDecodeError, RecursionError):
                return _error('请求体不是合法的 JSON。格式：{"conversation_id": "staff-…", "message": "文字"}', 400)
            if not isinstance(body, dict):
                return _error("请求体应为 JSON 对象。", 400)
            conversation_id = body.get("conversation_id")
            refusal = id_refusal(conversation_id)
            if refusal:
                return refusal
            message = body.get("message")
            if message is not None and not isinstance(message, (str, int, float)):
                return _error("message 应为文字。", 400)
            inbound = clean(message)
            if inbound.empty:
                return _json({"conversation_id": conversation_id, "notes": [],
                              "replies": [{"text": EMPTY_REPLY}], "case": None})
            board = self.stores()[1]
            prefix = NOTE_PREFIX.match(inbound.text)
            if prefix:  # the adviser's own annotation: kept on the case, never the borrower's words
                text = inbound.text[prefix.end():].strip()
                if not text:
                    return _json({"conversation_id": conversation_id, "notes": [], "replies": [{"text": EMPTY_NOTE}],
                                  "case": None})
                await _run(board.open, conversation_id, actor)
                note = await _run(board.add_note, conversation_id, actor, text)
                audit.record(request, "note", conversation_id, actor)
                return _json({"conversation_id": conversation_id, "text": inbound.text, "notes": inbound.notes,
                              "note": note, "replies": [{"text": NOTE_SAVED}], "case": None})
            await _run(board.open, conversation_id, actor)
            audit.record(request, "message", conversation_id, actor)
            turn = await run_turn(request, actor, conversation_id, inbound.text, {})
            if isinstance(turn, HTTPResponse):
                return turn
            tracker, replies, shown = turn
            said = history.readings(tracker)
            return _json({"conversation_id": conversation_id, "text": inbound.text, "notes": inbound.notes,
                          "replies": replies, "case": shown, "reading": said[-1] if said else None})

        return bp
