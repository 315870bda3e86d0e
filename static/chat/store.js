// The client's state: conversations with their members, and their messages indexed by id,
// sequence number and client_id, plus the outbox of my messages the server has not settled
// (kept in localStorage per user, so an unsent or failed bubble survives a reload).

import { parseTime } from "./i18n.js";

const OUTBOX_KEY = (userId) => `xlate:outbox:${userId}`;
const APPEALED_KEY = (userId) => `xlate:appealed:${userId}`;

export function newClientId() {
  if (crypto.randomUUID) return crypto.randomUUID(); // secure contexts only
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

/** Characters as the server counts them (code points, not UTF-16 units). */
export const charCount = (text) => Array.from(text).length;

let order = 0; // tiebreak for bubbles without a number: the order the page learned of them

export class Conversation {
  constructor(data) {
    this.items = new Map(); // key → item (the key is stable for a bubble's whole life)
    this.byId = new Map(); // server id → item
    this.seenSeq = 0; // the highest number this page knows of (the resume point)
    this.sentReceived = 0; // the highest `received` and `read` this page sent
    this.sentRead = 0;
    this.history = { loaded: false, loading: false, more: true, oldest: null, failed: false };
    this.typers = new Map(); // user id → {name, timer}
    this.subscribed = false;
    this.update(data);
  }

  update(data) {
    this.id = data.id;
    this.kind = data.kind || "direct";
    this.title = data.title || "";
    this.closed = Boolean(data.closed);
    this.closedReason = data.closed_reason || "";
    this.translate = Boolean(data.translate);
    this.language = data.language || "";
    this.members = Array.isArray(data.members) ? data.members.map((m) => ({ ...m })) : [];
    this.readSeq = Math.max(this.readSeq || 0, data.read_seq || 0);
    this.unread = data.unread || 0;
    this.seenSeq = Math.max(this.seenSeq, data.last_seq || 0);
    this.sentRead = Math.max(this.sentRead, this.readSeq);
    if (data.last_message) this.setLast(data.last_message);
    this.activity = Math.max(this.activity || 0, activityOf(data));
  }

  /** The member a direct conversation is with (the first other member of a group). */
  get peer() {
    return this.members[0] || null;
  }

  get name() {
    if (this.title) return this.title;
    const names = this.members.map((m) => m.display_name || m.username).filter(Boolean);
    return names.join(", ");
  }

  setLast(message) {
    const current = this.lastMessage;
    if (current && message.seq != null && current.seq != null && message.seq < current.seq) return;
    this.lastMessage = message;
    const when = parseTime(message.created_at);
    if (when) this.activity = Math.max(this.activity || 0, when.getTime());
  }

  /** How far every other member has received and read: the ticks on my bubbles. */
  receipts() {
    if (!this.members.length) return { delivered: 0, read: 0 };
    return {
      delivered: Math.min(...this.members.map((m) => Math.max(m.delivered_seq || 0, m.read_seq || 0))),
      read: Math.min(...this.members.map((m) => m.read_seq || 0)),
    };
  }

  find({ id, clientId }) {
    return (id != null && this.byId.get(id)) || (clientId ? this.items.get(`c:${clientId}`) : null) || null;
  }

  /** Bubbles in reading order: numbered ones by number, the others after the number they followed. */
  sorted() {
    return Array.from(this.items.values())
      .filter((item) => item.visible())
      .sort((a, b) => a.sortSeq() - b.sortSeq() || a.sortRank() - b.sortRank() || a.order - b.order);
  }
}

function activityOf(data) {
  const when = parseTime(data.last_message && data.last_message.created_at) || parseTime(data.created_at);
  return when ? when.getTime() : 0;
}

export class Item {
  constructor(fields) {
    this.id = null;
    this.clientId = null;
    this.seq = null;
    this.anchor = 0;
    this.order = ++order;
    this.own = false;
    this.sender = null;
    this.text = "";
    this.sourceLanguage = "";
    this.translation = null;
    this.status = "pending";
    this.reason = "";
    this.createdAt = new Date();
    this.editedAt = null;
    this.deleted = false;
    this.masked = false;
    this.local = null; // "sending" (not accepted yet) or "failed" (refused: see error)
    this.error = null; // {code, detail, retry_after, until, at}
    this.removed = false; // a moderator took it back after it was shown
    this.editNote = null; // {kind: "blocked" | "held" | "pending", reason}
    this.appealed = false;
    this.version = 0;
    Object.assign(this, fields);
  }

  get key() {
    return this.own && this.clientId ? `c:${this.clientId}` : `m:${this.id}`;
  }

  /** A stub of a number a moderator took back before I saw it is counted, never shown. */
  visible() {
    return !(this.status === "rejected" && !this.own && !this.removed);
  }

  sortSeq() {
    return this.seq != null ? this.seq : this.anchor;
  }

  sortRank() {
    return this.seq != null ? 0 : 1;
  }

  /** The text in my language: the translation when there is one, else the original. */
  readingText() {
    const tr = this.translation;
    return !this.own && tr && tr.status === "done" && tr.text ? tr.text : this.text;
  }

  touch() {
    this.version += 1;
  }
}

export class Store {
  constructor(userId) {
    this.userId = userId;
    this.me = null;
    this.conversations = new Map();
    this.listOrder = []; // ids as the API listed them: the tiebreak among equal activity
    this.appealed = new Set(loadJson(APPEALED_KEY(userId), []));
  }

  setConversations(list) {
    this.listOrder = list.map((c) => c.id);
    for (const data of list) this.upsertConversation(data);
  }

  upsertConversation(data) {
    let conv = this.conversations.get(data.id);
    if (conv) conv.update(data);
    else {
      conv = new Conversation(data);
      this.conversations.set(data.id, conv);
    }
    return conv;
  }

  /** Conversations, the most recently active first. */
  ordered() {
    const rank = new Map(this.listOrder.map((id, index) => [id, index]));
    return Array.from(this.conversations.values()).sort(
      (a, b) => (b.activity || 0) - (a.activity || 0) || (rank.get(a.id) ?? -1) - (rank.get(b.id) ?? -1),
    );
  }

  /** Apply a delivered message (socket frame or history page); returns its item, or null for a
   * number that is only counted. `anchor`: the number an unnumbered one follows. */
  receive(conv, payload, { anchor } = {}) {
    const own = Boolean(payload.sender && payload.sender.id === this.userId);
    let item = conv.find({ id: payload.id, clientId: own ? payload.client_id : null });
    if (payload.seq != null) conv.seenSeq = Math.max(conv.seenSeq, payload.seq);
    const rejected = payload.status === "rejected";
    if (rejected && !item && !own) return null; // a number taken back before I saw it
    if (rejected && item) {
      // Shown before: say a moderator removed it rather than let it vanish.
      item.removed = item.status === "delivered" || item.removed;
    }
    if (rejected && !own) {
      item.status = "rejected";
      item.text = "";
      item.translation = null;
      item.touch();
      return item;
    }
    if (!item) item = this.add(conv, new Item({ own, id: payload.id, clientId: payload.client_id || null }));
    const wasAnchor = item.seq == null;
    item.id = payload.id;
    conv.byId.set(payload.id, item);
    item.seq = payload.seq != null ? payload.seq : item.seq;
    if (item.seq == null && anchor != null) item.anchor = anchor;
    else if (wasAnchor && item.seq != null) item.anchor = item.seq;
    item.sender = payload.sender || item.sender;
    // A retraction carries no text: my own bubble keeps what I wrote.
    item.text = rejected ? payload.text || item.text : (payload.text ?? item.text);
    item.sourceLanguage = payload.source_language || item.sourceLanguage;
    item.translation = payload.translation || null;
    item.status = payload.status || item.status;
    if (payload.reason !== undefined) item.reason = payload.reason || item.reason;
    item.createdAt = parseTime(payload.created_at) || item.createdAt;
    if (payload.edited_at !== undefined) item.editedAt = parseTime(payload.edited_at);
    item.deleted = Boolean(payload.deleted);
    item.masked = Boolean(payload.masked);
    if (item.status === "delivered" || item.deleted) {
      item.local = null;
      item.error = null;
    }
    if (item.editNote && item.editNote.kind === "pending" && item.editedAt) item.editNote = null;
    item.appealed = item.appealed || this.appealed.has(item.id);
    item.touch();
    if (item.status === "delivered" && item.seq != null) {
      const last = conv.lastMessage;
      if (!last || last.id === payload.id || (last.seq ?? 0) <= item.seq) conv.setLast(payload);
    }
    return item;
  }

  add(conv, item) {
    conv.items.set(item.key, item);
    if (item.id != null) conv.byId.set(item.id, item);
    return item;
  }

  /** A bubble for a message I am about to send. */
  compose(conv, text) {
    const item = new Item({
      own: true,
      clientId: newClientId(),
      text,
      anchor: conv.seenSeq,
      sender: { id: this.userId, username: this.me ? this.me.username : "" },
      local: "sending",
    });
    this.add(conv, item);
    this.saveOutbox();
    return item;
  }

  discard(conv, item) {
    conv.items.delete(item.key);
    if (item.id != null) conv.byId.delete(item.id);
    this.saveOutbox();
  }

  markAppealed(item) {
    item.appealed = true;
    item.touch();
    this.appealed.add(item.id);
    saveJson(APPEALED_KEY(this.userId), Array.from(this.appealed).slice(-200));
  }

  /** My messages still waiting for the server's word (not accepted, refused, or pending). */
  unsettled() {
    const out = [];
    for (const conv of this.conversations.values()) {
      for (const item of conv.items.values()) {
        if (item.own && (item.local || (item.status === "pending" && item.seq == null))) out.push([conv, item]);
      }
    }
    return out;
  }

  saveOutbox() {
    const entries = this.unsettled().map(([conv, item]) => ({
      conversation: conv.id,
      client_id: item.clientId,
      id: item.id,
      text: item.text,
      anchor: item.anchor,
      created_at: item.createdAt.toISOString(),
      local: item.local,
      error: item.error,
    }));
    saveJson(OUTBOX_KEY(this.userId), entries);
  }

  /** Put back the bubbles of the last visit's outbox; returns them. */
  restoreOutbox() {
    const restored = [];
    for (const entry of loadJson(OUTBOX_KEY(this.userId), [])) {
      const conv = this.conversations.get(entry.conversation);
      if (!conv || !entry.client_id || typeof entry.text !== "string") continue;
      if (conv.items.has(`c:${entry.client_id}`)) continue;
      const item = this.add(
        conv,
        new Item({
          own: true,
          clientId: entry.client_id,
          id: entry.id ?? null,
          text: entry.text,
          anchor: entry.anchor || 0,
          createdAt: parseTime(entry.created_at) || new Date(),
          sender: { id: this.userId, username: this.me ? this.me.username : "" },
          local: entry.local || (entry.id != null ? null : "sending"),
          error: entry.error || null,
        }),
      );
      restored.push([conv, item]);
    }
    return restored;
  }
}

function loadJson(key, fallback) {
  try {
    const value = JSON.parse(localStorage.getItem(key));
    return Array.isArray(value) ? value : fallback;
  } catch {
    return fallback;
  }
}

function saveJson(key, value) {
  try {
    if (Array.isArray(value) && value.length === 0) localStorage.removeItem(key);
    else localStorage.setItem(key, JSON.stringify(value));
  } catch {
    // Storage full or refused (private mode): the outbox lives as long as the page.
  }
}
