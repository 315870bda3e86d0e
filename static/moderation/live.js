// Live case list: polls the staff-only endpoint every 5 s and, when new cases arrive, shows
// "N new cases" and reloads the list (same URL, so filters, search and page are kept). While a
// moderator is selecting rows or typing a search it only shows the banner, with a reload button.
(function () {
  "use strict";

  var INTERVAL_MS = 5000;
  var MAX_INTERVAL_MS = 60000;
  var RELOAD_DELAY_MS = 1200;
  var ARRIVALS_KEY = "moderation.arrivals";

  var root = document.getElementById("moderation-live");
  if (!root || !window.fetch) {
    return;
  }
  var pollUrl = root.getAttribute("data-poll-url");
  var latestId = Number(root.getAttribute("data-latest-id")) || 0;
  var interval = INTERVAL_MS;
  var timer = null;
  var stopped = false;

  function plural(count) {
    return count === 1 ? "1 new case" : count + " new cases";
  }

  function banner(text, withReload) {
    if (!root.hidden && root.getAttribute("data-text") === text) {
      return; // the same news again: leave the banner (and its button) alone
    }
    root.setAttribute("data-text", text);
    root.textContent = text;
    if (withReload) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "button";
      button.textContent = "Reload";
      button.addEventListener("click", function () {
        window.location.reload();
      });
      root.appendChild(button);
    }
    root.hidden = false;
  }

  // After a reload caused by new cases: say how many, and mark their rows.
  function showArrivals() {
    var stored;
    try {
      stored = JSON.parse(window.sessionStorage.getItem(ARRIVALS_KEY) || "null");
      window.sessionStorage.removeItem(ARRIVALS_KEY);
    } catch (error) {
      stored = null;
    }
    if (!stored || stored.path !== window.location.pathname + window.location.search) {
      return;
    }
    banner(plural(stored.count), false);
    var boxes = document.querySelectorAll("#result_list input.action-select");
    Array.prototype.forEach.call(boxes, function (box) {
      var row = box.closest("tr");
      if (row && Number(box.value) > stored.since) {
        row.classList.add("moderation-new");
      }
    });
  }

  // Reloading now would throw away what the moderator is in the middle of.
  function busy() {
    if (document.querySelector("#result_list input.action-select:checked")) {
      return true;
    }
    var action = document.querySelector("#changelist-form select[name=action]");
    if (action && action.value) {
      return true;
    }
    var search = document.getElementById("searchbar");
    return Boolean(search && search.value !== search.defaultValue);
  }

  function updateCounts(data) {
    var pending = document.querySelector(".moderation-counts [data-count=pending]");
    if (pending && typeof data.pending === "number") {
      pending.textContent = String(data.pending);
    }
  }

  function arrived(data) {
    var count = typeof data.new === "number" && data.new > 0 ? data.new : 1;
    if (busy()) {
      banner(plural(count) + " — reload to see them.", true);
      return;
    }
    try {
      window.sessionStorage.setItem(
        ARRIVALS_KEY,
        JSON.stringify({
          since: latestId,
          count: count,
          path: window.location.pathname + window.location.search,
        })
      );
    } catch (error) {
      // Private mode without storage: the banner before the reload is enough.
    }
    banner(plural(count), false);
    stopped = true;
    window.setTimeout(function () {
      window.location.reload();
    }, RELOAD_DELAY_MS);
  }

  function schedule() {
    if (!stopped) {
      timer = window.setTimeout(poll, interval);
    }
  }

  function poll() {
    timer = null;
    if (document.hidden) {
      return; // resumed by the visibilitychange handler
    }
    var url = pollUrl + (pollUrl.indexOf("?") === -1 ? "?" : "&") + "since=" + latestId;
    window
      .fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (response.status === 403) {
          stopped = true; // logged out or no longer allowed: stop asking
          return null;
        }
        if (!response.ok) {
          throw new Error("poll failed: " + response.status);
        }
        return response.json();
      })
      .then(function (data) {
        if (!data) {
          return;
        }
        interval = INTERVAL_MS;
        updateCounts(data);
        if (data.latest_id > latestId) {
          arrived(data);
        }
      })
      .catch(function () {
        interval = Math.min(interval * 2, MAX_INTERVAL_MS);
      })
      .then(schedule);
  }

  document.addEventListener("visibilitychange", function () {
    if (!document.hidden && timer === null && !stopped) {
      poll();
    }
  });

  showArrivals();
  schedule();
})();
