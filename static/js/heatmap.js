// The heat map opens scrolled to this week: on a laptop the past weeks would otherwise push this
// week and the weeks ahead off to the right. The pedagogists' names stay in view (sticky).
(function () {
  "use strict";
  document.querySelectorAll("[data-scroll-to-current]").forEach(function (box) {
    var current = box.querySelector("thead [aria-current]");
    var sticky = box.querySelector("thead th");
    if (!current || !sticky) { return; }
    // One past week stays in view to the left of this week.
    var previous = current.previousElementSibling;
    var target = previous && previous !== sticky ? previous : current;
    box.scrollLeft = Math.max(0, target.offsetLeft - sticky.offsetWidth);
  });
})();
