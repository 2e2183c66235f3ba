// Live totals on the week sheet: per row, per category and for the week. Danish decimal commas.
(function () {
  "use strict";
  // Only what the server takes as hours (HoursField in forloeb/hours/forms.py): ASCII digits
  // with at most one decimal comma or point and at most two decimals (a half hour may be ",5"),
  // up to 168. Anything else ("1e2", "1.000,5", "-2") counts as nothing here; saving then gives
  // the Danish message for it.
  var HOURS = /^\s*(?:[0-9]+(?:[.,][0-9]{1,2})?|[.,][0-9]{1,2})\s*$/;
  function parse(text) {
    var typed = String(text);
    if (!HOURS.test(typed)) { return 0; }
    var value = parseFloat(typed.trim().replace(",", "."));
    return isFinite(value) && value > 0 && value <= 168 ? value : 0;
  }
  function show(value) {
    return (Math.round(value * 100) / 100).toString().replace(".", ",");
  }
  function recalc(table) {
    var columns = {};
    var grand = 0;
    table.querySelectorAll("tbody tr").forEach(function (row) {
      var sum = 0;
      row.querySelectorAll("td[data-category]").forEach(function (cell) {
        var input = cell.querySelector("input");
        var shown = cell.querySelector("[data-value]");
        var value = parse(input ? input.value : (shown ? shown.textContent : ""));
        var category = cell.getAttribute("data-category");
        columns[category] = (columns[category] || 0) + value;
        sum += value;
      });
      grand += sum;
      var total = row.querySelector("[data-row-total] [data-total]");
      if (total) { total.textContent = show(sum); }
    });
    table.querySelectorAll("[data-column-total]").forEach(function (cell) {
      cell.querySelector("[data-total]").textContent = show(columns[cell.getAttribute("data-column-total")] || 0);
    });
    var grandCell = table.querySelector("[data-grand-total] [data-total]");
    if (grandCell) { grandCell.textContent = show(grand); }
  }
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-week-grid]").forEach(function (table) {
      recalc(table);
      table.addEventListener("input", function () { recalc(table); });
    });
  });
})();
