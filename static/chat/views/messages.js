// The message pane's list: bubbles in reading order with day separators, my ticks, the states
// of my unsent, blocked and held messages, and each message's actions. Scroll stays where the
// reader is: at the bottom it follows new messages; older pages load at the top in place.

import { el, linkify } from "../dom.js";
import { dayLabel, format, fullDate, gettext, languageName, timeOfDay } from "../i18n.js";
import { describeError, reasonText } from "../errors.js";

const NEAR = 80; // px from the bottom that still counts as "at the bottom"
const LOAD_OLDER_AT = 200; // px from the top that asks for an older page

export class MessageList {
  /**
   * scroller: the scrolling element (#messages); jump: the "new messages" button;
   * actions: {older(conv), edit(conv, item), remove(conv, item), report(conv, item),
   * appeal(conv, item), retry(conv, item), discard(conv, item)}; config: the page config.
   */
  constructor({ scroller, jump, actions, config, userId }) {
    this.scroller = scroller;
    this.jump = jump;
    this.actions = actions;
    this.config = config;
    this.userId = userId;
    this.conv = null;
    this.empty = el("p", { class: "empty-note pane-empty", text: gettext("No messages yet. Say hello!") });
    scroller.addEventListener("scroll", () => this.onScroll(), { passive: true });
    jump.addEventListener("click", () => this.toBottom(true));
  }

  atBottom() {
    const s = this.scroller;
    return s.scrollHeight - s.scrollTop - s.clientHeight < NEAR;
  }

  /** Show a conversation's list, where the reader left it (or at the bottom the first time). */
  show(conv) {
    if (this.conv && this.conv !== conv) {
      this.conv.view.scrollTop = this.scroller.scrollTop;
      this.conv.view.atBottom = this.atBottom();
    }
    this.conv = conv;
    if (!conv) {
      this.scroller.replaceChildren();
      return;
    }
    conv.view ??= { list: el("div", { class: "message-list" }), separators: new Map(), atBottom: true, scrollTop: 0 };
    this.scroller.replaceChildren(conv.view.list);
    this.render(conv, { restore: true });
  }

  toBottom(smooth = false) {
    this.scroller.scrollTo({ top: this.scroller.scrollHeight, behavior: smooth ? "smooth" : "auto" });
    this.jump.hidden = true;
  }

  onScroll() {
    if (!this.conv) return;
    if (this.atBottom()) this.jump.hidden = true;
    const history = this.conv.history;
    if (this.scroller.scrollTop < LOAD_OLDER_AT && history.loaded && history.more && !history.loading) {
      this.actions.older(this.conv);
    }
  }

  /** Bring the DOM in line with the conversation's items; keeps the reader's place. */
  render(conv, { restore = false, follow = false } = {}) {
    if (!conv.view) return;
    const showing = conv === this.conv;
    const wasAtBottom = showing && !restore && this.atBottom();
    const anchor = showing && !restore && !wasAtBottom ? this.topVisible() : null;
    const nodes = [];
    let day = "";
    const now = new Date();
    const ctx = { conv, receipts: conv.receipts(), now };
    for (const item of conv.sorted()) {
      const key = item.createdAt.toDateString();
      if (key !== day) {
        day = key;
        let separator = conv.view.separators.get(key);
        if (!separator) {
          separator = el("div", { class: "day-separator", role: "separator" }, el("span", {}));
          conv.view.separators.set(key, separator);
        }
        separator.firstChild.textContent = dayLabel(item.createdAt, now);
        nodes.push(separator);
      }
      nodes.push(this.bubble(item, ctx));
    }
    if (!nodes.length && conv.history.loaded) nodes.push(this.empty);
    reconcile(conv.view.list, nodes);
    if (!showing) return;
    if (restore) {
      if (conv.view.atBottom) this.toBottom();
      else this.scroller.scrollTop = conv.view.scrollTop;
    } else if (wasAtBottom || follow) this.toBottom();
    else if (anchor) this.scroller.scrollTop += anchor.node.getBoundingClientRect().top - anchor.top;
  }

  /** Say that a message arrived below the fold. */
  newBelow() {
    if (!this.atBottom()) this.jump.hidden = false;
  }

  topVisible() {
    const top = this.scroller.getBoundingClientRect().top;
    for (const node of this.conv.view.list.children) {
      if (!node.classList.contains("message")) continue; // separators move when older days load
      const box = node.getBoundingClientRect();
      if (box.bottom > top) return { node, top: box.top };
    }
    return null;
  }

  bubble(item, ctx) {
    const tick = item.own ? tickState(item, ctx.receipts) : "";
    const editable = this.canEdit(item, ctx.now);
    const key = `${item.version}|${tick}|${editable}|${ctx.conv.kind}|${ctx.conv.closed}`;
    if (item.node && item.node.dataset.renderKey === key) return item.node;
    const node = item.node || el("div", {});
    item.node = node;
    const open = node.querySelector(".message-actions:not([hidden])") !== null;
    const focused = node !== document.activeElement && node.contains(document.activeElement);
    node.dataset.renderKey = key;
    fillBubble(node, item, { ...ctx, tick, editable, view: this, open });
    if (focused) {
      // Keep keyboard focus in the bubble whose contents were just replaced.
      node.tabIndex = -1;
      (node.querySelector(".actions-toggle, .state button") || node).focus({ preventScroll: true });
    }
    return node;
  }

