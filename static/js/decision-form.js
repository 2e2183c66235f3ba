// The decision form on the visitation board: the hours, period and re-visitation fields are
// shown for a grant only, the last day of support for an ending only (data-for-outcomes on each
// field). Without JavaScript every field shows, and the server ignores what the decision does
// not use.
(function () {
  "use strict";
  document.querySelectorAll("form.decision-form").forEach(function (form) {
    var outcome = form.querySelector("select[name$='-outcome']");
    if (!outcome) { return; }
    var fields = form.querySelectorAll("[data-for-outcomes]");
    function update() {
      fields.forEach(function (field) {
        var wanted = field.getAttribute("data-for-outcomes").split(" ");
        var wrapper = field.closest(".mb-3") || field.parentElement;
        var shown = wanted.indexOf(outcome.value) !== -1;
        wrapper.hidden = !shown;
        field.disabled = !shown;
      });
    }
    outcome.addEventListener("change", update);
    update();
  });
})();
