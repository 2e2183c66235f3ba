// Fields a form shows for some choices of one of its lists only. A field names the choices it
// is for in an attribute, and the attribute names the list that chooses:
// - data-for-kinds: the form's kind (a course's plan change: the practice day for a
//   cancellation, the new day and its times for an extra day, both for a move; the support
//   application: the hours for support hours, not for a special place);
// - data-for-outcomes: the decision's outcome on the visitation board (hours, period and
//   re-visitation for a grant, the last day of support for an ending).
// A field not chosen is hidden and disabled (a disabled field is not sent, so what was typed
// before the choice changed is not saved with it); in a row of fields its whole column goes,
// so the others close up. Without JavaScript every field shows, and the server names a field
// a choice needs under that field and ignores, or refuses, one it does not use.
(function () {
  "use strict";
  var CHOOSERS = [
    ["data-for-kinds", "select[name$='kind']"],
    ["data-for-outcomes", "select[name$='-outcome']"]
  ];
  document.querySelectorAll("form").forEach(function (form) {
    CHOOSERS.forEach(function (chooser) {
      var fields = form.querySelectorAll("[" + chooser[0] + "]");
      var choice = form.querySelector(chooser[1]);
      if (!fields.length || !choice) { return; }
      function update() {
        fields.forEach(function (field) {
          var wanted = field.getAttribute(chooser[0]).split(" ");
          var wrapper = field.closest(".mb-3") || field.parentElement;
          var column = wrapper.parentElement && wrapper.parentElement.closest(".row > [class*='col']");
          if (column && (column === form || !form.contains(column))) { column = null; }
          var shown = wanted.indexOf(choice.value) !== -1;
          (column || wrapper).hidden = !shown;
          field.disabled = !shown;
        });
      }
      choice.addEventListener("change", update);
      update();
    });
  });
})();
