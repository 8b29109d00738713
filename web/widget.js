/*
 * 债务协商助手 · borrower chat widget.
 *
 * Embed with ONE tag (the server is the origin of this script):
 *   <script src="https://<bot host>/webhooks/web/widget.js" async></script>
 * Optional attributes: data-open="true" (start opened), data-source="<partner name>" (sent as metadata),
 * data-server="https://<bot host>" (if the socket server differs from the script's origin).
 *
 * Talks to Rasa's Socket.IO channel (channels/socketio.py) with socket.io-client 4.x, served by the bot from
 * web/node_modules. Every user and bot text is rendered with textContent, never as HTML.
 */
(function () {
  "use strict";
  if (window.DebtCoachWidget) return;

  var script = document.currentScript || document.querySelector('script[src*="widget.js"]');
  var scriptUrl = new URL(script.getAttribute("src"), document.baseURI);
  var assetBase = scriptUrl.href.replace(/[^/]*$/, "");
  var server = script.getAttribute("data-server") || scriptUrl.origin;
  var startOpen = script.getAttribute("data-open") === "true";
  var source = script.getAttribute("data-source") || "";
  var KEY_SESSION = "debtCoach.sessionId";
  var KEY_PRIVACY = "debtCoach.privacySeen";
  var KEY_OPEN = "debtCoach.open";
  var DRAFT_RE = /^【([^】\n]{1,40})】\n/;
  var STARTERS = ["催收说要上门", "这个月还不上", "想申请分期", "催收天天打电话"];

  function store(kind) {
    try { return window[kind]; } catch (e) { return null; }
  }
  function get(kind, key) {
    var s = store(kind);
    try { return s ? s.getItem(key) : null; } catch (e) { return null; }
  }
  function set(kind, key, value) {
    var s = store(kind);
    try { if (s) { if (value === null) s.removeItem(key); else s.setItem(key, value); } } catch (e) { /* private mode */ }
  }

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    if (attrs) Object.keys(attrs).forEach(function (k) {
      if (k === "className") node.className = attrs[k]; else node.setAttribute(k, attrs[k]);
    });
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  // ---------- DOM (in a shadow root so the partner page's CSS does not leak in) ----------
  var host = el("div", { id: "debt-coach-widget" });
  var root = host.attachShadow ? host.attachShadow({ mode: "open" }) : host;
  root.appendChild(el("link", { rel: "stylesheet", href: assetBase + "widget.css" }));

  var launcher = el("button", { type: "button", className: "launcher", "aria-expanded": "false",
    "aria-controls": "dc-panel" });
  launcher.appendChild(el("span", { className: "launcher-icon", "aria-hidden": "true" }, "💬"));
  launcher.appendChild(el("span", null, "债务协商助手"));

  var panel = el("section", { id: "dc-panel", className: "panel", role: "dialog", "aria-modal": "false",
    "aria-labelledby": "dc-title" });
  panel.hidden = true;
  var header = el("header", { className: "header" });
  var titleBox = el("div", { className: "title-box" });
  titleBox.appendChild(el("h2", { id: "dc-title" }, "债务协商助手"));
  var connLabel = el("span", { className: "conn-label" }, "正在连接…");
  titleBox.appendChild(connLabel);
  header.appendChild(titleBox);
  var newBtn = el("button", { type: "button", className: "icon-btn new-chat", title: "在本设备上开始新对话" }, "新对话");
  var closeBtn = el("button", { type: "button", className: "icon-btn close", "aria-label": "关闭对话窗口" }, "×");
  header.appendChild(newBtn);
  header.appendChild(closeBtn);

  var privacy = el("div", { className: "privacy", role: "note", "aria-label": "隐私提示" });
  privacy.appendChild(el("p", null,
    "隐私提示：对话内容会保存在服务器上，用来延续您的咨询（同一浏览器刷新后还能看到）。" +
    "请不要发送身份证号、银行卡号、手机号，系统会自动隐去这类号码。" +
    "本助手是自动程序，不是律师，也不代表任何贷款机构。"));
  var privacyOk = el("button", { type: "button", className: "text-btn" }, "知道了");
  privacy.appendChild(privacyOk);

  var banner = el("div", { className: "banner", role: "status", "aria-live": "assertive" });
  banner.hidden = true;
  var log = el("ol", { className: "log", role: "log", "aria-live": "polite", "aria-label": "对话记录",
    tabindex: "0" });
  var typing = el("div", { className: "typing", role: "status", "aria-live": "polite" });
  typing.hidden = true;
  typing.appendChild(el("span", { className: "dots", "aria-hidden": "true" }));
  typing.appendChild(el("span", null, "助手正在输入…"));
  var quick = el("div", { className: "quick", role: "group", "aria-label": "快捷回复" });
  var announcer = el("div", { className: "sr-only", role: "status", "aria-live": "polite" });

  var form = el("form", { className: "composer" });
  var inputId = "dc-input";
  form.appendChild(el("label", { "for": inputId, className: "sr-only" }, "输入消息（回车发送，Shift+回车换行）"));
  var input = el("textarea", { id: inputId, rows: "1", maxlength: "1000", placeholder: "说说您遇到的情况…",
    autocomplete: "off", enterkeyhint: "send" });
  var sendBtn = el("button", { type: "submit", className: "send" }, "发送");
  form.appendChild(input);
  form.appendChild(sendBtn);

  [header, privacy, banner, log, typing, quick, form, announcer].forEach(function (n) { panel.appendChild(n); });
  root.appendChild(launcher);
  root.appendChild(panel);
  if (get("localStorage", KEY_PRIVACY) === "1") privacy.hidden = true;

  // ---------- rendering (text only) ----------
  function scrollDown() { log.scrollTop = log.scrollHeight; }

  function copyText(text) {
    if (navigator.clipboard && window.isSecureContext) {
      return navigator.clipboard.writeText(text).catch(function () { return legacyCopy(text); });
    }
    return legacyCopy(text);
  }
  function legacyCopy(text) {
    return new Promise(function (resolve, reject) {
      var area = el("textarea", { "aria-hidden": "true", className: "copy-buffer" });
      area.value = text;
      root.appendChild(area);
      area.select();
      var ok = false;
      try { ok = document.execCommand("copy"); } catch (e) { ok = false; }
      root.removeChild(area);
      if (ok) resolve(); else reject(new Error("copy failed"));
    });
  }

  function draftOf(msg) {
    var text = msg.text || "";
    var m = DRAFT_RE.exec(text);
    var info = msg.custom && msg.custom.draft;
    if (!m && !info) return null;
    return { title: (info && info.title) || (m && m[1]) || "草稿", kind: (info && info.kind) || "draft",
      body: m ? text.slice(m[0].length) : text };
  }

  var draftCount = 0;
  function renderDraft(li, draft) {
    draftCount += 1;
    var card = el("article", { className: "draft", "aria-label": draft.title, "data-kind": draft.kind });
    var head = el("div", { className: "draft-head" });
    head.appendChild(el("h3", null, draft.title));
    var copy = el("button", { type: "button", className: "copy", "aria-label": "复制「" + draft.title + "」" }, "复制");
    head.appendChild(copy);
    card.appendChild(head);
    var bodyId = "dc-draft-" + draftCount;
    var body = el("div", { className: "draft-body", id: bodyId }, draft.body);
    card.appendChild(body);
    if (draft.body.length > 260 || draft.body.split("\n").length > 9) {
      body.classList.add("collapsed");
      var more = el("button", { type: "button", className: "text-btn more", "aria-expanded": "false",
        "aria-controls": bodyId }, "展开全文");
      more.addEventListener("click", function () {
        var open = body.classList.toggle("collapsed") === false;
        more.setAttribute("aria-expanded", open ? "true" : "false");
        more.textContent = open ? "收起" : "展开全文";
      });
      card.appendChild(more);
    }
    copy.addEventListener("click", function () {
      copyText(draft.body).then(function () {
        copy.textContent = "已复制";
        copy.setAttribute("data-copied", "true");
        announcer.textContent = "已复制「" + draft.title + "」";
        setTimeout(function () { copy.textContent = "复制"; copy.removeAttribute("data-copied"); }, 4000);
      }, function () {
        copy.textContent = "复制失败";
        announcer.textContent = "复制失败，请长按文字手动复制";
      });
    });
    li.appendChild(card);
  }

  function copyButton(title, text) {
    var copy = el("button", { type: "button", className: "copy", "aria-label": "复制「" + title + "」" }, "复制");
    copy.addEventListener("click", function () {
      copyText(text).then(function () {
        copy.textContent = "已复制";
        copy.setAttribute("data-copied", "true");
        announcer.textContent = "已复制「" + title + "」";
        setTimeout(function () { copy.textContent = "复制"; copy.removeAttribute("data-copied"); }, 4000);
      }, function () {
        copy.textContent = "复制失败";
        announcer.textContent = "复制失败，请长按文字手动复制";
      });
    });
    return copy;
  }

  // Several debts: one card per lender, collapsed by default (the title says the lender and its share); opened,
  // it shows that lender's drafts, each with its own copy button.
  function renderLenderCard(li, info) {
    draftCount += 1;
    var bodyId = "dc-lender-" + draftCount;
    var card = el("article", { className: "draft lender-card", "aria-label": info.title, "data-kind": "lender_drafts",
      "data-lender": info.lender || "" });
    var head = el("div", { className: "draft-head" });
    head.appendChild(el("h3", null, info.title));
    var toggle = el("button", { type: "button", className: "text-btn toggle", "aria-expanded": "false",
      "aria-controls": bodyId }, "展开");
    head.appendChild(toggle);
    card.appendChild(head);
    var body = el("div", { className: "lender-body", id: bodyId, hidden: "" });
    (info.sections || []).forEach(function (section) {
      var part = el("section", { className: "lender-part", "data-kind": section.kind });
      var partHead = el("div", { className: "draft-head" });
      partHead.appendChild(el("h4", null, section.title));
      partHead.appendChild(copyButton(info.lender + " · " + section.title, section.text));
      part.appendChild(partHead);
      part.appendChild(el("div", { className: "draft-body" }, section.text));
      body.appendChild(part);
    });
    card.appendChild(body);
    toggle.addEventListener("click", function () {
      var open = body.hasAttribute("hidden");
      if (open) body.removeAttribute("hidden"); else body.setAttribute("hidden", "");
      toggle.setAttribute("aria-expanded", open ? "true" : "false");
      toggle.textContent = open ? "收起" : "展开";
    });
    li.appendChild(card);
  }

  function renderMessage(msg, sender) {
    var li = el("li", { className: "msg " + sender + (msg.notice ? " notice" : "") });
    li.appendChild(el("span", { className: "sr-only" }, sender === "user" ? "我说：" : "助手说："));
    var info = sender === "bot" && msg.custom && msg.custom.draft;
    var draft = sender === "bot" ? draftOf(msg) : null;
    var files = sender === "bot" ? downloadsOf(msg) : [];
    if (info && info.kind === "lender_drafts" && info.sections) renderLenderCard(li, info);
    else if (draft) renderDraft(li, draft);
    else if (files.length) renderDownloads(li, msg, files);
    else if (sender === "bot" && msg.custom && msg.custom.collector) {
      // a practice call: the simulated collector's line in its own bubble, so it is never read as the coach's
      li.classList.add("collector");
      var said = el("div", { className: "bubble collector", "aria-label": "模拟催收" }, msg.text || "");
      said.style.background = "#fdecea";  // CSSOM, not a style attribute: allowed under the pages' CSP
      said.style.borderColor = "#f5c2bd";
      li.appendChild(said);
    }
    else li.appendChild(el("div", { className: "bubble" }, msg.text || ""));
    log.appendChild(li);
    return li;
  }

  // Download links of this conversation: only the bot server's own download paths become links (a reply can never
  // send the borrower to another site).
  var DOWNLOAD_PATH = /^\/webhooks\/files\/download\/[^?#]+\?[^#]*$/;
  function downloadsOf(msg) {
    var items = (msg.custom && msg.custom.downloads) || [];
    return items.filter(function (d) { return d && typeof d.url === "string" && DOWNLOAD_PATH.test(d.url); });
  }
  function renderDownloads(li, msg, files) {
    var box = el("div", { className: "bubble downloads" });
    box.appendChild(el("p", null, String(msg.text || "").split("\n")[0]));
    var list = el("ul", { className: "download-list" });
    files.forEach(function (d) {
      var item = el("li");
      item.appendChild(el("a", { href: server + d.url, download: "", rel: "noopener noreferrer",
        "data-name": d.name || "" }, d.label || d.name || "下载"));
      list.appendChild(item);
    });
    box.appendChild(list);
    li.appendChild(box);
  }

  function showQuickReplies(replies) {
    quick.textContent = "";
    (replies || []).forEach(function (r) {
      var b = el("button", { type: "button", className: "chip" }, r.title);
      b.addEventListener("click", function () { send(r.payload, r.title); });
      quick.appendChild(b);
    });
    quick.hidden = !quick.childNodes.length;
  }

  function showWelcome() {
    var li = renderMessage({ text: "您好，我是债务协商助手。被催收、还不上钱、想和机构协商分期或延期，" +
      "都可以直接跟我说，我会帮您理清情况、算好方案、写好可以直接用的话术。" }, "bot");
    li.classList.add("welcome");
    showQuickReplies(STARTERS.map(function (s) { return { title: s, payload: s }; }));
  }

  function renderHistory(messages) {
    log.setAttribute("aria-busy", "true");  // screen readers: do not read the whole history out again
    log.textContent = "";
    quick.textContent = "";
    if (!messages || !messages.length) {
      showWelcome();
    } else {
      var last = null;
      messages.forEach(function (m) { renderMessage(m, m.sender === "user" ? "user" : "bot"); last = m; });
      showQuickReplies(last && last.sender !== "user" ? last.quick_replies : []);
    }
    log.removeAttribute("aria-busy");
    scrollDown();
  }

  // ---------- connection ----------
  var socket = null;
  var ioClient = null;
  var sessionId = get("localStorage", KEY_SESSION);
  var ready = false;
  var everConnected = false;
  var typingTimer = null;

  function setTyping(on) {
    typing.hidden = !on;
    clearTimeout(typingTimer);
    if (on) typingTimer = setTimeout(function () { typing.hidden = true; }, 60000);
  }
  function setReady(on) {
    ready = on;
    sendBtn.disabled = !on;
    connLabel.textContent = on ? "在线" : "正在连接…";
    panel.classList.toggle("offline", !on);
  }
  function showBanner(text, kind) {
    banner.textContent = text;
    banner.className = "banner " + (kind || "");
    banner.hidden = !text;
  }

  function send(text, shown) {
    var clean = (text || "").trim();
    if (!clean || !ready) return false;
    renderMessage({ text: shown || clean }, "user");
    showQuickReplies([]);
    setTyping(true);
    scrollDown();
    var metadata = source ? { source: source } : {};
    socket.emit("user_uttered", { message: clean, session_id: sessionId, metadata: metadata });
    return true;
  }

  function connect() {
    socket = ioClient(server, { path: "/socket.io", reconnectionDelay: 500, reconnectionDelayMax: 5000 });
    socket.on("connect", function () {
      socket.emit("session_request", { session_id: sessionId });
    });
    socket.on("session_confirm", function (id) {
      sessionId = typeof id === "string" ? id : (id && id.session_id) || sessionId;
      set("localStorage", KEY_SESSION, sessionId);
    });
    socket.on("session_history", function (data) {
      renderHistory(data && data.messages);
      setReady(true);
      if (everConnected && !banner.hidden) {
        showBanner("已重新连接", "ok");
        setTimeout(function () { if (banner.textContent === "已重新连接") showBanner(""); }, 3000);
      }
      everConnected = true;
    });
    socket.on("bot_uttered", function (msg) {
      if (!msg) return;
      renderMessage(msg, "bot");
      showQuickReplies(msg.quick_replies);
      scrollDown();
    });
    socket.on("bot_typing", function (data) { setTyping(!!(data && data.typing)); });
    socket.on("disconnect", function (reason) {
      setReady(false);
      setTyping(false);
      if (reason !== "io client disconnect") showBanner("连接已断开，正在重新连接…（已输入的内容不会丢失）", "warn");
    });
    socket.on("connect_error", function () {
      setReady(false);
      showBanner(everConnected ? "连接已断开，正在重新连接…（已输入的内容不会丢失）" : "暂时连不上服务器，正在重试…", "warn");
    });
  }

  function loadClient(cb) {
    if (window.io && window.io.protocol === 5) {  // the page already has a socket.io-client 3.x/4.x
      ioClient = window.io; cb(); return;
    }
    var previous = window.io;
    var s = document.createElement("script");
    s.src = assetBase + "vendor/socket.io.min.js";
    s.async = true;
    s.onload = function () { ioClient = window.io; if (previous) window.io = previous; cb(); };
    s.onerror = function () { showBanner("聊天组件加载失败，请刷新页面重试。", "warn"); };
    document.head.appendChild(s);
  }

  // ---------- behaviour ----------
  function open() {
    panel.hidden = false;
    launcher.setAttribute("aria-expanded", "true");
    launcher.hidden = true;
    set("sessionStorage", KEY_OPEN, "1");
    setTimeout(function () { input.focus(); scrollDown(); }, 0);
  }
  function close() {
    panel.hidden = true;
    launcher.hidden = false;
    launcher.setAttribute("aria-expanded", "false");
    set("sessionStorage", KEY_OPEN, null);
    launcher.focus();
  }

  launcher.addEventListener("click", open);
  closeBtn.addEventListener("click", close);
  panel.addEventListener("keydown", function (e) { if (e.key === "Escape") close(); });
  privacyOk.addEventListener("click", function () {
    privacy.hidden = true;
    set("localStorage", KEY_PRIVACY, "1");
    input.focus();
  });
  newBtn.addEventListener("click", function () {
    if (!window.confirm("开始新对话？当前对话将不再显示在这个浏览器里。")) return;
    sessionId = null;
    set("localStorage", KEY_SESSION, null);
    if (socket) socket.emit("session_request", { session_id: null });
  });
  form.addEventListener("submit", function (e) {
    e.preventDefault();
    if (send(input.value)) { input.value = ""; autosize(); }
  });
  input.addEventListener("keydown", function (e) {
    if (e.key === "Enter" && !e.shiftKey && !e.isComposing) { e.preventDefault(); form.requestSubmit ? form.requestSubmit() : form.dispatchEvent(new Event("submit")); }
  });
  function autosize() {
    input.style.height = "auto";
    input.style.height = Math.min(input.scrollHeight, 140) + "px";
  }
  input.addEventListener("input", autosize);

  setReady(false);
  function mount() {
    document.body.appendChild(host);
    if (startOpen || get("sessionStorage", KEY_OPEN) === "1") open();
    loadClient(connect);
  }
  if (document.body) mount(); else document.addEventListener("DOMContentLoaded", mount);

  window.DebtCoachWidget = {
    open: open,
    close: close,
    get socket() { return socket; },
    get sessionId() { return sessionId; }
  };
})();
