// The conversation list: who, presence, the last message in my language, unread count.

import { avatar, el } from "../dom.js";
import { format, gettext, ngettext, parseTime, presenceText, shortTime } from "../i18n.js";

export class ConversationList {
  constructor({ root, status, onOpen }) {
    this.root = root;
    this.status = status;
    this.onOpen = onOpen;
    this.rows = new Map(); // conversation id → row nodes
  }

  showStatus(text) {
    this.status.textContent = text || "";
    this.status.hidden = !text;
  }

  render(store, activeId) {
    const ordered = store.ordered();
    const wanted = new Set(ordered.map((c) => c.id));
    for (const [id, row] of this.rows) {
      if (!wanted.has(id)) {
        row.li.remove();
        this.rows.delete(id);
      }
    }
    let cursor = this.root.firstElementChild;
    for (const conv of ordered) {
      const row = this.rows.get(conv.id) || this.create(conv);
      this.fill(row, conv, conv.id === activeId, store.userId);
      if (row.li === cursor) cursor = cursor.nextElementSibling;
      else this.root.insertBefore(row.li, cursor);
    }
    if (!ordered.length) this.showStatus(gettext("No conversations yet. Start one with “New chat”."));
    else this.showStatus("");
  }

  create(conv) {
    const button = el("button", {
      type: "button",
      class: "conversation",
      dataset: { conversationId: String(conv.id) },
      onclick: () => this.onOpen(conv.id),
    });
    const row = { li: el("li", {}, button), button };
    this.rows.set(conv.id, row);
    return row;
  }

  fill(row, conv, active, meId) {
    const peer = conv.peer;
    const online = conv.kind === "direct" && peer && peer.online;
    const picture = avatar(peer || { id: conv.id, username: conv.name });
    picture.append(el("span", { class: "presence-dot", dataset: { online: online ? "true" : "false" } }));
    const when = parseTime(conv.lastMessage && conv.lastMessage.created_at);
    const typing = conv.typers.size > 0;
    const preview = typing ? gettext("typing…") : previewText(conv, meId);
    const unread = conv.unread || 0;
    row.button.classList.toggle("active", active);
    row.button.classList.toggle("unread", unread > 0);
    row.button.classList.toggle("closed", conv.closed);
    row.button.setAttribute("aria-current", active ? "true" : "false");
    row.button.replaceChildren(
      picture,
      el(
        "span",
        { class: "conversation-main" },
        el(
          "span",
          { class: "conversation-top" },
          el("span", { class: "conversation-title", dir: "auto", text: conv.name || gettext("Conversation") }),
          online ? el("span", { class: "visually-hidden", text: ", " + gettext("online") }) : null,
          when ? el("time", { class: "conversation-time", datetime: when.toISOString(), text: shortTime(when) }) : null,
        ),
        el(
          "span",
          { class: "conversation-bottom" },
          el("span", { class: `conversation-preview${typing ? " typing" : ""}`, dir: "auto", text: preview }),
          conv.closed ? el("span", { class: "closed-tag", text: gettext("Closed") }) : null,
          unread
            ? el("span", { class: "badge", "aria-hidden": "true", text: unread > 99 ? "99+" : String(unread) })
            : null,
          unread
            ? el("span", {
                class: "visually-hidden",
                text: format(ngettext("%(count)s unread message", "%(count)s unread messages", unread), { count: unread }),
              })
            : null,
        ),
      ),
    );
    row.button.title = conv.kind === "direct" && peer ? presenceText(peer) : "";
  }
}

function previewText(conv, meId) {
  const last = conv.lastMessage;
  if (!last) return conv.closed ? gettext("Conversation closed") : gettext("No messages yet");
  if (last.deleted) return gettext("Message deleted");
  if (last.status === "rejected") return gettext("Message removed by a moderator");
  const own = Boolean(last.sender && last.sender.id === meId);
  const tr = last.translation;
  const text = !own && tr && tr.status === "done" && tr.text ? tr.text : last.text;
  const oneLine = String(text || "").replace(/\s+/g, " ").trim();
  return own ? format(gettext("You: %(text)s"), { text: oneLine }) : oneLine;
}
