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

// Sign-up (ACC-1): the account address is proposed from the company name until the person edits
// it, and checked while typing against /signup/address/ ("free" / "taken — use X"). A
// suggestion's button fills the field; without script it submits the form with the suggestion.
var SLUG_FORMS = /\s*\b(aps|a\/s|as|asa|ab|ltd|limited|gmbh|s\.r\.o\.|sro|inc|llc|pte|i\/s|k\/s|ivs)\.?$/i;
var SLUG_LETTERS = { "æ": "ae", "ø": "oe", "å": "aa", "ß": "ss" };

function slugFromCompany(company) {
  var name = company.trim().replace(SLUG_FORMS, "").replace(/[\s,.]+$/, "").toLowerCase();
  name = name.replace(/[æøåß]/g, function (letter) { return SLUG_LETTERS[letter]; });
  name = name.normalize("NFKD").replace(/[\u0300-\u036f]/g, "");
  return name.replace(/[^a-z0-9]+/g, "-").slice(0, 50).replace(/^-+|-+$/g, "");
}

function slugCheck(field) {
  var status = document.getElementById("slug-status");
  var company = field.form && field.form.elements.namedItem("company");
  var edited = field.value !== "";
  var timer = null;
  var asked = "";

  function show(answer) {
    status.textContent = "";
    var note = document.createElement("span");
    note.className = answer.status;
    note.textContent = answer.message;
    status.appendChild(note);
    if (answer.suggestion) {
      var use = document.createElement("button");
      use.type = "button";
      use.className = "secondary";
      use.setAttribute("data-fill-slug", answer.suggestion);
      use.textContent = answer.use;
      status.appendChild(use);
    }
  }

  function check() {
    var slug = field.value.trim().toLowerCase();
    if (slug === asked) return;
    asked = slug;
    if (!slug) { status.textContent = ""; return; }
    fetch(field.getAttribute("data-slug-check") + "?slug=" + encodeURIComponent(slug), {
      headers: { Accept: "application/json" }, credentials: "same-origin",
    }).then(function (response) { return response.json(); }).then(function (answer) {
      if (field.value.trim().toLowerCase() === slug) show(answer);
    }).catch(function () { asked = ""; });
  }

  function later() {
    clearTimeout(timer);
    timer = setTimeout(check, 350);
  }

  field.addEventListener("input", function () { edited = field.value !== ""; later(); });
  if (company) {
    company.addEventListener("input", function () {
      if (!edited) { field.value = slugFromCompany(company.value); later(); }
    });
  }
  status.addEventListener("click", function (event) {
    var button = event.target.closest("[data-fill-slug]");
    if (!button) return;
    event.preventDefault();
    field.value = button.getAttribute("data-fill-slug");
    edited = true;
    field.focus();
    check();
  });
  if (field.value) check();
}

function slugChecks() {
  document.querySelectorAll("input[data-slug-check]").forEach(function (field) {
    if (document.getElementById("slug-status")) slugCheck(field);
  });
}

if (document.readyState === "loading") {
  document.addEventListener("DOMContentLoaded", slugChecks);
} else {
  slugChecks();
}
