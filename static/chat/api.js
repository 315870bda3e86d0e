// The client API (docs/client-api.md) over fetch: the session cookie, the CSRF token from its
// cookie, and one error shape, {"error": code, "detail": sentence}, turned into ApiError.

export class ApiError extends Error {
  constructor(status, code, detail, body) {
    super(detail || code);
    this.status = status; // 0: the request never got an answer
    this.code = code;
    this.detail = detail || "";
    this.body = body || null;
  }
}

let base = "/api/v1/";
let csrfCookie = "csrftoken";
let signedOut = () => {};

export function configure({ api, csrfCookieName, onSignedOut }) {
  if (api) base = api;
  if (csrfCookieName) csrfCookie = csrfCookieName;
  if (onSignedOut) signedOut = onSignedOut;
}

function csrfToken() {
  for (const part of document.cookie.split(";")) {
    const [name, ...rest] = part.trim().split("=");
    if (name === csrfCookie) return decodeURIComponent(rest.join("="));
  }
  const field = document.querySelector("input[name=csrfmiddlewaretoken]");
  return field ? field.value : "";
}

export async function request(method, path, body) {
  const headers = { Accept: "application/json" };
  const init = { method, headers, credentials: "same-origin" };
  if (body !== undefined) {
    headers["Content-Type"] = "application/json";
    init.body = JSON.stringify(body);
  }
  if (method !== "GET") headers["X-CSRFToken"] = csrfToken();
  let response;
  try {
    response = await fetch(base + path, init);
  } catch (error) {
    throw new ApiError(0, "network", String(error && error.message));
  }
  let data = null;
  if (response.status !== 204) {
    try {
      data = await response.json();
    } catch {
      data = null;
    }
  }
  if (!response.ok) {
    if (response.status === 401) signedOut();
    const code = (data && data.error) || (response.status === 403 ? "forbidden" : `http_${response.status}`);
    throw new ApiError(response.status, code, data && data.detail, data);
  }
  return data;
}

const query = (params) => {
  const pairs = Object.entries(params).filter(([, v]) => v !== undefined && v !== null);
  return pairs.length ? "?" + new URLSearchParams(pairs).toString() : "";
};

export const api = {
  me: () => request("GET", "me"),
  updateMe: (fields) => request("PATCH", "me", fields),
  updateBio: (bio) => request("PUT", "me/bio", { bio }),
  bio: (userId, lang) => request("GET", `users/${userId}/bio${query({ lang })}`),
  contacts: () => request("GET", "me/contacts"),
  block: (userId) => request("POST", "me/blocks", { user: userId }),
  conversations: () => request("GET", "me/conversations"),
  conversation: (id) => request("GET", `me/conversations/${id}`),
  startConversation: (userId) => request("POST", "me/conversations", { user: userId }),
  setTranslation: (id, translate, language) => request("PATCH", `me/conversations/${id}`, { translate, language }),
  messages: (id, before, limit) => request("GET", `me/conversations/${id}/messages${query({ before, limit })}`),
  read: (id, seq) => request("POST", `me/conversations/${id}/read`, { seq }),
  editMessage: (id, text) => request("PATCH", `me/messages/${id}`, { text }),
  deleteMessage: (id) => request("DELETE", `me/messages/${id}`),
  report: (fields) => request("POST", "me/reports", fields),
  appeal: (messageId, comment) => request("POST", "me/appeals", { message: messageId, comment }),
};
