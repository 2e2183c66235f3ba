// While an access request is being made, its page reloads every few seconds to show how far the
// worker has come, and stops once it is ready or failed. Without scripts "Opdatér" does the same.
(function () {
  "use strict";
  var box = document.querySelector("[data-refresh-seconds]");
  if (!box) { return; }
  var seconds = parseInt(box.getAttribute("data-refresh-seconds"), 10) || 3;
  window.setTimeout(function () { window.location.reload(); }, seconds * 1000);
})();
