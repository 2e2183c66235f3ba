// The application for kompenserende støtte: a special place (Stendalen, an I-place, a double
// place) is applied for without support hours, so the hours field is hidden and disabled while
// such a kind is chosen (data-for-kinds on the field; a disabled field is not sent, so hours typed
// before the kind changed are not saved with a place). Without JavaScript the field shows, and
// the server refuses hours with a special place under the field.
(function () {
  "use strict";
  document.querySelectorAll("form.support-form").forEach(function (form) {
    var kind = form.querySelector("select[name='kind']");
    if (!kind) { return; }
    var fields = form.querySelectorAll("[data-for-kinds]");
    function update() {
      fields.forEach(function (field) {
        var wanted = field.getAttribute("data-for-kinds").split(" ");
        var wrapper = field.closest(".mb-3") || field.parentElement;
        // In a row of fields the whole column goes, so the others close up.
        var column = wrapper.parentElement && wrapper.parentElement.closest(".row > [class*='col']");
        var shown = wanted.indexOf(kind.value) !== -1;
        (column || wrapper).hidden = !shown;
        field.disabled = !shown;
      });
    }
    kind.addEventListener("change", update);
    update();
  });
})();

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
