// What the socket tells the page (docs/protocol.md, "Server → client"), applied to the store
// and the views.

import { describeError, mutedUntil, retryAfterSeconds } from "./errors.js";
import { format, gettext } from "./i18n.js";

const TYPING_SHOWN = 3000;

export function handleFrame(ctx, frame) {
  const handler = HANDLERS[frame.type];
  if (handler) handler(ctx, frame);
}

const HANDLERS = {
  "message.new": (ctx, f) => f.message && onMessage(ctx, f.message, true),
  "message.update": (ctx, f) => f.message && onMessage(ctx, f.message, false),
  "message.accepted": (ctx, f) => ctx.sender.accepted(f),
  "message.blocked": (ctx, f) => ctx.sender.verdict(f, "blocked"),
  "message.held": (ctx, f) => ctx.sender.verdict(f, "held"),
  "message.rejected": (ctx, f) => ctx.sender.verdict(f, "rejected"),
  "message.edit.accepted": (ctx, f) => ctx.sender.editAccepted(f),
  "message.edit_blocked": (ctx, f) => ctx.sender.editVerdict(f, "blocked"),
  "message.edit_held": (ctx, f) => ctx.sender.editVerdict(f, "held"),
  "message.edit_rejected": (ctx, f) => ctx.sender.editVerdict(f, "rejected"),
  "message.deleted": (ctx, f) => ctx.sender.deleted(f),
  subscribed: onSubscribed,
  pong: onPong,
  typing: onTyping,
  receipt: onReceipt,
  presence: onPresence,
  "translation.settings": onTranslationSettings,
  "conversation.new": onConversationNew,
  "conversation.closed": onConversationClosed,
  // Removed from a conversation: it stays readable here until the page reloads, and closed.
  "conversation.removed": (ctx, f) => onConversationClosed(ctx, { conversation: f.conversation, reason: "removed" }),
  "account.muted": onAccountMuted,
  notice: onNotice,
  error: onError,
};

function onMessage(ctx, payload, isNew) {
  const { store } = ctx;
  const conv = store.conversations.get(payload.conversation);
  if (!conv) return;
  const own = Boolean(payload.sender && payload.sender.id === store.userId);
  const known = conv.find({ id: payload.id, clientId: own ? payload.client_id : null });
  const fresh = payload.seq != null && payload.seq > conv.seenSeq;
  if (!known && !isNew) {
    // An update of a message this page never loaded: only the list's preview may care.
    if (conv.lastMessage && conv.lastMessage.id === payload.id) {
      conv.lastMessage = { ...conv.lastMessage, ...payload };
      ctx.invalidate(null, { list: true });
    }
    return;
  }
  const item = store.receive(conv, payload);
  if (payload.status === "rejected" && conv.lastMessage && conv.lastMessage.id === payload.id) {
    conv.lastMessage = { ...conv.lastMessage, status: "rejected", text: "" };
  }
  if (own) store.saveOutbox();
  if (isNew && fresh && !own && payload.status === "delivered") {
    const typer = payload.sender && conv.typers.get(payload.sender.id);
    if (typer) {
      clearTimeout(typer.timer);
      conv.typers.delete(payload.sender.id);
      if (conv === ctx.active()) ctx.pane.renderTyping();
    }
    if (ctx.isReading(conv)) {
      ctx.pane.announce(format(gettext("%(name)s: %(text)s"), { name: payload.sender.username, text: item.readingText() }));
      ctx.messages.newBelow();
    } else {
      if (payload.seq > conv.readSeq) conv.unread += 1;
      ctx.pane.announce(format(gettext("New message from %(name)s"), { name: payload.sender.username }));
    }
    ctx.receipts.received(conv);
  }
  ctx.invalidate(conv, { list: true });
  ctx.receipts.read(conv);
}

function onSubscribed(ctx, f) {
  const conv = ctx.store.conversations.get(f.conversation);
  if (!conv) return;
  conv.subscribed = true;
  for (const receipt of f.receipts || []) applyReceipt(conv, receipt);
  if (typeof f.translate === "boolean") conv.translate = f.translate;
  if (f.language) conv.language = f.language;
  if (f.more) ctx.subscribe(conv); // the replay stopped at its limit: go on from where it ended
  if (conv === ctx.active()) ctx.pane.renderHeader();
  ctx.invalidate(conv, { list: true });
  ctx.receipts.received(conv);
  ctx.receipts.read(conv); // the page may have opened it before the socket was up
}

function onPong(ctx, f) {
  // The server sent what this socket missed before it answered; a conversation still ahead of
  // this page (a frame lost on the way) is read again from where the page stands.
  for (const [id, seq] of Object.entries(f.conversations || {})) {
    const conv = ctx.store.conversations.get(Number(id));
    if (conv && conv.subscribed && seq > conv.seenSeq) ctx.subscribe(conv);
  }
}

