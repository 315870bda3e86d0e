// The conversation pane around the message list: its header (who, presence, translation, the
// conversation menu), the closed banner, typing line, error line and the composer.

import { $, avatar } from "../dom.js";
import { charCount } from "../store.js";
import { format, formatNumber, gettext, languageName, presenceText, timeOfDay } from "../i18n.js";

const TYPING_TEXT = {
  one: (names) => format(gettext("%(name)s is typing…"), { name: names[0] }),
  many: (names) => format(gettext("%(names)s are typing…"), { names: names.join(", ") }),
};

export class Pane {
  /**
   * handlers: {send(text), cancelEdit(), typing(), translation(enabled, language), menu(action),
   * profile(), back()}
   */
  constructor({ config, handlers }) {
    this.config = config;
    this.handlers = handlers;
    this.conv = null;
    this.editing = null;
    this.wait = null; // {kind: "cooldown" | "muted" | "banned", until: ms}
    this.waitTimer = 0;
    this.errorTimer = 0;
    this.ui = {
      app: $("chat-app"),
      back: $("back-button"),
      peer: $("peer-button"),
      peerAvatar: $("peer-avatar"),
      peerName: $("peer-name"),
      presence: $("peer-presence"),
      toggle: $("translate-toggle"),
      language: $("translate-language"),
      menuButton: $("conversation-menu-button"),
      menu: $("conversation-menu"),
      closed: $("closed-banner"),
      typing: $("typing-line"),
      error: $("error-line"),
      errorText: $("error-text"),
      errorDismiss: $("error-dismiss"),
      composer: $("composer"),
      input: $("message-input"),
      send: $("send-button"),
      note: $("composer-note"),
      waitNote: $("composer-wait"),
      editBanner: $("edit-banner"),
      editCancel: $("edit-cancel"),
      announcer: $("announcer"),
    };
    for (const code of config.languages || []) {
      const name = languageName(code);
      this.ui.language.append(new Option(name && name !== code ? `${name} (${code})` : code, code));
    }
    this.bind();
  }

