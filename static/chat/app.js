// The web client's entry: loads me and my conversations from the client API, keeps one socket
// subscribed to all of them, and wires the views. See docs/client-api.md and docs/protocol.md.

import { ApiError, api, configure } from "./api.js";
import { Connection } from "./connection.js";
import { $ } from "./dom.js";
import { describeError } from "./errors.js";
import { handleFrame } from "./frames.js";
import { format, gettext } from "./i18n.js";
import { History } from "./history.js";
import { Sender } from "./sending.js";
import { Store } from "./store.js";
import { ConversationList } from "./views/list.js";
import { MessageList } from "./views/messages.js";
import { Pane } from "./views/pane.js";
import { appealDialog, blockDialog, deleteDialog, newConversationDialog, profileDialog, reportDialog } from "./views/people.js";
import { settingsDialog, translationDialog } from "./views/settings.js";

const config = JSON.parse($("client-config").textContent);
const TYPING_EVERY = 2000;
const phone = window.matchMedia("(max-width: 700px)");
const baseTitle = document.title;

const store = new Store(config.userId);
let activeId = null;
let signedOut = false;

const socketUrl = `${location.protocol === "https:" ? "wss://" : "ws://"}${location.host}${config.socket}`;
const conn = new Connection({
  url: socketUrl,
  checkSession: async () => {
    try {
      await api.me();
      return true;
    } catch (error) {
      return error instanceof ApiError && error.status === 401 ? false : null;
    }
  },
});

// --- rendering: changes mark what is stale, one pass draws it --------------------------------

const dirty = { list: false, header: false, convs: new Set() };
let scheduled = false;

function invalidate(conv, { list = false, header = false } = {}) {
  if (conv) dirty.convs.add(conv);
  dirty.list ||= list;
  dirty.header ||= header;
  if (!scheduled) {
    scheduled = true;
    setTimeout(flush, 0);
  }
}

function flush() {
  scheduled = false;
  const active = activeConversation();
  if (dirty.list) {
    list.render(store, activeId);
    const unread = Array.from(store.conversations.values()).reduce((sum, c) => sum + (c.unread || 0), 0);
    document.title = unread ? `(${unread}) ${baseTitle}` : baseTitle;
  }
  if (dirty.header && active) pane.renderHeader();
  for (const conv of dirty.convs) {
    if (!conv.view) continue;
    messages.render(conv, { follow: Boolean(conv.followNext) });
    conv.followNext = false;
  }
  dirty.list = dirty.header = false;
  dirty.convs.clear();
}

const activeConversation = () => (activeId != null ? store.conversations.get(activeId) || null : null);

// --- receipts: `received` for what reached this page, `read` for what the reader saw ---------

const receipts = {
  received(conv) {
    if (conv.receivedTimer) return;
    conv.receivedTimer = setTimeout(() => {
      conv.receivedTimer = 0;
      const seq = conv.seenSeq;
      if (seq > conv.sentReceived && conn.send({ type: "received", conversation: conv.id, seq })) conv.sentReceived = seq;
    }, 300);
  },
  read(conv) {
    if (!isReading(conv)) return;
    const seq = conv.seenSeq;
    if (conv.unread) {
      conv.unread = 0;
      invalidate(null, { list: true });
    }
    conv.readSeq = Math.max(conv.readSeq, seq);
    if (seq > conv.sentRead && conn.send({ type: "read", conversation: conv.id, seq })) {
      conv.sentRead = seq;
      conv.sentReceived = Math.max(conv.sentReceived, seq);
    }
  },
};

/** The reader has this conversation in front of them: shown, the tab visible and focused. */
function isReading(conv) {
  return (
    conv.id === activeId &&
    document.visibilityState === "visible" &&
    document.hasFocus() &&
    (!phone.matches || $("chat-app").dataset.view === "conversation")
  );
}

// --- views ---------------------------------------------------------------------------------

const list = new ConversationList({ root: $("conversation-list"), status: $("list-status"), onOpen: (id) => navigate(id) });

const messages = new MessageList({
  scroller: $("messages"),
  jump: $("jump-button"),
  config,
  userId: config.userId,
  actions: {
    older: (conv) => pages.older(conv),
    edit: (conv, item) => startEdit(conv, item),
    remove: (conv, item) => deleteDialog({ onConfirm: () => sender.remove(conv, item) }),
    report: (conv, item) =>
      reportDialog({ api, conv, item, member: conv.members.find((m) => m.id === item.sender?.id), onDone: (t) => pane.announce(t) }),
    appeal: (conv, item) =>
      appealDialog({
        api,
        item,
        onDone: () => {
          store.markAppealed(item);
          invalidate(conv);
        },
      }),
    retry: (conv, item) => sender.retry(conv, item),
    discard: (conv, item) => sender.discard(conv, item),
  },
});

