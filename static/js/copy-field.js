// A button with data-copy-from="<id>" copies that field's text to the clipboard and says so on
// itself for a moment (data-copied-text, translated by Django). Where the clipboard is not
// available (an address without https), the text is selected for the person to copy.
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-copy-from]");
    if (!button) { return; }
    var field = document.getElementById(button.getAttribute("data-copy-from"));
    if (!field) { return; }
    var label = button.textContent;
    function done() {
      button.textContent = button.getAttribute("data-copied-text") || label;
      window.setTimeout(function () { button.textContent = label; }, 2500);
    }
    field.focus();
    field.select();
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(field.value).then(done, function () {});
    } else if (document.execCommand && document.execCommand("copy")) {
      done();
    }
  });
})();