  bind() {
    const { ui, handlers } = this;
    ui.back.addEventListener("click", () => handlers.back());
    ui.peer.addEventListener("click", () => handlers.profile());
    ui.toggle.addEventListener("change", () => handlers.translation(ui.toggle.checked, ui.language.value || undefined));
    ui.language.addEventListener("change", () => handlers.translation(ui.toggle.checked, ui.language.value || undefined));
    ui.errorDismiss.addEventListener("click", () => this.clearError());
    ui.editCancel.addEventListener("click", () => handlers.cancelEdit());
    ui.composer.addEventListener("submit", (event) => {
      event.preventDefault();
      this.submit();
    });
    ui.input.addEventListener("keydown", (event) => {
      if (event.key === "Enter" && !event.shiftKey && !event.isComposing && event.keyCode !== 229) {
        event.preventDefault();
        this.submit();
      } else if (event.key === "Escape" && this.editing) {
        event.preventDefault();
        handlers.cancelEdit();
      }
    });
    ui.input.addEventListener("input", () => {
      this.updateComposer();
      if (ui.input.value.trim() && !this.editing) handlers.typing();
    });
    // The menu of the conversation: a disclosure; Escape or a click elsewhere closes it.
    ui.menuButton.addEventListener("click", () => this.toggleMenu());
    ui.menu.addEventListener("click", (event) => {
      const action = event.target.closest("button[data-action]");
      if (!action) return;
      this.toggleMenu(false);
      handlers.menu(action.dataset.action);
    });
    ui.menu.addEventListener("keydown", (event) => {
      const items = this.menuItems();
      const index = items.indexOf(document.activeElement);
      if (event.key === "Escape") {
        this.toggleMenu(false);
        ui.menuButton.focus();
      } else if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        event.preventDefault();
        const step = event.key === "ArrowDown" ? 1 : -1;
        items[(index + step + items.length) % items.length].focus();
      }
    });
    document.addEventListener("click", (event) => {
      if (!ui.menu.hidden && !event.target.closest(".menu-wrap")) this.toggleMenu(false);
    });
  }

  /** The menu's items this layout shows (some are for the phone only). */
  menuItems() {
    return Array.from(this.ui.menu.querySelectorAll("button")).filter((b) => !b.hidden && b.getClientRects().length);
  }

  toggleMenu(open = this.ui.menu.hidden) {
    this.ui.menu.hidden = !open;
    this.ui.menuButton.setAttribute("aria-expanded", open ? "true" : "false");
    if (open) this.menuItems()[0].focus();
  }

  /** Phone layout: the list, or one conversation with a back button. */
  setView(view) {
    this.ui.app.dataset.view = view;
  }

  show(conv) {
    this.conv = conv;
    const enabled = Boolean(conv);
    for (const control of [this.ui.toggle, this.ui.language, this.ui.menuButton, this.ui.peer]) control.disabled = !enabled;
    this.renderHeader();
    this.renderClosed();
    this.renderTyping();
    this.updateComposer();
  }

  renderHeader() {
    const { ui, conv } = this;
    if (!conv) {
      ui.peerName.textContent = gettext("Select a conversation");
      ui.presence.textContent = "";
      ui.peerAvatar.replaceChildren();
      return;
    }
    const peer = conv.peer;
    ui.peerName.textContent = conv.name || gettext("Conversation");
    ui.presence.textContent =
      conv.kind === "direct" ? presenceText(peer) : format(gettext("%(count)s members"), { count: conv.members.length + 1 });
    ui.presence.dataset.online = conv.kind === "direct" && peer && peer.online ? "true" : "false";
    ui.peerAvatar.replaceChildren(avatar(peer || { id: conv.id, username: conv.name }));
    ui.peer.setAttribute("aria-label", format(gettext("%(name)s: view profile"), { name: conv.name }));
    ui.toggle.checked = conv.translate;
    if (conv.language && !Array.from(ui.language.options).some((o) => o.value === conv.language)) {
      ui.language.append(new Option(languageName(conv.language), conv.language));
    }
    ui.language.value = conv.language || "";
    ui.menu.querySelector("[data-action=block]").hidden = conv.kind !== "direct" || conv.closed;
  }

  renderClosed() {
    const { ui, conv } = this;
    const closed = Boolean(conv && conv.closed);
    ui.closed.hidden = !closed;
    if (closed) {
      ui.closed.textContent =
        conv.closedReason === "blocked"
          ? gettext("This conversation is closed because of a block. You can still read it, but nobody can send messages.")
          : conv.closedReason === "unmatched"
            ? gettext("You are no longer matched. You can still read this conversation, but nobody can send messages.")
            : conv.closedReason === "removed"
              ? gettext("You are no longer in this conversation: new messages no longer reach you here.")
              : gettext("This conversation is closed. You can still read it, but nobody can send messages.");
    }
    ui.composer.hidden = closed;
  }

  renderTyping() {
    const names = this.conv ? Array.from(this.conv.typers.values(), (t) => t.name) : [];
    this.ui.typing.textContent = !names.length ? "" : names.length === 1 ? TYPING_TEXT.one(names) : TYPING_TEXT.many(names);
  }

  announce(text) {
    // A fresh node each time, so a repeated text is read again.
    this.ui.announcer.replaceChildren(document.createTextNode(text));
  }

  showError(text, { sticky = false } = {}) {
    this.ui.errorText.textContent = text;
    this.ui.error.hidden = false;
    clearTimeout(this.errorTimer);
    if (!sticky) this.errorTimer = setTimeout(() => this.clearError(), 12000);
  }

  clearError() {
    this.ui.error.hidden = true;
    this.ui.errorText.textContent = "";
  }

  // --- composer ------------------------------------------------------------------------------

  submit() {
    const text = this.ui.input.value.trim();
    if (!text || this.sendBlocked(text)) return;
    this.handlers.send(text);
  }

  /** Why sending is not possible now (a reason string), or "". */
  sendBlocked(text = this.ui.input.value.trim()) {
    if (!this.conv || this.conv.closed) return "closed";
    if (this.wait && (this.wait.kind === "banned" || this.wait.until > Date.now())) return this.wait.kind;
    if (charCount(text) > this.config.maxChars) return "too_long";
    return "";
  }

  clearInput() {
    this.ui.input.value = "";
    this.updateComposer();
  }

  setEditing(item) {
    this.editing = item;
    this.ui.editBanner.hidden = !item;
    this.ui.send.textContent = item ? gettext("Save") : gettext("Send");
    if (item) {
      this.ui.input.value = item.text;
      this.ui.input.focus();
      this.ui.input.setSelectionRange(item.text.length, item.text.length);
    }
    this.updateComposer();
  }

  /** Hold sending until `until` (ms): a rate limit's cooldown or a mute; "banned" for good. */
  holdSending(kind, until = Infinity) {
    this.wait = { kind, until };
    clearInterval(this.waitTimer);
    this.waitTimer = setInterval(() => {
      if (this.wait && this.wait.kind !== "banned" && this.wait.until <= Date.now()) {
        this.wait = null;
        clearInterval(this.waitTimer);
        this.handlers.waitOver();
      }
      this.updateComposer();
    }, 1000);
    this.updateComposer();
  }

  updateComposer() {
    const { ui, conv } = this;
    const text = ui.input.value;
    const length = charCount(text.trim());
    const max = this.config.maxChars;
    ui.input.disabled = !conv || conv.closed;
    // Auto-grow up to the CSS max-height.
    ui.input.style.height = "auto";
    ui.input.style.height = `${ui.input.scrollHeight}px`;

    let waitText = "";
    if (this.wait && this.wait.kind === "banned") waitText = gettext("Your account is banned: you can no longer send messages.");
    else if (this.wait && this.wait.until > Date.now()) {
      const seconds = Math.ceil((this.wait.until - Date.now()) / 1000);
      waitText =
        this.wait.kind === "muted"
          ? format(gettext("You are muted until %(time)s."), { time: timeOfDay(new Date(this.wait.until)) })
          : format(gettext("You can send again in %(seconds)s s."), { seconds });
    }
    ui.waitNote.textContent = waitText;
    ui.waitNote.hidden = !waitText;

    let note = "";
    ui.note.classList.toggle("warning", length > max);
    if (length > max) {
      note = format(gettext("Your message is %(length)s characters long; the limit is %(max)s. Shorten it to send it."), {
        length: formatNumber(length),
        max: formatNumber(max),
      });
    } else if (length > max * 0.9) {
      note = format(gettext("%(length)s / %(max)s characters"), { length: formatNumber(length), max: formatNumber(max) });
    }
    if (ui.note.textContent !== note) ui.note.textContent = note;
    ui.input.setAttribute("aria-invalid", length > max ? "true" : "false");
    ui.send.disabled = !conv || !text.trim() || Boolean(this.sendBlocked(text.trim()));
  }
}
