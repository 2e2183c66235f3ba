// The form that changes (or proposes a change to) a course's practice day: only the fields the
// chosen kind uses are shown (data-for-kinds on each field): the practice day for a
// cancellation, the new day and its times for an extra day, both for a move. Without
// JavaScript every field shows, and the server names the field a kind needs under that field.
(function () {
  "use strict";
  document.querySelectorAll("form.plan-change-form").forEach(function (form) {
    var kind = form.querySelector("select[name$='kind']");
    if (!kind) { return; }
    var fields = form.querySelectorAll("[data-for-kinds]");
    function update() {
      fields.forEach(function (field) {
        var wanted = field.getAttribute("data-for-kinds").split(" ");
        var wrapper = field.closest(".mb-3") || field.parentElement;
        var shown = wanted.indexOf(kind.value) !== -1;
        wrapper.hidden = !shown;
        field.disabled = !shown;
      });
    }
    kind.addEventListener("change", update);
    update();
  });
})();
