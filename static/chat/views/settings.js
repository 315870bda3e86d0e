// The settings dialog: reading language, interface language, display name and my bio.

import { el } from "../dom.js";
import { charCount } from "../store.js";
import { format, formatNumber, gettext, languageName } from "../i18n.js";
import { field, openDialog } from "./dialog.js";

export function settingsDialog({ api, me, config, onSaved }) {
  const reading = el("select", { name: "language" });
  for (const code of config.languages) reading.append(new Option(`${languageName(code)} (${code})`, code));
  reading.value = me.language;

  const ui = el("select", { name: "interface_language" });
  ui.append(new Option(gettext("Same as my reading language"), ""));
  for (const [code, name] of config.interfaceLanguages) ui.append(new Option(name, code));
  ui.value = me.interface_language || "";

  const displayName = el("input", { type: "text", name: "display_name", maxlength: "150", autocomplete: "nickname" });
  displayName.value = me.display_name || "";

  const bio = el("textarea", { name: "bio", rows: "5" });
  bio.value = me.bio || "";
  const counter = el("p", { class: "field-hint", "aria-live": "polite" });
  const max = config.bioMaxChars || 2000;
  const count = () => {
    const length = charCount(bio.value);
    counter.textContent = format(gettext("%(length)s / %(max)s characters"), { length: formatNumber(length), max: formatNumber(max) });
    counter.classList.toggle("warning", length > max);
  };
  bio.addEventListener("input", count);
  count();

  return openDialog({
    title: gettext("Settings"),
    name: "settings",
    submitLabel: gettext("Save"),
    body: [
      field(gettext("I read messages in"), reading, gettext("Messages are translated into this language in conversations where you turn translation on.")),
      field(gettext("Interface language"), ui),
      field(gettext("Display name"), displayName),
      field(gettext("About me"), bio, gettext("Others read your bio translated into their language.")),
      counter,
    ],
    onSubmit: async () => {
      if (charCount(bio.value) > max) throw format(gettext("Your bio is too long: at most %(max)s characters."), { max: formatNumber(max) });
      const changes = {};
      if (reading.value !== me.language) changes.language = reading.value;
      if (ui.value !== (me.interface_language || "")) changes.interface_language = ui.value;
      if (displayName.value.trim() !== (me.display_name || "")) changes.display_name = displayName.value.trim();
      let updated = me;
      if (Object.keys(changes).length) updated = await api.updateMe(changes);
      if (bio.value !== (me.bio || "")) updated = await api.updateBio(bio.value);
      const before = me.interface_language || me.language;
      const after = updated.interface_language || updated.language;
      onSaved(updated, { reload: before !== after, readingChanged: updated.language !== me.language });
    },
  });
}

/** A conversation's translation setting (the phone's header has no room for the controls). */
export function translationDialog({ conv, languages, onSave }) {
  const enabled = el("input", { type: "checkbox", name: "translate", props: { checked: conv.translate } });
  const language = el("select", { name: "language" });
  for (const code of languages) language.append(new Option(`${languageName(code)} (${code})`, code));
  if (conv.language) language.value = conv.language;
  return openDialog({
    title: gettext("Translation"),
    name: "translation",
    submitLabel: gettext("Save"),
    body: [
      el("label", { class: "radio" }, enabled, el("span", { text: gettext("Translate this conversation for me") })),
      field(gettext("Into"), language),
    ],
    onSubmit: async () => onSave(enabled.checked, language.value || undefined),
  });
}
