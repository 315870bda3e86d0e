// What I send: new messages through the outbox (idempotent on client_id, resent after a
// reconnect, failed ones kept with a reason), edits and deletions of my messages, and which
// of them an error frame is about.

import { describeError } from "./errors.js";
import { gettext } from "./i18n.js";
import { newClientId } from "./store.js";

// Errors only message.edit / message.delete cause (they carry no client_id to match).
const EDIT_ERRORS = new Set(["not_your_message", "edit_window_closed", "message_deleted", "unchanged"]);
// Errors a send or an edit can cause; a send's carry its client_id.
const SEND_OR_EDIT_ERRORS = new Set([
  "rate_limited", "muted", "banned", "empty_message", "message_too_long", "conversation_closed", "blocked",
  "client_id_reused", "frame_too_large", "internal_error", "invalid_field",
]); // prettier-ignore

export class Sender {
  constructor(ctx) {
    this.ctx = ctx;
    this.edits = []; // [item, text] of edits and deletions awaiting their answer, oldest first
    this.sends = []; // items whose message.send awaits its answer, oldest first
  }

  send(conv, text) {
    const { store } = this.ctx;
    const item = store.compose(conv, text);
    conv.followNext = true;
    this.transmit(conv, item);
  }

  transmit(conv, item) {
    const { conn, store } = this.ctx;
    item.local = "sending";
    item.error = null;
    item.touch();
    this.sends = this.sends.filter((i) => i !== item);
    if (conn.send({ type: "message.send", conversation: conv.id, client_id: item.clientId, text: item.text })) {
      this.sends.push(item);
    }
    store.saveOutbox();
    this.ctx.invalidate(conv, { list: true });
  }

  /** After a reconnect: send again what never got its answer, and ask about pending ones. */
  resendAll() {
    this.sends = [];
    for (const [conv, item] of this.ctx.store.unsettled()) {
      if (item.local === "failed") continue;
      if (this.ctx.conn.send({ type: "message.send", conversation: conv.id, client_id: item.clientId, text: item.text })) {
        this.sends.push(item);
      }
    }
  }

  retry(conv, item) {
    if (item.error && item.error.code === "client_id_reused") {
      // That id belongs to another message: this one needs a new one.
      this.ctx.store.discard(conv, item);
      item.clientId = newClientId();
      this.ctx.store.add(conv, item);
    }
    this.transmit(conv, item);
  }

  discard(conv, item) {
    this.ctx.store.discard(conv, item);
    this.ctx.invalidate(conv, { list: true });
    this.ctx.pane.announce(gettext("Message discarded."));
  }

  accepted(frame) {
    const conv = this.ctx.store.conversations.get(frame.conversation);
    const item = conv && conv.find({ clientId: frame.client_id });
    if (!item) return;
    this.sends = this.sends.filter((i) => i !== item);
    item.id = frame.id;
    conv.byId.set(frame.id, item);
    item.local = null;
    item.error = null;
    if (frame.status) item.status = frame.status;
    if (frame.reason) item.reason = frame.reason;
    if (frame.seq != null) item.seq = frame.seq;
    item.touch();
    this.ctx.store.saveOutbox();
    this.ctx.invalidate(conv);
  }

  /** message.blocked / message.held / message.rejected, to me alone. */
  verdict(frame, status) {
    const conv = this.ctx.store.conversations.get(frame.conversation);
    const item = conv && conv.find({ id: frame.id, clientId: frame.client_id });
    if (!item) return;
    this.sends = this.sends.filter((i) => i !== item);
    item.id = frame.id;
    conv.byId.set(frame.id, item);
    item.local = null;
    item.removed = status === "rejected" && item.status === "delivered";
    item.status = status;
    item.reason = frame.reason || item.reason;
    item.touch();
    this.ctx.store.saveOutbox();
    this.ctx.invalidate(conv, { list: true });
  }

  // --- edits and deletions ---------------------------------------------------------------------

