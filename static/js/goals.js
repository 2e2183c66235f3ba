// The agreement's goals: "Tilføj et mål" adds a blank goal from the formset's empty form, so a
// third goal needs no save. Without JavaScript the button stays hidden and saving adds a row.
(function () {
  "use strict";
  document.querySelectorAll("[data-formset]").forEach(function (formset) {
    var prefix = formset.getAttribute("data-formset");
    var total = formset.querySelector("#id_" + prefix + "-TOTAL_FORMS");
    var max = formset.querySelector("#id_" + prefix + "-MAX_NUM_FORMS");
    var template = formset.querySelector("template[data-empty-form]");
    var list = formset.querySelector("[data-forms]");
    var button = formset.querySelector("[data-add-form]");
    var hint = formset.querySelector("[data-save-hint]");
    if (!total || !template || !list || !button) { return; }
    var limit = max ? parseInt(max.value, 10) : Infinity;
    function full() { return parseInt(total.value, 10) >= limit; }
    button.hidden = full();
    if (hint) { hint.hidden = true; }
    button.addEventListener("click", function () {
      if (full()) { return; }
      var index = parseInt(total.value, 10);
      var wrapper = document.createElement("div");
      wrapper.innerHTML = template.innerHTML.replace(/__prefix__/g, String(index));
      var added = wrapper.firstElementChild;
      list.appendChild(added);
      total.value = String(index + 1);
      button.hidden = full();
      var first = added.querySelector("textarea, input, select");
      if (first) { first.focus(); }
    });
  });
})();
