// The host app's link into the web client: /session/open#token=<user token>. The token sits
// in the fragment, which browsers never send to a server (no access log keeps it); it is
// traded for the session cookie, removed from the address bar, and the chat opens.
"use strict";

(async () => {
  const status = document.getElementById("session-status");
  const token = new URLSearchParams(window.location.hash.slice(1)).get("token");
  window.history.replaceState(null, "", window.location.pathname);
  let opened = false;
  if (token) {
    try {
      const response = await fetch("/api/v1/me/session", {
        method: "POST",
        headers: { Authorization: `Bearer ${token}` },
        credentials: "same-origin",
      });
      opened = response.status === 204;
    } catch {
      opened = false;
    }
  }
  if (opened) {
    window.location.replace("/");
  } else {
    status.textContent = status.dataset.failed;
  }
})();