  edit(conv, item, text) {
    const { conn, api } = this.ctx;
    item.editNote = { kind: "pending" };
    item.touch();
    this.ctx.invalidate(conv);
    if (conn.send({ type: "message.edit", id: item.id, text })) {
      this.edits.push(item);
      return;
    }
    api.editMessage(item.id, text).catch((error) => this.editFailed(conv, item, error));
  }

  remove(conv, item) {
    const { conn, api } = this.ctx;
    if (conn.send({ type: "message.delete", id: item.id })) {
      this.edits.push(item);
      return;
    }
    api
      .deleteMessage(item.id)
      .then(() => this.deleted({ id: item.id, conversation: conv.id }))
      .catch((error) => this.ctx.pane.showError(describeError(error).text));
  }

  editAccepted(frame) {
    this.edits = this.edits.filter((i) => i.id !== frame.id);
  }

  deleted(frame) {
    this.edits = this.edits.filter((i) => i.id !== frame.id);
    for (const conv of this.ctx.store.conversations.values()) {
      const item = conv.byId.get(frame.id);
      if (!item) continue;
      item.deleted = true;
      item.text = "";
      item.translation = null;
      item.editNote = null;
      item.touch();
      this.ctx.invalidate(conv, { list: true });
    }
  }

  /** message.edit_blocked / message.edit_held: the message stays as it was. */
  editVerdict(frame, kind) {
    const conv = this.ctx.store.conversations.get(frame.conversation);
    const item = conv && conv.byId.get(frame.id);
    if (!item) return;
    item.editNote = { kind, reason: frame.reason || "" };
    item.touch();
    this.ctx.invalidate(conv);
  }

  editFailed(conv, item, error) {
    item.editNote = { kind: "failed", error: { code: error.code, detail: error.detail } };
    item.touch();
    this.ctx.invalidate(conv);
  }

  /**
   * Which of my requests an error frame answers: the send with its client_id; else, for codes
   * only an edit causes (or a send/edit code with no send waiting), the oldest edit. Returns
   * true when the error was placed on a bubble.
   */
  error(frame) {
    const { store } = this.ctx;
    if (frame.client_id) {
      for (const conv of store.conversations.values()) {
        const item = conv.find({ clientId: frame.client_id });
        if (item) return this.failed(conv, item, frame);
      }
    }
    const editCode = EDIT_ERRORS.has(frame.code);
    if (!editCode && SEND_OR_EDIT_ERRORS.has(frame.code) && this.sends.length) {
      const item = this.sends[0];
      return this.failed(this.conversationOf(item), item, frame);
    }
    if ((editCode || SEND_OR_EDIT_ERRORS.has(frame.code)) && this.edits.length) {
      const item = this.edits.shift();
      this.editFailed(this.conversationOf(item), item, frame);
      return true;
    }
    return false;
  }

  /** The Retry button of a bubble refused for a while comes alive when the wait is over. */
  wakeRetry(conv, item) {
    const at = item.error && item.error.retryAt;
    if (!at || at - Date.now() > 3600 * 1000) return;
    setTimeout(() => {
      item.touch();
      this.ctx.invalidate(conv);
    }, Math.max(0, at - Date.now()) + 50);
  }

  conversationOf(item) {
    for (const conv of this.ctx.store.conversations.values()) if (conv.items.get(item.key) === item) return conv;
    return null;
  }

  failed(conv, item, frame) {
    this.sends = this.sends.filter((i) => i !== item);
    const described = describeError(frame);
    item.local = "failed";
    item.error = {
      code: frame.code,
      detail: frame.detail || "",
      retry_after: frame.retry_after,
      until: frame.until,
      limit: frame.limit,
      retryAt: described.retryAt || null,
    };
    item.touch();
    this.wakeRetry(conv, item);
    this.ctx.store.saveOutbox();
    this.ctx.invalidate(conv, { list: true });
    return true;
  }
}
