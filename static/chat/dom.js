// The only way the client builds DOM: text goes in through text nodes and attributes, never as
// markup, so nothing a user or the server sends can become HTML.

/**
 * el("button", {class: "x", type: "button", text: "Send", onclick: fn}, child, ...)
 * `text` sets textContent; `on<event>` adds a listener; `dataset` fills data-*; `props` sets
 * DOM properties; true sets a boolean attribute; false, null and undefined are skipped.
 */
export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (key === "class") node.className = value;
    else if (key === "text") node.textContent = String(value);
    else if (key === "dataset") Object.assign(node.dataset, value);
    else if (key === "props") Object.assign(node, value);
    else if (key.startsWith("on") && typeof value === "function") node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value === true ? "" : String(value));
  }
  append(node, children);
  return node;
}

function append(node, children) {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    if (Array.isArray(child)) append(node, child);
    else node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

// http(s) links only; trailing punctuation belongs to the sentence, not the link.
const URL_PATTERN = /\bhttps?:\/\/[^\s<>"'`]+/gi;
const TRAILING = /[.,;:!?'")\]}>]+$/;

/** Text with its http(s) links as anchors that open in a new tab, as DOM nodes. */
export function linkify(text) {
  const source = String(text ?? "");
  const fragment = document.createDocumentFragment();
  let last = 0;
  for (const match of source.matchAll(URL_PATTERN)) {
    let candidate = match[0];
    const trailing = candidate.match(TRAILING);
    if (trailing) {
      // Keep a closing parenthesis that closes one inside the link (Wikipedia-style URLs).
      let cut = trailing[0];
      const opens = (candidate.match(/\(/g) || []).length;
      const closes = (candidate.match(/\)/g) || []).length;
      if (cut.startsWith(")") && opens >= closes) cut = "";
      candidate = candidate.slice(0, candidate.length - cut.length);
    }
    let url = null;
    try {
      url = new URL(candidate);
    } catch {
      url = null;
    }
    if (!url || (url.protocol !== "http:" && url.protocol !== "https:")) continue;
    fragment.append(document.createTextNode(source.slice(last, match.index)));
    fragment.append(el("a", { href: url.href, target: "_blank", rel: "noopener noreferrer", text: candidate }));
    last = match.index + candidate.length;
  }
  fragment.append(document.createTextNode(source.slice(last)));
  return fragment;
}

const AVATAR_HUES = [210, 340, 160, 30, 270, 190, 0, 120];

/** A member's picture (an http(s) URL only) or their initial on a colour of their own. */
export function avatar(member, size = "") {
  const name = (member && (member.display_name || member.username)) || "?";
  const node = el("span", { class: `avatar ${size}`.trim(), "aria-hidden": "true" });
  let src = null;
  try {
    const url = member && member.avatar_url ? new URL(member.avatar_url, location.href) : null;
    if (url && (url.protocol === "https:" || url.protocol === "http:")) src = url.href;
  } catch {
    src = null;
  }
  if (src) node.append(el("img", { src, alt: "", loading: "lazy", referrerpolicy: "no-referrer" }));
  else {
    node.textContent = Array.from(name)[0].toUpperCase();
    node.style.setProperty("--avatar-hue", String(AVATAR_HUES[(member ? member.id || 0 : 0) % AVATAR_HUES.length]));
  }
  return node;
}

export const $ = (id) => document.getElementById(id);
