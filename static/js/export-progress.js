// An export that is being built: look again every two seconds until it is ready (the page
// says so and offers a link to update it by hand without JavaScript). `data-export-waiting`
// may give other seconds: one that has waited long for the worker looks every 30, so that
// its "Byg den igen" button does not move under the finger.
(function () {
  "use strict";
  var waiting = document.querySelector("[data-export-waiting]");
  if (waiting) {
    var seconds = parseInt(waiting.getAttribute("data-export-waiting"), 10) || 2;
    window.setTimeout(function () { window.location.reload(); }, seconds * 1000);
  }
})();