function onTyping(ctx, f) {
  const conv = ctx.store.conversations.get(f.conversation);
  if (!conv || !f.user || f.user.id === ctx.store.userId) return;
  const previous = conv.typers.get(f.user.id);
  if (previous) clearTimeout(previous.timer);
  const timer = setTimeout(() => {
    conv.typers.delete(f.user.id);
    if (conv === ctx.active()) ctx.pane.renderTyping();
    ctx.invalidate(null, { list: true });
  }, TYPING_SHOWN);
  const member = conv.members.find((m) => m.id === f.user.id);
  conv.typers.set(f.user.id, { name: (member && member.display_name) || String(f.user.username), timer });
  if (conv === ctx.active()) ctx.pane.renderTyping();
  ctx.invalidate(null, { list: true });
}

function applyReceipt(conv, receipt) {
  const member = conv.members.find((m) => m.id === receipt.user);
  if (!member) return false;
  member.delivered_seq = Math.max(member.delivered_seq || 0, receipt.delivered_seq || 0);
  member.read_seq = Math.max(member.read_seq || 0, receipt.read_seq || 0);
  return true;
}

function onReceipt(ctx, f) {
  const conv = ctx.store.conversations.get(f.conversation);
  if (!conv) return;
  if (f.user === ctx.store.userId) {
    // Another tab or device of mine read this far: its unread count follows.
    conv.readSeq = Math.max(conv.readSeq, f.read_seq || 0);
    conv.sentRead = Math.max(conv.sentRead, conv.readSeq);
    conv.sentReceived = Math.max(conv.sentReceived, f.delivered_seq || 0);
    if (conv.readSeq >= conv.seenSeq) conv.unread = 0;
    else ctx.refreshConversation(conv);
    ctx.invalidate(null, { list: true });
    return;
  }
  if (applyReceipt(conv, f)) ctx.invalidate(conv);
}

function onPresence(ctx, f) {
  for (const conv of ctx.store.conversations.values()) {
    for (const member of conv.members) {
      if (member.id !== f.user) continue;
      member.online = Boolean(f.online);
      if (f.last_seen !== undefined) member.last_seen = f.last_seen;
    }
  }
  ctx.invalidate(null, { list: true, header: true });
}

function onTranslationSettings(ctx, f) {
  const conv = ctx.store.conversations.get(f.conversation);
  if (!conv) return;
  const changed = conv.translate !== Boolean(f.translate) || (f.language && f.language !== conv.language);
  conv.translate = Boolean(f.translate);
  if (f.language) conv.language = f.language;
  if (conv === ctx.active()) ctx.pane.renderHeader();
  // Messages already shown follow the new reading setting: read the history again.
  if (changed) ctx.reloadHistory(conv);
}

function onConversationNew(ctx, f) {
  const data = f.conversation;
  if (!data || data.id == null) return;
  const known = ctx.store.conversations.has(data.id);
  const conv = ctx.store.upsertConversation(data);
  if (!known) {
    ctx.subscribe(conv);
    ctx.pane.announce(format(gettext("New conversation with %(name)s"), { name: conv.name }));
  }
  ctx.invalidate(null, { list: true });
}

function onConversationClosed(ctx, f) {
  const conv = ctx.store.conversations.get(f.conversation);
  if (!conv) return;
  conv.closed = true;
  conv.closedReason = f.reason || "";
  if (conv === ctx.active()) {
    ctx.cancelEdit();
    ctx.pane.show(conv);
  }
  ctx.invalidate(conv, { list: true });
}

function onAccountMuted(ctx, f) {
  const until = mutedUntil(f);
  if (!until) return;
  ctx.pane.holdSending("muted", until.getTime());
  ctx.pane.showError(describeError({ code: "muted", until: f.until }).text);
}

function onNotice(ctx, f) {
  if (f.code === "translation_budget_exceeded") {
    ctx.pane.showError(gettext("Your daily translation limit is reached: your messages go out untranslated until tomorrow."));
  }
}

function onError(ctx, f) {
  const described = describeError(f, { maxChars: ctx.config.maxChars });
  // Account-wide refusals hold the composer, whichever message caused them.
  if (f.code === "rate_limited") ctx.pane.holdSending("cooldown", Date.now() + retryAfterSeconds(f) * 1000);
  else if (f.code === "muted") {
    const until = mutedUntil(f);
    if (until) ctx.pane.holdSending("muted", until.getTime());
  } else if (f.code === "banned") ctx.pane.holdSending("banned");
  const placed = ctx.sender.error(f);
  if (f.code === "unsupported_language" || f.code === "not_a_member") {
    const conv = ctx.active();
    if (conv) ctx.pane.renderHeader(); // undo a refused translation setting
  }
  // A refused send also says so on its bubble; the line above the composer says it once more
  // for everyone (role=alert), and stays for what lasts.
  ctx.pane.showError(described.text, { sticky: f.code === "banned" || f.code === "muted" });
  return placed;
}