  canEdit(item, now) {
    if (!item.own || item.status !== "delivered" || item.deleted || item.removed) return false;
    const windowSeconds = Number(this.config.editWindow) || 0;
    return !windowSeconds || now - item.createdAt < windowSeconds * 1000;
  }
}

/** Put `nodes` in `parent` in this order, moving as few as possible (focus stays put). */
function reconcile(parent, nodes) {
  let cursor = parent.firstChild;
  for (const node of nodes) {
    if (node === cursor) cursor = cursor.nextSibling;
    else parent.insertBefore(node, cursor);
  }
  while (cursor) {
    const next = cursor.nextSibling;
    cursor.remove();
    cursor = next;
  }
}

function tickState(item, receipts) {
  if (item.local || item.status === "pending" || item.status === "ready") return "sending";
  if (item.status !== "delivered" || item.seq == null) return "";
  if (item.seq <= receipts.read) return "read";
  if (item.seq <= receipts.delivered) return "delivered";
  return "sent";
}

const TICKS = {
  sending: ["🕓", () => gettext("Sending")],
  sent: ["✓", () => gettext("Sent")],
  delivered: ["✓✓", () => gettext("Delivered")],
  read: ["✓✓", () => gettext("Read")],
};

function fillBubble(node, item, ctx) {
  const { conv } = ctx;
  const tr = !item.own && item.translation && item.translation.status === "done" && item.translation.text ? item.translation : null;
  const classes = ["message", item.own ? "own" : "other"];
  if (tr) classes.push("translated");
  if (item.deleted) classes.push("deleted");
  else if (item.local === "failed") classes.push("failed");
  else if (item.local === "sending" || item.status === "pending" || item.status === "ready") classes.push("pending");
  else if (item.status === "held") classes.push("held");
  else if (item.status === "blocked") classes.push("blocked");
  else if (item.status === "rejected") classes.push("rejected");
  node.className = classes.join(" ");
  node.dataset.id = item.id != null ? String(item.id) : "";
  node.dataset.seq = item.seq != null ? String(item.seq) : "";
  node.dataset.clientId = item.clientId || "";

  const name = item.own ? gettext("You") : (item.sender && item.sender.username) || gettext("Someone");
  const parts = [el("div", { class: conv.kind === "group" && !item.own ? "sender" : "sender visually-hidden", text: name })];

  if (item.deleted) {
    parts.push(el("div", { class: "stub", text: item.own ? gettext("You deleted this message") : gettext("Message deleted") }));
  } else if (item.status === "rejected" && !item.own) {
    parts.push(el("div", { class: "stub", text: gettext("Message removed by a moderator") }));
  } else {
    if (tr) {
      parts.push(el("div", { class: "translation", dir: "auto", lang: tr.language || "" }, linkify(tr.text)));
      if (tr.demo) parts.push(el("div", { class: "demo-label", text: gettext("Offline demo translation, not a real translation") }));
    }
    const waiting = !item.own && item.translation && item.translation.status !== "done" ? item.translation : null;
    if (waiting) {
      parts.push(
        el("div", {
          class: "translation-note",
          text:
            waiting.status === "unavailable"
              ? gettext("Translation unavailable right now; it will appear here when it arrives.")
              : gettext("Not translated: the sender's daily translation limit is reached."),
        }),
      );
    }
    parts.push(el("div", { class: "original", dir: "auto", lang: item.sourceLanguage || "" }, linkify(item.text)));
  }

  parts.push(footer(item, ctx, tr));
  const state = stateLine(item, ctx);
  if (state) parts.push(state);
  const actions = actionRow(item, ctx);
  if (actions) parts.push(...actions);
  node.replaceChildren(...parts);
}

function footer(item, ctx, tr) {
  const bits = [];
  if (item.sourceLanguage && !item.deleted && !(item.status === "rejected" && !item.own)) {
    const source = languageName(item.sourceLanguage);
    const title = tr
      ? format(gettext("Written in %(source)s, translated into %(target)s"), { source, target: languageName(tr.language) })
      : format(gettext("Written in %(source)s"), { source });
    bits.push(
      el("span", {
        class: "lang",
        title,
        "aria-label": title,
        text: tr ? `${item.sourceLanguage} → ${tr.language}` : item.sourceLanguage,
      }),
    );
  }
  if (item.editedAt && !item.deleted) bits.push(el("span", { class: "edited", text: gettext("edited") }));
  bits.push(el("time", { datetime: item.createdAt.toISOString(), title: fullDate(item.createdAt), text: timeOfDay(item.createdAt) }));
  if (ctx.tick && !item.deleted) {
    const [symbol, label] = TICKS[ctx.tick];
    bits.push(
      el(
        "span",
        { class: "ticks", dataset: { tick: ctx.tick }, title: label() },
        el("span", { "aria-hidden": "true", text: symbol }),
        el("span", { class: "visually-hidden", text: label() }),
      ),
    );
  }
  return el("div", { class: "meta" }, bits);
}

