// Behaviour of the portal's pages, kept out of the HTML: the Content-Security-Policy allows
// scripts from this site only, never inline ones.
"use strict";

document.addEventListener("change", function (event) {
  // <select data-autosubmit>: choosing an option submits its form (the registry's region filter).
  var field = event.target;
  if (field instanceof HTMLSelectElement && field.hasAttribute("data-autosubmit") && field.form) {
    field.form.submit();
  }
});

function labelTableCells() {
  // Tables of a list (table.list) become stacked cards on a phone: each cell takes its column's
  // name from the table's header, shown above the value (see site.css).
  document.querySelectorAll("table.list").forEach(function (table) {
    var names = Array.prototype.map.call(table.querySelectorAll("thead th"), function (th) {
      return th.textContent.trim();
    });
    table.querySelectorAll("tbody tr").forEach(function (row) {
      Array.prototype.forEach.call(row.children, function (cell, index) {
        if (names[index] && !cell.hasAttribute("data-label")) cell.setAttribute("data-label", names[index]);
      });
    });
  });
}

if (document.readyState === "loading") {
  document.addEventListener("DOMContentLoaded", labelTableCells);
} else {
  labelTableCells();
}
