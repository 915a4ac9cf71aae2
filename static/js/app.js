// HRMS Lite: the small amount of behaviour htmx does not give us.
// Every page works without this file; it adds the dialog, dismissible
// messages and announcements for screen readers.
(function () {
  "use strict";

  document.documentElement.classList.remove("no-js");

  var SUCCESS_FADE_MS = 5000;
  var opener = null;

  function modal() {
    return document.getElementById("modal");
  }

  function focusFirstField(container) {
    var target =
      container.querySelector("[aria-invalid=true]") ||
      container.querySelector("input:not([type=hidden]), select, textarea") ||
      container.querySelector("button.primary, button.danger, .form-actions a");
    if (target) target.focus();
  }

  function openModal() {
    var dialog = modal();
    if (!dialog.open) {
      opener = document.activeElement;
      dialog.showModal();
    }
    focusFirstField(dialog);
  }

  function closeModal() {
    var dialog = modal();
    if (dialog && dialog.open) dialog.close();
  }

  function dismiss(message) {
    message.classList.add("message-leaving");
    window.setTimeout(function () {
      message.remove();
    }, 300);
  }

  function scheduleFades(root) {
    root.querySelectorAll(".message[data-autodismiss]").forEach(function (message) {
      if (message.dataset.scheduled) return;
      message.dataset.scheduled = "1";
      window.setTimeout(function () {
        dismiss(message);
      }, SUCCESS_FADE_MS);
    });
  }

  function showError(text) {
    var box = document.getElementById("messages");
    var message = document.createElement("div");
    message.className = "message message-error";
    message.setAttribute("role", "alert");
    var p = document.createElement("p");
    p.textContent = text;
    var button = document.createElement("button");
    button.type = "button";
    button.className = "message-dismiss";
    button.setAttribute("data-dismiss-message", "");
    button.setAttribute("aria-label", "Dismiss this message");
    button.textContent = "\u00d7";
    message.append(p, button);
    box.append(message);
  }

  document.addEventListener("DOMContentLoaded", function () {
    scheduleFades(document);
    var dialog = modal();
    if (!dialog) return;
    dialog.addEventListener("close", function () {
      document.getElementById("modal-body").replaceChildren();
      if (opener && document.contains(opener)) opener.focus();
      opener = null;
    });
    // A click on the backdrop (outside the dialog's box) closes it.
    dialog.addEventListener("click", function (event) {
      if (event.target === dialog) closeModal();
    });
  });

  document.addEventListener("click", function (event) {
    var dismissButton = event.target.closest("[data-dismiss-message]");
    if (dismissButton) {
      dismiss(dismissButton.closest(".message"));
      return;
    }
    var closer = event.target.closest("[data-close-modal]");
    if (closer && closer.closest("dialog")) {
      event.preventDefault();
      closeModal();
    }
  });

  document.addEventListener("htmx:afterSwap", function (event) {
    if (event.detail.target.id === "modal-body") openModal();
    scheduleFades(document.getElementById("messages"));
  });

  document.addEventListener("htmx:afterSettle", function (event) {
    // A form re-rendered inside the open dialog: put the focus on its first error.
    var dialog = modal();
    if (dialog && dialog.open && dialog.contains(event.target) && event.target.id !== "modal-body") {
      focusFirstField(dialog);
    }
    // Announce a list's new summary ("12 employees") after it is refreshed.
    var region = event.target;
    if (!region.matches || !region.matches("[data-announce]")) return;
    var summary = region.querySelector("[data-summary]");
    var live = document.getElementById("live-status");
    if (summary && live) live.textContent = summary.textContent.trim().replace(/\s+/g, " ");
  });

  document.addEventListener("close-modal", closeModal);

  document.addEventListener("htmx:responseError", function (event) {
    var status = event.detail.xhr.status;
    var reason = {
      403: "You do not have permission to do that.",
      404: "That record no longer exists. Reload the page to see the latest.",
      405: "That action is not allowed here.",
    }[status];
    showError(reason || "Something went wrong on the server (error " + status + "). Please try again.");
  });

  document.addEventListener("htmx:sendError", function () {
    showError("Could not reach HRMS Lite. Check your connection and try again.");
  });
})();