let editing = null; // {conv, item}
let lastTyping = 0;

const pane = new Pane({
  config,
  handlers: {
    send(text) {
      const conv = activeConversation();
      if (!conv) return;
      if (editing) {
        const { item } = editing;
        cancelEdit();
        if (text !== item.text) sender.edit(conv, item, text);
        return;
      }
      sender.send(conv, text);
      pane.clearInput();
      invalidate(conv, { list: true });
    },
    cancelEdit,
    typing() {
      const conv = activeConversation();
      const now = Date.now();
      if (conv && conv.subscribed && now - lastTyping >= TYPING_EVERY && conn.send({ type: "typing", conversation: conv.id })) {
        lastTyping = now;
      }
    },
    translation(enabled, language) {
      const conv = activeConversation();
      if (!conv) return;
      if (!conn.send({ type: "translation.set", conversation: conv.id, enabled, language })) {
        api
          .setTranslation(conv.id, enabled, language)
          .then((data) => handleFrame(ctx, { type: "translation.settings", conversation: conv.id, translate: data.translate, language: data.language }))
          .catch((error) => {
            pane.showError(describeError(error).text);
            pane.renderHeader();
          });
      }
    },
    menu(action) {
      const conv = activeConversation();
      if (!conv) return;
      if (action === "translation") {
        translationDialog({ conv, languages: config.languages, onSave: (on, language) => pane.handlers.translation(on, language) });
      }
      if (!conv.peer) return;
      if (action === "profile") openProfile(conv);
      else if (action === "report") reportDialog({ api, conv, member: conv.peer, onDone: (t) => pane.announce(t) });
      else if (action === "block") openBlock(conv);
    },
    profile() {
      const conv = activeConversation();
      if (conv && conv.peer) openProfile(conv);
    },
    back: () => goBack(),
    waitOver() {
      for (const conv of store.conversations.values()) {
        for (const item of conv.items.values()) if (item.local === "failed") item.touch();
        invalidate(conv);
      }
    },
  },
});

const ctx = {
  config,
  store,
  conn,
  api,
  pane,
  messages,
  receipts,
  invalidate,
  isReading,
  active: activeConversation,
  subscribe,
  cancelEdit,
  reloadHistory: (conv) => pages.reload(conv),
  refreshConversation: (conv) => pages.refresh(conv),
  scroller: $("messages"),
};
const sender = new Sender(ctx);
const pages = new History(ctx); // the conversations' history pages
ctx.sender = sender;

function openProfile(conv) {
  profileDialog({
    api,
    member: conv.peer,
    canBlock: conv.kind === "direct" && !conv.closed,
    onReport: () => reportDialog({ api, conv, member: conv.peer, onDone: (t) => pane.announce(t) }),
    onBlock: () => openBlock(conv),
  });
}

function openBlock(conv) {
  blockDialog({
    api,
    member: conv.peer,
    onDone: (text) => {
      // The server closes every conversation between us (conversation.closed follows).
      for (const other of store.conversations.values()) {
        if (other.kind === "direct" && other.peer && other.peer.id === conv.peer.id) {
          other.closed = true;
          other.closedReason = "blocked";
          invalidate(other, { list: true });
        }
      }
      pane.show(activeConversation());
      pane.announce(text);
    },
  });
}

function startEdit(conv, item) {
  editing = { conv, item };
  pane.setEditing(item);
}

function cancelEdit() {
  if (!editing) return;
  editing = null;
  pane.setEditing(null);
  pane.clearInput();
}

// --- navigation: #c<id> in the address; the phone shows the list or one conversation ----------

function navigate(id) {
  if (location.hash !== `#c${id}`) history.pushState({ conversation: id }, "", `#c${id}`);
  open(id);
}

function goBack() {
  if (history.state && history.state.conversation != null) history.back();
  else {
    history.replaceState(null, "", location.pathname + location.search);
    showList();
  }
}

function showList() {
  pane.setView("list");
  const button = activeId != null && document.querySelector(`[data-conversation-id="${activeId}"]`);
  if (phone.matches && button) button.focus();
}

function route() {
  const match = /^#c(\d+)$/.exec(location.hash);
  const id = match ? Number(match[1]) : null;
  if (id != null && store.conversations.has(id)) return open(id, { focus: false });
  if (phone.matches) return showList();
  const first = store.ordered()[0];
  if (first) {
    history.replaceState(null, "", `#c${first.id}`);
    open(first.id, { focus: false });
  }
}

