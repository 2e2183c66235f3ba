// A counter under every text box with a maximum length: "123 af 4000 tegn". The count is shown at
// once; a screen reader hears it (aria-live="polite") when the typing pauses, not at every key.
// The Danish text comes from the script tag (data-counter-text, translated by Django).
(function () {
  "use strict";
  var script = document.currentScript;
  var template = (script && script.getAttribute("data-counter-text")) || "{count} / {max}";
  var serial = 0;

  function say(count, max) {
    return template.replace("{count}", count).replace("{max}", max);
  }

  function attach(box) {
    var max = parseInt(box.getAttribute("maxlength"), 10);
    if (!(max > 0) || box.hasAttribute("data-counter-attached")) { return; }
    box.setAttribute("data-counter-attached", "");
    serial += 1;
    var id = (box.id || "text-counter-box-" + serial) + "-counter";
    var shown = document.createElement("div");
    shown.className = "form-text text-counter text-end";
    shown.id = id;
    var heard = document.createElement("div");
    heard.className = "visually-hidden";
    heard.setAttribute("aria-live", "polite");
    var anchor = box.nextElementSibling && box.nextElementSibling.classList.contains("invalid-feedback")
      ? box.nextElementSibling : box;
    anchor.insertAdjacentElement("afterend", shown);
    shown.insertAdjacentElement("afterend", heard);
    var described = box.getAttribute("aria-describedby");
    box.setAttribute("aria-describedby", described ? described + " " + id : id);
    var timer = null;
    function update() {
      var count = box.value.length;
      shown.textContent = say(count, max);
      shown.classList.toggle("text-danger", count > max);
      shown.classList.toggle("text-warning-emphasis", count <= max && count >= max * 0.9);
      window.clearTimeout(timer);
      timer = window.setTimeout(function () { heard.textContent = say(count, max); }, 1000);
    }
    box.addEventListener("input", update);
    shown.textContent = say(box.value.length, max);
  }

  function start() {
    document.querySelectorAll("textarea[maxlength]").forEach(attach);
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
