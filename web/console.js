/*
 * Hotline staff console (served at /webhooks/staff/console). Talks to channels/staff.py's API with
 * "Authorization: Bearer <STAFF_TOKEN>"; the token is kept in sessionStorage (this tab only).
 * All texts are rendered with textContent, never as HTML.
 */
(function () {
  "use strict";
  var API = "api/";
  var KEY_TOKEN = "debtCoach.staffToken";
  var KEY_CASE = "debtCoach.staffCase";
  // Labels of the lender, threat and plan kinds: served by the staff API from case/vocabulary.yml (api/labels).
  var LENDER_TYPES = {}, THREATS = {}, PLANS = {};
  var DRAFT_RE = /^【([^】\n]{1,40})】\n/;

  function $(id) { return document.getElementById(id); }
  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    if (attrs) Object.keys(attrs).forEach(function (k) {
      if (k === "className") node.className = attrs[k]; else node.setAttribute(k, attrs[k]);
    });
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }
  function storage(key, value) {
    try {
      if (value === undefined) return window.sessionStorage.getItem(key);
      if (value === null) window.sessionStorage.removeItem(key); else window.sessionStorage.setItem(key, value);
    } catch (e) { return null; }
    return null;
  }

  var token = storage(KEY_TOKEN);
  var caseId = null;
  // `make run` prints the console's address as …/console#token=<token>: a fragment is never sent to the server,
  // so the token stays out of every log. It goes into this tab's storage and out of the address bar at once.
  var linked = /^#token=([^&#]+)$/.exec(location.hash || "");
  if (linked) {
    try { token = decodeURIComponent(linked[1]); storage(KEY_TOKEN, token); } catch (e) { /* malformed: ask */ }
    history.replaceState(null, "", location.pathname + location.search);
  }

  function newCaseId() {
    var bytes = new Uint8Array(8), id;
    do {
      (window.crypto || window.msCrypto).getRandomValues(bytes);
      id = "staff-" + Array.prototype.map.call(bytes, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
    } while (/\d{8}/.test(id)); // 8 digits in a row may read as a phone or QQ number: the server refuses some
    return id;
  }

  function api(method, path, body) {
    var headers = { "Content-Type": "application/json" };
    if (token) headers.Authorization = "Bearer " + token;
    return fetch(API + path, { method: method, headers: headers, body: body ? JSON.stringify(body) : undefined })
      .then(function (res) {
        return res.json().catch(function () { return {}; }).then(function (data) {
          if (!res.ok) { var err = new Error(data.error || ("请求失败（" + res.status + "）")); err.status = res.status; throw err; }
          return data;
        });
      });
  }

  // ---------- views ----------
  function showLogin(message) {
    $("app").hidden = true;
    $("top-actions").hidden = true;
    $("case-id-box").hidden = true;
    $("login").hidden = false;
    $("auth-error").textContent = message || "";
    $("token").focus();
  }
  function showApp() {
    $("login").hidden = true;
    $("app").hidden = false;
    $("top-actions").hidden = false;
    $("case-id-box").hidden = false;
  }

  function copyButton(label, text) {
    var b = el("button", { type: "button", className: "copy", "aria-label": "复制「" + label + "」" }, "复制");
    b.addEventListener("click", function () {
      var done = function () {
        b.textContent = "已复制"; b.setAttribute("data-copied", "true");
        $("announcer").textContent = "已复制「" + label + "」";
        setTimeout(function () { b.textContent = "复制"; b.removeAttribute("data-copied"); }, 4000);
      };
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(text).then(done, function () { b.textContent = "复制失败"; });
      } else {
        var area = el("textarea"); area.value = text; document.body.appendChild(area); area.select();
        try { if (document.execCommand("copy")) done(); } finally { document.body.removeChild(area); }
      }
    });
    return b;
  }

  function renderMessage(msg, sender) {
    var li = el("li", { className: "msg " + sender + (msg.notice ? " notice" : "") });
    li.appendChild(el("span", { className: "sr-only" }, sender === "user" ? "坐席：" : "助手："));
    var text = msg.text || "";
    if (sender === "bot" && msg.custom && msg.custom.downloads) text = text.split("\n")[0] + "\n（链接见右侧「待办与证据记录」）";
    var m = sender === "bot" ? DRAFT_RE.exec(text) : null;
    li.appendChild(el("div", { className: "bubble" }, m ? "【" + m[1] + "】（见右侧「最新草稿」）\n" + text.slice(m[0].length, m[0].length + 120) + (text.length > m[0].length + 120 ? "…" : "") : text));
    $("log").appendChild(li);
    $("log").scrollTop = $("log").scrollHeight;
  }

  function money(v) { return Math.round(v).toLocaleString("zh-CN") + " 元"; }
  function fact(dl, label, value) {
    dl.appendChild(el("dt", null, label));
    dl.appendChild(el("dd", value === null || value === undefined || value === "" ? { className: "unknown" } : null,
      value === null || value === undefined || value === "" ? "未知" : value));
  }

  var FILES = { "drafts.docx": "下载 Word 文档", "drafts.pdf": "下载 PDF", "schedule.ics": "下载还款日历（.ics）" };
  function renderCase(c) {
    c = c || {};
    var dl = $("facts"); dl.textContent = "";
    var debts = (c.debts || []).filter(function (d) { return d && d.lender; });
    if (debts.length > 1) {  // several debts: the list, each lender with its amount
      fact(dl, "欠款（" + debts.length + " 家）", debts.map(function (d) {
        return d.lender + " " + (d.amount != null ? money(d.amount) : "金额未知");
      }).join("；"));
      fact(dl, "合计", c.debt_amount != null ? money(c.debt_amount) : null);
    } else {
      fact(dl, "机构", c.lender ? c.lender + (LENDER_TYPES[c.lender_type] ? "（" + LENDER_TYPES[c.lender_type] + "）" : "") : null);
      fact(dl, "欠款金额", c.debt_amount != null ? money(c.debt_amount) : null);
    }
    fact(dl, "逾期", c.overdue_days != null ? Math.round(c.overdue_days) + " 天" : null);
    fact(dl, "月收入", c.monthly_income != null ? money(c.monthly_income) : null);
    fact(dl, "每月可还", c.affordable_monthly != null ? money(c.affordable_monthly) : null);
    fact(dl, "困难原因", c.hardship_reason);
    fact(dl, "申请方案", PLANS[c.requested_plan] || c.requested_plan);

    var threats = $("threats"); threats.textContent = "";
    (c.threat_types || []).forEach(function (t) { threats.appendChild(el("li", null, THREATS[t] || t)); });
    if (!threats.childNodes.length) threats.appendChild(el("li", { className: "muted" }, "暂未提到"));

    var drafts = c.latest_drafts || null;
    var risks = $("risks"); risks.textContent = "";
    var crisis = $("crisis"), protocol = c.crisis_protocol || null;
    crisis.hidden = !protocol;
    if (protocol) {
      $("crisis-title").textContent = protocol.title;
      $("crisis-steps").textContent = protocol.protocol;
      $("crisis-tell").textContent = protocol.tell;
      risks.appendChild(el("li", { className: "high" }, "借款人表达过轻生念头：先提供" + protocol.line + "（紧急情况 " + protocol.emergency + "），确认安全后再谈还款。"));
    }
    (drafts && drafts.parts || []).forEach(function (p) {
      if (p.kind !== "risk_flags") return;
      p.text.split("\n").forEach(function (line) {
        line = line.replace(/^[·\s]+/, "");
        if (line) risks.appendChild(el("li", { className: /110|危机|12356|暴力/.test(line) ? "high" : "" }, line));
      });
    });
    if (!risks.childNodes.length) risks.appendChild(el("li", { className: "muted" }, "暂无"));

    $("plan").textContent = drafts && drafts.summary ? "方案：" + drafts.summary : "还没有草稿：案情问完后自动生成。";
    var box = $("drafts"); box.textContent = "";
    (drafts && drafts.parts || []).forEach(function (p) {
      if (p.kind === "risk_flags") return;
      var card = el("article", { className: "draft", "data-kind": p.kind, "aria-label": p.title });
      var head = el("div", { className: "draft-head" });
      head.appendChild(el("h4", null, p.title));
      head.appendChild(copyButton(p.title, p.text));
      card.appendChild(head);
      card.appendChild(el("div", { className: "draft-body", tabindex: "0" }, p.text));
      box.appendChild(card);
    });

    var pending = $("pending"); pending.textContent = "";
    (c.pending || []).forEach(function (line) { pending.appendChild(el("li", null, line)); });
    if (!pending.childNodes.length) pending.appendChild(el("li", { className: "muted" }, "暂无待办"));
    var evidence = $("evidence"); evidence.textContent = "";
    (c.evidence || []).forEach(function (line) { evidence.appendChild(el("li", null, line.replace(/^\d+\.\s*/, ""))); });
    var files = $("downloads"); files.textContent = "";
    (c.downloads || []).forEach(function (d) {
      if (!/^\/webhooks\/files\/download\//.test(d.url)) return;
      var item = el("li");
      item.appendChild(el("a", { href: d.url, download: "", rel: "noopener noreferrer" }, FILES[d.name] || d.name));
      files.appendChild(item);
    });

    var next = $("next"); next.textContent = "";
    (drafts && drafts.next_questions || []).forEach(function (q) { next.appendChild(el("li", null, q)); });
    if (!next.childNodes.length) next.appendChild(el("li", { className: "muted" }, "暂无"));
  }

  function openCase(id) {
    caseId = id;
    storage(KEY_CASE, id);
    $("case-id").textContent = id;
    if (location.hash !== "#" + id) history.replaceState(null, "", "#" + id);
    $("log").textContent = "";
    return api("GET", "case/" + encodeURIComponent(id)).then(function (data) {
      (data.messages || []).forEach(function (m) { renderMessage(m, m.sender === "user" ? "user" : "bot"); });
      renderCase(data.case);
    });
  }

  function start() {
    return api("GET", "check").then(function () {
      return api("GET", "labels");
    }).then(function (labels) {
      LENDER_TYPES = labels.lender_kinds || {};
      THREATS = labels.threat_kinds || {};
      PLANS = labels.plan_kinds || {};
      showApp();
      var fromHash = (location.hash || "").slice(1);
      var id = /^staff-[A-Za-z0-9_-]{6,64}$/.test(fromHash) ? fromHash : storage(KEY_CASE) || newCaseId();
      return openCase(id).then(function () { $("input").focus(); });
    }).catch(function (err) {
      if (err.status === 401 || err.status === 503) {
        if (err.status === 401 && token) { token = null; storage(KEY_TOKEN, null); }
        showLogin(err.message);
      } else {
        showLogin("无法连接服务器：" + err.message);
      }
    });
  }

  function send(text) {
    text = (text || "").trim();
    if (!text) return;
    renderMessage({ text: text }, "user");
    $("typing").hidden = false;
    $("send").disabled = true;
    api("POST", "message", { conversation_id: caseId, message: text }).then(function (data) {
      (data.notes || []).forEach(function (n) { renderMessage({ text: n, notice: true }, "bot"); });
      (data.replies || []).forEach(function (r) { renderMessage(r, "bot"); });
      if (data.case) renderCase(data.case);
    }).catch(function (err) {
      if (err.status === 401 || err.status === 503) { showLogin(err.message); return; }
      renderMessage({ text: "发送失败：" + err.message, notice: true }, "bot");
    }).then(function () {
      $("typing").hidden = true;
      $("send").disabled = false;
    });
  }

  $("login-form").addEventListener("submit", function (e) {
    e.preventDefault();
    token = $("token").value.trim();
    storage(KEY_TOKEN, token);
    $("token").value = "";
    start();
  });
  $("composer").addEventListener("submit", function (e) {
    e.preventDefault();
    var v = $("input").value; $("input").value = ""; send(v);
  });
  $("input").addEventListener("keydown", function (e) {
    if (e.key === "Enter" && !e.shiftKey && !e.isComposing) { e.preventDefault(); $("composer").requestSubmit(); }
  });
  $("new-case").addEventListener("click", function () { openCase(newCaseId()); $("input").focus(); });
  $("logout").addEventListener("click", function () {
    token = null; storage(KEY_TOKEN, null); storage(KEY_CASE, null); history.replaceState(null, "", location.pathname);
    showLogin("已退出。");
  });
  start();
})();
