// The office kiosk (templates/timeclock/kiosk.html). A result stays a few seconds, then
// goes, so the next person finds a blank page; an idle page is renewed every ten minutes,
// clearing what was half typed and keeping the kiosk signed in. Without JavaScript the
// kiosk works the same, the result staying until the next person's.
(function () {
  "use strict";

  var RESULT_MS = 6000;
  var IDLE_MS = 10 * 60 * 1000;

  document.querySelectorAll("[data-kiosk-result]").forEach(function (result) {
    window.setTimeout(function () {
      result.remove();
    }, RESULT_MS);
  });

  var idle;
  function renewWhenIdle() {
    window.clearTimeout(idle);
    idle = window.setTimeout(function () {
      window.location.replace(window.location.pathname);
    }, IDLE_MS);
  }
  ["keydown", "pointerdown", "input"].forEach(function (type) {
    document.addEventListener(type, renewWhenIdle, true);
  });
  renewWhenIdle();
})();
