// Asks before irreversible moderation steps: buttons with data-confirm on a case page, and the
// bulk action named by #moderation-confirm-action on the case list.
(function () {
  "use strict";

  document.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest("button[data-confirm]") : null;
    if (button && !window.confirm(button.getAttribute("data-confirm"))) {
      event.preventDefault();
    }
  });

  var marker = document.getElementById("moderation-confirm-action");
  var form = document.getElementById("changelist-form");
  if (!marker || !form) {
    return;
  }
  form.addEventListener("submit", function (event) {
    var select = form.querySelector("select[name=action]");
    var isAction = event.submitter && event.submitter.name === "index";
    if (
      select &&
      isAction &&
      select.value === marker.getAttribute("data-action") &&
      !window.confirm(marker.getAttribute("data-message"))
    ) {
      event.preventDefault();
    }
  });
})();
