// The application for kompenserende støtte (static/js/shown-by-choice.js hides the hours for a
// special place).
//
// The earlier interventions: only the chosen institution's are offered (the server renders
// them so for the institution it knows; data-institution on each box). Another institution's
// are hidden and disabled, so they are not sent; with none chosen, all show.
(function () {
  "use strict";
  document.querySelectorAll("form.support-form").forEach(function (form) {
    var institution = form.querySelector("select[name='institution']");
    var boxes = form.querySelectorAll(".earlier-interventions [data-institution]");
    if (!institution || !boxes.length) { return; }
    function update() {
      boxes.forEach(function (box) {
        var input = box.querySelector("input");
        var shown = !institution.value || box.getAttribute("data-institution") === institution.value;
        box.hidden = !shown;
        if (input) { input.disabled = !shown; }
      });
    }
    institution.addEventListener("change", update);
  });
})();
