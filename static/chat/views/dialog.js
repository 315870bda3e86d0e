// Modal dialogs on <dialog>: labelled by their heading, Escape closes, focus goes back to
// what opened them. A dialog with a form runs onSubmit and shows its error inside itself.

import { el } from "../dom.js";
import { gettext } from "../i18n.js";
import { describeError } from "../errors.js";

let counter = 0;

/**
 * openDialog({title, body, submitLabel, cancelLabel, onSubmit, danger, name})
 * onSubmit(form) may return a promise; a thrown ApiError is shown in the dialog, which stays
 * open. Returns {dialog, close, showError}.
 */
export function openDialog({ title, body = [], submitLabel, cancelLabel, onSubmit, danger = false, name = "" }) {
  const id = `dialog-${++counter}`;
  const opener = document.activeElement;
  const error = el("p", { class: "dialog-error", role: "alert", hidden: true });
  const submit = submitLabel
    ? el("button", { type: "submit", class: danger ? "button-danger" : "button-primary", text: submitLabel })
    : null;
  const cancel = el("button", {
    type: "button",
    class: "button-quiet",
    text: cancelLabel || (submitLabel ? gettext("Cancel") : gettext("Close")),
  });
  const form = el(
    "form",
    { class: "dialog-form", method: "dialog", novalidate: true },
    el(
      "div",
      { class: "dialog-header" },
      el("h2", { id: `${id}-title`, class: "dialog-title", text: title }),
      el("button", { type: "button", class: "dialog-close", "aria-label": gettext("Close"), text: "×", onclick: () => close() }),
    ),
    el("div", { class: "dialog-body", id: `${id}-body` }, body),
    error,
    el("div", { class: "dialog-actions" }, cancel, submit),
  );
  const dialog = el("dialog", { class: "dialog", "aria-labelledby": `${id}-title`, dataset: { dialog: name } }, form);

  function close() {
    if (dialog.open) dialog.close();
  }

  function showError(err) {
    error.textContent = typeof err === "string" ? err : describeError(err).text;
    error.hidden = false;
  }

  cancel.addEventListener("click", close);
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (!onSubmit) return close();
    error.hidden = true;
    if (submit) submit.disabled = true;
    try {
      const keepOpen = await onSubmit(form);
      if (keepOpen !== true) close();
    } catch (err) {
      showError(err);
    } finally {
      if (submit) submit.disabled = false;
    }
  });
  dialog.addEventListener("close", () => {
    dialog.remove();
    if (opener && opener.isConnected && typeof opener.focus === "function") opener.focus();
  });
  document.body.append(dialog);
  dialog.showModal();
  // Focus the first field, else the main action: never the close button.
  const first = dialog.querySelector(".dialog-body input, .dialog-body select, .dialog-body textarea, .dialog-body button");
  (first || submit || cancel).focus();
  return { dialog, close, showError, form };
}

/** A labelled field: <label> then the control, with an optional hint tied by aria-describedby. */
export function field(labelText, control, hintText) {
  const id = control.id || `field-${++counter}`;
  control.id = id;
  const parts = [el("label", { for: id, text: labelText }), control];
  if (hintText) {
    const hint = el("p", { class: "field-hint", id: `${id}-hint`, text: hintText });
    control.setAttribute("aria-describedby", hint.id);
    parts.push(hint);
  }
  return el("div", { class: "field" }, parts);
}
