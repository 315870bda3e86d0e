// xlate demo chat client: one WebSocket multiplexing every opened conversation.
// Security: all server and user data goes into the DOM through textContent/attributes only.
"use strict";

(() => {
  const config = JSON.parse(document.getElementById("client-config").textContent);
  const $ = (id) => document.getElementById(id);
  const ui = {
    list: $("conversation-list"), title: $("conversation-title"), typing: $("typing-line"),
    composer: $("composer"), input: $("message-input"), send: $("send-button"),
    toggle: $("translate-toggle"), language: $("translate-language"), status: $("connection-status"),
    error: $("error-line"), counter: $("char-count"),
  };
  const DEMO_LABEL = "offline demo translation — not a real translation";
  // Codes only a message.send can cause; the consumer answers frames in order, so such an
  // error belongs to the oldest send still waiting for its answer.
  const SEND_ERRORS = new Set(["rate_limited", "empty_message", "message_too_long", "client_id_reused"]);
  const TYPING_EVERY = 2000, TYPING_SHOWN = 3000, PING_EVERY = 25000, MAX_BACKOFF = 30000;

  const convs = new Map();   // conversation id -> state
  const outbox = new Map();  // client_id -> own message not yet final, in send order
  let active = null, ws = null, generation = 0, failures = 0, retryTimer = 0;
  let pingTimer = 0, awaitingPong = false, stopped = false, errorTimer = 0, openedAt = 0;

  // The only way this file builds DOM: text goes in through textContent, never as markup.
  function el(tag, className, text, props) {
    const node = Object.assign(document.createElement(tag), props);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  function newClientId() {
    if (crypto.randomUUID) return crypto.randomUUID();  // secure contexts only
    const bytes = crypto.getRandomValues(new Uint8Array(16));
    return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
  }

  function formatTime(iso) {
    const date = new Date(iso);
    return isNaN(date) ? "" : date.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
  }

  function languageName(code) {
    try { return new Intl.DisplayNames([navigator.language || "en"], { type: "language" }).of(code); }
    catch { return code; }
  }

  // --- conversation list and panes -------------------------------------------------------

  for (const c of config.conversations || []) {
    const title = c.title || `Conversation ${c.id}`;
    const button = el("button", "conversation", null, { type: "button" });
    const badge = el("span", "badge", null, { hidden: true });
    button.dataset.conversationId = String(c.id);
    button.append(el("span", "conversation-title", title), badge);
    button.addEventListener("click", () => openConversation(convs.get(c.id)));
    ui.list.appendChild(el("li")).append(button);
    const box = el("div", "messages");  // this conversation's message list, swapped into #messages
    box.setAttribute("role", "log");
    convs.set(c.id, {
      id: c.id, title, translate: !!c.translate, language: c.language, button, badge, box,
      byId: new Map(), typers: new Map(), opened: false, caughtUp: false, initialized: false,
      maxSeq: 0, resumeSeq: 0, lastFrameSeq: 0, unread: 0, lastTyping: 0,
    });
  }

  for (const code of config.languages || []) addLanguageOption(code);

  function addLanguageOption(code) {
    const name = languageName(code);
    ui.language.append(el("option", null, name && name !== code ? `${name} (${code})` : code, { value: code }));
  }

  function syncTranslationControls() {
    if (!active) return;
    ui.toggle.checked = active.translate;
    if (active.language && !Array.from(ui.language.options).some((o) => o.value === active.language)) {
      addLanguageOption(active.language);
    }
    if (active.language) ui.language.value = active.language;
  }

  function openConversation(conv) {
    if (!conv || conv === active) return;
    active = conv;
    for (const c of convs.values()) {
      c.button.classList.toggle("active", c === conv);
      c.button.setAttribute("aria-current", c === conv ? "true" : "false");
    }
    renderBadge(conv, 0);
    const current = $("messages");
    if (current !== conv.box) {
      current.removeAttribute("id");
      current.replaceWith(conv.box);
      conv.box.id = "messages";
    }
    ui.title.textContent = conv.title;
    for (const control of [ui.input, ui.send, ui.toggle, ui.language]) control.disabled = false;
    syncTranslationControls();
    renderTyping();
    updateComposer();
    if (!conv.opened) {
      conv.opened = true;
      subscribe(conv, conv.resumeSeq);
    }
    conv.box.scrollTop = conv.box.scrollHeight;
    history.replaceState(null, "", `#c${conv.id}`);
    ui.input.focus();
  }

  function renderBadge(conv, unread) {
    conv.unread = unread;
    conv.badge.hidden = conv.unread === 0;
    conv.badge.textContent = conv.unread > 99 ? "99+" : String(conv.unread);
    conv.badge.setAttribute("aria-label", `${conv.unread} unread`);
  }

  // --- messages ----------------------------------------------------------------------------

  const nearBottom = (box) => box.scrollHeight - box.scrollTop - box.clientHeight < 80;

  // Delivered messages sort by seq; a local bubble sorts just after the newest seq it followed.
  function place(conv, node) {
    const key = Number(node.dataset.sort);
    node.remove();
    let before = null;
    for (let child = conv.box.lastElementChild; child; child = child.previousElementSibling) {
      if (Number(child.dataset.sort) <= key) break;
      before = child;
    }
    conv.box.insertBefore(node, before);
  }

  function renderMessage(node, m) {
    const own = m.sender && m.sender.id === config.userId;
    const tr = !own && m.translation && m.translation.text ? m.translation : null;
    node.className = `message ${own ? "own" : "other"}${tr ? " translated" : ""}`;
    node.dataset.id = String(m.id);
    node.dataset.seq = String(m.seq);
    node.dataset.sort = String(m.seq);
    if (m.client_id) node.dataset.clientId = m.client_id;
    const meta = el("div", "meta");
    meta.append(el("span", "sender", own ? "You" : (m.sender && m.sender.username) || "unknown"));
    if (m.source_language) {
      const title = tr ? "original language → translation" : "original language";
      meta.append(el("span", "lang", tr ? `${m.source_language} → ${tr.language}` : m.source_language, { title }));
    }
    meta.append(el("time", null, formatTime(m.created_at), { dateTime: m.created_at || "" }));
    const parts = [meta];
    if (tr) parts.push(el("div", "translation", tr.text, { lang: tr.language || "" }));
    if (tr && tr.demo) parts.push(el("div", "demo-label", DEMO_LABEL));
    const waiting = !own && m.translation && m.translation.status !== "done" ? m.translation : null;
    if (waiting) {
      const note = waiting.status === "unavailable"
        ? "Translation unavailable right now; it will appear here when it arrives."
        : "Not translated: the sender's daily translation limit is reached.";
      parts.push(el("div", "translation-note", note));
    }
    parts.push(el("div", "original", m.text, { lang: m.source_language || "" }));
    node.replaceChildren(...parts);
  }

  function onMessage(m) {
    const conv = convs.get(m.conversation);
    if (!conv || typeof m.seq !== "number") return;
    // Every number counts, a rejected one's too: the resume point moves past it.
    conv.lastFrameSeq = m.seq;
    conv.maxSeq = Math.max(conv.maxSeq, m.seq);
    if (conv.caughtUp) conv.resumeSeq = Math.max(conv.resumeSeq, m.seq);
    if (m.status === "rejected") {
      // A moderator took the message back (or it was replayed as an empty stub): it leaves
      // every reader's screen.
      const gone = conv.byId.get(m.id);
      if (gone) gone.remove();
      conv.byId.delete(m.id);
      return;
    }
    const own = m.sender && m.sender.id === config.userId;
    const follow = conv === active && nearBottom(conv.box);
    let node = conv.byId.get(m.id);
    const known = Boolean(node);
    const entry = own && m.client_id ? outbox.get(m.client_id) : null;
    if (entry) outbox.delete(m.client_id);
    if (!node) node = entry && entry.conv === conv ? entry.node : el("div");
    conv.byId.set(m.id, node);
    renderMessage(node, m);
    if (!known) place(conv, node);
    if (!known && !own && conv.initialized && conv !== active) renderBadge(conv, conv.unread + 1);
    if (m.sender && conv.typers.has(m.sender.id)) {
      clearTimeout(conv.typers.get(m.sender.id).timer);
      conv.typers.delete(m.sender.id);
      renderTyping();
    }
    if (conv === active && (follow || (own && entry))) conv.box.scrollTop = conv.box.scrollHeight;
  }

  function setState(entry, state, text, retry) {
    entry.state = state;
    entry.sent = false;
    entry.node.classList.remove("pending", "held", "blocked", "failed");
    entry.node.classList.add(state);
    const line = entry.node.querySelector(".state") || entry.node.appendChild(el("div", "state"));
    line.replaceChildren(text);
    if (retry) {
      const button = el("button", "retry", "Retry", { type: "button" });
      button.addEventListener("click", () => { setState(entry, "pending", "sending…"); transmit(entry); });
      line.append(" ", button);
    }
  }

  function finish(entry, state, text) {
    setState(entry, state, text);
    outbox.delete(entry.clientId);
  }

  const reasonText = (reason) => (reason ? String(reason).replace(/_/g, " ") : "policy");

  function sendMessage() {
    const text = ui.input.value.trim();
    if (!active || !text) return;
    if (text.length > config.maxChars) return showError(`Messages are limited to ${config.maxChars} characters.`);
    const entry = { clientId: newClientId(), conv: active, text, state: "pending", node: el("div") };
    entry.node.className = "message own pending";
    entry.node.dataset.clientId = entry.clientId;
    entry.node.dataset.sort = String(active.maxSeq + 0.5);
    entry.node.append(el("div", "meta", "You"), el("div", "original", text), el("div", "state", "sending…"));
    outbox.set(entry.clientId, entry);
    place(active, entry.node);
    active.box.scrollTop = active.box.scrollHeight;
    ui.input.value = "";
    updateComposer();
    transmit(entry);
    ui.input.focus();
  }

  function transmit(entry) {
    outbox.delete(entry.clientId);  // keep the map in send order
    outbox.set(entry.clientId, entry);
    entry.sent = send({
      type: "message.send", conversation: entry.conv.id, client_id: entry.clientId, text: entry.text,
    });
  }

  function onAccepted(f) {
    const entry = outbox.get(f.client_id);
    if (!entry) return;
    entry.sent = false;
    entry.id = f.id;
    if (f.status === "blocked") finish(entry, "blocked", "Blocked — not delivered");
    else if (f.status === "rejected") finish(entry, "blocked", "Rejected by a moderator — not delivered");
    else if (f.status === "held") setState(entry, "held", "Held for review");
    else if (entry.state === "failed") setState(entry, "pending", "sending…");  // error was not its
  }

  function onError(f) {
    showError(`${f.code || "error"}: ${f.detail || ""}`);
    let entry = f.client_id ? outbox.get(f.client_id) : null;
    if (!entry && SEND_ERRORS.has(f.code)) entry = Array.from(outbox.values()).find((e) => e.sent);
    if (entry) setState(entry, "failed", `Not sent: ${f.detail || f.code}`, true);
    syncTranslationControls();  // undo a refused translation.set
  }

  // --- typing ------------------------------------------------------------------------------

  function onTyping(f) {
    const conv = convs.get(f.conversation);
    if (!conv || !f.user || f.user.id === config.userId) return;
    const previous = conv.typers.get(f.user.id);
    if (previous) clearTimeout(previous.timer);
    const timer = setTimeout(() => { conv.typers.delete(f.user.id); renderTyping(); }, TYPING_SHOWN);
    conv.typers.set(f.user.id, { name: String(f.user.username), timer });
    renderTyping();
  }

  function renderTyping() {
    const names = active ? Array.from(active.typers.values(), (t) => t.name) : [];
    ui.typing.textContent = names.length === 0 ? ""
      : `${names.join(", ")} ${names.length === 1 ? "is" : "are"} typing…`;
  }

  // --- subscription and settings -----------------------------------------------------------

  function subscribe(conv, since) {
    conv.caughtUp = false;
    send({ type: "subscribe", conversation: conv.id, since });
  }

  function onSubscribed(f) {
    const conv = convs.get(f.conversation);
    if (!conv) return;
    conv.translate = !!f.translate;
    if (f.language) conv.language = f.language;
    if (conv === active) syncTranslationControls();
    if (f.more) {
      // The replay page ends right before this frame, so its last message is the page's end.
      conv.resumeSeq = Math.max(conv.resumeSeq, conv.lastFrameSeq);
      return subscribe(conv, conv.lastFrameSeq);
    }
    conv.resumeSeq = Math.max(conv.resumeSeq, conv.maxSeq);
    conv.caughtUp = true;
    if (!conv.initialized && conv === active) conv.box.scrollTop = conv.box.scrollHeight;
    conv.initialized = true;
  }

  function onSettings(f) {
    const conv = convs.get(f.conversation);
    if (!conv) return;
    const changed = conv.translate !== !!f.translate || (f.language && conv.language !== f.language);
    conv.translate = !!f.translate;
    if (f.language) conv.language = f.language;
    if (conv === active) syncTranslationControls();
    // Fetch the history again so messages already shown follow the new reading setting.
    if (changed && conv.opened) subscribe(conv, 0);
  }

  function changeTranslation() {
    if (!active) return;
    const language = ui.language.value || undefined;
    if (!send({ type: "translation.set", conversation: active.id, enabled: ui.toggle.checked, language })) {
      showError("Not connected: the translation setting was not saved.");
      syncTranslationControls();
    }
  }

  // --- socket ------------------------------------------------------------------------------

  function send(frame) {
    if (!ws || ws.readyState !== WebSocket.OPEN) return false;
    ws.send(JSON.stringify(frame));
    return true;
  }

  function setStatus(state, text) {
    ui.status.dataset.state = state;
    ui.status.title = text;
    ui.status.querySelector(".status-text").textContent = text;
  }

  function showError(text) {
    ui.error.textContent = text;
    ui.error.hidden = false;
    clearTimeout(errorTimer);
    errorTimer = setTimeout(() => { ui.error.hidden = true; }, 8000);
  }

  function connect() {
    clearTimeout(retryTimer);
    if (stopped) return;
    const mine = ++generation;
    setStatus("connecting", "connecting…");
    const scheme = location.protocol === "https:" ? "wss://" : "ws://";
    const socket = new WebSocket(`${scheme}${location.host}/ws/chat/`);
    ws = socket;
    socket.addEventListener("open", () => {
      if (mine !== generation) return;
      openedAt = Date.now();
      setStatus("online", "connected");
      for (const conv of convs.values()) if (conv.opened) subscribe(conv, conv.resumeSeq);
      // Idempotent on client_id: a resend returns the stored message's current status.
      for (const entry of Array.from(outbox.values())) if (entry.state !== "failed") transmit(entry);
      awaitingPong = false;
      clearInterval(pingTimer);
      pingTimer = setInterval(heartbeat, PING_EVERY);
    });
    socket.addEventListener("message", (event) => { if (mine === generation) handleFrame(event.data); });
    socket.addEventListener("close", (event) => { if (mine === generation) dropped(event.code); });
  }

  // The server sends what this socket missed before it answers a ping; a conversation still
  // ahead of what this page has seen (a frame lost on the way) is read again from there.
  function onPong(f) {
    for (const [id, seq] of Object.entries(f.conversations || {})) {
      const conv = convs.get(Number(id));
      if (conv && conv.opened && conv.caughtUp && seq > conv.maxSeq) subscribe(conv, conv.resumeSeq);
    }
  }

  function heartbeat() {
    if (!awaitingPong) {
      awaitingPong = send({ type: "ping", id: String(Date.now()) });
      return;
    }
    const socket = ws;  // no answer for a whole interval: treat the connection as dead
    generation += 1;
    socket.close();
    dropped(1006);
  }

  function dropped(code) {
    ws = null;
    clearInterval(pingTimer);
    for (const entry of outbox.values()) entry.sent = false;
    if (code === 4401 || code === 4403) return stop("Signed out or not allowed — reload the page to sign in.");
    // Back off from a server that accepts and drops at once; start over after a stable spell.
    failures = openedAt && Date.now() - openedAt > 10000 ? 1 : failures + 1;
    openedAt = 0;
    const delay = Math.min(MAX_BACKOFF, 1000 * 2 ** (failures - 1)) * (0.5 + Math.random() / 2);
    setStatus("offline", `offline — retrying in ${Math.ceil(delay / 1000)} s`);
    retryTimer = setTimeout(connect, delay);
    // A refused handshake looks like a network error; check whether the session ended.
    if (failures === 3) {
      fetch(location.pathname, { credentials: "same-origin", redirect: "manual" })
        .then((r) => { if (r.type === "opaqueredirect") stop("Your session ended — reload the page to sign in."); })
        .catch(() => {});
    }
  }

  function stop(text) {
    stopped = true;
    clearTimeout(retryTimer);
    setStatus("offline", "disconnected");
    showError(text);
    clearTimeout(errorTimer);  // keep this one on screen
  }

  function handleFrame(data) {
    let f;
    try { f = JSON.parse(data); } catch { return; }
    if (!f || typeof f !== "object") return;
    awaitingPong = false;  // any frame proves the connection is alive
    const entry = f.client_id ? outbox.get(f.client_id) : null;
    switch (f.type) {
      case "message.new": case "message.update": if (f.message) onMessage(f.message); break;
      case "message.accepted": onAccepted(f); break;
      case "message.blocked": if (entry) finish(entry, "blocked", `Blocked: ${reasonText(f.reason)} — not delivered`); break;
      case "message.held": if (entry) setState(entry, "held", "Held for review"); break;
      case "subscribed": onSubscribed(f); break;
      case "pong": onPong(f); break;
      case "typing": onTyping(f); break;
      case "translation.settings": onSettings(f); break;
      case "notice":
        if (f.code === "translation_budget_exceeded") {
          showError("Your daily translation limit is reached: your messages go untranslated until tomorrow (UTC).");
        }
        break;
      case "error": onError(f); break;
      default: break;  // frames this demo does not use
    }
  }

  // --- composer ----------------------------------------------------------------------------

  function updateComposer() {
    const length = ui.input.value.length;
    ui.send.disabled = !active || !ui.input.value.trim();
    ui.counter.textContent = length > config.maxChars * 0.8 ? `${length} / ${config.maxChars}` : "";
  }

  if (config.maxChars > 0) ui.input.maxLength = config.maxChars;
  ui.input.addEventListener("input", () => {
    updateComposer();
    const now = Date.now();
    if (active && active.caughtUp && ui.input.value.trim() && now - active.lastTyping >= TYPING_EVERY) {
      if (send({ type: "typing", conversation: active.id })) active.lastTyping = now;
    }
  });
  ui.input.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing && event.keyCode !== 229) {
      event.preventDefault();
      sendMessage();
    }
  });
  ui.composer.addEventListener("submit", (event) => { event.preventDefault(); sendMessage(); });
  ui.toggle.addEventListener("change", changeTranslation);
  ui.language.addEventListener("change", changeTranslation);
  window.addEventListener("online", () => { if (!ws && !stopped) connect(); });

  const fromHash = convs.get(Number((location.hash.match(/^#c(\d+)$/) || [])[1]));
  openConversation(fromHash || convs.values().next().value);
  connect();
})();
