// The application for kompenserende støtte (static/js/shown-by-choice.js hides the hours for a
// special place).
//
// The groups and the earlier interventions: only the chosen institution's are offered (the
// server renders them so for the institution it knows; data-institution on each option and
// box). Another institution's are hidden and disabled, so they are not sent; with none chosen,
// all show. A group of another institution chosen before the change goes back to "no group".
(function () {
  "use strict";
  document.querySelectorAll("form.support-form").forEach(function (form) {
    var institution = form.querySelector("select[name='institution']");
    var boxes = form.querySelectorAll(".earlier-interventions [data-institution]");
    var group = form.querySelector("select[name='group']");
    var groups = group ? group.querySelectorAll("option[data-institution]") : [];
    if (!institution || (!boxes.length && !groups.length)) { return; }
    function mine(element) {
      return !institution.value || element.getAttribute("data-institution") === institution.value;
    }
    function update() {
      boxes.forEach(function (box) {
        var input = box.querySelector("input");
        var shown = mine(box);
        box.hidden = !shown;
        if (input) { input.disabled = !shown; }
      });
      groups.forEach(function (option) {
        var shown = mine(option);
        option.hidden = !shown;
        option.disabled = !shown;
        if (!shown && option.selected) { group.value = ""; }
      });
    }
    institution.addEventListener("change", update);
  });
})();
