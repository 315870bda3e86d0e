// Dialogs about people and messages: the new-conversation picker, a member's profile with their
// bio in my language, reporting, blocking, appealing, and deleting a message.

import { avatar, el } from "../dom.js";
import { format, gettext, languageName, presenceText } from "../i18n.js";
import { field, openDialog } from "./dialog.js";

const nameOf = (member) => (member && (member.display_name || member.username)) || gettext("Someone");

export function newConversationDialog({ api, onStarted }) {
  const list = el("ul", { class: "contact-list", "aria-busy": "true" });
  const status = el("p", { class: "empty-note", role: "status", text: gettext("Loading…") });
  const handle = openDialog({ title: gettext("Start a new chat"), body: [status, list], name: "new-conversation" });
  api
    .contacts()
    .then((contacts) => {
      list.removeAttribute("aria-busy");
      status.textContent = contacts.length ? "" : gettext("There is nobody you can start a chat with right now.");
      status.hidden = contacts.length > 0;
      for (const contact of contacts) {
        const pick = el(
          "button",
          { type: "button", class: "contact", dataset: { userId: String(contact.id) } },
          avatar(contact),
          el(
            "span",
            { class: "contact-text" },
            el("span", { class: "contact-name", dir: "auto", text: nameOf(contact) }),
            el("span", {
              class: "contact-detail",
              text: [format(gettext("Reads %(language)s"), { language: languageName(contact.language) }), presenceText(contact)]
                .filter(Boolean)
                .join(" · "),
            }),
          ),
        );
        pick.addEventListener("click", async () => {
          pick.disabled = true;
          try {
            const conversation = await api.startConversation(contact.id);
            handle.close();
            onStarted(conversation);
          } catch (error) {
            handle.showError(error);
            pick.disabled = false;
          }
        });
        list.append(el("li", {}, pick));
      }
      const first = list.querySelector("button");
      if (first) first.focus();
    })
    .catch((error) => {
      status.hidden = true;
      handle.showError(error);
    });
  return handle;
}

export function profileDialog({ api, member, onReport, onBlock, canBlock }) {
  const bio = el("div", { class: "bio", "aria-live": "polite" }, el("p", { class: "empty-note", text: gettext("Loading…") }));
  const actions = el(
    "div",
    { class: "profile-actions" },
    el("button", { type: "button", class: "button-quiet", text: gettext("Report"), onclick: () => { handle.close(); onReport(); } }),
    canBlock
      ? el("button", { type: "button", class: "button-quiet danger", text: gettext("Block"), onclick: () => { handle.close(); onBlock(); } })
      : null,
  );
  const handle = openDialog({
    title: nameOf(member),
    name: "profile",
    body: [
      el(
        "div",
        { class: "profile-head" },
        avatar(member, "large"),
        el(
          "div",
          {},
          el("p", { class: "presence-line", text: presenceText(member) }),
          member.language ? el("p", { text: format(gettext("Reads %(language)s"), { language: languageName(member.language) }) }) : null,
        ),
      ),
      el("h3", { class: "bio-title", text: gettext("About") }),
      bio,
      actions,
    ],
  });
  api
    .bio(member.id)
    .then((data) => bio.replaceChildren(...bioNodes(data)))
    .catch((error) => bio.replaceChildren(el("p", { class: "dialog-error", text: gettext("The bio could not be loaded.") + " " + (error.detail || "") })));
  return handle;
}

