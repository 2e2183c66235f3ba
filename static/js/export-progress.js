// An export that is being built: look again every two seconds until it is ready (the page
// says so and offers a link to update it by hand without JavaScript).
(function () {
  "use strict";
  if (document.querySelector("[data-export-waiting]")) {
    window.setTimeout(function () { window.location.reload(); }, 2000);
  }
})();