function button(text, onclick, extra = {}) {
  return el("button", { type: "button", class: "inline-button", text, onclick, ...extra });
}

function stateLine(item, ctx) {
  const { conv, view } = ctx;
  const act = view.actions;
  if (item.own && item.local === "failed") {
    const described = describeError(item.error || {}, { maxChars: view.config.maxChars });
    const controls = [];
    if (described.retry) {
      const waitMs = described.retry === "later" && item.error && item.error.retryAt ? item.error.retryAt - Date.now() : 0;
      controls.push(button(gettext("Retry"), () => act.retry(conv, item), { disabled: waitMs > 0, dataset: { retryAt: waitMs > 0 ? String(item.error.retryAt) : "" } }));
    }
    controls.push(button(gettext("Discard"), () => act.discard(conv, item)));
    return el("div", { class: "state", role: "status" }, el("span", { text: format(gettext("Not sent: %(why)s"), { why: described.text }) }), " ", controls);
  }
  if (item.own && (item.local === "sending" || item.status === "pending" || item.status === "ready")) {
    return el("div", { class: "state", text: gettext("Sending…") });
  }
  if (item.own && (item.status === "held" || item.status === "blocked")) {
    const text =
      item.status === "held"
        ? format(gettext("Held for review: a moderator will check it before it is delivered (%(reason)s)."), { reason: reasonText(item.reason) })
        : format(gettext("Not delivered: %(reason)s."), { reason: reasonText(item.reason) });
    const appeal = item.appealed
      ? el("span", { class: "appealed", text: gettext("Appeal sent: a moderator will take another look.") })
      : item.id != null
        ? button(gettext("Appeal"), () => act.appeal(conv, item))
        : null;
    return el("div", { class: "state" }, el("span", { text }), " ", appeal);
  }
  if (item.own && item.status === "rejected") {
    return el("div", {
      class: "state",
      text: item.removed ? gettext("Removed by a moderator.") : gettext("Removed by a moderator: not delivered."),
    });
  }
  if (item.own && item.masked && !item.deleted) {
    return el("div", {
      class: "state masked-note",
      text: gettext("We hid the contact detail in this message until a moderator has checked it: sharing contacts this early is a common scam pattern."),
    });
  }
  if (item.own && item.editNote) {
    const note = item.editNote;
    const text =
      note.kind === "blocked"
        ? format(gettext("Your edit was not applied: %(reason)s."), { reason: reasonText(note.reason) })
        : note.kind === "held"
          ? gettext("Your edit is waiting for a moderator; everyone sees the earlier text until then.")
          : note.kind === "rejected"
            ? gettext("A moderator did not accept your edit; everyone sees the earlier text.")
          : note.kind === "failed"
            ? format(gettext("Your edit was not saved: %(why)s"), { why: describeError(note.error || {}).text })
            : gettext("Saving your edit…");
    return el("div", { class: `state edit-note edit-${note.kind}`, text });
  }
  return null;
}

function actionRow(item, ctx) {
  const { conv, view, editable } = ctx;
  const act = view.actions;
  const buttons = [];
  if (item.own && item.status === "delivered" && !item.deleted && !item.removed) {
    if (editable && !conv.closed) buttons.push(button(gettext("Edit"), () => act.edit(conv, item)));
    buttons.push(button(gettext("Delete"), () => act.remove(conv, item)));
  }
  if (!item.own && item.status === "delivered" && !item.deleted && item.id != null) {
    buttons.push(button(gettext("Report"), () => act.report(conv, item)));
  }
  if (!buttons.length) return null;
  const id = `actions-${item.key.replace(/[^\w-]/g, "_")}`;
  const row = el("div", { class: "message-actions", id, hidden: !ctx.open }, buttons);
  // Picking an action closes the row (before the action opens a dialog or the composer).
  row.addEventListener("click", (event) => {
    if (event.target.closest("button")) {
      toggle.focus(); // where a dialog opened from here returns focus
      row.hidden = true;
      toggle.setAttribute("aria-expanded", "false");
    }
  }, true);
  const toggle = el("button", {
    type: "button",
    class: "actions-toggle",
    "aria-label": gettext("Message actions"),
    "aria-expanded": ctx.open ? "true" : "false",
    "aria-controls": id,
    text: "⋯",
  });
  toggle.addEventListener("click", () => {
    const opening = row.hidden;
    row.hidden = !opening;
    toggle.setAttribute("aria-expanded", opening ? "true" : "false");
    if (opening) row.querySelector("button").focus();
  });
  row.addEventListener("keydown", (event) => {
    if (event.key === "Escape") {
      row.hidden = true;
      toggle.setAttribute("aria-expanded", "false");
      toggle.focus();
    }
  });
  return [toggle, row];
}