function bioNodes(data) {
  if (!data.bio) return [el("p", { class: "empty-note", text: gettext("No bio yet.") })];
  const tr = data.translation && data.translation.status === "done" && data.translation.text ? data.translation : null;
  const original = el("p", { class: "bio-text", dir: "auto", lang: data.source_language || "", text: data.bio });
  if (!tr) return [original];
  const translated = el("p", { class: "bio-text", dir: "auto", lang: tr.language || "", text: tr.text });
  original.hidden = true;
  const note = el("p", {
    class: "bio-note",
    text: format(gettext("Translated from %(language)s"), { language: languageName(data.source_language) }),
  });
  const toggle = el("button", { type: "button", class: "inline-button", text: gettext("Show original"), "aria-pressed": "false" });
  toggle.addEventListener("click", () => {
    const showOriginal = original.hidden;
    original.hidden = !showOriginal;
    translated.hidden = showOriginal;
    toggle.textContent = showOriginal ? gettext("Show translation") : gettext("Show original");
    toggle.setAttribute("aria-pressed", showOriginal ? "true" : "false");
  });
  const parts = [translated, original, el("div", { class: "bio-meta" }, note, toggle)];
  if (tr.demo) parts.push(el("p", { class: "demo-label", text: gettext("Offline demo translation, not a real translation") }));
  return parts;
}

const REASONS = [
  ["scam", () => gettext("Scam or fraud")],
  ["spam", () => gettext("Spam")],
  ["harassment", () => gettext("Harassment or hate")],
  ["inappropriate", () => gettext("Inappropriate content")],
  ["underage", () => gettext("May be under age")],
  ["other", () => gettext("Something else")],
];

export function reportDialog({ api, conv, member, item, onDone }) {
  const radios = REASONS.map(([value, label], index) =>
    el("label", { class: "radio" }, el("input", { type: "radio", name: "reason", value, required: index === 0 }), el("span", { text: label() })),
  );
  const comment = el("textarea", { name: "comment", rows: "3", maxlength: "2000" });
  const quote = item ? el("blockquote", { class: "quote", dir: "auto", text: item.readingText() }) : null;
  return openDialog({
    title: item ? gettext("Report this message") : format(gettext("Report %(name)s"), { name: nameOf(member) }),
    name: "report",
    submitLabel: gettext("Send report"),
    body: [
      quote,
      el("fieldset", { class: "choices" }, el("legend", { text: gettext("What is wrong?") }), radios),
      field(gettext("Anything a moderator should know (optional)"), comment),
    ],
    onSubmit: async (form) => {
      const reason = form.querySelector("input[name=reason]:checked");
      if (!reason) throw gettext("Choose what is wrong.");
      const body = { conversation: conv.id, reason: reason.value, comment: comment.value.trim() };
      if (item) body.message = item.id;
      else body.user = member.id;
      await api.report(body);
      onDone(gettext("Thank you. A moderator will look at your report."));
    },
  });
}

export function blockDialog({ api, member, onDone }) {
  return openDialog({
    title: format(gettext("Block %(name)s?"), { name: nameOf(member) }),
    name: "block",
    danger: true,
    submitLabel: gettext("Block"),
    body: [
      el("p", {
        text: gettext("Neither of you will be able to message the other, and your conversations close for both of you. You can still read them."),
      }),
    ],
    onSubmit: async () => {
      await api.block(member.id);
      onDone(format(gettext("You blocked %(name)s."), { name: nameOf(member) }));
    },
  });
}

export function appealDialog({ api, item, onDone }) {
  const comment = el("textarea", { name: "comment", rows: "3", maxlength: "2000" });
  return openDialog({
    title: gettext("Ask a moderator to look again"),
    name: "appeal",
    submitLabel: gettext("Send appeal"),
    body: [
      el("blockquote", { class: "quote", dir: "auto", text: item.text }),
      field(gettext("Why is this message fine? (optional)"), comment),
    ],
    onSubmit: async () => {
      await api.appeal(item.id, comment.value.trim());
      onDone();
    },
  });
}

export function deleteDialog({ onConfirm }) {
  return openDialog({
    title: gettext("Delete this message?"),
    name: "delete",
    danger: true,
    submitLabel: gettext("Delete for everyone"),
    body: [el("p", { text: gettext("It disappears for everyone in the conversation.") })],
    onSubmit: async () => onConfirm(),
  });
}
