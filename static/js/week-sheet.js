// Live totals on the week sheet: per row, per category and for the week. Danish decimal commas.
(function () {
  "use strict";
  function parse(text) {
    var value = parseFloat(String(text).trim().replace(/\s/g, "").replace(",", "."));
    return isFinite(value) && value > 0 ? value : 0;
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
