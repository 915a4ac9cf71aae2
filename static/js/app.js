// HRMS Lite: the small amount of behaviour htmx does not give us.
// Every page works without this file; it adds the dialog, dismissible
// messages and announcements for screen readers.
(function () {
  "use strict";

  document.documentElement.classList.remove("no-js");

  var MESSAGE_LINGER_MS = 4000;
  var opener = null; // what opened the dialog, to give the focus back to
  var returnTo = null; // the href of that opener, once the dialog has closed

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

  // Messages other than errors leave a few seconds after the person's next action (a
  // click, a key, a request), so nobody misses one by looking away; errors stay until
  // dismissed. A new action starts the clock only for messages shown before it.
  function scheduleLeaving() {
    document.querySelectorAll(".message[data-transient]:not([data-leaving])").forEach(function (message) {
      if (!message.dataset.shown) return;
      message.dataset.leaving = "1";
      window.setTimeout(function () {
        dismiss(message);
      }, MESSAGE_LINGER_MS);
    });
  }

  function markShown(root) {
    var text = [];
    root.querySelectorAll(".message").forEach(function (message) {
      if (message.dataset.shown) return;
      message.dataset.shown = "1";
      text.push(message.textContent.replace(/\u00d7/g, "").trim());
    });
    return text;
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
    // A message that came with the page is not announced by its live region (only
    // changes are): say it once the page has loaded.
    var said = markShown(document);
    var live = document.getElementById("live-status");
    if (said.length && live) {
      window.setTimeout(function () {
        live.textContent = said.join(" ");
      }, 500);
    }
    var dialog = modal();
    if (!dialog) return;
    dialog.addEventListener("close", function () {
      document.getElementById("modal-body").replaceChildren();
      if (opener && document.contains(opener)) opener.focus();
      // A save may refresh the list the dialog was opened from, replacing the opener:
      // remember where it pointed, to put the focus back on its successor.
      returnTo = opener ? opener.getAttribute("href") : null;
      opener = null;
      window.setTimeout(function () {
        returnTo = null; // only for the refresh that follows the save
      }, 5000);
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
  });
  document.addEventListener("htmx:afterSettle", function () {
    markShown(document.getElementById("messages") || document);
  });

  // The person's next action: earlier messages may go.
  ["click", "keydown", "htmx:beforeRequest"].forEach(function (type) {
    document.addEventListener(type, scheduleLeaving, true);
  });

  // Menus (<details class="menu">): one open at a time, closed by Escape or a click elsewhere.
  function closeMenus(except) {
    document.querySelectorAll("details.menu[open]").forEach(function (menu) {
      if (menu !== except && !menu.contains(except)) menu.removeAttribute("open");
    });
  }
  document.addEventListener("click", function (event) {
    closeMenus(event.target.closest("details.menu"));
  });
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") return;
    var menu = event.target.closest && event.target.closest("details.menu[open]");
    if (!menu) return;
    menu.removeAttribute("open");
    menu.querySelector("summary").focus();
  });

  document.addEventListener("htmx:afterSettle", function (event) {
    // A refreshed list replaced the element that opened the dialog: focus its successor
    // (the same link in the new list), or the list's summary when it is gone (deleted).
    var list = event.target;
    if (returnTo && list.matches && list.matches("[data-announce]") &&
        (document.activeElement === document.body || !document.contains(document.activeElement))) {
      var successor = list.querySelector('a[href="' + CSS.escape(returnTo) + '"]');
      var summary = list.querySelector("[data-summary]");
      if (successor) {
        successor.focus();
      } else if (summary) {
        summary.setAttribute("tabindex", "-1");
        summary.focus();
      }
      returnTo = null;
    }
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

  // The roster: keys pick a status, changed rows are marked until saved (each with a
  // Save button of its own), "mark all unmarked as Present" works without a round trip.
  function rosterRow(element) {
    return element.closest && element.closest("[data-roster] tbody tr");
  }

  function rosterCode(row) {
    return row.querySelector("input[type=hidden]").name.slice("seen_".length);
  }

  // A changed row gets a button saving it alone: it posts the whole form with
  // only=<code>, and the answer takes the row's place. Rows without a change have none,
  // so a page of a thousand rows does not carry a thousand buttons. (A plain button, not
  // a submit button: a form of thousands of fields looks for its default button again
  // whenever a submit button is added, and marking a whole page took most of a second.)
  function rowSave(row, dirty) {
    var cell = row.lastElementChild;
    var button = cell.querySelector("[data-save-row]");
    if (dirty && !button) {
      var name = row.querySelector("th a");
      button = document.createElement("button");
      button.type = "button";
      button.className = "button small";
      button.setAttribute("data-save-row", "");
      button.setAttribute("aria-label", "Save " + (name ? name.textContent : rosterCode(row)));
      button.textContent = "Save";
      cell.replaceChildren(button);
    } else if (!dirty && button) {
      button.remove();
    }
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-save-row]");
    if (!button) return;
    var row = rosterRow(button);
    var form = row.closest("[data-roster]");
    htmx.ajax("POST", form.getAttribute("action"), {
      source: form,
      values: { only: rosterCode(row) },
      target: row,
      swap: "outerHTML",
    });
  });

  function markDirty(row) {
    var checked = row.querySelector("input[type=radio]:checked");
    var dirty = Boolean(checked && checked.value !== row.querySelector("input[type=hidden]").value);
    if (dirty) row.setAttribute("data-dirty", "");
    else row.removeAttribute("data-dirty");
    rowSave(row, dirty);
  }

  function countUnsaved(form) {
    var note = form && form.querySelector("[data-unsaved]");
    if (!note) return;
    var count = form.querySelectorAll("tbody tr[data-dirty]").length;
    note.textContent = count ? count + (count === 1 ? " unsaved change" : " unsaved changes") : "";
  }

  function updateDirty(row) {
    markDirty(row);
    countUnsaved(row.closest("[data-roster]"));
  }

  document.addEventListener("change", function (event) {
    var row = rosterRow(event.target);
    if (row) updateDirty(row);
  });

  // A row saved in place comes back without its Save button: keep the keyboard user's
  // place on the row's status rather than losing the focus to the page, and count the
  // roster's unsaved changes again.
  document.addEventListener("htmx:afterSettle", function (event) {
    var row = event.target;
    if (!row.matches || !row.matches("[data-roster] tbody tr")) return;
    updateDirty(row);
    if (document.activeElement !== document.body) return;
    var status = row.querySelector("input[type=radio]:checked") || row.querySelector("input[type=radio]");
    if (status) status.focus();
  });

  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    var row = rosterRow(event.target);
    if (!row || event.target.matches("input[type=text], input[type=search], textarea")) return;
    var form = row.closest("[data-roster]");
    var keys = {};
    (form.getAttribute("data-status-keys") || "").split(" ").forEach(function (pair) {
      var parts = pair.split("=");
      keys[parts[0]] = parts[1];
    });
    var value = keys[event.key.toUpperCase()];
    var option = value && row.querySelector('input[type=radio][value="' + value + '"]');
    if (!option) return;
    event.preventDefault();
    option.checked = true;
    option.focus();
    option.dispatchEvent(new Event("change", { bubbles: true }));
  });

  document.addEventListener("click", function (event) {
    var fill = event.target.closest("[data-fill-unmarked]");
    if (!fill) return;
    event.preventDefault();
    var form = fill.closest("[data-roster]");
    var value = fill.getAttribute("data-fill-unmarked");
    var filled = 0;
    form.querySelectorAll("tbody tr").forEach(function (row) {
      if (row.querySelector("input[type=radio]:checked")) return;
      var option = row.querySelector('input[type=radio][value="' + value + '"]');
      if (option) {
        option.checked = true;
        markDirty(row);
        filled += 1;
      }
    });
    countUnsaved(form);
    var live = document.getElementById("live-status");
    if (live) live.textContent = "Set " + filled + " unmarked rows to Present. Save to keep them.";
  });

  window.addEventListener("beforeunload", function (event) {
    if (document.querySelector("[data-roster] tr[data-dirty]") && !window.hrmsSubmitting) {
      event.preventDefault();
    }
  });
  document.addEventListener("submit", function (event) {
    // A plain (non-htmx) submit leaves the page on purpose: no warning then.
    if (!event.defaultPrevented) window.hrmsSubmitting = true;
  });

  // The time clock, where the deployment asks for the location: the browser's position
  // goes with the punch if the person allows it within a few seconds; otherwise the punch
  // goes without it. A second tap while waiting does nothing (the form's key would make
  // it the same punch anyway).
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.matches("form[data-clock-location]") || form.dataset.located) return;
    event.preventDefault();
    if (form.dataset.locating || !navigator.geolocation) {
      if (!navigator.geolocation) form.submit();
      return;
    }
    form.dataset.locating = "1";
    var done = function () {
      form.dataset.located = "1";
      form.submit();
    };
    navigator.geolocation.getCurrentPosition(
      function (position) {
        form.elements.latitude.value = position.coords.latitude.toFixed(6);
        form.elements.longitude.value = position.coords.longitude.toFixed(6);
        form.elements.accuracy.value = Math.round(position.coords.accuracy);
        done();
      },
      done,
      { timeout: 4000, maximumAge: 60000 }
    );
  }, true);

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