function open(id, { focus = true } = {}) {
  const conv = store.conversations.get(id);
  if (!conv) return;
  if (activeId !== id) cancelEdit();
  activeId = id;
  pane.show(conv);
  messages.show(conv);
  pane.setView("conversation");
  invalidate(null, { list: true });
  if (!conv.history.loaded) pages.latest(conv);
  receipts.read(conv);
  if (focus) (phone.matches ? $("peer-button") : $("message-input")).focus();
}

// --- the socket ------------------------------------------------------------------------------

function subscribe(conv) {
  conv.subscribed = false;
  conn.send({ type: "subscribe", conversation: conv.id, since: conv.seenSeq });
}

const STATUS_TEXT = {
  online: () => gettext("connected"),
  connecting: () => gettext("connecting…"),
  offline: () => gettext("offline, reconnecting…"),
  signedout: () => gettext("signed out"),
  refused: () => gettext("not allowed"),
};

conn.addEventListener("status", (event) => {
  const { state } = event.detail;
  const status = $("connection-status");
  status.dataset.state = state;
  status.querySelector(".status-text").textContent = STATUS_TEXT[state]();
  $("reconnect-button").hidden = state !== "offline";
  if (state === "signedout" || state === "refused") showSignedOut(state);
});
conn.addEventListener("open", () => {
  for (const conv of store.conversations.values()) subscribe(conv);
  sender.resendAll();
});
conn.addEventListener("close", () => {
  for (const conv of store.conversations.values()) conv.subscribed = false;
});
conn.addEventListener("frame", (event) => handleFrame(ctx, event.detail));
$("reconnect-button").addEventListener("click", () => conn.retryNow());

function showSignedOut(reason) {
  if (signedOut) return;
  signedOut = true;
  conn.stop(reason);
  const overlay = $("signed-out");
  for (const p of overlay.querySelectorAll("[data-reason]")) p.hidden = p.dataset.reason !== reason;
  overlay.querySelector(".signed-out-card").setAttribute("aria-describedby", `signed-out-${reason}`);
  overlay.hidden = false;
  for (const dialog of document.querySelectorAll("dialog[open]")) dialog.close(); // modal, above the overlay
  $("chat-app").inert = true;
  $("message-input").disabled = true;
  $("send-button").disabled = true;
  $("signed-out-link").focus();
}

configure({ api: config.api, csrfCookieName: config.csrfCookie, onSignedOut: () => showSignedOut("signedout") });

// --- start -------------------------------------------------------------------------------------

async function load(attempt = 0) {
  try {
    const [me, conversations] = await Promise.all([api.me(), api.conversations()]);
    store.me = me;
    store.setConversations(conversations);
  } catch (error) {
    if (signedOut) return;
    list.showStatus(format(gettext("Your conversations could not be loaded: %(why)s"), { why: describeError(error).text }));
    setTimeout(() => load(attempt + 1), Math.min(30000, 1000 * 2 ** attempt));
    return;
  }
  for (const [conv, item] of store.restoreOutbox()) sender.wakeRetry(conv, item);
  list.render(store, activeId);
  route();
  conn.start();
}

$("new-conversation").addEventListener("click", () =>
  newConversationDialog({
    api,
    onStarted: (data) => {
      const known = store.conversations.has(data.id);
      const conv = store.upsertConversation(data);
      if (!known) subscribe(conv);
      invalidate(null, { list: true });
      navigate(conv.id);
    },
  }),
);

$("settings-button").addEventListener("click", () => {
  if (!store.me) return;
  settingsDialog({
    api,
    me: store.me,
    config,
    onSaved: (me, { reload, readingChanged }) => {
      store.me = me;
      // The interface language is the server's to render: reload the page in it.
      if (reload) return location.reload();
      if (readingChanged) followReadingLanguage();
      pane.announce(gettext("Settings saved."));
    },
  });
});

/** The conversations that follow my reading language read their history again in the new one
 * (translation.settings frames may have done it already: only a change reloads). */
async function followReadingLanguage() {
  try {
    for (const data of await api.conversations()) {
      const conv = store.conversations.get(data.id);
      if (!conv) continue;
      const before = `${conv.translate}|${conv.language}`;
      conv.update(data);
      if (`${conv.translate}|${conv.language}` !== before) pages.reload(conv);
    }
    invalidate(null, { list: true, header: true });
  } catch {
    // The frames, or the next load, bring it.
  }
}

window.addEventListener("popstate", route);
window.addEventListener("focus", () => activeConversation() && receipts.read(activeConversation()));
document.addEventListener("visibilitychange", () => activeConversation() && receipts.read(activeConversation()));
phone.addEventListener("change", () => {
  if (!phone.matches && activeId == null) route();
});
// Relative times ("last seen 5 minutes ago", "Yesterday") move on by themselves.
setInterval(() => invalidate(activeConversation(), { list: true, header: true }), 30000);

load();
