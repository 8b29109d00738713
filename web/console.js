/*
 * Hotline staff console (served at /webhooks/staff/console). Talks to channels/staff.py's API with
 * "Authorization: Bearer <token>": an adviser's session token from sign-in, or the operator's shared token.
 *
 * Where things are kept, and why:
 * - the adviser's session token: localStorage, so every tab of this browser uses one sign-in (an adviser with
 *   two callers has two tabs). It is an opaque token the server can end at any time: it expires on the server
 *   after 30 minutes without use or 12 hours, and 退出 ends it there and in every tab at once (storage event).
 *   No cookie: the API takes the token only from the Authorization header, so no other site can make the
 *   browser send it (no CSRF), and the page allows no script but this file (CSP), so nothing else reads it.
 * - the operator's shared token: sessionStorage (this tab only), as before: it is not a person's.
 * - which case a tab shows: the address (#staff-…) and this tab's sessionStorage, so each tab keeps its caller.
 * What the adviser may do is decided by the server; the role here only hides buttons that would be refused.
 * All texts are rendered with textContent, never as HTML.
 */
(function () {
  "use strict";
  var API = "api/";
  var KEY_SESSION = "debtCoach.staffSession";   // localStorage: the adviser's session, shared by the tabs
  var KEY_TOKEN = "debtCoach.staffToken";       // sessionStorage: the operator's token, this tab only
  var KEY_CASE = "debtCoach.staffCase";         // sessionStorage: this tab's case
  var KEY_FRESH = "debtCoach.staffFreshCase";   // sessionStorage: a new case nothing was said in yet
  var CASE_RE = /^staff-[A-Za-z0-9_-]{6,64}$/;
  // Labels of the lender, threat and plan kinds: served by the staff API from case/vocabulary.yml (api/labels).
  var LENDER_TYPES = {}, THREATS = {}, PLANS = {}, STATUSES = {}, REGIONS = {};
  // What an adviser may correct in place (slot → label), the reasons to choose from, the regions (script → label).
  var FACT_LABELS = {}, HARDSHIPS = [], SCRIPTS = {};
  var MONEY = { debt_amount: 1, monthly_income: 1, essential_expenses: 1, affordable_monthly: 1 };
  var current = null;   // the case as last rendered (the editors start from its values)
  var work = null;      // who has the case, its status and region (the workspace row)
  var ACTIONS = { create: "新建个案", view: "查看", message: "记录对话", note: "写备注", assign: "转交", status: "改状态",
    "export": "导出文件", "delete": "删除个案", edit: "改案情", region: "设地区", redraft: "重写草稿", sign_in: "登录", sign_out: "退出", locked: "账号被锁定",
    account_create: "创建账号", account_unlock: "解锁账号", checklist: "看通话清单", suggest: "查催收应对",
    wrapup: "保存通话小结", account_deactivate: "停用账号", account_reactivate: "启用账号", password_reset: "重置密码",
    password_change: "修改密码", retention_delete: "到期删除个案" };
  // What starts a practice call with a simulated collector (coach/rehearsal/texts.yml button_start): the same words
  // the bot's own button sends.
  var REHEARSE = "模拟练习一次";
  var ROLES = { adviser: "坐席", supervisor: "主管", operator: "运维", system: "系统" };
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
  function store(area, key, value) {
    try {
      var s = area === "local" ? window.localStorage : window.sessionStorage;
      if (value === undefined) return s.getItem(key);
      if (value === null) s.removeItem(key); else s.setItem(key, value);
    } catch (e) { return null; }
    return null;
  }

  var me = null;        // who the server says we are: {login, name, role}
  var caseId = null;
  var colleagues = [];
  var operatorToken = store("session", KEY_TOKEN);
  // `make run` prints the console's address as …/console#token=<token>: a fragment is never sent to the server,
  // so the token stays out of every log. It goes into this tab's storage and out of the address bar at once.
  var linked = /^#token=([^&#]+)$/.exec(location.hash || "");
  if (linked) {
    try { operatorToken = decodeURIComponent(linked[1]); store("session", KEY_TOKEN, operatorToken); } catch (e) { /* malformed: ask */ }
    history.replaceState(null, "", location.pathname + location.search);
  }
  function token() { return operatorToken || store("local", KEY_SESSION); }

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
    var t = token();
    if (t) headers.Authorization = "Bearer " + t;
    return fetch(API + path, { method: method, headers: headers, body: body ? JSON.stringify(body) : undefined, cache: "no-store" })
      .then(function (res) {
        return res.json().catch(function () { return {}; }).then(function (data) {
          if (!res.ok) {
            var err = new Error(data.error || ("请求失败（" + res.status + "）"));
            err.status = res.status; err.mustChange = !!data.must_change;
            throw err;
          }
          return data;
        });
      });
  }
  function signedOut(err) {
    // 403 must_change: this session was opened with a temporary password and may only choose a new one.
    if (err.status === 403 && err.mustChange) { showMustChange(); return true; }
    // 401: the session ended (expired, signed out elsewhere) or the token is wrong; 503: no operator token.
    if (err.status !== 401 && err.status !== 503) return false;
    if (operatorToken) { operatorToken = null; store("session", KEY_TOKEN, null); }
    else store("local", KEY_SESSION, null);
    showLogin(err.message);
    return true;
  }

  // ---------- views ----------
  var VIEWS = { "case": "app", cases: "cases-view", audit: "audit-view", accounts: "accounts-view" };
  function hideAll() {
    Object.keys(VIEWS).forEach(function (v) { $(VIEWS[v]).hidden = true; });
    ["top-actions", "case-id-box", "who", "views", "must-change"].forEach(function (id) { $(id).hidden = true; });
    hideTemporary();
  }
  function showLogin(message) {
    me = null;
    hideAll();
    $("login").hidden = false;
    $("auth-error").textContent = message || "";
    $("login-name").focus();
  }
  // Signed in with a temporary password: nothing but choosing a new one (the server refuses everything else).
  function showMustChange(message) {
    hideAll();
    $("login").hidden = true;
    $("must-change").hidden = false;
    $("must-login").value = me ? me.login : "";
    $("must-error").textContent = message || "";
    $("must-new").focus();
  }
  // The temporary password is shown once: gone as soon as the supervisor leaves the page or hides it.
  function hideTemporary() {
    $("temp-box").hidden = true;
    $("temp-password").textContent = ""; $("temp-text").textContent = ""; $("temp-copy").textContent = "";
  }
  function show(view) {
    $("login").hidden = true;
    $("must-change").hidden = true;
    if (view !== "accounts") hideTemporary();
    ["top-actions", "views", "who"].forEach(function (id) { $(id).hidden = false; });
    $("case-id-box").hidden = view !== "case";
    Object.keys(VIEWS).forEach(function (v) { $(VIEWS[v]).hidden = v !== view; });
    Array.prototype.forEach.call(document.querySelectorAll("#views a"), function (a) {
      if (a.getAttribute("data-view") === view) a.setAttribute("aria-current", "page"); else a.removeAttribute("aria-current");
    });
    $("nav-case").setAttribute("href", caseId ? "#" + caseId : "#");
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
    // A line of the simulated collector in a practice call: marked, so no one takes it for the bot's advice.
    var collector = sender === "bot" && msg.custom && msg.custom.collector;
    var li = el("li", { className: "msg " + sender + (msg.notice ? " notice" : "") + (collector ? " collector" : "") });
    if (collector) li.appendChild(el("span", { className: "collector-tag" }, "模拟催收（练习，不是真的催收）"));
    else li.appendChild(el("span", { className: "sr-only" }, sender === "user" ? "坐席：" : "助手："));
    var text = msg.text || "";
    if (sender === "bot" && msg.custom && msg.custom.downloads) text = text.split("\n")[0] + "\n（文件见右侧「待办与证据记录」）";
    var m = sender === "bot" ? DRAFT_RE.exec(text) : null;
    var where = msg.custom && msg.custom.draft && /^letter_/.test(msg.custom.draft.kind || "") ? "信件" : "最新草稿";
    li.appendChild(el("div", { className: "bubble" }, m ? "【" + m[1] + "】（见右侧「" + where + "」）\n" + text.slice(m[0].length, m[0].length + 120) + (text.length > m[0].length + 120 ? "…" : "") : text));
    if (sender === "user" && msg.reading) showReading(li, text, msg.reading);
    $("log").appendChild(li);
    $("log").scrollTop = $("log").scrollHeight;
    return li;
  }

  // Under each note: the words the facts were read from (marked), the facts taken, and what could not be placed.
  function showReading(li, text, reading) {
    var bubble = li.querySelector(".bubble");
    var marks = (reading.marks || []).filter(function (mk) { return mk.end <= text.length; });
    if (bubble && marks.length) {
      bubble.textContent = "";
      var at = 0;
      marks.forEach(function (mk) {
        if (mk.start < at) return;
        if (mk.start > at) bubble.appendChild(document.createTextNode(text.slice(at, mk.start)));
        // the label is in the title (the list below the note says the same for screen readers): the note's
        // words stay one text, as they were written
        bubble.appendChild(el("mark", { title: "读作：" + mk.label }, text.slice(mk.start, mk.end)));
        at = mk.end;
      });
      if (at < text.length) bubble.appendChild(document.createTextNode(text.slice(at)));
    }
    var old = li.querySelector(".reading");
    if (old) li.removeChild(old);
    var box = el("div", { className: "reading" });
    var facts = (reading.facts || []).filter(function (f) { return f.slot !== "lender_type"; });
    box.appendChild(el("p", { className: "read-facts" }, facts.length ? "读到：" + facts.map(function (f) { return f.label + " " + f.shown; }).join("；") : "这句没有读到案情。"));
    if ((reading.unread || []).length) {
      box.appendChild(el("p", { className: "read-missed" }, "没读出：" + reading.unread.map(function (u) { return "「" + u + "」"; }).join("") + "。如有案情，请在右侧「案情要点」里点「改」补上。"));
    }
    li.appendChild(box);
  }

  function money(v) { return Math.round(v).toLocaleString("zh-CN") + " 元"; }
  function fact(dl, label, value, slot) {
    var unknown = value === null || value === undefined || value === "";
    dl.appendChild(el("dt", null, label));
    var dd = el("dd", unknown ? { className: "unknown" } : null);
    var edit = slot && current && current.edits ? current.edits[slot] : null;
    if (edit) {  // corrected by an adviser: the change stays visible
      dd.appendChild(el("del", { className: "was" }, edit.before));
      dd.appendChild(document.createTextNode(" → "));
    }
    dd.appendChild(el("span", { className: "value" }, unknown ? "未知" : value));
    if (edit) dd.appendChild(el("span", { className: "edited-by" }, "（" + edit.name + "改）"));
    if (slot && FACT_LABELS[slot]) {
      // named by its text (改 + the fact, the fact for screen readers only), not aria-label: the fact's name is
      // no label of a field
      var b = el("button", { type: "button", className: "edit small" }, "改");
      b.appendChild(el("span", { className: "sr-only" }, "「" + label + "」"));
      b.addEventListener("click", function () { openEditor(dd, slot); });
      dd.appendChild(b);
    }
    dl.appendChild(dd);
  }

  // ---------- correcting a fact in place ----------
  function editorField(slot, value) {
    var field;
    if (slot === "hardship_reason") {
      field = el("select");
      fillSelect(field, [["", "未知"]].concat(HARDSHIPS.map(function (h) { return [h, h]; })), value || "");
    } else if (slot === "requested_plan") {
      field = el("select");
      fillSelect(field, [["", "未明确"]].concat(Object.keys(PLANS).map(function (k) { return [k, PLANS[k]]; })), value || "");
    } else if (slot === "threat_types") {
      field = el("fieldset", { className: "threat-pick" });
      field.appendChild(el("legend", { className: "sr-only" }, "催收方式"));
      Object.keys(THREATS).forEach(function (k) {
        var label = el("label");
        var box = el("input", { type: "checkbox", value: k });
        if ((value || []).indexOf(k) >= 0) box.checked = true;
        label.appendChild(box); label.appendChild(document.createTextNode(THREATS[k]));
        field.appendChild(label);
      });
    } else {
      field = el("input", { type: "text", autocomplete: "off", spellcheck: "false" });
      if (!(slot in MONEY) && slot !== "lender") field.setAttribute("inputmode", "numeric");
      else if (slot in MONEY) field.setAttribute("inputmode", "decimal");
      field.value = value === null || value === undefined ? "" : (typeof value === "number" ? String(Math.round(value * 100) / 100) : value);
    }
    field.className = (field.className ? field.className + " " : "") + "edit-field";
    return field;
  }
  function fieldValue(slot, field) {
    if (slot === "threat_types") {
      return Array.prototype.filter.call(field.querySelectorAll("input"), function (i) { return i.checked; }).map(function (i) { return i.value; });
    }
    return field.value.trim() === "" ? null : field.value.trim();
  }
  function openEditor(dd, slot) {
    var id = caseId, label = FACT_LABELS[slot];
    var form = el("form", { className: "fact-editor", "aria-label": "改「" + label + "」" });
    var field = editorField(slot, current ? current[slot] : null);
    if (field.tagName !== "FIELDSET") field.setAttribute("aria-label", label + (slot in MONEY ? "（元）" : ""));
    form.appendChild(field);
    if (slot in MONEY) form.appendChild(el("span", { className: "unit" }, "元"));
    var save = el("button", { type: "submit", className: "small" }, "保存");
    var cancel = el("button", { type: "button", className: "small secondary" }, "取消");
    var error = el("p", { className: "error", role: "status" });
    form.appendChild(save); form.appendChild(cancel); form.appendChild(error);
    dd.textContent = ""; dd.className = ""; dd.appendChild(form);
    cancel.addEventListener("click", function () { renderCase(current); });
    form.addEventListener("submit", function (e) {
      e.preventDefault();
      save.disabled = true;
      api("PATCH", "case/" + encodeURIComponent(id) + "/facts", { slot: slot, value: fieldValue(slot, field) }).then(function (data) {
        if (id !== caseId) return;
        var edit = data.case && data.case.edits ? data.case.edits[slot] : null;
        $("announcer").textContent = edit ? "已改：" + edit.label + " " + edit.before + " → " + edit.after : "没有改动";
        if (edit) renderMessage({ text: edit.name + " 改了 " + edit.label + "：" + edit.before + " → " + edit.after, notice: true }, "bot");
        renderCase(data.case);
        if (data.workspace) renderWork(data.workspace, data.case);
        refreshChecklist();
      }).catch(function (err) {
        if (signedOut(err)) return;
        save.disabled = false;
        error.textContent = err.message;
      });
    });
    if (field.focus) (field.querySelector && field.querySelector("input") || field).focus();
  }

  function redraft(button) {
    var id = caseId;
    button.disabled = true;
    $("typing").hidden = false;
    api("POST", "case/" + encodeURIComponent(id) + "/redraft").then(function (data) {
      if (id !== caseId) return;
      (data.replies || []).forEach(function (r) { renderMessage(r, "bot"); });
      if (data.case) renderCase(data.case);
      $("announcer").textContent = "草稿已按新情况重写";
    }).catch(function (err) {
      if (signedOut(err)) return;
      button.disabled = false;
      $("stale-error").textContent = "没能重写：" + err.message;
    }).then(function () { $("typing").hidden = true; });
  }

  // A file for the adviser only (the staff pack) or one letter: sent in the answer itself, never as a link.
  function downloadHere(body, button) {
    var id = caseId, t = token();
    button.disabled = true;
    fetch(API + "case/" + encodeURIComponent(id) + "/export", { method: "POST", cache: "no-store",
      headers: { "Content-Type": "application/json", Authorization: "Bearer " + t }, body: JSON.stringify(body) })
      .then(function (res) {
        if (!res.ok) return res.json().catch(function () { return {}; }).then(function (d) { var e = new Error(d.error || ("请求失败（" + res.status + "）")); e.status = res.status; throw e; });
        var name = /filename="([^"]+)"/.exec(res.headers.get("Content-Disposition") || "");
        return res.blob().then(function (blob) {
          var url = URL.createObjectURL(blob);
          var a = el("a", { href: url, download: name ? name[1] : "file.docx" });
          document.body.appendChild(a); a.click(); document.body.removeChild(a);
          setTimeout(function () { URL.revokeObjectURL(url); }, 10000);
          $("announcer").textContent = "已下载";
        });
      }).catch(function (err) {
        if (!signedOut(err)) $("announcer").textContent = "下载失败：" + err.message;
      }).then(function () { button.disabled = false; });
  }

  var FILES = { "drafts.docx": "下载 Word 文档", "drafts.pdf": "下载 PDF", "schedule.ics": "下载还款日历（.ics）" };
  function exportFile(name, button) {
    // Through the API, so the download is in the audit log under the adviser's name; then the signed link.
    var id = caseId;
    button.disabled = true;
    api("POST", "case/" + encodeURIComponent(id) + "/export", { name: name }).then(function (data) {
      if (!/^\/webhooks\/files\/download\//.test(data.url)) throw new Error("链接不正确");
      var a = el("a", { href: data.url, download: "", rel: "noopener noreferrer" });
      document.body.appendChild(a); a.click(); document.body.removeChild(a);
    }).catch(function (err) {
      if (!signedOut(err)) $("announcer").textContent = "下载失败：" + err.message;
    }).then(function () { button.disabled = false; });
  }

  function renderCase(c) {
    c = c || {};
    current = c;
    var dl = $("facts"); dl.textContent = "";
    var debts = (c.debts || []).filter(function (d) { return d && d.lender; });
    if (debts.length > 1) {  // several debts: the list, each lender with its amount
      fact(dl, "欠款（" + debts.length + " 家）", debts.map(function (d) {
        return d.lender + " " + (d.amount != null ? money(d.amount) : "金额未知");
      }).join("；"));
      fact(dl, "合计", c.debt_amount != null ? money(c.debt_amount) : null);
    } else {
      fact(dl, "机构", c.lender ? c.lender + (LENDER_TYPES[c.lender_type] ? "（" + LENDER_TYPES[c.lender_type] + "）" : "") : null, "lender");
      fact(dl, "欠款金额", c.debt_amount != null ? money(c.debt_amount) : null, "debt_amount");
    }
    fact(dl, "逾期", c.overdue_days != null ? Math.round(c.overdue_days) + " 天" : null, "overdue_days");
    fact(dl, "月收入", c.monthly_income != null ? money(c.monthly_income) : null, "monthly_income");
    fact(dl, "每月可还", c.affordable_monthly != null ? money(c.affordable_monthly) : null, "affordable_monthly");
    fact(dl, "困难原因", c.hardship_reason, "hardship_reason");
    fact(dl, "申请方案", PLANS[c.requested_plan] || c.requested_plan, "requested_plan");
    fact(dl, "催收方式", (c.threat_types || []).map(function (t) { return THREATS[t] || t; }).join("、") || null, "threat_types");

    var outs = $("outcomes"); outs.textContent = "";
    (c.outcomes || []).forEach(function (o) {
      var li = el("li", { "data-status": o.status });
      li.appendChild(el("strong", null, o.lender));
      li.appendChild(el("span", { className: "status-tag" }, o.label));
      if (o.since) li.appendChild(el("span", { className: "note-meta" }, o.since));
      if (o.offer) li.appendChild(el("span", { className: "outcome-detail" }, "对方提出：" + o.offer));
      if (o.terms) li.appendChild(el("span", { className: "outcome-detail" }, "我方方案：" + o.terms));
      outs.appendChild(li);
    });
    if (!outs.childNodes.length) outs.appendChild(el("li", { className: "muted" }, "还没有机构的答复：借款人说了机构怎么答复后，这里按机构列出进展"));

    var threats = $("threats"); threats.textContent = "";
    (c.threat_types || []).forEach(function (t) { threats.appendChild(el("li", null, THREATS[t] || t)); });
    if (!threats.childNodes.length) threats.appendChild(el("li", { className: "muted" }, "暂未提到（可在「案情要点」里改）"));

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
    var state = c.drafts_state || {}, stale = !!(drafts && state.stale);
    var banner = $("stale"); banner.hidden = !stale;
    $("stale-error").textContent = "";
    if (stale) {
      $("stale-text").textContent = "这些草稿写于改动之前（" + (state.changes || []).map(function (e) {
        return e.label + "：" + e.before + " → " + e.after; }).join("；") + "），已过时。";
      $("redraft").disabled = false;
    }
    var box = $("drafts"); box.textContent = "";
    (drafts && drafts.parts || []).forEach(function (p) {
      if (p.kind === "risk_flags") return;
      var card = el("article", { className: "draft" + (stale ? " stale" : ""), "data-kind": p.kind, "aria-label": p.title + (stale ? "（已过时）" : "") });
      var head = el("div", { className: "draft-head" });
      head.appendChild(el("h4", null, p.title));
      if (stale) head.appendChild(el("span", { className: "badge" }, "已过时"));
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
      if (!FILES[d.name]) return;
      var item = el("li");
      var b = el("button", { type: "button", className: "link" }, FILES[d.name] + (d.name === "schedule.ics" ? "" : "（给借款人）"));
      b.addEventListener("click", function () { exportFile(d.name, b); });
      item.appendChild(b);
      files.appendChild(item);
    });
    if (drafts) {
      var packItem = el("li");
      var pack = el("button", { type: "button", className: "link", id: "staff-pack" }, "下载坐席材料（内部用，含个案摘要和风险提示）");
      pack.addEventListener("click", function () { downloadHere({ name: "staff-pack.docx" }, pack); });
      packItem.appendChild(pack);
      files.appendChild(packItem);
    }

    var letters = $("letters"); letters.textContent = "";
    var sent = c.latest_letters && c.latest_letters.letters || [];
    sent.forEach(function (l) {
      var card = el("article", { className: "draft letter", "data-kind": "letter_" + l.kind, "aria-label": l.title });
      var head = el("div", { className: "draft-head" });
      head.appendChild(el("h4", null, l.title));
      head.appendChild(copyButton(l.title, l.text));
      var dl = el("button", { type: "button", className: "copy", "aria-label": "下载「" + l.title + "」（Word）" }, "下载");
      dl.addEventListener("click", function () { downloadHere({ name: "letter.docx", kind: l.kind }, dl); });
      head.appendChild(dl);
      card.appendChild(head);
      card.appendChild(el("div", { className: "draft-body", tabindex: "0" }, l.text));
      letters.appendChild(card);
    });
    $("letters-section").hidden = !sent.length;
    if ($("region").options.length) regionView();

    var next = $("next"); next.textContent = "";
    (drafts && drafts.next_questions || []).forEach(function (q) { next.appendChild(el("li", null, q)); });
    if (!next.childNodes.length) next.appendChild(el("li", { className: "muted" }, "暂无"));
  }

  // ---------- live-call help: checklist, lines to relay, timer, wrap-up ----------
  function renderChecklist(items) {
    var list = $("checklist"); list.textContent = "";
    (items || []).forEach(function (item) {
      var li = el("li", { className: item.done ? "done" : "open", "data-key": item.key });
      li.appendChild(el("span", { className: "tick", "aria-hidden": "true" }, item.done ? "✓" : "○"));
      li.appendChild(el("span", { className: "sr-only" }, item.done ? "已问清：" : "还没问清："));
      li.appendChild(el("span", { className: "check-label" }, item.label));
      li.appendChild(el("span", { className: item.done ? "check-value" : "check-ask" }, item.done ? item.value : item.ask));
      list.appendChild(li);
    });
    if (!list.childNodes.length) list.appendChild(el("li", { className: "muted" }, "先在左侧记下来电人的情况，这里列出还要问清的事。"));
  }
  function refreshChecklist() {
    var id = caseId;
    if (!id || store("session", KEY_FRESH) === id) { renderChecklist([]); return Promise.resolve(); }
    return api("GET", "case/" + encodeURIComponent(id) + "/checklist").then(function (data) {
      if (id === caseId) renderChecklist(data.checklist);
    }).catch(function (err) { if (!signedOut(err) && id === caseId) renderChecklist([]); });
  }
  // The collection methods the collector's words show and the case does not hold yet: one click adds them to the
  // facts (a correction like 「改」: audited, never the borrower's words), and the checklist is answered.
  function addThreats(kinds, button) {
    var id = caseId, have = (current && current.threat_types) || [];
    button.disabled = true;
    api("PATCH", "case/" + encodeURIComponent(id) + "/facts", { slot: "threat_types", value: have.concat(kinds) }).then(function (data) {
      if (id !== caseId) return;
      var edit = data.case && data.case.edits ? data.case.edits.threat_types : null;
      if (edit) renderMessage({ text: edit.name + " 改了 " + edit.label + "：" + edit.before + " → " + edit.after, notice: true }, "bot");
      renderCase(data.case);
      if (data.workspace) renderWork(data.workspace, data.case);
      if (button.parentNode) button.parentNode.removeChild(button);
      $("announcer").textContent = "已记入催收方式";
      refreshChecklist();
    }).catch(function (err) {
      if (signedOut(err)) return;
      button.disabled = false;
      $("said-error").textContent = err.message;
    });
  }
  function renderSuggestions(data) {
    var box = $("suggestions"); box.textContent = "";
    if ((data.new_threats || []).length) {
      var kinds = data.new_threats;
      var add = el("button", { type: "button", className: "small plain", id: "add-threats" },
        "把「" + kinds.map(function (k) { return THREATS[k] || k; }).join("、") + "」记入催收方式");
      add.addEventListener("click", function () { addThreats(kinds, add); });
      box.appendChild(add);
    }
    if (!data.suggestions.length) {
      box.appendChild(el("p", { className: "hint" }, "这句话里没有读到需要专门应对的说法（今天必须还、上门、找家人、起诉、先还一部分、借新还旧、转个人账户……）。"));
      return;
    }
    data.suggestions.forEach(function (sg) {
      var card = el("article", { className: "suggestion", "data-kind": sg.kind, "aria-label": sg.label });
      card.appendChild(el("h5", null, "催收" + sg.label));
      card.appendChild(el("p", { className: "relay" }, data.relay));
      var row = el("div", { className: "say-row" });
      row.appendChild(el("p", { className: "say" }, "「" + sg.say + "」"));
      row.appendChild(copyButton(sg.label, sg.say));
      card.appendChild(row);
      if (sg.why.length) {
        var why = el("ul", { className: "why", "aria-label": "依据（给坐席看）" });
        sg.why.forEach(function (w) { why.appendChild(el("li", null, w)); });
        card.appendChild(why);
      }
      box.appendChild(card);
    });
  }
  var timer = { since: null, total: 0, handle: null };
  function callSeconds() { return timer.total + (timer.since ? Math.floor((Date.now() - timer.since) / 1000) : 0); }
  function showTime() {
    var t = callSeconds(), m = Math.floor(t / 60), sec = t % 60;
    $("call-time").textContent = (m < 10 ? "0" : "") + m + ":" + (sec < 10 ? "0" : "") + sec;
  }
  function stopTimer() {
    if (timer.since) { timer.total = callSeconds(); timer.since = null; }
    if (timer.handle) { clearInterval(timer.handle); timer.handle = null; }
    $("call-toggle").textContent = "开始计时"; $("call-toggle").setAttribute("aria-pressed", "false");
    showTime();
  }
  function resetTimer() { stopTimer(); timer.total = 0; showTime(); }
  function renderWrapups(items) {
    var list = $("wrapups"); list.textContent = "";
    (items || []).forEach(function (w) {
      var li = el("li", { className: "wrapup" });
      li.appendChild(el("span", { className: "note-meta" }, w.time + " " + w.name + " 保存"));
      li.appendChild(el("div", { className: "wrapup-text" }, w.summary));
      list.appendChild(li);
    });
  }

  function renderNotes(notes) {
    var list = $("notes"); list.textContent = "";
    (notes || []).forEach(function (n) {
      var li = el("li");
      li.appendChild(el("span", { className: "note-meta" }, n.time + " " + n.name + "："));
      li.appendChild(el("span", null, n.text));
      list.appendChild(li);
    });
    if (!list.childNodes.length) list.appendChild(el("li", { className: "muted" }, "暂无备注"));
  }
  function addNote(note) {
    var list = $("notes");
    var muted = list.querySelector(".muted");
    if (muted) list.removeChild(muted);
    var li = el("li");
    li.appendChild(el("span", { className: "note-meta" }, note.time + " " + note.name + "："));
    li.appendChild(el("span", null, note.text));
    list.appendChild(li);
  }

  function fillSelect(select, options, chosen) {
    select.textContent = "";
    options.forEach(function (o) {
      var opt = el("option", { value: o[0] }, o[1]);
      if (o[0] === chosen) opt.selected = true;
      select.appendChild(opt);
    });
  }
  // The caller's region: the adviser's choice (kept on the case) beside the bot's own reading of the notes.
  function regionView() {
    var w = work, c = current || {};
    var script = w && w.region_set ? c.script || { mainland: "simplified", hk: "hk", tw: "tw" }[w.region] : "";
    fillSelect($("region"), [["", "未设定（按助手判断）"]].concat(Object.keys(SCRIPTS).map(function (k) { return [k, SCRIPTS[k]]; })), script);
    $("region").disabled = !w;
    var guess = c.suggested_script;
    $("region-hint").textContent = (guess ? "助手判断：" + (SCRIPTS[guess] || guess) + "（按所写的字和提到的地点）。" : "助手还没有判断。") +
      (script ? "已由坐席设定，按" + (SCRIPTS[script] || "") + "的规则回答。" : "来电人在台湾或香港、而您用简体记录时，请在这里设定。");
  }
  function renderWork(w, c) {
    w = w || null;
    if (c) current = c;
    work = w;
    regionView();
    $("holder").textContent = w ? "负责坐席：" + (w.assignee ? w.assignee.name : "暂无") +
      (w.created_by ? "；" + w.created + " 由" + w.created_by.name + "接线" : "") : "新个案：发出第一条消息后由您负责。";
    fillSelect($("status"), Object.keys(STATUSES).map(function (k) { return [k, STATUSES[k]]; }), w ? w.status : "open");
    $("status").disabled = !w;
    var others = colleagues.filter(function (c) { return c.role !== "operator" && c.active !== false && (!w || !w.assignee || c.login !== w.assignee.login); });
    fillSelect($("assignee"), others.map(function (c) { return [c.login, c.name + "（" + (ROLES[c.role] || c.role) + "）"]; }));
    $("assign-form").hidden = !w || !others.length;
    $("work-message").textContent = "";
  }

  function openCase(id, fresh) {
    caseId = id;
    store("session", KEY_CASE, id);
    if (fresh) store("session", KEY_FRESH, id);
    $("case-id").textContent = id;
    $("case-error").textContent = "";
    if (location.hash !== "#" + id) history.replaceState(null, "", "#" + id);
    show("case");
    $("log").textContent = "";
    resetTimer();
    $("suggestions").textContent = ""; $("said-error").textContent = ""; $("wrapup-error").textContent = "";
    $("wrapup-form").reset();
    renderWrapups([]);
    if (fresh) { renderCase(null); renderNotes([]); renderWork(null); renderChecklist([]); return Promise.resolve(); }
    return api("GET", "case/" + encodeURIComponent(id)).then(function (data) {
      (data.messages || []).forEach(function (m) { renderMessage(m, m.sender === "user" ? "user" : "bot"); });
      renderCase(data.case);
      renderNotes(data.notes);
      renderWork(data.workspace, data.case);
      renderWrapups(data.wrapups);
      return refreshChecklist();
    }).catch(function (err) {
      if (signedOut(err)) return;
      if (err.status === 404 && store("session", KEY_FRESH) === id) {  // a new case, still blank: no error
        renderCase(null); renderNotes([]); renderWork(null); return;
      }
      renderCase(null); renderNotes([]); renderWork(null);
      $("case-error").textContent = err.message;
    });
  }
  function newCase() { openCase(newCaseId(), true); $("input").focus(); }

  // ---------- the case list ----------
  function caseItem(c) {
    var li = el("li", { className: "case-item" + (c.crisis ? " crisis-case" : "") });
    var a = el("a", { href: "#" + c.conversation_id, className: "case-link" }, c.lender || "（机构未知）");
    li.appendChild(a);
    li.appendChild(el("span", { className: "case-meta" }, [c.status_label, c.region_label,
      "负责：" + (c.assignee ? c.assignee.name : "暂无"), "更新 " + c.updated].concat(c.callback ? ["回访 " + c.callback] : []).join(" · ")));
    if (c.crisis) li.appendChild(el("span", { className: "badge" }, "危机"));
    li.appendChild(el("code", { className: "case-code" }, c.conversation_id));
    return li;
  }
  function searchCases() {
    var form = $("search-form"), q = [];
    ["from", "to", "adviser", "lender", "status", "region", "callback"].forEach(function (k) {
      var v = form.elements[k].value.trim();
      if (v) q.push(k + "=" + encodeURIComponent(v));
    });
    if ($("f-mine").checked) q.push("mine=1");
    $("cases-count").textContent = "正在查找…";
    return api("GET", "cases" + (q.length ? "?" + q.join("&") : "")).then(function (data) {
      var list = $("case-list"); list.textContent = "";
      data.cases.forEach(function (c) { list.appendChild(caseItem(c)); });
      $("cases-count").textContent = data.cases.length ? "找到 " + data.cases.length + " 个个案（点击打开；按住 Ctrl 点击在新标签页打开）。" : "没有符合条件的个案。";
    }).catch(function (err) { if (!signedOut(err)) $("cases-count").textContent = "查找失败：" + err.message; });
  }
  function showCases() {
    show("cases");
    return searchCases();
  }

  // ---------- supervisors: audit log and accounts ----------
  function showAudit() {
    show("audit");
    $("audit-error").textContent = "";
    var body = $("audit-table").tBodies[0]; body.textContent = "";
    return api("GET", "audit").then(function (data) {
      data.entries.forEach(function (e) {
        var tr = el("tr");
        var when = e.local_time || (e.time || "").replace("T", " ").replace("Z", " UTC");
        [when, e.staff + "（" + (ROLES[e.role] || e.role || "") + "）", (ACTIONS[e.action] || e.action) + (e.detail ? "：" + e.detail : ""), e["case"] || "", e.address || ""]
          .forEach(function (v) { tr.appendChild(el("td", null, v)); });
        body.appendChild(tr);
      });
      if (!data.entries.length) $("audit-error").textContent = "日志里还没有记录。";
    }).catch(function (err) { if (!signedOut(err)) $("audit-error").textContent = err.message; });
  }
  function accountAction(a, path, question, then) {
    if (question && !window.confirm(question)) return;
    $("account-message").textContent = "";
    api("POST", "accounts/" + encodeURIComponent(a.login) + "/" + path).then(function (data) {
      if (then) then(data);
      return showAccounts();
    }).catch(function (err) { if (!signedOut(err)) $("account-message").textContent = err.message; });
  }
  function showTemporary(data) {
    $("temp-text").textContent = data.name + "（" + data.login + "）的临时密码：";
    $("temp-password").textContent = data.temporary_password;
    $("temp-copy").textContent = "";
    $("temp-copy").appendChild(copyButton("临时密码", data.temporary_password));
    $("temp-box").hidden = false;
  }
  function accountButtons(li, a) {
    var mine = me && a.login === me.login;
    if (me.role === "supervisor" && !mine) {
      var toggle = el("button", { type: "button", className: "small plain" }, a.active === false ? "启用" : "停用");
      toggle.setAttribute("aria-label", (a.active === false ? "启用 " : "停用 ") + a.name + "（" + a.login + "）");
      toggle.addEventListener("click", function () {
        if (a.active === false) accountAction(a, "reactivate", null, function () { $("account-message").textContent = "已启用：" + a.name + "。原来的密码仍然有效。"; });
        else accountAction(a, "deactivate", "停用 " + a.name + " 的账号？正在用的登录会立即退出，之后不能再登录；负责的个案保留，可由主管转交。",
          function () { $("account-message").textContent = "已停用：" + a.name + "。负责的个案仍在，请在个案里转交给其他同事。"; });
      });
      li.appendChild(toggle);
    }
    if (!mine && a.active !== false && (me.role === "supervisor" || (me.role === "operator" && a.role === "supervisor"))) {
      var reset = el("button", { type: "button", className: "small plain" }, "重置密码");
      reset.setAttribute("aria-label", "重置 " + a.name + "（" + a.login + "）的密码");
      reset.addEventListener("click", function () {
        accountAction(a, "reset", "为 " + a.name + " 重置密码？正在用的登录会立即退出，要用临时密码重新登录并设新密码。", showTemporary);
      });
      li.appendChild(reset);
    }
  }
  function showAccounts() {
    show("accounts");
    var admin = me && (me.role === "supervisor" || me.role === "operator");
    $("accounts-admin").hidden = !admin;
    $("password-section").hidden = !me || me.role === "operator";  // the operator's token has no password
    $("p-login").value = me ? me.login : "";
    if (!admin) return Promise.resolve();
    return loadColleagues().then(function () {
      var list = $("account-list"); list.textContent = "";
      colleagues.forEach(function (a) {
        var li = el("li", a.active === false ? { className: "inactive" } : null);
        li.appendChild(el("span", null, a.name + "（" + a.login + "，" + (ROLES[a.role] || a.role) + "）"));
        if (a.active === false) li.appendChild(el("span", { className: "badge muted" }, "已停用"));
        if (a.must_change) li.appendChild(el("span", { className: "badge muted" }, "待设新密码"));
        if (a.locked_minutes) {
          li.appendChild(el("span", { className: "badge" }, "已锁定，约 " + a.locked_minutes + " 分钟后自动解锁"));
          var b = el("button", { type: "button", className: "small" }, "解锁");
          b.addEventListener("click", function () {
            api("POST", "accounts/" + encodeURIComponent(a.login) + "/unlock").then(showAccounts)
              .catch(function (err) { if (!signedOut(err)) $("account-message").textContent = err.message; });
          });
          li.appendChild(b);
        }
        accountButtons(li, a);
        list.appendChild(li);
      });
    });
  }
  function loadColleagues() {
    return api("GET", "accounts").then(function (data) {
      colleagues = data.accounts || [];
      var pick = $("f-adviser"), chosen = pick.value;
      fillSelect(pick, [["", "全部"]].concat(colleagues.map(function (c) { return [c.login, c.name]; })), chosen);
    });
  }

  // ---------- routing: the address says what a tab shows ----------
  function route() {
    if (!me) return;
    var h = (location.hash || "").slice(1);
    if (h === "cases") return showCases();
    if (h === "audit") return showAudit();
    if (h === "accounts") return showAccounts();
    if (CASE_RE.test(h)) { if (h !== caseId || $("app").hidden) return openCase(h); return; }
    if (caseId) return openCase(caseId, store("session", KEY_FRESH) === caseId);
    var kept = store("session", KEY_CASE);
    if (kept && CASE_RE.test(kept)) return openCase(kept, store("session", KEY_FRESH) === kept);
    return newCase();
  }

  function start() {
    if (!token()) { showLogin("需要员工凭证：请用自己的坐席账号登录。"); return Promise.resolve(); }
    return api("GET", "check").then(function (who) {
      me = who;
      if (who.must_change) { showMustChange(); return null; }
      STATUSES = who.statuses || {}; REGIONS = who.regions || {};
      FACT_LABELS = who.fact_labels || {}; HARDSHIPS = who.hardship_reasons || []; SCRIPTS = who.scripts || {};
      $("who").textContent = who.name + " · " + (who.role_label || ROLES[who.role] || who.role);
      $("nav-audit").hidden = who.role !== "supervisor";
      $("nav-accounts").hidden = false;  // everyone changes their own password there; supervisors manage accounts
      fillSelect($("f-status"), [["", "全部"]].concat(Object.keys(STATUSES).map(function (k) { return [k, STATUSES[k]]; })));
      fillSelect($("f-region"), [["", "全部"]].concat(Object.keys(REGIONS).map(function (k) { return [k, REGIONS[k]]; })));
      $("a-role").disabled = who.role === "operator";  // the operator's token makes supervisors only
      if (who.role === "operator") $("a-role").value = "supervisor";
      return Promise.all([api("GET", "labels"), loadColleagues()]);
    }).then(function (got) {
      if (!got) return;
      var labels = got[0];
      LENDER_TYPES = labels.lender_kinds || {};
      THREATS = labels.threat_kinds || {};
      PLANS = labels.plan_kinds || {};
      return Promise.resolve(route()).then(function () { if (!$("app").hidden) $("input").focus(); });
    }).catch(function (err) {
      if (!signedOut(err)) showLogin("无法连接服务器：" + err.message);
    });
  }

  function send(text) {
    text = (text || "").trim();
    if (!text) return;
    var id = caseId;
    var mine = renderMessage({ text: text }, "user");
    $("typing").hidden = false;
    $("send").disabled = true;
    api("POST", "message", { conversation_id: id, message: text }).then(function (data) {
      if (id !== caseId) return;
      if (data.reading) showReading(mine, data.text || text, data.reading);
      (data.notes || []).forEach(function (n) { renderMessage({ text: n, notice: true }, "bot"); });
      (data.replies || []).forEach(function (r) { renderMessage(data.note ? { text: r.text, notice: true } : r, "bot"); });
      if (data.note) addNote(data.note);
      if (data.case) renderCase(data.case);
      if (store("session", KEY_FRESH) === id) {  // registered now: show who has it
        store("session", KEY_FRESH, null);
        api("GET", "case/" + encodeURIComponent(id)).then(function (d) { if (id === caseId) renderWork(d.workspace, d.case); }).catch(function () {});
      }
      if (data.case) refreshChecklist();
    }).catch(function (err) {
      if (signedOut(err)) return;
      renderMessage({ text: "发送失败：" + err.message, notice: true }, "bot");
    }).then(function () {
      $("typing").hidden = true;
      $("send").disabled = false;
    });
  }

  $("signin-form").addEventListener("submit", function (e) {
    e.preventDefault();
    var login = $("login-name").value.trim(), password = $("password").value;
    $("password").value = "";
    $("auth-error").textContent = "";  // each answer is read afresh (the same words twice would look like no answer)
    operatorToken = null; store("session", KEY_TOKEN, null);
    api("POST", "session", { login: login, password: password }).then(function (data) {
      store("local", KEY_SESSION, data.token);
      $("auth-error").textContent = "";
      return start();
    }).catch(function (err) { showLogin(err.message); $("login-name").value = login; $("password").focus(); });
  });
  $("login-form").addEventListener("submit", function (e) {
    e.preventDefault();
    operatorToken = $("token").value.trim();
    store("session", KEY_TOKEN, operatorToken);
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
  $("note-form").addEventListener("submit", function (e) {
    e.preventDefault();
    var text = $("note-input").value.trim(), id = caseId;
    if (!text) return;
    api("POST", "case/" + encodeURIComponent(id) + "/notes", { text: text }).then(function (data) {
      $("note-input").value = "";
      if (id === caseId) addNote(data.note);
      $("announcer").textContent = "备注已保存";
    }).catch(function (err) {
      if (signedOut(err)) return;
      if (err.status === 404 && store("session", KEY_FRESH) === id) {
        $("work-message").textContent = "新个案还没有记录：先在左侧记下借款人的情况，再写备注。";
      } else $("work-message").textContent = "备注没有保存：" + err.message;
    });
  });
  $("assign-form").addEventListener("submit", function (e) {
    e.preventDefault();
    var to = $("assignee").value, id = caseId;
    if (!to) return;
    api("PATCH", "case/" + encodeURIComponent(id), { assignee: to }).then(function (data) {
      if (id !== caseId) return;
      renderWork(data.workspace);
      $("work-message").textContent = "已转交给" + data.workspace.assignee.name + "。";
    }).catch(function (err) { if (!signedOut(err)) $("work-message").textContent = err.message; });
  });
  $("status").addEventListener("change", function () {
    var id = caseId, status = $("status").value;
    api("PATCH", "case/" + encodeURIComponent(id), { status: status }).then(function (data) {
      if (id !== caseId) return;
      renderWork(data.workspace);
      $("work-message").textContent = "状态已改为「" + data.workspace.status_label + "」。";
    }).catch(function (err) { if (!signedOut(err)) $("work-message").textContent = err.message; });
  });
  $("region").addEventListener("change", function () {
    var id = caseId, script = $("region").value;
    if (!script) return;
    api("PUT", "case/" + encodeURIComponent(id) + "/region", { script: script }).then(function (data) {
      if (id !== caseId) return;
      var edit = data.case && data.case.edits ? data.case.edits.script : null;
      if (edit) renderMessage({ text: edit.name + " 改了 地区：" + edit.before + " → " + edit.after, notice: true }, "bot");
      renderCase(data.case);
      renderWork(data.workspace, data.case);
      refreshChecklist();
      $("work-message").textContent = "地区已设为" + (SCRIPTS[script] || script) + "：之后的回答按这里的规则。";
    }).catch(function (err) { if (!signedOut(err)) $("work-message").textContent = err.message; });
  });
  $("redraft").addEventListener("click", function () { redraft($("redraft")); });
  $("call-toggle").addEventListener("click", function () {
    if (timer.since) { stopTimer(); return; }
    timer.since = Date.now();
    timer.handle = setInterval(showTime, 1000);
    $("call-toggle").textContent = "停止计时"; $("call-toggle").setAttribute("aria-pressed", "true");
    showTime();
  });
  $("rehearse").addEventListener("click", function () { send(REHEARSE); });
  $("said-form").addEventListener("submit", function (e) {
    e.preventDefault();
    var said = $("said-input").value.trim(), id = caseId;
    $("said-error").textContent = "";
    if (!said) { $("said-error").textContent = "请写下催收说了什么，例如「今天必须还」。"; return; }
    if (store("session", KEY_FRESH) === id) { $("said-error").textContent = "新个案还没有记录：先在左侧记下借款人的情况。"; return; }
    api("POST", "case/" + encodeURIComponent(id) + "/suggest", { said: said }).then(function (data) {
      if (id !== caseId) return;
      renderSuggestions(data);
      $("announcer").textContent = data.suggestions.length ? "找到 " + data.suggestions.length + " 条应对建议" : "没有读到需要专门应对的说法";
    }).catch(function (err) { if (!signedOut(err)) $("said-error").textContent = err.message; });
  });
  $("said-input").addEventListener("keydown", function (e) {
    if (e.key === "Enter" && !e.shiftKey && !e.isComposing) { e.preventDefault(); $("said-form").requestSubmit(); }
  });
  $("wrapup-form").addEventListener("submit", function (e) {
    e.preventDefault();
    var id = caseId;
    $("wrapup-error").textContent = "";
    if (store("session", KEY_FRESH) === id) { $("wrapup-error").textContent = "新个案还没有记录：先在左侧记下借款人的情况。"; return; }
    var body = { agreed: $("wrap-agreed").value.trim(), next_step: $("wrap-next").value.trim(),
      callback_date: $("wrap-callback").value || null, call_seconds: callSeconds() };
    api("POST", "case/" + encodeURIComponent(id) + "/wrapup", body).then(function (data) {
      if (id !== caseId) return;
      stopTimer();
      $("wrapup-form").reset();
      renderWrapups(data.wrapups);
      if (data.workspace) renderWork(data.workspace);
      $("announcer").textContent = "通话小结已保存";
    }).catch(function (err) { if (!signedOut(err)) $("wrapup-error").textContent = err.message; });
  });
  $("search-form").addEventListener("submit", function (e) { e.preventDefault(); searchCases(); });
  $("f-mine").addEventListener("change", searchCases);
  $("open-form").addEventListener("submit", function (e) {
    e.preventDefault();
    var id = $("open-id").value.trim();
    $("open-error").textContent = "";
    if (!CASE_RE.test(id)) { $("open-error").textContent = "编号应以 staff- 开头，例如 staff-3fa94c0b12d7e685。"; return; }
    api("GET", "case/" + encodeURIComponent(id)).then(function () {
      location.hash = "#" + id;
    }).catch(function (err) { if (!signedOut(err)) $("open-error").textContent = err.message; });
  });
  $("account-form").addEventListener("submit", function (e) {
    e.preventDefault();
    var body = { login: $("a-login").value.trim(), name: $("a-name").value.trim(), role: $("a-role").value,
      password: $("a-password").value };
    api("POST", "accounts", body).then(function (made) {
      $("account-form").reset();
      if (me && me.role === "operator") $("a-role").value = "supervisor";
      $("account-message").textContent = "已创建：" + made.name + "（" + made.login + "，" + (ROLES[made.role] || made.role) + "）。请把初始密码当面告诉本人。";
      return showAccounts();
    }).catch(function (err) { if (!signedOut(err)) $("account-message").textContent = err.message; });
  });
  $("temp-done").addEventListener("click", hideTemporary);
  $("password-form").addEventListener("submit", function (e) {
    e.preventDefault();
    var body = { old: $("p-old").value, "new": $("p-new").value };
    $("password-message").textContent = "";
    if (body["new"] !== $("p-again").value) { $("password-message").textContent = "两次输入的新密码不一样，请重新输入。"; return; }
    api("POST", "password", body).then(function () {
      $("password-form").reset();
      $("password-message").textContent = "密码已修改。其他电脑或浏览器上的登录已退出。";
    }).catch(function (err) { if (!signedOut(err)) $("password-message").textContent = err.message; });
  });
  $("must-form").addEventListener("submit", function (e) {
    e.preventDefault();
    var fresh = $("must-new").value;
    $("must-error").textContent = "";
    if (fresh !== $("must-again").value) { $("must-error").textContent = "两次输入的新密码不一样，请重新输入。"; return; }
    api("POST", "password", { "new": fresh }).then(function () {
      $("must-form").reset();
      return start();
    }).catch(function (err) {
      if (err.status === 401) { signedOut(err); return; }
      $("must-error").textContent = err.message;
    });
  });
  $("must-logout").addEventListener("click", function () { $("logout").click(); });
  $("new-case").addEventListener("click", newCase);
  $("logout").addEventListener("click", function () {
    var wasOperator = !!operatorToken;
    var done = function () {
      if (wasOperator) { operatorToken = null; store("session", KEY_TOKEN, null); } else store("local", KEY_SESSION, null);
      store("session", KEY_CASE, null); caseId = null;
      history.replaceState(null, "", location.pathname);
      showLogin("已退出。");
    };
    (wasOperator ? Promise.resolve() : api("DELETE", "session")).then(done, done);
  });
  window.addEventListener("hashchange", route);
  // Signed out or in from another tab: follow it (the session is one for the whole browser).
  window.addEventListener("storage", function (e) {
    if (e.key !== KEY_SESSION || operatorToken) return;
    if (!e.newValue) showLogin("已在另一个标签页退出。");
    else if (!me) start();
  });
  start();
})();
